/**
 * Benchmark of the grid commands (run by `npm run bench`): a compare sweep over n x sigma x lambda
 * in double precision, as a user runs it (`node bin/flowgm.js compare ... --format jsonl`, rows
 * streamed to a pipe that discards them), at 10^4 and 10^5 grid points, with one thread and with
 * the default worker threads. Prints rows per second and the peak resident memory of the whole
 * process (Linux: VmHWM); the memory must not grow with the grid (rows are streamed, not kept).
 */
import { measureCli } from './measure.js'
const TARGET_ROWS_PER_S = 5000

/** n x sigma x lambda grids of 10^4 and 10^5 points. */
const GRIDS = [
  { points: 1e4, args: ['--n-range', '2:101:lin', '--sigma-range', '0.5:2:lin:10', '--lambda-range', '0:1:lin:10'] },
  { points: 1e5, args: ['--n-range', '2:101:lin', '--sigma-range', '0.5:2:lin:100', '--lambda-range', '0:1:lin:10'] },
]

async function main(): Promise<void> {
  console.log('compare sweep, double precision, JSONL streamed to a pipe (whole process: start, model, rows)')
  console.log(`target: rows per second >= ${TARGET_ROWS_PER_S} at 10^5 points; peak memory flat in the grid size\n`)
  console.log('points   threads      rows   seconds   rows/s   peak RSS (MiB)')
  for (const jobs of ['1', 'default']) {
    for (const g of GRIDS) {
      const args = ['compare', ...g.args, '--format', 'jsonl', ...(jobs === '1' ? ['--jobs', '1'] : [])]
      const m = await measureCli(args)
      const r = { ...m, rows: m.lines - 1 }
      if (r.rows !== g.points) throw new Error(`expected ${g.points} rows, got ${r.rows}`)
      console.log(`${g.points.toExponential(0).padStart(6)}  ${jobs.padStart(8)}  ${String(r.rows).padStart(8)}  ${r.seconds.toFixed(2).padStart(8)}  ${(r.rows / r.seconds).toFixed(0).padStart(7)}  ${r.peakMiB.toFixed(0).padStart(15)}`)
    }
  }
}

await main()
