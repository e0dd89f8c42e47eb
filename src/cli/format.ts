/**
 * Output formats of the single-point commands: aligned table, CSV and JSON (laid out by the
 * writers of src/sweep/writers.ts, which the grid commands stream), each number printed as
 * src/printing.ts prints it.
 */
import { writer, type Value } from '../sweep/writers.js'
import { infiniteNote, NOTE_KEY, preciseValueCell, printable, valueCell, type PreciseRow } from '../printing.js'

export const FORMATS = ['table', 'csv', 'json'] as const
export type Format = (typeof FORMATS)[number]

export type Row = Readonly<Record<string, number>>

/**
 * Columns that say where a row is (what was asked for, not what was computed). They are printed
 * whole, in the shortest text that reads back as the same number: rounded to SIG_FIGS digits,
 * t = 0.9999999999999 and t = 1 were two rows both labelled 1.
 */
export const COORDINATES: ReadonlySet<string> = new Set(['t', 'n', 'sigma', 'lambda', 'omega'])

/**
 * Render rows with the given column order. `single` prints JSON as one object rather than an
 * array (a command asked for one point).
 */
export function render(keys: readonly string[], rows: readonly Row[], format: Format, single: boolean): string {
  return noted(
    keys,
    rows.map((r) => keys.map((k) => (COORDINATES.has(k) ? printable(r[k]) : valueCell(k, r[k])))),
    format,
    single,
  )
}

/** Lay out rows, with a note column (infiniteNote) when some value is null. */
function noted(keys: readonly string[], rows: ReadonlyArray<readonly Value[]>, format: Format, single: boolean): string {
  if (!rows.some((r) => r.includes(null))) return layout(keys, rows, format, single)
  const notes = rows.map((r) => infiniteNote(keys.filter((_, j) => r[j] === null)) || null)
  return layout(
    [...keys, NOTE_KEY],
    rows.map((r, i) => [...r, notes[i]]),
    format,
    single,
  )
}

/**
 * Render high-precision rows: each value with exactly `digits` significant digits (decimal
 * strings in JSON), t exactly as given (`times`, the decimal text of each row's t), and the
 * number of digits the two routes agree on.
 */
export function renderPrecise(keys: readonly string[], rows: readonly PreciseRow[], times: readonly string[], digits: number, verified: number, format: Format, single: boolean): string {
  const cells = rows.map((r, j) => [...keys.map((k) => (k === 't' ? times[j] : preciseValueCell(k, r[k], digits))), verified])
  return noted([...keys, 'digits_verified'], cells, format, single)
}

function layout(keys: readonly string[], rows: ReadonlyArray<readonly Value[]>, format: Format, single: boolean): string {
  const objects = rows.map((r) => Object.fromEntries(keys.map((k, j) => [k, r[j]])))
  if (format === 'json' && single && objects.length === 1) return JSON.stringify(objects[0], null, 2) + '\n'
  const w = writer(format, keys)
  return w.start() + objects.map((o, i) => w.row(i, o)).join('') + w.end()
}
