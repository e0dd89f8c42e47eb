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
