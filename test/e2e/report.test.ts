// `flowgm report` end to end: the real command writes a report into a temporary directory, and
// headless Chromium (Debian's, installed here if missing: see src/tools/browser.ts) opens its
// report.html. The contract checked: a self-contained page that loads without errors; every chart
// is a <figure class="chart" id="NAME"> holding one visible inline <svg> with drawn marks, also
// written as NAME.svg with its data in NAME.csv; the flowgm version and at least one table shown.
// No Chromium and no way to install it is a failure, not a skip. The same run's files and summary
// are checked against values by hand (the report runs once for the suite: it takes seconds).
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureChromium, launchChromium } from '../../src/tools/browser.js'
import { expectChart } from '../cli/chart.js'
import { requireBuild, ROOT, show, spawnCli, type Run } from '../cli/run.js'

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version

/** What the page says about one figure.chart (computed in the browser). */
interface ChartInfo {
  id: string
  svgs: number
  width: number
  height: number
  /** Drawn marks: vega's data marks (shapes under g.role-mark) with non-empty geometry. */
  marks: number
  /** Whether the svg is vega's (class "marks"); if not, any non-background shape counts as a mark. */
  vega: boolean
}

let dir = ''
let reportRun: Run | undefined
let browser: Browser | undefined
let page: Page | undefined
const problems: string[] = [] // console errors, page errors, failed or external requests
let charts: ChartInfo[] = []

beforeAll(async () => {
  requireBuild()
  dir = mkdtempSync(join(tmpdir(), 'flowgm-report-e2e-'))
  // Chromium (perhaps an apt-get install) and the report, side by side.
  const [exe, report] = await Promise.allSettled([ensureChromium(), spawnCli(['report', '--out', dir], 5 * 60_000)])
  if (exe.status === 'rejected') throw exe.reason
  if (report.status === 'rejected') throw report.reason
  const r = report.value
  reportRun = r
  if (r.code !== 0) throw new Error(`the report failed:\n${show(r)}`)
  const html = join(dir, 'report.html')
  if (!existsSync(html)) throw new Error(`the report wrote no ${html}:\n${show(r)}`)

  browser = await launchChromium(exe.value)
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  const url = pathToFileURL(html).href
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('requestfailed', (q) => problems.push(`failed request: ${q.url()} (${q.failure()?.errorText ?? '?'})`))
  page.on('request', (q) => {
    const u = q.url()
    if (u !== url && !u.startsWith('data:') && !u.startsWith('blob:')) problems.push(`external resource: ${u}`)
  })
  const response = await page.goto(url, { waitUntil: 'load' })
  if (response !== null && !response.ok()) problems.push(`report.html: status ${response.status()}`)

  charts = await page.$$eval('figure.chart', (figures) =>
    figures.map((f) => {
      const svgs = f.querySelectorAll('svg')
      const svg = svgs[0]
      const box = svg?.getBoundingClientRect()
      const vega = svg?.classList.contains('marks') === true
      const shapes =
        svg === undefined
          ? []
          : Array.from(svg.querySelectorAll<SVGGraphicsElement>(vega ? '.role-mark :is(path, line, circle, rect, ellipse, polyline, polygon)' : 'path, line, circle, rect, ellipse, polyline, polygon'))
      const marks = shapes.filter((el) => {
        if (el.closest('.background, .foreground') !== null) return false
        if (el.tagName.toLowerCase() === 'path' && (el.getAttribute('d') ?? '').trim() === '') return false
        const b = el.getBBox()
        return b.width > 0 || b.height > 0
      })
      return { id: f.id, svgs: svgs.length, width: box?.width ?? 0, height: box?.height ?? 0, marks: marks.length, vega }
    }),
  )
}, 20 * 60_000) // room for an apt-get install of Chromium and the report itself

afterAll(async () => {
  await browser?.close()
  if (dir !== '') rmSync(dir, { recursive: true, force: true })
})

describe('flowgm report in headless Chromium', () => {
  it('loads without console errors, page errors, failed requests or external resources', () => {
    expect(problems, problems.join('; ')).toEqual([])
  })

  it('has charts, each one visible inline svg with drawn marks', () => {
    expect(charts.length, 'figure.chart elements in report.html').toBeGreaterThan(0)
    const bad: string[] = []
    for (const c of charts) {
      const name = `chart "${c.id}"`
      if (c.id === '') bad.push('a figure.chart without an id')
      if (c.svgs !== 1) bad.push(`${name}: ${c.svgs} svg elements (want exactly 1)`)
      if (!(c.width > 50 && c.height > 50)) bad.push(`${name}: svg box ${c.width.toFixed(1)} x ${c.height.toFixed(1)} px (want both > 50)`)
      if (c.marks === 0) bad.push(`${name}: no drawn marks (${c.vega ? "no path with a non-empty d, line, circle or rect under vega's g.role-mark" : 'no shape with geometry'})`)
    }
    const ids = charts.map((c) => c.id)
    for (const id of new Set(ids)) if (ids.indexOf(id) !== ids.lastIndexOf(id)) bad.push(`chart "${id}": id used by more than one figure`)
    expect(bad, bad.join('; ')).toEqual([])
  })

  it('writes each chart as NAME.svg with its data as NAME.csv, and no other svg', () => {
    const files = readdirSync(dir)
    const svgFiles = files.filter((f) => f.endsWith('.svg')).sort()
    const bad: string[] = []
    for (const { id } of charts) {
      for (const ext of ['svg', 'csv']) {
        const file = join(dir, `${id}.${ext}`)
        if (!existsSync(file)) {
          bad.push(`chart "${id}": ${id}.${ext} is missing`)
          continue
        }
        const text = readFileSync(file, 'utf8')
        if (ext === 'svg' && !text.includes('<svg')) bad.push(`chart "${id}": ${id}.svg holds no <svg>`)
        if (ext === 'csv' && text.trim().split('\n').length < 2) bad.push(`chart "${id}": ${id}.csv has no data row`)
      }
    }
    const strays = svgFiles.filter((f) => !charts.some((c) => `${c.id}.svg` === f))
    if (strays.length > 0) bad.push(`svg files with no figure.chart in report.html: ${strays.join(', ')}`)
    expect(bad, bad.join('; ')).toEqual([])
    expect(svgFiles.length, `figure.chart count vs *.svg files (${svgFiles.join(', ')})`).toBe(charts.length)
  })

  it(`shows the flowgm version (${VERSION}) and at least one table`, async () => {
    const text = await page!.locator('body').innerText()
    const shown = new RegExp(`(^|[^0-9.])${VERSION.replace(/[.+]/g, '\\$&')}([^0-9]|$)`).test(text)
    expect(shown, `version ${VERSION} not shown in the page text`).toBe(true)
    const tables = await page!.locator('table').evaluateAll((ts) => ts.filter((t) => t.querySelector('td, th') !== null && (t as HTMLElement).offsetHeight > 0).length)
    expect(tables, 'visible tables with cells').toBeGreaterThan(0)
  })
})

/** A report CSV as rows of strings. */
const csvRows = (file: string): Record<string, string>[] => {
  const [head, ...lines] = readFileSync(join(dir, file), 'utf8').trim().split('\n')
  const keys = head.split(',')
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, j) => [keys[j], v])))
}

describe('flowgm report, the published figures (issue 21)', () => {
  it('names the published figure and draws simulation points where the paper had them', () => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8')
    for (const n of [1, 3, 4, 5]) expect(html).toContain(`Fig. ${n}:`)
    for (const panel of ['left', 'middle', 'right']) expect(html).toContain(`Fig. 2 (${panel}):`)
    // vega draws data points as symbol marks of role mark (a legend's symbols have role legend-symbol):
    // the figures with a simulation have them, as published (every published figure has points); a
    // theory-only figure (noise-draws) has none.
    const pointMarks = /class="mark-symbol role-mark/
    for (const name of ['dae-weights', 'summary-statistics', 'particles', 'pca', 'mse-against-n', 'denoiser-error', 'imbalanced-components']) {
      expect(readFileSync(join(dir, `${name}.svg`), 'utf8'), name).toMatch(pointMarks)
    }
    expect(readFileSync(join(dir, 'noise-draws.svg'), 'utf8')).not.toMatch(pointMarks)
    expect(html).toContain('--simulate-n 2,8,32,128 --d 2000')
    expect(html).toContain('flowgm plot components --n 4 --sigma 0.9 --lambda 0.1 --rho 0.24')
    expect(html).toContain('--simulate-n 4,16,64 --d 1000')
  })

  it('tables against the theory by hand: w_cos = m / sqrt(w_norm2) (omega = 1), Q_eta = M_mu sigma / n, the particles at t = 0', () => {
    // docs/theory.md (dae.eq, flow.eq); 12 printed significant digits, so 1e-10 relative.
    const near = (a: number, b: number, what: string) => expect(Math.abs(a - b), what).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(b)))
    const dae = csvRows('dae-weights.csv').filter((r) => Number(r.t) > 0 && Number(r.t) < 1)
    expect(dae.length).toBe(99)
    for (const r of dae) near(Number(r.w_cos), Number(r.m) / Math.sqrt(Number(r.w_norm2)), `dae-weights t = ${r.t}`)
    const denoiser = csvRows('denoiser-error.csv').filter((r) => Number(r.t) > 0 && Number(r.t) < 1)
    for (const r of denoiser) near(Number(r.w_cos), Number(r.m) / Math.sqrt(Number(r.w_norm2)), `denoiser-error n = ${r.n}, t = ${r.t}`)
    // At t = 1 (alpha = 0) the learnt w vanishes and w_cos takes its limit 0 (docs/theory.md), for every n: a row
    // joined to the wrong grid point shows there.
    const ends = csvRows('denoiser-error.csv').filter((r) => r.t === '1')
    expect(ends.map((r) => [r.n, r.w_cos])).toEqual(['2', '8', '32', '128'].map((n) => [n, '0']))
    const components = csvRows('imbalanced-components.csv')
    expect(components.length).toBe(101)
    for (const r of components) near(Number(r.Q_eta), (Number(r.M_mu) * 0.9) / 4, `imbalanced-components t = ${r.t}`)
    // rho = 0.24: the generated weight is 1/2, so weight_error = |0.24 - 1/2| = 0.26 at every t.
    for (const r of components) near(Number(r.weight_error), 0.26, `weight_error t = ${r.t}`)
    // Fig. 2 middle at t = 0: the particles are the base draws N(0, I_d), so each coordinate / sqrt d on
    // a unit vector is N(0, 1/d): within 5/sqrt(2000) = 0.112 (for 200 particles x 2 coordinates the
    // chance of one beyond is 400 x 5.7e-7 = 2e-4); the theory's mean is the origin (M = Q_xi = 0).
    const start = csvRows('particles.csv').filter((r) => r.t === '0')
    expect(start.filter((r) => r.particle !== 'theory').length).toBe(200)
    for (const r of start) expect(Math.max(Math.abs(Number(r.u)), Math.abs(Number(r.v))), `particle ${r.particle}`).toBeLessThan(5 / Math.sqrt(2000))
    expect(start.filter((r) => r.particle === 'theory').map((r) => [Number(r.u), Number(r.v)])).toEqual([[0, 0]])
  })
})

describe('flowgm report, its files and summary', () => {
  it('writes, but for its page, the same bytes as before the library refactor (test/golden/report.sha256)', () => {
    // The page carries its date and timings; the figures and tables are deterministic (seeded simulation).
    // explorer.html carries the bundled library, whose bytes change with any change of the code: its
    // own end-to-end test (test/e2e/explorer.test.ts) checks what it shows against the library.
    const hashes = readdirSync(dir)
      .filter((f) => f !== 'report.html' && f !== 'explorer.html')
      .sort()
      .map(
        (f) =>
          `${createHash('sha256')
            .update(readFileSync(join(dir, f)))
            .digest('hex')}  ${f}`,
      )
    expect(hashes.join('\n') + '\n').toBe(readFileSync(join(ROOT, 'test/golden/report.sha256'), 'utf8'))
  })

  it('writes every figure (SVG and CSV), the rate constants (C = 2 sigma^2 by hand) and report.html; prints the summary', () => {
    const [d, r] = [dir, reportRun!]
    expect(r.code, show(r)).toBe(0)
    expect(r.stderr, show(r)).toBe('')
    const files = readdirSync(d).sort()
    const charts = files.filter((f) => f.endsWith('.svg')).map((f) => f.slice(0, -4))
    expect(charts.sort()).toEqual([
      'dae-weights',
      'denoiser-error',
      'discretisation-error',
      'imbalanced-components',
      'mse-against-n',
      'noise-draws',
      'particles',
      'pca',
      'rate',
      'skip-connection',
      'steps-needed',
      'summary-statistics',
    ])
    for (const c of charts) {
      expectChart(readFileSync(join(d, `${c}.svg`), 'utf8'), c)
      expect(files).toContain(`${c}.csv`)
    }
    expect(files.filter((f) => f.startsWith('.'))).toEqual([])
    const rates = readFileSync(join(d, 'rate-constants.csv'), 'utf8').trim().split('\n')
    const head = rates[0].split(',')
    for (const line of rates.slice(1)) {
      const row = Object.fromEntries(line.split(',').map((v, j) => [head[j], v]))
      const s = Number(row.sigma)
      // 12 significant digits printed: rounding at most 5e-12 for C < 10; toBeCloseTo(.., 10) allows 5e-11
      expect(Number(row.C), line).toBeCloseTo(2 * s * s, 10)
      expect(Number(row.C_bo), line).toBeCloseTo(s * s, 10)
      expect(Number(row.ratio), line).toBe(2)
    }
    expect(rates.length).toBe(5)
    // The skip-connection figure at sigma = 1.5, rho = 1/2: without skip connection P(1) = 0, so
    // w2 = mse + sigma^2 (docs/theory.md, W2), at 12 printed digits; with it w2 < sigma^2 from n = 2 on.
    const skip = readFileSync(join(d, 'skip-connection.csv'), 'utf8').trim().split('\n')
    const skipHead = skip[0].split(',')
    for (const line of skip.slice(1)) {
      const row = Object.fromEntries(line.split(',').map((v, j) => [skipHead[j], v]))
      expect(Number(row.w2_noskip) - Number(row.mse_noskip), line).toBeCloseTo(2.25, 10)
      expect(Number(row.w2_skip), line).toBeLessThan(2.25)
    }
    expect(skip.length).toBe(11)
    // noise-draws: at the largest n, n mse is near C = sigma^2 (1 + 1/k) = 2.25 (1 + 1/k) for shared
    // noise and sigma^2 for fresh noise (docs/theory.md; the table against the derivation in
    // test/cli/plot-draws.test.ts); n = 4096, so within 1e-2.
    const draws = readFileSync(join(d, 'noise-draws.csv'), 'utf8').trim().split('\n')
    const drawsHead = draws[0].split(',')
    const last = draws
      .slice(1)
      .map((line) => Object.fromEntries(line.split(',').map((v, j) => [drawsHead[j], v])))
      .filter((r) => r.n === '4096')
    expect(last.map((r) => r.protocol)).toEqual(['k = 1', 'k = 2', 'k = 4', 'k = 16', 'k = ∞', 'k = 1 (fresh noise)'])
    for (const r of last) expect(Math.abs(Number(r.n_mse) - 2.25 * (1 + (r.noise === 'shared' && r.draws !== 'inf' ? 1 / Number(r.draws) : 0))), r.protocol).toBeLessThan(1e-2)
    const html = readFileSync(join(d, 'report.html'), 'utf8')
    expect(html.match(/<figure class="chart"/g)?.length).toBe(12)
    expect(html).not.toMatch(/<script|src="http|href="http/)
    // The explorer beside it, linked from it: one page, its script inline, nothing fetched.
    expect(html).toContain('<a href="explorer.html">')
    const explorer = readFileSync(join(d, 'explorer.html'), 'utf8')
    expect(explorer).toMatch(/^<!DOCTYPE html>/)
    expect(explorer).not.toMatch(/<script[^>]*\ssrc=|<link[^>]*\shref=/)
    expect(explorer).toContain(`flowgm ${VERSION}`)
    // The summary: the figures and the rate table with C = 2 sigma^2 at sigma = 1.5.
    expect(r.stdout).toMatch(/report\.html/)
    expect(r.stdout).toMatch(/^1\.5\s+4\.5\s+2\.25\s+2\s/m)
  })
})
