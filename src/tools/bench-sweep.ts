/**
 * Benchmark of the grid commands (run by `npm run bench`), each run measured as a whole process
 * as a user runs it (`node bin/flowgm.js ...`: start, model, rows), with its peak resident memory
 * (Linux: VmHWM), which must not grow with the grid (rows are streamed, never kept):
 *  - a compare sweep over n x sigma x lambda in double precision, JSONL streamed to a pipe that
 *    discards it, at 10^4 and 10^5 grid points, with one thread and with the default threads;
 *  - the load test: a streaming sweep of 10^6 rows written to a file (--format jsonl --out, the
 *    resumable FILE.partial), beside 10^4 rows of the same sweep. dae-compare over a t grid is
 *    the cheapest row (Result A in closed form, no integration), so the figures show the
 *    streaming itself: rows per second, and peak memory flat from 10^4 to 10^6 rows.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { countLines, measureCli } from './measure.js'

const TARGET_ROWS_PER_S = 5000

/** n x sigma x lambda grids of 10^4 and 10^5 points. */
const GRIDS = [
  { points: 1e4, args: ['--n-range', '2:101:lin', '--sigma-range', '0.5:2:lin:10', '--lambda-range', '0:1:lin:10'] },
  { points: 1e5, args: ['--n-range', '2:101:lin', '--sigma-range', '0.5:2:lin:100', '--lambda-range', '0:1:lin:10'] },
]

/** The streaming sweep (the one test/cli/load.test.ts runs): one n, a t grid of `rows` points. */
const streamingSweep = (rows: number): string[] => ['dae-compare', '--n', '8', '--points', String(rows), '--format', 'jsonl']

const line = (points: number, threads: string, rows: number, seconds: number, peakMiB: number): string =>
  `${points.toExponential(0).padStart(6)}  ${threads.padStart(8)}  ${String(rows).padStart(8)}  ${seconds.toFixed(2).padStart(8)}  ${(rows / seconds).toFixed(0).padStart(7)}  ${peakMiB.toFixed(0).padStart(15)}`

const HEAD = 'points   threads      rows   seconds   rows/s   peak RSS (MiB)'

async function main(): Promise<void> {
  console.log('compare sweep, double precision, JSONL streamed to a pipe (whole process: start, model, rows)')
  console.log(`target: rows per second >= ${TARGET_ROWS_PER_S} at 10^5 points; peak memory flat in the grid size\n`)
  console.log(HEAD)
  for (const jobs of ['1', 'default']) {
    for (const g of GRIDS) {
      const args = ['compare', ...g.args, '--format', 'jsonl', ...(jobs === '1' ? ['--jobs', '1'] : [])]
      const m = await measureCli(args)
      const r = { ...m, rows: m.lines - 1 }
      if (r.rows !== g.points) throw new Error(`expected ${g.points} rows, got ${r.rows}`)
      console.log(line(g.points, jobs, r.rows, r.seconds, r.peakMiB))
    }
  }

  console.log('\nstreaming sweep: dae-compare --n 8 --points P --format jsonl --out FILE (whole process; FILE written as FILE.partial, renamed)')
  console.log('target: peak memory bounded: the same at 10^6 rows as at 10^4, up to the heap the runtime keeps (a few tens of MiB)\n')
  console.log(HEAD)
  const dir = mkdtempSync(join(tmpdir(), 'flowgm-bench-sweep-'))
  try {
    for (const jobs of ['1', 'default']) {
      for (const points of [1e4, 1e6]) {
        const file = join(dir, 'sweep.jsonl')
        const m = await measureCli([...streamingSweep(points), '--out', file, ...(jobs === '1' ? ['--jobs', '1'] : [])])
        const rows = (await countLines(file)) - 1
        if (rows !== points) throw new Error(`expected ${points} rows, got ${rows}`)
        rmSync(file)
        console.log(line(points, jobs, rows, m.seconds, m.peakMiB))
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
