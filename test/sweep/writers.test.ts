// The row writers (src/sweep/writers.ts): streamed JSON is exactly JSON.stringify(rows, null, 2);
// rounding for markdown and LaTeX follows the rule written in docs/cli.md (examples by hand).
import { describe, expect, it } from 'vitest'
import { roundedText, writer, type Cells, type SweepHeader, type TableFormat } from '../../src/sweep/writers.js'

const KEYS = ['n', 'mse', 'bo_cos']
const ROWS: Cells[] = [
  { n: 2, mse: 2.08441307437, bo_cos: 0.686 },
  { n: 1024, mse: 0.00439151849671, bo_cos: '0.99890' },
  { n: 123456, mse: 3.6e-5, bo_cos: 1 },
]
const HEADER: SweepHeader = {
  flowgm: 'test',
  sweep: 'compare',
  id: 'x',
  shard: '1/1',
  rows: 3,
  keys: KEYS,
  axes: { n: '2,1024,123456' },
  params: {},
  caption: 'A caption with $\\sigma = 1$.',
}
const print = (format: TableFormat, sigFigs?: number) => {
  const w = writer(format, KEYS, { header: HEADER, sigFigs, exact: new Set(['n']) })
  return w.start() + ROWS.map((r, i) => w.row(i, r)).join('') + w.end()
}

describe('writers', () => {
  it('json streamed row by row is the text of JSON.stringify(rows, null, 2), also for no rows', () => {
    expect(print('json')).toBe(JSON.stringify(ROWS, null, 2) + '\n')
    const w = writer('json', KEYS)
    expect(w.start() + w.end()).toBe(JSON.stringify([], null, 2) + '\n')
  })
  it('jsonl: the header, then {i, ...row} per line', () => {
    const lines = print('jsonl')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown)
    expect(lines[0]).toEqual(HEADER)
    expect(lines.slice(1)).toEqual(ROWS.map((r, i) => ({ i, ...r })))
  })
  it('csv and table print the values as given', () => {
    expect(print('csv')).toBe('n,mse,bo_cos\n2,2.08441307437,0.686\n1024,0.00439151849671,0.99890\n123456,0.000036,1\n')
    // Right-aligned to the widest cell of each column (6, 16, 7 characters), two spaces between.
    expect(print('table').split('\n')[0]).toBe(['n'.padStart(6), 'mse'.padStart(16), 'bo_cos'.padStart(7)].join('  '))
  })
  it.each([
    [2.08441307437, 4, '2.084'],
    [0.00439151849671, 4, '0.004392'],
    [0.000439151849671, 4, '4.392e-4'],
    [0.686, 4, '0.6860'],
    [1, 4, '1.000'],
    [123456, 4, '1.235e5'],
    [9999.6, 4, '1.000e4'],
    [-0.03125, 2, '-0.031'],
    ['0.99890', 3, '0.999'],
    ['1.23456789012345678901234567890123', 30, '1.23456789012345678901234567890'],
    [0, 4, '0'],
  ] as const)('%s to %i significant digits is %s', (x, sig, text) => {
    expect(roundedText(x, sig)).toBe(text)
  })
  it('markdown: a GitHub table, grid columns exact, values rounded to --sig-figs', () => {
    expect(print('markdown', 3)).toBe(['| n | mse | bo_cos |', '|---:|---:|---:|', '| 2 | 2.08 | 0.686 |', '| 1024 | 0.00439 | 0.999 |', '| 123456 | 3.60e-5 | 1.00 |', ''].join('\n'))
  })
  it('latex: a table with caption and a booktabs tabular, one & per column gap, math-mode cells', () => {
    const text = print('latex')
    const lines = text.trim().split('\n')
    expect(lines).toContain('\\caption{A caption with $\\sigma = 1$.}')
    expect(lines).toContain('\\begin{tabular}{rrr}')
    expect(lines.filter((l) => /^\\(top|mid|bottom)rule$/.test(l))).toEqual(['\\toprule', '\\midrule', '\\bottomrule'])
    const body = lines.filter((l) => l.endsWith('\\\\'))
    expect(body).toHaveLength(4)
    for (const l of body) expect(l.split(' & ')).toHaveLength(3)
    expect(body[0]).toBe('$n$ & $\\mathrm{mse}$ & $\\cos_{\\mathrm{BO}}$ \\\\')
    expect(body[3]).toBe('$123456$ & $3.600 \\times 10^{-5}$ & $1.000$ \\\\')
    expect(lines.at(-1)).toBe('\\end{table}')
  })
  it('latex and csv: a null cell is empty; a note is text, its underscores escaped for LaTeX and quoted in CSV', () => {
    const keys = ['n', 'kl_noskip', 'note']
    const row: Cells = { n: 8, kl_noskip: null, note: 'kl_noskip, C_kl_noskip: infinite (printed as null)' }
    const latex = writer('latex', keys, { header: HEADER, exact: new Set(['n', 'note']) })
    expect(latex.row(0, row)).toBe('$8$ &  & kl\\_noskip, C\\_kl\\_noskip: infinite (printed as null) \\\\\n')
    expect(writer('csv', keys).row(0, row)).toBe('8,,"kl_noskip, C_kl_noskip: infinite (printed as null)"\n')
  })
})
