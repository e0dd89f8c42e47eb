/**
 * An invalid value the caller gave: a parameter out of its domain, a schedule the flow cannot
 * use, a request beyond what the tool answers faithfully. `parameter` names it as the library
 * and docs/theory.md do (`sigma`, `alpha`, `digits`; the CLI's flags have the same names) and
 * `rule` says what it must satisfy; the message is `parameter: rule`. The CLI prints it as
 * `flowgm: --parameter: rule` with exit code 2 (`positional`: a positional argument, a file,
 * printed without dashes).
 */
export class ParameterError extends Error {
  readonly parameter: string
  readonly rule: string
  readonly positional: boolean
  constructor(parameter: string, rule: string, positional = false) {
    super(`${parameter}: ${rule}`)
    this.name = 'ParameterError'
    this.parameter = parameter
    this.rule = rule
    this.positional = positional
  }
}

/** The error as the CLI prints it: `--parameter: rule` (a positional argument without dashes). */
export const flagText = (e: ParameterError): string => `${e.positional ? '' : '--'}${e.parameter}: ${e.rule}`

/**
 * The output could not be written although its name was fine: a full disk, an I/O error, a reader
 * that went away. Not the user's input: reported as one line with exit code 1.
 */
export class OutputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'OutputError'
  }
}

/** An error as a worker thread posts it: a ParameterError crosses as its parameter and rule. */
export interface PostedError {
  readonly error: string
  readonly input?: { readonly parameter: string; readonly rule: string; readonly positional: boolean }
}

/** `e`, to post from a worker thread. */
export const postedError = (e: unknown): PostedError => ({
  error: e instanceof Error ? e.message : String(e),
  input: e instanceof ParameterError ? { parameter: e.parameter, rule: e.rule, positional: e.positional } : undefined,
})

/** A posted error raised again in the main thread: a ParameterError as one (exit 2, not 1). */
export const raisedError = (m: PostedError): Error => (m.input ? new ParameterError(m.input.parameter, m.input.rule, m.input.positional) : new Error(m.error))
