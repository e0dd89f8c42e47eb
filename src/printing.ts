/**
 * How a number is printed: a double to SIG_FIGS significant digits, the accuracy the solver
 * targets (relative error <= 1e-12; see docs/cli.md for the exceptions), and a high-precision
 * value with exactly the digits asked for. A non-finite value is an internal error, never printed.
 * Shared by the CLI's formats (src/cli/format.ts), the sweeps' rows and the figures' tables.
 */

/** Significant digits printed in double precision. */
export const SIG_FIGS = 12

/** A high-precision value (decimal.js), printed with exactly `digits` significant digits. */
export interface Precise {
  toPrecision(digits: number): string
  toSignificantDigits(digits: number): { toString(): string }
  isZero(): boolean
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
