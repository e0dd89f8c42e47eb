// The core runs in a browser: the package's browser entry (package.json `exports`, condition
// `browser`, with the `browser` field's swaps for the modules that read files or use require in Node) is
// bundled by esbuild for the browser platform, which fails on any `node:` import left in it, and
// evaluated in headless Chromium (Debian's, as the report's end-to-end test; see
// src/tools/browser.ts). The reference for every value is the same call in Node, here: both run
// the same compiled model, but on two JavaScript engines whose Math.exp, pow, sin may differ in
// the last bit (measured: 1.1e-14 relative in mse), so doubles agree to the 12 digits flowgm
// guarantees and prints (docs/cli.md, accuracy), decimal.js values exactly; no request may
// leave the page.
import { build } from 'esbuild'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureChromium, launchChromium } from '../../src/tools/browser.js'
import { requireBuild, ROOT } from '../cli/run.js'
import { flowProblem } from '../../src/theory/problem.js'
import { solve } from '../../src/theory/solve.js'
import { solvePrecise } from '../../src/theory/precise.js'
import { rate } from '../../src/theory/rate.js'

let browser: Browser | undefined
let page: Page | undefined
const requests: string[] = []
const errors: string[] = []
let bundle = ''

/** Every number rounded to 12 significant digits, as the CLI prints it. */
const twelve = (x: unknown): unknown =>
  typeof x === 'number' ? Number(x.toPrecision(12)) : x !== null && typeof x === 'object' ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, twelve(v)])) : x

beforeAll(async () => {
  requireBuild()
  const out = await build({ entryPoints: ['flowgm'], absWorkingDir: ROOT, bundle: true, platform: 'browser', format: 'iife', globalName: 'flowgm', write: false, logLevel: 'silent' })
  bundle = out.outputFiles[0].text
  await ensureChromium()
  browser = await launchChromium()
  page = await browser.newPage()
  page.on('request', (r) => {
    if (!r.url().startsWith('data:') && r.url() !== 'about:blank') requests.push(r.url())
  })
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  await page.setContent('<!doctype html><title>flowgm</title>')
  await page.addScriptTag({ content: bundle })
}, 180_000)
afterAll(async () => {
  await browser?.close()
})

describe('the browser entry, bundled and run in Chromium', () => {
  it('bundles without Node modules (esbuild refuses any it cannot resolve for the browser)', () => {
    expect(bundle).not.toMatch(/["']node:/)
  })

  it("solve(...).stats(1) and .dae(0.5) equal Node's to 12 digits", async () => {
    const inBrowser = await page!.evaluate(() => {
      const f = (globalThis as unknown as { flowgm: typeof import('../../src/browser.js') }).flowgm
      const s = f.solve(f.flowProblem({ n: 8, sigma: 1.5, lambda: 0.1 }))
      return { stats: s.stats(1), dae: s.dae(0.5) }
    })
    const s = solve(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1 }))
    expect(twelve(inBrowser)).toEqual(twelve({ stats: s.stats(1), dae: s.dae(0.5) }))
  })

  it('a schedule written as expressions (mathjs in the page), 30 verified digits (decimal.js), and the rate constant', async () => {
    const schedule = { alpha: 'cos(pi*t/2)', beta: 'sin(pi*t/2)' }
    const inBrowser = await page!.evaluate((sch) => {
      const f = (globalThis as unknown as { flowgm: typeof import('../../src/browser.js') }).flowgm
      const p = f.flowProblem({ n: 16, sigma: 0.7, lambda: 0.1, schedule: sch })
      const precise = f.solvePrecise(p, { digits: 30 }).stats('0.5')
      return {
        mse: f.solve(p).stats(0.5).mse,
        precise: precise.rows[0].mse.toString(),
        verified: precise.digitsVerified,
        C: f.rate(f.flowProblem({ n: 2, sigma: 1.5, lambda: 0.1 }), { digits: 15 }).exact?.values.C.toString(),
      }
    }, schedule)
    const p = flowProblem({ n: 16, sigma: 0.7, lambda: 0.1, schedule })
    const precise = solvePrecise(p, { digits: 30 }).stats('0.5')
    expect(twelve(inBrowser)).toEqual({
      mse: twelve(solve(p).stats(0.5).mse),
      precise: precise.rows[0].mse.toString(),
      verified: precise.digitsVerified,
      C: rate(flowProblem({ n: 2, sigma: 1.5, lambda: 0.1 }), { digits: 15 }).exact?.values.C.toString(),
    })
  })

  it('a bad value is refused as in Node: a ParameterError naming the parameter', async () => {
    const refused = await page!.evaluate(() => {
      const f = (globalThis as unknown as { flowgm: typeof import('../../src/browser.js') }).flowgm
      try {
        f.flowProblem({ n: 1, sigma: 1, lambda: 0 })
      } catch (e) {
        return e instanceof f.ParameterError ? `${e.parameter}: ${e.rule}` : String(e)
      }
      return 'accepted'
    })
    expect(refused).toBe('n: must be an integer >= 2 (got 1)')
  })

  it('made no request and logged no error', () => {
    expect(requests).toEqual([])
    expect(errors).toEqual([])
  })
})
