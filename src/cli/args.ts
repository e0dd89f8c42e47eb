/**
 * Reading flag values: strictly, one rule per flag, errors as ParameterError naming the flag. yargs
 * hands us raw strings so that "abc", "NaN", "0x10" or "1e309" never become numbers silently.
 */
import { ParameterError } from '../errors.js'
import { clip, decimal, number, single } from '../text.js'

/** A comma-separated list of finite decimal numbers. */
export function numberList(flag: string, raw: unknown): number[] | undefined {
  const s = single(flag, raw)
  if (s === undefined) return undefined
  const parts = s.split(',')
  if (parts.some((p) => p.trim() === '')) throw new ParameterError(flag, `must be a number or a comma-separated list of numbers (got '${clip(s)}')`)
  return parts.map((p) => decimal(flag, p))
}

/** One of a fixed set of names. */
export function oneOf<T extends string>(flag: string, raw: unknown, options: readonly T[]): T | undefined {
  const s = single(flag, raw)
  if (s === undefined) return undefined
  if (!(options as readonly string[]).includes(s)) throw new ParameterError(flag, `must be one of ${options.join(', ')} (got '${clip(s)}')`)
  return s as T
}

/** A time in [0, 1]. */
export function time(flag: string, x: number): number {
  if (!(x >= 0 && x <= 1)) throw new ParameterError(flag, `must lie in [0, 1] (got ${x})`)
  return x
}

/**
 * Refuse `--no-NAME` for a flag that takes a value: yargs would set it to false (`--no-sigma`
 * needs a value) and read the word after it as a stray argument (`--no-sigma 5`: unexpected '5').
 */
export function checkNegations(argv: readonly string[], booleans: readonly string[]): void {
  const end = argv.indexOf('--')
  for (const word of end < 0 ? argv : argv.slice(0, end)) {
    const name = /^--no-([^=]+)/.exec(word)?.[1]
    if (name !== undefined && !booleans.includes(name)) throw new ParameterError(`no-${name}`, `unknown flag (only boolean flags have a --no- form: ${booleans.map((b) => `--no-${b}`).join(', ')})`)
  }
}

/** A flag written alone, to which the next word may belong. */
const BARE_FLAG = /^--([^-=][^=]*)$/

/**
 * One letter flags written with two dashes (`-t=0.5` as `--t=0.5`): yargs reads a word of one dash
 * as a group of one-letter flags, so `-t=` became a stray `=` and `-t --` took `--` as the value.
 */
const longForm = (word: string): string => (/^-[A-Za-z](=|$)/.test(word) ? `-${word}` : word)

/**
 * argv with each value that begins with one dash joined to its flag (`--t -1,0.5` becomes
 * `--t=-1,0.5`, `--alpha -t` becomes `--alpha=-t`). yargs reads such a value as more flags
 * (`-1,0.5` as -1 and a stray `1`), or leaves the flag empty, so the flag's own rule never got to
 * refuse it. Flags in `booleans` (and their --no- forms) take no value; a word of two dashes is a
 * flag, not a value (`--sigma --lambda 0.1` is --sigma without its value); nothing after `--`
 * is touched.
 */
export function joinDashValues(argv: readonly string[], booleans: ReadonlySet<string>): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const word = longForm(argv[i])
    if (word === '--') return out.concat(argv.slice(i))
    const m = BARE_FLAG.exec(word)
    const name = m?.[1]
    const next = argv[i + 1]
    const takesValue = name !== undefined && !booleans.has(name) && !name.startsWith('no-')
    if (takesValue && next !== undefined && next.startsWith('-') && !next.startsWith('--')) {
      out.push(`${word}=${next}`)
      i++
    } else out.push(word)
  }
  return out
}

/**
 * The words after `--`: the files of merge (so that a file name may begin with a dash); every
 * other command takes none, and yargs would drop them silently (`stats -- --sigma 0` printed
 * the defaults).
 */
export function checkAfterDashes(command: string, argv: readonly string[]): void {
  const end = argv.indexOf('--')
  if (end < 0 || command === 'merge' || end === argv.length - 1) return
  const word = argv[end + 1]
  throw new ParameterError(command, `unexpected argument '${clip(word)}' after -- (${command} takes no arguments there; flags go before --)`, true)
}
