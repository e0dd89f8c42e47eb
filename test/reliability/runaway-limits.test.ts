// Defect class: requests that are accepted, then run away (a plot of 10^7 points took 4 GB and
// crashed V8; curves --points 1e7 --digits 5, simulate --steps 1e6, Adam with --epochs 1e9 ran
// for days). Each command now estimates its cost from its flags (src/limits.ts) and refuses one
// beyond LIMITS with the estimate and the flag to lower; a product grid is never materialised,
// so a tiny shard of a huge grid is cheap. The regressions replay the trial's examples; the
// properties draw size flags over many orders of magnitude: either the one-line refusal naming a
// size flag, or a run whose measured peak memory and wall time stay under the estimate.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { simulationEstimate, simulationSpecFrom } from '../../src/cli/simulate.js'
import { sweepEstimate } from '../../src/cli/sweep.js'
import { specFrom } from '../../src/cli/common.js'
import { checkCost, LIMITS, plotCost, type Cost } from '../../src/limits.js'
import { readShard } from '../../src/sweep/grid.js'
import { Runner, showArgv, violations, type Outcome } from '../fuzz/harness.js'
import { BIN, requireBuild } from '../cli/run.js'

const runner = new Runner(60_000)
beforeAll(requireBuild)
afterAll(() => runner.close())

/** An outcome is a refusal naming `flag`: exit 2, one line `flowgm: --flag: ...`, nothing else (harness.ts judges the contract). */
function expectRefusal(o: Outcome, flag: string, rule?: RegExp): void {
  expect(violations(o), showArgv(o.argv)).toEqual([])
  expect(o.code, o.stderr).toBe(2)
  expect(o.stderr.startsWith(`flowgm: --${flag}: `), o.stderr).toBe(true)
  if (rule) expect(o.stderr).toMatch(rule)
}

describe("the trial's runaway requests are refused up front, naming the flag", () => {
  it('plot curves --points 1e7 (4 GB, then a V8 crash leaving a .tmp): refused, no file', async () => {
    const o = await runner.run(['plot', 'curves', '--points', '1e7', '--out', 'x.svg'])
    expectRefusal(o, 'points', /1e7 points would need about .* to plot \(limit 1 GB\); lower --points/)
    expect(Object.keys(o.files)).toEqual([])
  })
  it('curves --points 1e7 --digits 5', async () => {
    expectRefusal(await runner.run(['curves', '--points', '1e7', '--digits', '5']), 'points', /lower --points or --digits/)
  })
  it('simulate --steps 1e6 (a gigabyte of rows per 10^5 steps)', async () => {
    expectRefusal(await runner.run(['simulate', '--steps', '1e6']), 'steps', /to record/)
  })
  it('simulate --trainer adam --epochs 1e9', async () => {
    expectRefusal(await runner.run(['simulate', '--trainer', 'adam', '--epochs', '1e9']), 'epochs', /would take about .* \(limit 1 day\)/)
  })
  it('an aligned table of 3e6 rows holds every cell: refused naming --format (csv streams the same grid)', async () => {
    const o = await runner.run(['compare', '--n-range', '2:3000001:lin', '--format', 'table'])
    expectRefusal(o, 'format', /use --format csv/)
  })
  it('Adam --lr 1e-320 is refused at validation as an underflow, not reported as a divergence', async () => {
    const o = await runner.run(['simulate', '--trainer', 'adam', '--lr', '1e-320'])
    expectRefusal(o, 'lr', /underflow.*\(got 1e-320\)/)
    expect(o.stderr).not.toMatch(/diverged/)
    // 1e-400 reads as 0: the message shows what was written (the rule of every numeric flag, src/cli/args.ts).
    expectRefusal(await runner.run(['simulate', '--trainer', 'adam', '--lr', '1e-400']), 'lr', /\(got '1e-400', which a double reads as 0\)$/m)
  })
  it('a shard of 4 rows of a 4e6-row product grid runs at once (the grid is never materialised)', async () => {
    const o = await runner.run(['compare', '--n-range', '2:1e6:lin:1000000', '--sigma-range', '0.5:2:lin:4', '--shard', '1/1000000', '--format', 'csv'])
    expect(violations(o), o.stderr).toEqual([])
    // Rows i = 0, 1e6, 2e6, 3e6 of 4 x 999999 (the rounded n axis repeats one value): a header and 4 rows.
    expect(o.stdout.trim().split('\n').length).toBe(5)
    expect(o.ms).toBeLessThan(20_000)
  })
})

describe('the refusal follows the estimate', () => {
  it('property: checkCost refuses exactly the costs beyond LIMITS, naming the flag and both numbers', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e15, noNaN: true }), fc.double({ min: 0, max: 1e12, noNaN: true }), (bytes, seconds) => {
        const cost: Cost = { bytes, seconds }
        const beyond = bytes > LIMITS.bytes || seconds > LIMITS.seconds
        let message: string | undefined
        try {
          checkCost(cost, 'points', 'N points', 'plot', 'lower --points')
        } catch (e) {
          message = (e as Error).message
        }
        expect(message !== undefined).toBe(beyond)
        if (message !== undefined) expect(message).toMatch(/^points: N points would (need|take) about \S+ \S+ to plot \(limit 1 (GB|day)\); lower --points$/)
      }),
      { numRuns: 200, seed: SEED },
    )
  })
})

/** Size flags drawn over many orders of magnitude, for each command that has them. */
const logInt = (min: number, max: number) => fc.double({ min: Math.log10(min), max: Math.log10(max), noNaN: true }).map((e) => Math.max(min, Math.round(10 ** e)))
const requests = fc.oneof(
  fc.record({ points: logInt(2, 1e9) }).map(({ points }) => ['curves', '--points', String(points), '--format', 'csv']),
  fc.record({ points: logInt(2, 1e7), digits: logInt(5, 1000) }).map(({ points, digits }) => ['curves', '--points', String(points), '--digits', String(digits), '--format', 'csv']),
  fc.record({ points: logInt(2, 1e9) }).map(({ points }) => ['plot', 'curves', '--points', String(points), '--out', 'c.svg']),
  fc
    .record({ n: logInt(1, 1e7), sigma: logInt(1, 1e4), K: logInt(1, 1e9) })
    .map(({ n, sigma, K }) => ['compare', '--n-range', `2:${n + 1}:lin`, '--sigma-range', `0.5:2:lin:${sigma}`, '--shard', `1/${K}`, '--format', 'jsonl']),
  fc
    .record({ steps: logInt(1, 1e6), particles: logInt(1, 1e5), d: logInt(2, 1e5) })
    .map(({ steps, particles, d }) => ['simulate', '--steps', String(steps), '--particles', String(particles), '--d', String(d), '--engine', 'js', '--format', 'csv']),
  fc
    .record({ steps: logInt(1, 1e4), epochs: logInt(1, 1e12) })
    .map(({ steps, epochs }) => ['simulate', '--trainer', 'adam', '--steps', String(steps), '--epochs', String(epochs), '--d', '50', '--particles', '10', '--engine', 'js', '--format', 'csv']),
)

const SIZE_FLAGS = ['points', 'digits', 'n-range', 'sigma-range', 'shard', 'steps', 'particles', 'd', 'n', 'epochs', 'format']

/**
 * The estimate of a request, from the same code the command judges it with, and the part of it
 * LIMITS judge (a simulation's particles and training set are judged against the machine instead).
 */
async function estimate(argv: readonly string[]): Promise<Cost & { judged?: Cost }> {
  const args: Record<string, string> = {}
  for (let i = argv[0] === 'plot' ? 2 : 1; i < argv.length; i += 2) args[argv[i].slice(2)] = argv[i + 1]
  if (argv[0] === 'simulate') {
    const cost = simulationEstimate(await simulationSpecFrom(args))
    return { ...cost, judged: cost.steps }
  }
  if (argv[0] === 'plot') return plotCost(Number(args.points))
  const command = argv[0] as 'curves' | 'compare'
  return sweepEstimate(specFrom(command, args), readShard(args.shard), 'csv')
}

/** Refused, or cheap enough to run here: the property runs only these (a request of an hour is valid, not tested). */
async function refusedOrCheap(argv: readonly string[], seconds: number): Promise<'refused' | 'cheap' | 'long'> {
  let cost: Cost & { judged?: Cost }
  try {
    cost = await estimate(argv)
  } catch {
    return 'refused'
  }
  const judged = cost.judged ?? cost
  if (judged.bytes > LIMITS.bytes || judged.seconds > LIMITS.seconds) return 'refused'
  return cost.seconds <= seconds ? 'cheap' : 'long'
}

/**
 * The properties' seed is fixed, as the fuzz tests' (test/fuzz/cli.test.ts): a failure reproduces,
 * and the cases, some of which run for seconds, cannot add up past the time limit on one run and
 * not on another.
 */
const SEED = 15

describe('property: random size flags', () => {
  it('either exit 2 with one line naming a size flag, or exit 0 within the estimate (in-process runner)', async () => {
    await fc.assert(
      fc.asyncProperty(requests, async (argv) => {
        const kind = await refusedOrCheap(argv, 5)
        fc.pre(kind !== 'long')
        const o = await runner.run(argv)
        expect(violations(o), showArgv(argv)).toEqual([])
        if (o.code === 2) {
          expect(
            SIZE_FLAGS.some((f) => o.stderr.startsWith(`flowgm: --${f}: `)),
            o.stderr,
          ).toBe(true)
        } else {
          expect(kind, `${showArgv(argv)} ran, yet its estimate is beyond the limits`).toBe('cheap')
        }
      }),
      { numRuns: 25, seed: SEED },
    )
  }, 180_000)

  it("an accepted run's peak memory and wall time, measured by /usr/bin/time, stay under the estimate", async () => {
    if (!existsSync('/usr/bin/time')) return
    const scratch = mkdtempSync(join(tmpdir(), 'flowgm-cost-'))
    try {
      await fc.assert(
        fc.asyncProperty(requests, async (argv) => {
          fc.pre((await refusedOrCheap(argv, 12)) === 'cheap')
          const cost = await estimate(argv)
          const r = spawnSync('/usr/bin/time', ['-f', 'RESOURCES %e %M', process.execPath, BIN, ...argv], { cwd: scratch, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'ignore', 'pipe'] })
          const m = /RESOURCES ([\d.]+) (\d+)/.exec(r.stderr)
          expect(m, r.stderr).not.toBeNull()
          const seconds = Number(m![1])
          const bytes = Number(m![2]) * 1024
          expect(bytes, `${showArgv(argv)}: peak ${bytes} bytes, estimate ${cost.bytes}`).toBeLessThanOrEqual(cost.bytes)
          expect(seconds, `${showArgv(argv)}: ${seconds} s, estimate ${cost.seconds}`).toBeLessThanOrEqual(cost.seconds)
          for (const f of readdirSync(scratch)) rmSync(join(scratch, f), { force: true })
        }),
        { numRuns: 4, seed: SEED },
      )
    } finally {
      rmSync(scratch, { recursive: true, force: true })
    }
  }, 180_000)
})
