/**
 * An error the user caused, raised at the edge (flag validation) and reported as one line on
 * stderr with exit code 2. `flag` names the offending flag (without dashes) and `rule` the rule.
 */
export class InputError extends Error {
  readonly flag: string
  readonly rule: string
  /** `positional`: `flag` names a positional argument (a file), printed without dashes. */
  constructor(flag: string, rule: string, positional = false) {
    super(`${positional ? '' : '--'}${flag}: ${rule}`)
    this.name = 'InputError'
    this.flag = flag
    this.rule = rule
  }
}

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

/** An error as a worker thread posts it: an InputError crosses as its flag and rule. */
export interface PostedError {
  readonly error: string
  readonly input?: { readonly flag: string; readonly rule: string }
}

/** `e`, to post from a worker thread. */
export const postedError = (e: unknown): PostedError =>
  ({ error: e instanceof Error ? e.message : String(e), input: e instanceof InputError ? { flag: e.flag, rule: e.rule } : undefined })

/** A posted error raised again in the main thread: an InputError as one (exit 2, not 1). */
export const raisedError = (m: PostedError): Error => (m.input ? new InputError(m.input.flag, m.input.rule) : new Error(m.error))
