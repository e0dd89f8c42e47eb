// Defect class: long commands that ignore SIGTERM. A command writing a file installs a handler
// (src/sweep/sink.ts) that removes the temporary file and exits 130/143, but a handler runs only
// when the event loop turns: a synchronous loop (Adam's epochs, a high-precision integration,
// vega rendering a large chart) deferred it for minutes. Each command here is signalled once its
// temporary file exists (so the handler is installed and the long part has begun), and must exit
// 143 within a few seconds, leaving no file behind.
import { readdirSync } from 'node:fs'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireBuild, show, spawnCli } from '../cli/run.js'

beforeAll(requireBuild)
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/** Longest wait from SIGTERM to exit: a turn of the event loop is due every 50 ms; the rest is a loaded machine. */
const PROMPT_MS = 5000

/** Run flowgm in a scratch directory, SIGTERM `delayMs` after a temporary file appears; the run, and the milliseconds from the signal to the exit. */
async function terminated(args: (dir: string) => readonly string[], delayMs: number): Promise<{ dir: string; ms: number; r: Awaited<ReturnType<typeof spawnCli>> }> {
  const dir = mkdtempSync(join(tmpdir(), 'flowgm-signal-'))
  dirs.push(dir)
  let sent = 0
  const r = await spawnCli(args(dir), 120_000, [], (child) => {
    const poll = setInterval(() => {
      if (readdirSync(dir).some((f) => f.startsWith('.') || f.endsWith('.partial'))) {
        clearInterval(poll)
        setTimeout(() => {
          sent = performance.now()
          child.kill('SIGTERM')
        }, delayMs)
      }
    }, 20)
    child.on('close', () => clearInterval(poll))
  })
  return { dir, ms: sent ? performance.now() - sent : Infinity, r }
}

describe('SIGTERM mid-run: exit 143 promptly, no file left', () => {
  // [what, argv, milliseconds from the temporary file to the signal: well inside the long part]
  it.each([
    // Adam's epochs (tens of minutes by the estimate) under plot: the handler waits on each step's training.
    [
      'plot simulate, Adam with 10^6 epochs',
      (d: string) => ['plot', 'simulate', '--trainer', 'adam', '--epochs', '1000000', '--steps', '2', '--d', '200', '--n', '50', '--particles', '10', '--engine', 'js', '--out', join(d, 's.svg')],
      500,
    ],
    // 400 points at 30 digits: half a minute of one high-precision pass.
    ['curves --digits 30 --out', (d: string) => ['curves', '--digits', '30', '--points', '400', '--format', 'csv', '--out', join(d, 'c.csv')], 500],
    // 60000 points: seconds of rows, given a turn of the event loop every chunk.
    ['plot curves of 60000 points', (d: string) => ['plot', 'curves', '--points', '60000', '--out', join(d, 'c.svg'), '--csv', join(d, 'c.csv')], 500],
  ] as const)('%s', async (_name, args, delayMs) => {
    const { dir, ms, r } = await terminated(args, delayMs)
    expect(r.code === 143, show(r)).toBe(true)
    expect(ms, show(r)).toBeLessThan(PROMPT_MS)
    expect(readdirSync(dir)).toEqual([])
    expect(r.stdout).toBe('')
  })
})
