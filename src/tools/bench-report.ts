/**
 * Benchmark of `flowgm report` (what `npm start` runs; run by `npm run bench`): the whole process
 * as a user runs it, three times into a temporary directory. Prints wall time and peak resident
 * memory against the target of the report (under 30 s). Then the explorer the report writes,
 * opened in headless Chromium (src/tools/browser.ts): the time from opening the file to its first
 * view, and for five views (schedules, with and without skip connection, a sampler) the redraw
 * time of 20 changes (n and sigma in turn, as a user types them), measured by the page itself from
 * the change to the charts drawn (src/explorer/page.ts), against 100 ms.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterUpdate, launchChromium, openExplorer } from './browser.js'
import { measureCli } from './measure.js'
import { table } from './table.js'
import { maxOf } from '../extent.js'

const TARGET_SECONDS = 30
const RUNS = 3
const TARGET_REDRAW_MS = 100
const CHANGES = 20

/** The views timed, each reached from the previous one by these control changes. */
const VIEWS: ReadonlyArray<readonly [string, ReadonlyArray<readonly [string, string]>]> = [
  ['linear, skip connection', []],
  ['trig', [['schedule', 'trig']]],
  ['trig, no skip connection', [['skip', 'off']]],
  ['linear, no skip connection', [['schedule', 'linear']]],
  [
    'linear, 100 Euler steps',
    [
      ['skip', 'on'],
      ['steps', '100'],
    ],
  ],
]

const rows: string[][] = []
const dirs: string[] = []
try {
  for (let i = 1; i <= RUNS; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'flowgm-bench-report-'))
    dirs.push(dir)
    const m = await measureCli(['report', '--out', dir])
    rows.push([String(i), m.seconds.toFixed(2), m.peakMiB.toFixed(0), String(readdirSync(dir).length)])
  }
  console.log(`flowgm report (npm start), whole process; target: under ${TARGET_SECONDS} s\n`)
  table(['run', 'seconds', 'peak RSS (MiB)', 'files'], rows)
  await explorer(join(dirs[0], 'explorer.html'))
} finally {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
}

async function explorer(file: string): Promise<void> {
  const browser = await launchChromium()
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    const start = performance.now()
    await openExplorer(page, pathToFileURL(file).href)
    const first = performance.now() - start
    /** Make one change and wait for its update; the page's own redraw and drawing times. */
    const change = async (name: string, value: string): Promise<[number, number]> => {
      const at = `[name="${name}"]`
      await afterUpdate(page, () => (name === 'schedule' ? page.selectOption(at, value) : name === 'skip' ? (value === 'on' ? page.check(at) : page.uncheck(at)) : page.fill(at, value)))
      return page.evaluate(() => [Number(document.body.dataset.redrawMs), Number(document.body.dataset.drawMs)] as [number, number])
    }
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b)
    const median = (xs: number[]) => sorted(xs)[xs.length >> 1]
    const rows: string[][] = []
    let worst = 0
    for (const [view, steps] of VIEWS) {
      for (const [name, value] of steps) await change(name, value)
      const times: Array<[number, number]> = []
      // n and sigma in turn, as a user types them.
      for (let i = 0; i < CHANGES; i++) times.push(await change(i % 2 ? 'n' : 'sigma', i % 2 ? String(8 + i) : (0.5 + i / 20).toFixed(2)))
      const redraw = times.map(([r]) => r)
      worst = Math.max(worst, median(redraw))
      rows.push([view, `${median(redraw).toFixed(1)} ms`, `${maxOf(redraw).toFixed(1)} ms`, `${median(times.map(([, d]) => d)).toFixed(1)} ms`])
    }
    console.log(
      `\nexplorer.html in headless Chromium: first view ${first.toFixed(0)} ms after opening; per view, ${CHANGES} changes of n and sigma in turn; redraw = from the change to the charts drawn (the page's own measure); target: ${TARGET_REDRAW_MS} ms\n`,
    )
    table(['view', 'redraw median', 'redraw max', 'of which drawing (median)'], rows)
    console.log(`\nexplorer: the largest median redraw ${worst.toFixed(1)} ms against ${TARGET_REDRAW_MS} ms: ${worst <= TARGET_REDRAW_MS ? 'target met' : 'target missed'}`)
  } finally {
    await browser.close()
  }
}
