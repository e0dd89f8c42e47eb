/**
 * Values read from text, strictly, one rule per parameter, errors as ParameterError naming it: the
 * decimal numbers of flags, grid specifications and exact parameter texts, and values quoted in
 * messages. Shared by the core and the CLI (src/cli/args.ts reads flags with them).
 */
import { ParameterError } from './errors.js'

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/** A decimal number's text (sign, digits, point, exponent), nothing else: not 0x10, Infinity, 1_000. */
export const isDecimal = (s: string): boolean => DECIMAL.test(s)

/** The single string value of a flag (refuses a flag given twice, or without a value). */
export function single(flag: string, raw: unknown): string | undefined {
  if (raw === undefined) return undefined
  if (Array.isArray(raw)) throw new ParameterError(flag, 'given more than once')
  // yargs reads `--flag` alone (and `--flag=`) as the empty string.
  if (typeof raw === 'boolean' || raw === '') throw new ParameterError(flag, 'needs a value')
  return String(raw)
}

/** The finite decimal number a text holds (one value of a flag, or of its list or range). */
export function decimal(flag: string, s: string): number {
  const text = s.trim()
  if (!isDecimal(text)) throw new ParameterError(flag, `must be a decimal number (got '${clip(s)}')`)
  const x = Number(text)
  if (!Number.isFinite(x)) throw new ParameterError(flag, `must be a finite number (got '${clip(s)}')`)
  // 1e-400 reads as 0: t = 0 and t = 1e-400 were two rows of t = 0.
  if (x === 0 && /[1-9]/.test(text.split(/e/i)[0])) throw new ParameterError(flag, `must be 0 or at least 5e-324 in magnitude (got '${clip(s)}', which a double reads as 0)`)
  return x
}

/**
 * Characters a message shows escaped: control characters (a newline would break the one line
 * of an error), bidirectional overrides (they reorder the rest of the line), lone surrogates.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** A value for a message: unprintable characters escaped (\n, \u0000), shortened to 40 characters. */
export function clip(s: string): string {
  const chars = Array.from(s.replace(UNPRINTABLE, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)))
  return chars.length > 40 ? `${chars.slice(0, 37).join('')}...` : chars.join('')
}

/** A finite decimal number. */
export function number(flag: string, raw: unknown): number | undefined {
  const s = single(flag, raw)
  return s === undefined ? undefined : decimal(flag, s)
}

/** An integer within [min, max]. */
export function integer(flag: string, raw: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const x = number(flag, raw)
  if (x === undefined) return undefined
  if (!Number.isInteger(x) || x < min || x > max) throw new ParameterError(flag, `must be an integer in [${min}, ${max}] (got ${x})`)
  return x
}
