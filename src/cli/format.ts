/**
 * Output formats shared by every command: aligned table, CSV and JSON. Numbers in double
 * precision are printed to SIG_FIGS significant digits, the accuracy the solver targets
 * (relative error <= 1e-12; see docs/cli.md for the exceptions); a non-finite value is an
 * internal error, never printed.
 */
export const FORMATS = ['table', 'csv', 'json'] as const
export type Format = (typeof FORMATS)[number]

/** Significant digits printed in double precision. */
export const SIG_FIGS = 12

export type Row = Readonly<Record<string, number>>

/** A high-precision value (decimal.js), printed with exactly `digits` significant digits. */
export interface Precise { toPrecision(digits: number): string; toSignificantDigits(digits: number): { toString(): string }; isZero(): boolean }
export type PreciseRow = Readonly<Record<string, Precise>>

/** A number rounded to SIG_FIGS significant digits (no negative zero). */
export function rounded(x: number): number {
  if (!Number.isFinite(x)) throw new Error(`non-finite value ${x} reached the output`)
  return Number(x.toPrecision(SIG_FIGS)) + 0
}

const text = (x: number): string => String(rounded(x))

/**
 * Render rows with the given column order. `single` prints JSON as one object rather than an
 * array (a command asked for one point).
 */
export function render(keys: readonly string[], rows: readonly Row[], format: Format, single: boolean): string {
  return layout(keys, rows.map((r) => keys.map((k) => ({ json: rounded(r[k]), text: text(r[k]) }))), format, single)
}

/**
 * Render high-precision rows: each value with exactly `digits` significant digits (decimal
 * strings in JSON), t as given, and the number of digits the two routes agree on.
 */
export function renderPrecise(keys: readonly string[], rows: readonly PreciseRow[], digits: number, verified: number, format: Format, single: boolean): string {
  const cells = rows.map((r) => [
    ...keys.map((k) => {
      const s = k === 't' ? r[k].toSignificantDigits(digits).toString() : preciseText(r[k], digits)
      return { json: s, text: s }
    }),
    { json: verified, text: String(verified) },
  ])
  return layout([...keys, 'digits_verified'], cells, format, single)
}

/** A high-precision value with exactly `digits` significant digits; an exact zero has none to show. */
export const preciseText = (x: Precise, digits: number): string => (x.isZero() ? '0' : x.toPrecision(digits))

type Cell = { json: number | string; text: string }

function layout(keys: readonly string[], rows: ReadonlyArray<readonly Cell[]>, format: Format, single: boolean): string {
  switch (format) {
    case 'json': {
      const objects = rows.map((r) => Object.fromEntries(keys.map((k, j) => [k, r[j].json])))
      return JSON.stringify(single && objects.length === 1 ? objects[0] : objects, null, 2) + '\n'
    }
    case 'csv':
      return [keys.join(','), ...rows.map((r) => r.map((c) => c.text).join(','))].join('\n') + '\n'
    case 'table': {
      const cells = [keys.slice(), ...rows.map((r) => r.map((c) => c.text))]
      const widths = keys.map((_, j) => Math.max(...cells.map((row) => row[j].length)))
      return cells.map((row) => row.map((c, j) => c.padStart(widths[j])).join('  ')).join('\n') + '\n'
    }
  }
}
