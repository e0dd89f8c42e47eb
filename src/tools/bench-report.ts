/**
 * Benchmark of `flowgm report` (what `npm start` runs; run by `npm run bench`): the whole process
 * as a user runs it, three times into a temporary directory. Prints wall time and peak resident
 * memory against the target of the report (under 30 s).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { measureCli } from './measure.js'
import { table } from './table.js'

const TARGET_SECONDS = 30
const RUNS = 3

const rows: string[][] = []
for (let i = 1; i <= RUNS; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'flowgm-bench-report-'))
  try {
    const m = await measureCli(['report', '--out', dir])
    rows.push([String(i), m.seconds.toFixed(2), m.peakMiB.toFixed(0), String(readdirSync(dir).length)])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
console.log(`flowgm report (npm start), whole process; target: under ${TARGET_SECONDS} s\n`)
table(['run', 'seconds', 'peak RSS (MiB)', 'files'], rows)
