// Defect class: high-precision requests accepted, then running for hours (issue 15, class 5, the
// --digits side). `stats --digits 1000 --schedule trig` gave no answer after 11 minutes, `rate
// --digits 200` took 7 minutes: the work grows like a power of the working digits (--digits and
// log10 n), ten times faster on a transcendental schedule. Each high-precision command now
// estimates its time from its flags (hpSeconds, src/limits.ts) and refuses one beyond an hour
// before computing anything, naming the flag to lower. The regressions replay the trial's
// examples; the properties draw requests of every command, precision, schedule and n: a request
// the estimate puts beyond the limit is refused at once by the contract, a cheap one runs within
// its estimate (and not absurdly below it), and the estimate grows with what costs time.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HP_LIMIT_SECONDS, hpCost, hpSeconds, rowSeconds, transcendentalSchedule, type HpRequest } from '../../src/limits.js'
import { Runner, showArgv, violations, type Outcome } from '../fuzz/harness.js'
import { LOAD } from '../fuzz/budget.js'
import { requireBuild, show, spawnCli } from '../cli/run.js'

const runner = new Runner(60_000)
beforeAll(requireBuild)
afterAll(() => runner.close())

/** A refusal is told before any work: well under the 2 s asked by the issue, even on a loaded machine. */
const PROMPT_MS = 2000

/** An outcome is a prompt refusal naming `flag`: exit 2, one line `flowgm: --flag: ...`, nothing else (harness.ts judges the contract). */
function expectRefusal(o: Outcome, flag: string, rule?: RegExp): void {
  expect(violations(o), showArgv(o.argv)).toEqual([])
  expect(o.code, o.stderr).toBe(2)
  expect(o.stdout).toBe('')
  expect(o.stderr.startsWith(`flowgm: --${flag}: `), o.stderr).toBe(true)
  expect(o.stderr.trim().split('\n')).toHaveLength(1)
  expect(o.ms, o.stderr).toBeLessThan(PROMPT_MS)
  if (rule) expect(o.stderr).toMatch(rule)
}

describe("the trial's high-precision requests are refused up front, naming --digits", () => {
  // Expected: refused, since the trial saw no answer after 11 minutes (and trig at 100 digits takes
  // 10 s, growing at least like digits^2: 1000 digits is beyond 1000 s before any margin).
  it('stats --digits 1000 --schedule trig', async () => {
    expectRefusal(await runner.run(['stats', '--digits', '1000', '--schedule', 'trig', '--t', '0.5']), 'digits', /1000 digits on this schedule would take about .* \(limit 1 hour\); lower --digits/)
  })
  // Expected: refused, since rate --digits 200 took 407 s in the trial and the digits asked are five times as many.
  it('rate --digits 1000', async () => {
    expectRefusal(await runner.run(['rate', '--digits', '1000']), 'digits', /\(limit 1 hour\); lower --digits/)
  })
  // The same computation under the grid commands and their charts: one row cannot be split with --shard.
  it('compare, dae-compare and curves at 1000 digits on trig', async () => {
    expectRefusal(await runner.run(['compare', '--digits', '1000', '--schedule', 'trig', '--n', '8']), 'digits', /a row at 1000 digits/)
    expectRefusal(await runner.run(['curves', '--digits', '1000', '--schedule', 'trig', '--points', '3']), 'digits')
    expectRefusal(await runner.run(['plot', 'curves', '--n', '1e300', '--schedule', 'trig', '--out', 'x.svg']), 'points', /101 points/)
  })
})

// --- The properties' requests: a command, its precision, schedule, n and times, as argv and as the estimate reads them.

const SCHEDULES = [
  ['--schedule', 'linear'],
  ['--schedule', 'trig'],
  ['--alpha', '1-t^2', '--beta', 't^2'],
  ['--alpha', '(exp(1)-exp(t))/(exp(1)-1)', '--beta', '(exp(t)-1)/(exp(1)-1)'],
] as const
const COMMANDS = ['stats', 'dae', 'rate', 'compare', 'dae-compare', 'curves'] as const

interface Request {
  readonly command: HpRequest['command']
  readonly digits: number
  readonly schedule: number
  readonly logN: number
  readonly times: number
}

/** n as given: 8 (the default) for logN 0. */
const nText = (r: Request): string => (r.logN === 0 ? '8' : `1e${r.logN}`)

const scheduleSpec = (i: number) => {
  const s = SCHEDULES[i]
  return s[0] === '--schedule' ? s[1] : { alpha: s[1], beta: s[3] }
}

const estimateOf = (r: Request): HpRequest => ({
  command: r.command,
  digits: r.digits,
  n: Number(nText(r)),
  transcendental: transcendentalSchedule(scheduleSpec(r.schedule)),
  times: r.command === 'stats' || r.command === 'dae' || r.command === 'curves' ? r.times : 1,
})

function argvOf(r: Request): string[] {
  const ts = Array.from({ length: r.times }, (_, i) => String((i + 1) / r.times)).join(',')
  const n = r.command === 'rate' ? [] : ['--n', nText(r)]
  const at = r.command === 'stats' || r.command === 'dae' ? ['--t', ts] : r.command === 'curves' ? ['--points', String(Math.max(2, r.times))] : r.command === 'dae-compare' ? ['--t', '0.5'] : []
  const format = r.command === 'stats' || r.command === 'dae' || r.command === 'rate' ? [] : ['--format', 'csv']
  return [r.command, '--digits', String(r.digits), ...SCHEDULES[r.schedule], ...n, ...at, ...format]
}

const request = (digits: fc.Arbitrary<number>, logN: fc.Arbitrary<number>, times: fc.Arbitrary<number>): fc.Arbitrary<Request> =>
  fc
    .record({ command: fc.constantFrom(...COMMANDS), digits, schedule: fc.integer({ min: 0, max: SCHEDULES.length - 1 }), logN, times })
    // curves has at least 2 points.
    .map((r) => (r.command === 'curves' ? { ...r, times: Math.max(2, r.times) } : r))

/** The properties that run commands draw from a fixed seed, as the fuzz tests do: a failure reproduces. */
const SEED = 15

describe('the estimate: refusals, measured runs, growth', () => {
  it('a request estimated beyond the limit is refused at once, naming a flag that lowers its cost', async () => {
    const beyond = request(fc.integer({ min: 200, max: 1000 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 40 })).filter((r) => hpSeconds(estimateOf(r)) > HP_LIMIT_SECONDS)
    await fc.assert(
      fc.asyncProperty(beyond, async (r) => {
        const o = await runner.run(argvOf(r))
        expectRefusal(o, o.stderr.match(/^flowgm: --([a-z]+):/)?.[1] ?? '?', /would take (about|over) .* \(limit 1 hour\); (lower --digits|lower --n|give --t fewer values|lower --points)\n$/)
        expect(['digits', 'n', 't', 'points']).toContain(/^flowgm: --([a-z]+):/.exec(o.stderr)![1])
      }),
      { numRuns: 12, seed: SEED },
    )
  })

  /** A warm process's fixed part of a request beyond the fit (parsing, compiling a custom schedule): hpCost's BASE counts 3 s for it and node's start. */
  const WARM_MS = 1000

  /**
   * The run of argv within its estimate: under hpCost (what the refusal judges), under the fit
   * (times LOAD: the suite's two files and other work share the 2 cores; 9.8 s against a fit of
   * 7.8 s was seen so) and a warm start, and not 50 times over it.
   */
  async function expectWithin(argv: readonly string[], e: HpRequest): Promise<void> {
    const o = await runner.run(argv)
    expect(o.code, `${showArgv(o.argv)}\n${o.stderr}`).toBe(0)
    const estimate = hpCost(e).seconds * 1000
    expect(o.ms, showArgv(o.argv)).toBeLessThanOrEqual(estimate)
    expect(o.ms, showArgv(o.argv)).toBeLessThanOrEqual(LOAD * hpSeconds(e) * 1000 + WARM_MS)
    if (o.ms > 1000) expect(estimate, showArgv(o.argv)).toBeLessThanOrEqual(50 * o.ms)
  }

  // Expected: the wall time measured here, an independent route; the estimate must bound it, and
  // stay within 50 times it where the run is long enough (> 1 s) to be measured against.
  it('a cheap request runs within its estimate, which is not absurdly loose', async () => {
    // A transcendental schedule at 60 digits: 2 to 3 s, the cost of trig over linear measurable.
    await expectWithin(['stats', '--digits', '60', '--schedule', 'trig'], { command: 'stats', digits: 60, n: 8, transcendental: true })
    const cheap = request(fc.integer({ min: 5, max: 60 }), fc.constantFrom(0, 3, 20, 50), fc.integer({ min: 1, max: 4 })).filter((r) => hpSeconds(estimateOf(r)) < 6)
    await fc.assert(
      fc.asyncProperty(cheap, (r) => expectWithin(argvOf(r), estimateOf(r))),
      { numRuns: 8, seed: SEED },
    )
  })

  it('grows with digits, n and times, and with a transcendental schedule; sweeps use the same per-row time', () => {
    fc.assert(
      fc.property(request(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 100 })), (r) => {
        const e = estimateOf(r)
        const s = hpSeconds(e)
        expect(hpSeconds({ ...e, digits: e.digits + 1 })).toBeGreaterThan(s)
        expect(hpSeconds({ ...e, n: e.n! * 10 })).toBeGreaterThanOrEqual(s)
        expect(hpSeconds({ ...e, times: e.times! + 1 })).toBeGreaterThanOrEqual(s)
        expect(hpSeconds({ ...e, transcendental: true })).toBeGreaterThanOrEqual(s)
        if (r.command === 'compare' || r.command === 'dae-compare') expect(rowSeconds(r.command, r.digits, e)).toBe(s)
      }),
      { numRuns: 200 },
    )
  })

  it('a schedule is transcendental when it calls a function or raises to a non-integer power', () => {
    // Expected: by reading the expressions (polynomials and their ratios are not).
    expect(transcendentalSchedule('linear')).toBe(false)
    expect(transcendentalSchedule('trig')).toBe(true)
    expect(transcendentalSchedule({ alpha: '1-t^2', beta: '(t^2)/(1+t-t)' })).toBe(false)
    expect(transcendentalSchedule({ alpha: 'cos(pi*t/2)', beta: 't' })).toBe(true)
    expect(transcendentalSchedule({ alpha: '1-t^0.5', beta: 't^0.5' })).toBe(true)
    expect(transcendentalSchedule({ alpha: '1-t', beta: 't^t' })).toBe(true)
  })
})

describe('a high-precision computation is interrupted at once', () => {
  const dirs: string[] = []
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  /** Run flowgm in a scratch directory, SIGTERM once `ready(dir)` holds and `delayMs` more have passed; the run, the milliseconds from the signal to the exit, and the files left. */
  async function terminated(args: readonly string[], ready: (dir: string) => boolean, delayMs: number) {
    const dir = mkdtempSync(join(tmpdir(), 'flowgm-hp-signal-'))
    dirs.push(dir)
    let sent = 0
    const r = await spawnCli(
      args,
      60_000,
      [],
      (child) => {
        const poll = setInterval(() => {
          if (!ready(dir)) return
          clearInterval(poll)
          setTimeout(() => {
            sent = performance.now()
            child.kill('SIGTERM')
          }, delayMs)
        }, 20)
        child.on('close', () => clearInterval(poll))
      },
      { cwd: dir },
    )
    return { r, ms: sent ? performance.now() - sent : Infinity, files: readdirSync(dir) }
  }

  // Exit 143: as the shell reports a process ended by SIGTERM (node's default action, or the
  // handler of a command writing a file). Expected within 2 s (the bound).
  it('stats --digits 300 (about 10 s in one synchronous call), SIGTERM after 1 s: exit 143 within 2 s', async () => {
    const { r, ms } = await terminated(['stats', '--digits', '300'], () => true, 1000)
    expect(r.code === 143 || r.signal === 'SIGTERM', show(r)).toBe(true)
    expect(ms, show(r)).toBeLessThan(2000)
    expect(r.stdout).toBe('')
  })

  // The chart's temporary file exists before the sequence is computed (about 30 s on trig up to
  // n = 1e30): its SIGTERM handler ran only after the whole sequence until rate ran in a worker.
  it('plot rate --schedule trig --n-max 1e30, SIGTERM mid-sequence: exit 143 within 2 s, no file left', async () => {
    const { r, ms, files } = await terminated(['plot', 'rate', '--schedule', 'trig', '--n-max', '1e30', '--out', 'r.svg'], (d) => readdirSync(d).length > 0, 1500)
    expect(r.code, show(r)).toBe(143)
    expect(ms, show(r)).toBeLessThan(2000)
    expect(files).toEqual([])
  })
})
