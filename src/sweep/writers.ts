/**
 * Writers of row tables, one row at a time: every format except the aligned `table` streams (a
 * row is written as soon as it is known); `table` needs every row for its column widths.
 *
 * A row holds the values as they are printed in JSON: numbers already rounded to the digits the
 * solver guarantees, or decimal strings under --digits. Rendering is a pure function of the rows
 * and the sweep header, so a merged sweep prints byte for byte what the unsharded one prints.
 */
import { Decimal } from 'decimal.js'
import { maxOf } from '../extent.js'

export type Value = number | string | null
/**
 * One row: the value of each key as printed in JSON (a rounded number, or a decimal string under
 * --digits; null for an infinite value, src/printing.ts, or a row without a note).
 */
export type Cells = Readonly<{ [key: string]: Value }>

export const TABLE_FORMATS = ['table', 'csv', 'json', 'jsonl', 'markdown', 'latex'] as const
export type TableFormat = (typeof TABLE_FORMATS)[number]

/** The first line of a JSONL sweep: what was computed, so that shards can be merged and checked. */
export interface SweepHeader {
  /** flowgm version that wrote the file. */
  readonly flowgm: string
  /** The command (compare, dae-compare, curves). */
  readonly sweep: string
  /** Fingerprint of everything that determines the rows (not the shard, format or output). */
  readonly id: string
  readonly shard: string
  /** Rows of the whole grid. */
  readonly rows: number
  readonly keys: readonly string[]
  /** The grid axes as given (list or range), in row order. */
  readonly axes: Readonly<{ [name: string]: string }>
  /** Everything else that determines the rows (schedule, variant, fixed parameters, digits). */
  readonly params: Readonly<{ [name: string]: Value | boolean }>
  /** One line describing the parameters, in LaTeX (the caption of the latex format). */
  readonly caption: string
}

export interface WriterOptions {
  /** Significant digits of markdown and LaTeX cells (default 4). */
  readonly sigFigs?: number
  /** Keys printed exactly as given, never rounded (grid coordinates, counts). */
  readonly exact?: ReadonlySet<string>
  /** Required by jsonl (its first line) and latex (the caption). */
  readonly header?: SweepHeader
}

export interface Writer {
  /** Text before the first row. */
  start(): string
  /** The text of row number i of the grid. */
  row(i: number, r: Cells): string
  /** Text after the last row. */
  end(): string
}

export const DEFAULT_SIG_FIGS = 4

export function writer(format: TableFormat, keys: readonly string[], options: WriterOptions = {}): Writer {
  const sig = options.sigFigs ?? DEFAULT_SIG_FIGS
  const exact = options.exact ?? new Set<string>()
  const cell = (k: string, v: Value): string => (v === null ? '' : exact.has(k) ? String(v) : roundedText(v, sig))
  switch (format) {
    case 'csv':
      return { start: () => keys.join(',') + '\n', row: (_i, r) => keys.map((k) => csvText(r[k])).join(',') + '\n', end: () => '' }
    case 'json': {
      // The text of JSON.stringify(rows, null, 2), written row by row.
      let first = true
      return {
        start: () => '[',
        row: (_i, r) => {
          const text = (first ? '\n  ' : ',\n  ') + JSON.stringify(pick(keys, r), null, 2).replace(/\n/g, '\n  ')
          first = false
          return text
        },
        end: () => (first ? ']\n' : '\n]\n'),
      }
    }
    case 'jsonl': {
      const header = required(options.header, format)
      return { start: () => JSON.stringify(header) + '\n', row: (i, r) => JSON.stringify({ i, ...pick(keys, r) }) + '\n', end: () => '' }
    }
    case 'table': {
      const cells: string[][] = [keys.slice()]
      return {
        start: () => '',
        row: (_i, r) => {
          cells.push(keys.map((k) => String(r[k])))
          return ''
        },
        end: () => alignedText(cells),
      }
    }
    case 'markdown':
      return {
        start: () => `| ${keys.join(' | ')} |\n|${keys.map(() => '---:|').join('')}\n`,
        row: (_i, r) => `| ${keys.map((k) => cell(k, r[k])).join(' | ')} |\n`,
        end: () => '',
      }
    case 'latex': {
      const header = required(options.header, format)
      const math = (k: string, v: Value): string =>
        v === null ? '' : typeof v === 'string' && !isNumeric(v) ? latexText(v) : exact.has(k) ? `$${latexNumber(String(v))}$` : `$${latexNumber(roundedText(v, sig))}$`
      return {
        start: () =>
          [
            `% flowgm ${header.flowgm} ${header.sweep}; needs \\usepackage{booktabs}`,
            '\\begin{table}[htbp]',
            '\\centering',
            `\\caption{${header.caption}}`,
            `\\begin{tabular}{${'r'.repeat(keys.length)}}`,
            '\\toprule',
            keys.map(latexHeader).join(' & ') + ' \\\\',
            '\\midrule',
            '',
          ].join('\n'),
        row: (_i, r) => keys.map((k) => math(k, r[k])).join(' & ') + ' \\\\\n',
        end: () => ['\\bottomrule', '\\end{tabular}', '\\end{table}', ''].join('\n'),
      }
    }
  }
}

/** Whether a cell's text is a number (a note is not: LaTeX prints it as text). */
const isNumeric = (text: string): boolean => /^[-+]?[\d.]+(e[-+]?\d+)?$/i.test(text)

/** A CSV field: empty for null, quoted where the text holds a comma or a quote (a note). */
function csvText(v: Value): string {
  if (v === null) return ''
  const text = String(v)
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/**
 * Rows of cells (the header first) as aligned text, columns two spaces apart and right-aligned:
 * the table format, and with `firstLeft` and `rule` (the first column left-aligned, a rule of
 * dashes under the header) the summaries of the report and the benchmarks.
 */
export function alignedText(rows: ReadonlyArray<readonly string[]>, o: { readonly firstLeft?: boolean; readonly rule?: boolean } = {}): string {
  const widths = rows[0].map((_, j) => maxOf(rows.map((row) => row[j].length)))
  const line = (row: readonly string[]): string => row.map((c, j) => (j === 0 && o.firstLeft ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ')
  const lines = rows.map(line)
  if (o.rule) lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '))
  return lines.join('\n') + '\n'
}

/** A summary table: a header, a rule, then the rows (first column left-aligned, the others right). */
export const tableText = (head: readonly string[], rows: ReadonlyArray<readonly string[]>): string => alignedText([head, ...rows], { firstLeft: true, rule: true })

function required(header: SweepHeader | undefined, format: string): SweepHeader {
  if (!header) throw new Error(`the ${format} format needs a sweep header`)
  return header
}

const pick = (keys: readonly string[], r: Cells): { [key: string]: Value } => Object.fromEntries(keys.map((k) => [k, r[k]]))

const Fmt = Decimal.clone({ precision: 1100, toExpNeg: -9e15, toExpPos: 9e15 })

/**
 * A value rounded to `sig` significant digits, trailing zeros kept so every cell shows the same
 * number of digits: fixed notation for 1e-3 <= |x| < 10^sig, otherwise mantissa `e` exponent.
 */
export function roundedText(v: number | string, sig: number): string {
  const x = new Fmt(v).toSignificantDigits(sig)
  if (x.isZero()) return '0'
  const e = x.e
  if (e >= -3 && e < sig) return x.toFixed(Math.max(0, sig - 1 - e))
  return x.toExponential(sig - 1).replace('e+', 'e')
}

/** A rounded number in LaTeX math: 1.234e-5 becomes 1.234 \times 10^{-5}. */
function latexNumber(text: string): string {
  const m = /^(-?[\d.]+)e(-?\d+)$/.exec(text)
  return m ? `${m[1]} \\times 10^{${m[2]}}` : text
}

/** Math-mode column headers of every key a sweep prints. */
const LATEX_HEADERS: Readonly<{ [key: string]: string }> = {
  n: 'n',
  t: 't',
  sigma: '\\sigma',
  lambda: '\\lambda',
  omega: '\\omega',
  mse: '\\mathrm{mse}',
  cos: '\\cos\\angle(\\hat\\mu, \\mu)',
  bo_mse: '\\mathrm{mse}_{\\mathrm{BO}}',
  bo_cos: '\\cos_{\\mathrm{BO}}',
  pca_mse: '\\mathrm{mse}_{\\mathrm{PCA}}',
  pca_cos: '\\cos_{\\mathrm{PCA}}',
  mse_ratio: '\\mathrm{mse} / \\mathrm{mse}_{\\mathrm{BO}}',
  n_mse: 'n \\, \\mathrm{mse}',
  n_bo_mse: 'n \\, \\mathrm{mse}_{\\mathrm{BO}}',
  test_mse: '\\mathrm{mse}_{\\mathrm{test}}',
  oracle_mse: '\\mathrm{mse}_{\\mathrm{oracle}}',
  excess_mse: '\\mathrm{mse}_{\\mathrm{test}} - \\mathrm{mse}_{\\mathrm{oracle}}',
  c: '\\hat c_t',
  m: '\\hat m_t',
  q_xi: '\\hat q^{\\xi}_t',
  w_norm2: '\\|\\hat w\\|^2 / d',
  w_cos: '\\cos\\angle(\\hat w, \\mu)',
  margin: '\\mathrm{margin}',
  M: 'M_t',
  Q_xi: 'Q^{\\xi}_t',
  P: 'P_t',
  norm: '\\|X_t\\|^2 / d',
  cos_sample: '\\cos\\angle(X_t, \\mu)',
  var: 'P_t^2',
}

function latexHeader(key: string): string {
  const m = LATEX_HEADERS[key]
  return m !== undefined ? `$${m}$` : `\\texttt{${latexText(key)}}`
}

/** Plain text made safe for LaTeX (the caption, unknown keys). */
export function latexText(s: string): string {
  return s.replace(/[\\{}$&#%_^~]/g, (c) => (({ '\\': '\\textbackslash{}', '^': '\\textasciicircum{}', '~': '\\textasciitilde{}' }) as { [c: string]: string })[c] ?? `\\${c}`)
}
