/**
 * How a number is printed: a double to SIG_FIGS significant digits, the accuracy the solver
 * targets (relative error <= 1e-12; see docs/cli.md for the exceptions), and a high-precision
 * value with exactly the digits asked for. A non-finite value is an internal error, never printed.
 * Shared by the CLI's formats (src/cli/format.ts), the sweeps' rows and the figures' tables.
 */

import { INFINITE_KEYS } from './generated/keys.js'

/** Significant digits printed in double precision. */
export const SIG_FIGS = 12

/** A high-precision value (decimal.js), printed with exactly `digits` significant digits. */
export interface Precise {
  toPrecision(digits: number): string
  toSignificantDigits(digits: number): { toString(): string }
  isZero(): boolean
  isFinite(): boolean
  isNeg(): boolean
}
export type PreciseRow = Readonly<Record<string, Precise>>

/** A number as printed: finite, no negative zero. */
export function printable(x: number): number {
  if (!Number.isFinite(x)) throw new Error(`non-finite value ${x} reached the output`)
  return x + 0
}

/** A number rounded to SIG_FIGS significant digits (no negative zero). */
export const rounded = (x: number): number => printable(Number(x.toPrecision(SIG_FIGS)))

/** The printed text of a high-precision value: t as given (up to `digits` digits), others by preciseText. */
export const preciseCell = (key: string, x: Precise, digits: number): string => (key === 't' ? x.toSignificantDigits(digits).toString() : preciseText(x, digits))

/** A high-precision value with exactly `digits` significant digits; an exact zero has none to show. */
export const preciseText = (x: Precise, digits: number): string => (x.isZero() ? '0' : x.toPrecision(digits))

const INFINITE: ReadonlySet<string> = new Set(INFINITE_KEYS)

/** Whether a key's value is +Infinity where the model says it may be (flow.eq [infinite]): printed as null. */
const infiniteHere = (key: string, x: number | Precise): boolean => INFINITE.has(key) && (typeof x === 'number' ? x === Infinity : !x.isFinite() && !x.isNeg())

/** A double-precision value as printed: rounded, or null where the key may be infinite and is. */
export const valueCell = (key: string, x: number): number | null => (infiniteHere(key, x) ? null : rounded(x))

/** A high-precision value as printed (preciseCell), or null where the key may be infinite and is. */
export const preciseValueCell = (key: string, x: Precise, digits: number): string | null => (infiniteHere(key, x) ? null : preciseCell(key, x, digits))

/** The note of a row whose keys `nulls` are printed as null (infinite); empty when there are none. */
export function infiniteNote(nulls: readonly string[]): string {
  if (!nulls.length) return ''
  // Without commas: a CSV field a naive reader splits correctly.
  return `${nulls.join(' and ')} infinite (printed as null): the generated clusters have no spread (P = 0 as without skip connection at t = 1) so the generated law has no density`
}

/** The column that carries infiniteNote, present when some row may hold a null. */
export const NOTE_KEY = 'note'
