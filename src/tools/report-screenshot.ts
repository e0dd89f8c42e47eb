// `npm run report:screenshot [-- --out DIR]`: runs `flowgm report --out DIR` (DIR default out/), then
// saves, taken in headless Chromium, a full-page screenshot of DIR/report.html as DIR/report.png,
// and one of DIR/explorer.html with n set to 32 and sigma to 0.7 (the view README.md shows, from
// docs/explorer.png, a copy of it) as DIR/explorer.png.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { isAbsolute, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterUpdate, launchChromium, openExplorer } from './browser.js'

const USAGE = 'usage: npm run report:screenshot [-- --out DIR]'
const BIN = fileURLToPath(new URL('../../bin/flowgm.js', import.meta.url))

/** The output directory from `--out DIR` / `--out=DIR`; undefined on a bad argument (after saying why). */
function outDir(argv: readonly string[]): string | undefined {
  let out = 'out'
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = a === '--out' ? argv[++i] : a.startsWith('--out=') ? a.slice(6) : undefined
    if (a !== '--out' && value === undefined) {
      console.error(`report-screenshot: unknown argument ${JSON.stringify(a)}; ${USAGE}`)
      return undefined
    }
    if (value === undefined || value === '') {
      console.error(`report-screenshot: --out needs a directory; ${USAGE}`)
      return undefined
    }
    out = value
  }
  return resolve(out)
}

/** `node bin/flowgm.js report --out DIR`, its output passed through; resolves with its exit code. */
const runReport = (dir: string): Promise<number> =>
  new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, 'report', '--out', dir], { stdio: 'inherit' })
    child.on('error', fail)
    child.on('close', (code, signal) => done(code ?? (signal !== null ? 1 : 0)))
  })

/** A PNG's width and height, from its IHDR chunk. */
const pngSize = (file: string): [number, number] => {
  const b = readFileSync(file)
  return [b.readUInt32BE(16), b.readUInt32BE(20)]
}

async function main(): Promise<number> {
  const dir = outDir(process.argv.slice(2))
  if (dir === undefined) return 2
  const code = await runReport(dir)
  if (code !== 0) {
    console.error(`report-screenshot: \`flowgm report --out ${dir}\` failed (exit ${code})`)
    return code
  }
  const png = join(dir, 'report.png')
  const explorer = join(dir, 'explorer.png')
  const browser = await launchChromium()
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await page.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' })
    await page.screenshot({ path: png, fullPage: true })
    // The explorer after two changes, each waited for (the page counts its updates).
    const live = await browser.newPage({ viewport: { width: 1400, height: 1180 } })
    await openExplorer(live, pathToFileURL(join(dir, 'explorer.html')).href)
    for (const [name, value] of [
      ['n', '32'],
      ['sigma', '0.7'],
    ]) {
      const state = await afterUpdate(live, () => live.fill(`[name="${name}"]`, value), 60_000)
      if (state !== 'ready') throw new Error(`explorer.html: --${name} ${value} left the page ${state}, not ready`)
    }
    await live.screenshot({ path: explorer })
  } finally {
    await browser.close()
  }
  for (const [file, how] of [
    [png, 'full page, 1280 px wide viewport'],
    [explorer, 'n = 32, sigma = 0.7; the 1400 x 1180 px viewport'],
  ]) {
    const [w, h] = pngSize(file)
    const rel = relative(process.cwd(), file)
    console.log(`${rel.startsWith('..') || isAbsolute(rel) ? file : rel}: ${w} x ${h} px (${how})`)
  }
  return 0
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    console.error(`report-screenshot: ${e instanceof Error ? e.message : String(e)}`)
    process.exitCode = 1
  },
)
