/**
 * Benchmark of `flowgm report` (what `npm start` runs; run by `npm run bench`): the whole process
 * as a user runs it, three times into a temporary directory. Prints wall time and peak resident
 * memory against the target of the report (under 30 s). Then the explorer the report writes,
 * opened in headless Chromium (src/tools/browser.ts): the time from opening the file to its first
 * view, and the redraw time of 20 changes (n and sigma in turn, as a user types them), measured by
 * the page itself from the change to the charts drawn (src/explorer/page.ts), against 100 ms.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { launchChromium } from './browser.js'
import { measureCli } from './measure.js'
import { table } from './table.js'
import { maxOf } from '../extent.js'

const TARGET_SECONDS = 30
const RUNS = 3
const TARGET_REDRAW_MS = 100
const CHANGES = 20

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
    await page.goto(pathToFileURL(file).href)
    await page.waitForFunction(() => document.body.dataset.updates === '1', null, { timeout: 60_000 })
    const first = performance.now() - start
    const redraw: number[] = []
    const draw: number[] = []
    for (let i = 0; i < CHANGES; i++) {
      const before = await page.evaluate(() => Number(document.body.dataset.updates))
      await page.fill(i % 2 ? '[name="n"]' : '[name="sigma"]', i % 2 ? String(8 + i) : (0.5 + i / 20).toFixed(2))
      await page.waitForFunction((b) => Number(document.body.dataset.updates) > b && document.body.dataset.state !== 'busy', before)
      const [r, d] = await page.evaluate(() => [Number(document.body.dataset.redrawMs), Number(document.body.dataset.drawMs)])
      redraw.push(r)
      draw.push(d)
    }
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b)
    const median = (xs: number[]) => sorted(xs)[xs.length >> 1]
    console.log(`\nexplorer.html in headless Chromium: ${CHANGES} changes of n and sigma; redraw = from the change to the charts drawn (the page's own measure); target: ${TARGET_REDRAW_MS} ms\n`)
    table(
      ['first view', 'redraw median', 'redraw max', 'of which drawing (median)'],
      [[`${first.toFixed(0)} ms`, `${median(redraw).toFixed(1)} ms`, `${maxOf(redraw).toFixed(1)} ms`, `${median(draw).toFixed(1)} ms`]],
    )
    console.log(`\nexplorer: redraw median ${median(redraw).toFixed(1)} ms against ${TARGET_REDRAW_MS} ms: ${median(redraw) <= TARGET_REDRAW_MS ? 'target met' : 'target missed'}`)
  } finally {
    await browser.close()
  }
}
