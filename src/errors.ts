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
