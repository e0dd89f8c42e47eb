/**
 * The pass/fail logic and the document model of `npm run validate` (src/tools/validate.ts).
 *
 * Every check is a difference between routes and a tolerance; it passes when the difference is a
 * finite number no larger than the tolerance. A NaN or infinite difference (a route that broke)
 * fails, as does a negative or non-finite tolerance. Each table row carries one or more checks; the
 * row passes when all of them do. The worst row of a table is the one whose difference is the
 * largest fraction of its tolerance.
 */
import { maxOf } from '../../extent.js'

export interface Check {
  /** The difference between the routes (>= 0), in the unit of `tol`. */
  readonly diff: number
  readonly tol: number
}

/** diff <= tol, with NaN, infinite or negative values failing. */
export function passes(c: Check): boolean {
  return Number.isFinite(c.diff) && Number.isFinite(c.tol) && c.tol >= 0 && c.diff >= 0 && c.diff <= c.tol
}

/** diff / tol; Infinity for a check that cannot pass (NaN or infinite values, diff > tol = 0). */
export function usage(c: Check): number {
  const sane = Number.isFinite(c.diff) && c.diff >= 0 && Number.isFinite(c.tol) && c.tol >= 0
  if (!sane) return Number.POSITIVE_INFINITY
  if (c.diff === 0) return 0
  return c.tol > 0 ? c.diff / c.tol : Number.POSITIVE_INFINITY
}

/**
 * Relative difference of `x` from the reference `ref`, |x - ref| / |ref|, or the absolute difference
 * |x| where the reference is exactly 0 (a value that vanishes by construction). NaN if either is.
 */
export function relDiff(x: number, ref: number): number {
  if (Number.isNaN(x) || Number.isNaN(ref)) return Number.NaN
  if (x === ref) return 0
  return ref === 0 ? Math.abs(x) : Math.abs(x - ref) / Math.abs(ref)
}

/** The largest of some differences, NaN if any is NaN (Math.max already does so). */
export const worstOf = (xs: readonly number[]): number => (xs.length ? maxOf(xs) : 0)

export interface Row {
  /** The cells as printed. */
  readonly cells: readonly string[]
  readonly checks: readonly Check[]
  /** Where the row is, for the summary (e.g. "linear, skip, t = 1, M"). */
  readonly label: string
}

export interface Table {
  readonly id: string
  readonly title: string
  /** Paragraphs above the table: the routes, the tolerance and why. */
  readonly intro: readonly string[]
  readonly head: readonly string[]
  readonly rows: readonly Row[]
  /** Lines below the table (notes). */
  readonly notes?: readonly string[]
}

/** A row from its cells and checks; the last cell printed is the verdict. */
export function row(label: string, cells: readonly string[], checks: readonly Check[]): Row {
  return { label, cells: [...cells, verdict(checks)], checks }
}

export const rowPasses = (r: Row): boolean => r.checks.length > 0 && r.checks.every(passes)
/** The number of failing rows over all tables (the run exits 1 when it is not 0). */
export const failedRows = (tables: readonly Table[]): number => tables.reduce((a, t) => a + t.rows.filter((r) => !rowPasses(r)).length, 0)
export const verdict = (checks: readonly Check[]): string => (checks.length > 0 && checks.every(passes) ? 'pass' : '**FAIL**')

export interface TableSummary {
  readonly rows: number
  readonly checks: number
  readonly failed: number
  /** The row whose difference is the largest fraction of its tolerance. */
  readonly worst?: { readonly label: string; readonly usage: number; readonly check: Check }
}

export function summarise(t: Table): TableSummary {
  let worst: TableSummary['worst']
  let checks = 0
  for (const r of t.rows) {
    for (const c of r.checks) {
      checks++
      const u = usage(c)
      if (!worst || u > worst.usage) worst = { label: r.label, usage: u, check: c }
    }
  }
  return { rows: t.rows.length, checks, failed: t.rows.filter((r) => !rowPasses(r)).length, worst }
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** A value with `digits` significant digits (trailing zeros of the mantissa kept; -0 as 0). */
export function value(x: number, digits = 10): string {
  if (Object.is(x, -0) || x === 0) return '0'
  if (!Number.isFinite(x)) return String(x)
  const a = Math.abs(x)
  return a >= 1e-4 && a < 1e7 ? x.toPrecision(digits) : x.toExponential(digits - 1)
}

/** A difference or tolerance: two significant digits, exponent notation below 0.01. */
export function small(x: number): string {
  if (x === 0) return '0'
  if (!Number.isFinite(x)) return String(x)
  const a = Math.abs(x)
  return a >= 0.01 && a < 1e4 ? x.toPrecision(2) : x.toExponential(1)
}

/** A number as printed in the tables (possibly followed by a parenthesised remark), or a dash. */
const NUMERIC = /^(?:[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?(?: \(.*\))?|-|—(?: \(.*\))?|≥ \d+|\d+ \(≥ \d+\)|1e\d+|pass|\*\*FAIL\*\*)$/

/** A Markdown table with aligned columns: numeric columns right-aligned, text columns left-aligned. */
export function markdownTable(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|')
  const cells = [head, ...rows].map((r) => r.map(esc))
  const widths = head.map((_, j) => Math.max(3, maxOf(cells.map((r) => r[j].length))))
  const right = head.map((_, j) => rows.length > 0 && rows.every((r) => NUMERIC.test(r[j])))
  const line = (r: readonly string[]) => `| ${r.map((c, j) => (right[j] ? c.padStart(widths[j]) : c.padEnd(widths[j]))).join(' | ')} |`
  const rule = `| ${widths.map((w, j) => (right[j] ? `${'-'.repeat(w - 1)}:` : `:${'-'.repeat(w - 1)}`)).join(' | ')} |`
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n')
}

/**
 * A check on a number of agreeing significant digits: the agreement as a relative difference
 * 10^-agreed against the tolerance 10^-need (so diff/tol = 10^(need - agreed)).
 */
export const digitsCheck = (agreed: number, need: number): Check => ({ diff: 10 ** -agreed, tol: 10 ** -need })

/** A table whose builder threw: one failing row saying why, so the document still says it. */
export function brokenTable(id: string, title: string, error: unknown): Table {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return {
    id,
    title,
    intro: ['This table could not be computed: the run threw the error below. Counted as a failure.'],
    head: ['error', 'ok'],
    rows: [row('error', [message.replace(/\s+/g, ' ')], [{ diff: Number.POSITIVE_INFINITY, tol: 0 }])],
  }
}
