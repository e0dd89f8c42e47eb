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
  switch (format) {
    case 'json': {
      const objects = rows.map((r) => Object.fromEntries(keys.map((k) => [k, rounded(r[k])])))
      return JSON.stringify(single && objects.length === 1 ? objects[0] : objects, null, 2) + '\n'
    }
    case 'csv':
      return [keys.join(','), ...rows.map((r) => keys.map((k) => text(r[k])).join(','))].join('\n') + '\n'
    case 'table': {
      const cells = [keys.slice(), ...rows.map((r) => keys.map((k) => text(r[k])))]
      const widths = keys.map((_, j) => Math.max(...cells.map((row) => row[j].length)))
      return cells.map((row) => row.map((c, j) => c.padStart(widths[j])).join('  ')).join('\n') + '\n'
    }
  }
}
