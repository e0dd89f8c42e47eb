// Load: a 10^6-row streaming sweep runs in bounded memory. The real CLI, as a whole process
// (measureCli: wall time and peak resident memory, VmHWM of /proc/PID/status), writes
// `dae-compare --n 8 --points 1000000 --format jsonl --out FILE` (the cheapest row: Result A in
// closed form), beside 10^4 rows of the same sweep. Checked: the peak memory is within a fixed
// bound and not much above the 10^4-row run's (rows are streamed, never kept); the file has
// exactly 10^6 + 1 lines (header, rows i = 0 ... 10^6 - 1 in order); and the rows at the grid
// points the sweep shares with an independent 1000-point run equal that run's rows.
import { createReadStream, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { measureCli } from '../../src/tools/measure.js'
import { requireBuild, show, spawnCli } from './run.js'

beforeAll(requireBuild)

const ROWS = 1_000_000
/** A t grid of `points` points of [0, 1]: t_k = k / (points - 1). */
const sweep = (points: number): string[] => ['dae-compare', '--n', '8', '--points', String(points), '--format', 'jsonl']
/** Peak resident memory allowed to the 10^6-row run (MiB): measured ~110 (Node 20, Linux x64), the 10^4-row run ~90. */
const PEAK_MIB = 192
/** How far above the 10^4-row run's peak it may go (MiB; measured ~20): the heap the runtime grows to, not rows (10^6 rows are 115 MB of text). */
const GROWTH_MIB = 64
/** The independent run: 1000 points, t_j = j/999; t_k of the big grid is the same double for k = 1001 j (999999 = 999 * 1001). */
const SMALL = 1000
const STRIDE = (ROWS - 1) / (SMALL - 1)

const dir = mkdtempSync(join(tmpdir(), 'flowgm-load-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// VmHWM is Linux's; elsewhere the test is reported as skipped.
describe.skipIf(!existsSync('/proc/self/status'))('a 10^6-row streaming sweep', () => {
  it(`runs in bounded memory (peak RSS < ${PEAK_MIB} MiB, < ${GROWTH_MIB} MiB above 10^4 rows) and writes every row, in order, equal to an independent run where the grids meet`, async () => {
    const big = join(dir, 'big.jsonl')
    const small = join(dir, 'small.jsonl')
    const reference = spawnCli([...sweep(SMALL), '--out', small], 60_000)
    const few = await measureCli([...sweep(10_000), '--jobs', '1', '--out', join(dir, 'few.jsonl')])
    const many = await measureCli([...sweep(ROWS), '--jobs', '1', '--out', big])
    const figures = `10^4 rows: ${few.seconds.toFixed(1)} s, peak ${few.peakMiB.toFixed(0)} MiB; 10^6 rows: ${many.seconds.toFixed(1)} s, peak ${many.peakMiB.toFixed(0)} MiB`
    console.log(`load: ${figures}`)
    expect(few.peakMiB, figures).toBeGreaterThan(0)
    expect(many.peakMiB, figures).toBeLessThan(PEAK_MIB)
    expect(many.peakMiB - few.peakMiB, figures).toBeLessThan(GROWTH_MIB)
    const r = await reference
    expect(r.code, show(r)).toBe(0)
    // Complete files only (no FILE.partial or temporary left).
    expect(readdirSync(dir).sort()).toEqual(['big.jsonl', 'few.jsonl', 'small.jsonl'])
    // The reference rows without their index: `{"i":j,` dropped.
    const expected: string[] = []
    for await (const line of createInterface({ input: createReadStream(small), crlfDelay: Infinity })) expected.push(line)
    expect(expected).toHaveLength(SMALL + 1)
    const body = (line: string) => line.slice(line.indexOf(',') + 1)

    // One pass over the big file: the header, then row k on line k + 2, the shared rows equal.
    let lines = 0
    let checked = 0
    for await (const line of createInterface({ input: createReadStream(big), crlfDelay: Infinity })) {
      if (lines === 0) {
        expect(JSON.parse(line)).toMatchObject({ sweep: 'dae-compare', rows: ROWS, shard: '1/1', keys: ['n', 't', 'test_mse', 'oracle_mse', 'excess_mse'] })
      } else {
        const k = lines - 1
        if (!line.startsWith(`{"i":${k},`)) throw new Error(`line ${lines + 1} is not row ${k}: ${line}`)
        if (k % STRIDE === 0) {
          expect(body(line), `row ${k}`).toBe(body(expected[k / STRIDE + 1]))
          checked++
        }
      }
      lines++
    }
    expect(lines).toBe(ROWS + 1)
    expect(checked).toBe(SMALL)
  }, 120_000)
})
