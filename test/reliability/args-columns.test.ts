// The coordinate columns (issue 15, class 6): the t of each row printed exactly as given, in every
// format, so that distinct inputs stay distinct (rounded to 12 digits, t = 0.9999999999999 and
// t = 1 were two rows labelled 1). The expected cells are the input texts themselves.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireBuild } from '../cli/run.js'
import { Runner, showArgv } from '../fuzz/harness.js'

const runner = new Runner()
beforeAll(requireBuild)
afterAll(() => runner.close())

const SEED = 20261206

/** The t column of a printed table (t is the first column of dae and stats). */
function tColumn(text: string, format: string): string[] {
  if (format === 'json') return (JSON.parse(text) as Array<{ t: number | string }>).map((r) => String(r.t))
  const rows = text.trimEnd().split('\n').slice(1)
  return rows.map((r) => (format === 'csv' ? r.split(',')[0] : r.trim().split(/\s+/)[0]))
}

async function printedTimes(argv: string[], format: string): Promise<string[]> {
  const o = await runner.run([...argv, '--format', format])
  expect(o.code, `flowgm ${showArgv(o.argv)}: ${o.stderr}`).toBe(0)
  return tColumn(o.stdout, format)
}

const FORMATS = ['table', 'csv', 'json'] as const

describe('regression: t = 0.9999999999999 and t = 1 are two rows, labelled apart', () => {
  for (const format of FORMATS) {
    it(`stats --t 0.9999999999999,1 --format ${format}`, async () => {
      expect(await printedTimes(['stats', '--t', '0.9999999999999,1'], format)).toEqual(['0.9999999999999', '1'])
    })
    it(`stats --digits 5 --t 0.99999999999999999999,1 --format ${format}`, async () => {
      // Under --digits the t is the decimal text given, more digits than double holds.
      expect(await printedTimes(['stats', '--digits', '5', '--t', '0.99999999999999999999,1'], format)).toEqual(['0.99999999999999999999', '1'])
    })
  }
  it('dae --t 0.9999999999999,1 (table)', async () => {
    expect(await printedTimes(['dae', '--t', '0.9999999999999,1'], 'table')).toEqual(['0.9999999999999', '1'])
  })
})

/** A time in (0, 1) as its shortest decimal text with up to `digits` significant digits, no trailing zero. */
const timeText = (digits: number): fc.Arbitrary<string> =>
  fc
    .tuple(fc.integer({ min: 1, max: digits }), fc.constantFrom('0', '9', 'x'), fc.nat())
    .map(([len, fill, seed]) => {
      // Mostly runs of 9s (times just below 1) or 0s (just above 0), where rounding merges rows.
      let s = ''
      for (let k = 0; k < len; k++) s += fill === 'x' ? String((seed >> (k % 20)) % 10) : fill
      s = s.replace(/0+$/, '')
      return s === '' ? '5' : s
    })
    .map((s) => `0.${s}`)

const times = (digits: number) => fc.uniqueArray(fc.oneof(timeText(digits), fc.constantFrom('0', '1')), { minLength: 2, maxLength: 4 })

describe('property: the t column reads back the times given, in every format', () => {
  it('double precision: up to 15 significant digits, printed as given', async () => {
    const failures: string[] = []
    await fc.assert(
      fc.asyncProperty(times(15), fc.constantFrom(...FORMATS), fc.constantFrom('dae', 'stats'), async (ts, format, command) => {
        const printed = await printedTimes([command, '--t', ts.join(',')], format)
        if (JSON.stringify(printed) !== JSON.stringify(ts)) failures.push(`${command} --t ${ts.join(',')} --format ${format}: ${printed.join(',')}`)
      }),
      { seed: SEED, numRuns: 40 },
    )
    expect(failures.slice(0, 5).join('\n')).toBe('')
  }, 60_000)

  it('--digits 5: up to 30 significant digits, printed as given', async () => {
    const failures: string[] = []
    await fc.assert(
      fc.asyncProperty(times(30), fc.constantFrom(...FORMATS), async (ts, format) => {
        const printed = await printedTimes(['stats', '--digits', '5', '--t', ts.join(',')], format)
        if (JSON.stringify(printed) !== JSON.stringify(ts)) failures.push(`stats --digits 5 --t ${ts.join(',')} --format ${format}: ${printed.join(',')}`)
      }),
      { seed: SEED, numRuns: 10 },
    )
    expect(failures.slice(0, 5).join('\n')).toBe('')
  }, 60_000)
})

describe('the uniform t grid under --digits (curves): no two grid points print alike', () => {
  // The points k/(K-1) are distinct and increasing by definition; their cells must be too.
  const increasing = (cells: readonly string[]) => cells.every((c, k) => k === 0 || Number(c) > Number(cells[k - 1]))
  it('regression: curves --digits 1 --points 30 (printed 0.1 twice)', async () => {
    const cells = await printedTimes(['curves', '--digits', '1', '--points', '30'], 'csv')
    expect(cells).toHaveLength(30)
    expect(increasing(cells)).toBe(true)
  })
  it('property: --points K in [2, 40], --digits 1 or 2, in csv and table', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 40 }), fc.constantFrom('1', '2'), fc.constantFrom('csv', 'table'), async (K, digits, format) => {
        const cells = await printedTimes(['curves', '--digits', digits, '--points', String(K)], format)
        expect(cells).toHaveLength(K)
        expect(increasing(cells), cells.join(' ')).toBe(true)
      }),
      { seed: SEED, numRuns: 6 },
    )
  }, 60_000)
})
