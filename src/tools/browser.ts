// Headless Chromium for the report's end-to-end test and `npm run report:screenshot`:
// Debian's `chromium` package (or CHROMIUM_PATH), driven by playwright-core (no bundled browser download).
import { spawn } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'

/** Where Debian's `chromium` package puts the browser. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium'

const APT_INSTALL = ['install', '-y', '--no-install-recommends', 'chromium']

/** Chromium's arguments: headless, and none of its background connections (this machine's closed network refuses them). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

const onPath = (cmd: string): boolean => (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && executable(join(dir, cmd)))

/** Runs a command to its end; resolves with its exit code and the tail of its output (for error messages). */
function run(cmd: string, args: readonly string[]): Promise<{ code: number | null; tail: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
    let out = ''
    const keep = (s: string): void => {
      out = (out + s).slice(-4000)
    }
    child.stdout.setEncoding('utf8').on('data', keep)
    child.stderr.setEncoding('utf8').on('data', keep)
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, tail: out.trim().split('\n').slice(-8).join('\n') }))
  })
}

/** apt-get with its options: wait (up to 10 min) for another apt/dpkg to release its lock instead of failing. */
const aptGet = (args: readonly string[]) => run('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args])

/**
 * The Chromium executable: CHROMIUM_PATH, else /usr/bin/chromium. When the latter is missing, installs it
 * (as root with apt-get: `apt-get install -y --no-install-recommends chromium`, after `apt-get update` only
 * if the install fails without it); otherwise throws an Error naming the command to run.
 */
export async function ensureChromium(): Promise<string> {
  const fromEnv = process.env.CHROMIUM_PATH
  if (fromEnv !== undefined && fromEnv !== '') {
    if (executable(fromEnv)) return fromEnv
    throw new Error(`CHROMIUM_PATH=${fromEnv} is not an executable file; point it at a Chromium (or Chrome) binary, or unset it to use ${DEFAULT_CHROMIUM}`)
  }
  if (executable(DEFAULT_CHROMIUM)) return DEFAULT_CHROMIUM
  const command = `apt-get ${APT_INSTALL.join(' ')}`
  if (process.getuid?.() !== 0 || !onPath('apt-get')) {
    throw new Error(`Chromium is needed but ${DEFAULT_CHROMIUM} is missing. Install it with \`sudo ${command}\` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome executable.`)
  }
  process.stderr.write(`Chromium is missing (${DEFAULT_CHROMIUM}): installing it for the test set-up with \`${command}\`\n`)
  let result = await aptGet(APT_INSTALL)
  if (result.code !== 0) {
    const update = await aptGet(['update'])
    if (update.code !== 0) throw new Error(`\`apt-get update\` failed (exit ${update.code}) while installing Chromium:\n${update.tail}`)
    result = await aptGet(APT_INSTALL)
  }
  if (result.code !== 0) throw new Error(`\`${command}\` failed (exit ${result.code}):\n${result.tail}`)
  if (!executable(DEFAULT_CHROMIUM)) throw new Error(`\`${command}\` succeeded but ${DEFAULT_CHROMIUM} is still missing`)
  return DEFAULT_CHROMIUM
}

/** Launches headless Chromium (the one ensureChromium finds or installs, unless `executablePath` is given). */
export async function launchChromium(executablePath?: string): Promise<Browser> {
  return chromium.launch({ executablePath: executablePath ?? (await ensureChromium()), args: [...CHROMIUM_ARGS] })
}

/**
 * explorer.html (src/explorer/page.ts) opened in `page` from `url`, once its first view is drawn:
 * the page counts its updates in the body's data-updates.
 */
export async function openExplorer(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await page.waitForFunction(() => document.body.dataset.updates === '1', null, { timeout: 60_000 })
}

/** Run `act` (changes of the explorer's controls) and wait for the update it starts to end; the page's state then (ready, refused). */
export async function afterUpdate(page: Page, act: () => Promise<unknown>, timeout = 30_000): Promise<string> {
  const before = await page.evaluate(() => Number(document.body.dataset.updates ?? 0))
  await act()
  await page.waitForFunction((b) => Number(document.body.dataset.updates) > b && document.body.dataset.state !== 'busy', before, { timeout })
  return page.evaluate(() => document.body.dataset.state ?? '')
}
