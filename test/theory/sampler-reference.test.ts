// K-step samplers (src/theory/discrete.ts, src/theory/sampled.ts, statsHp, `flowgm stats --steps`)
// against an independent reference: test/theory/sampler-reference.ts, i.e.
// src/tools/sampler-by-hand.ts, which shares no code with the library (Result A in closed form,
// the velocity in its 1/alpha form, schedules and tableaux typed by hand, decimal.js at 80 digits;
// a stage at t = 1 takes the velocity at 1 - 1e-80 at 250 digits, error O(1e-80)). So the reference
// is exact to ~1e-75 and every expected value below is the reference's.
//
// Tolerances:
//  - double precision: 1e-12 relative (the bound; absolute where the reference is exactly
//    0). The recurrence's own error is a few ulps of the coefficients, amplified by at most the
//    growth of the states over K steps; measured worst over the skip cases below: 1.5e-15.
//  - CLI --json in double prints 12 significant digits: half a unit of the 12th, <= 5e-12 relative.
//  - --digits 40: the printed string must equal the reference rounded to 40 significant digits,
//    every digit; the reference's error (~1e-75) could flip a rounding only if the value sat within
//    1e-75 of a rounding boundary, which none of the compared values does (no allowance needed).
import { Decimal } from 'decimal.js'
import { beforeAll, describe, expect, it } from 'vitest'
import { statsHp } from '../../src/theory/hp.js'
import { eulerByHand } from '../../src/tools/sampler-by-hand.js'
import { flowProblem } from '../../src/theory/problem.js'
import { solve } from '../../src/theory/solve.js'
import { limiter, requireBuild, show, spawnCli, type Run } from '../cli/run.js'
import { cliFlags, KEYS, problemOptions, referenceStats, SCHEDULES, SCHEMES, type Dec, type HandSchedule, type HandScheme } from './sampler-reference.js'

/** |x - ref| / |ref|, or |x| where the reference is exactly 0 (Q_xi and P without skip connection). */
const rel = (x: number, ref: Dec): number => (ref.isZero() ? Math.abs(x) : Math.abs(new Decimal(x).minus(ref).div(ref).toNumber()))

/** The worst relative difference of solve()'s stats at grid index k from the reference. */
function doubleError(schedule: HandSchedule, scheme: HandScheme, steps: number, k: number, skip = true): number {
  const row = solve(flowProblem(problemOptions(schedule, scheme, steps, skip))).stats(k / steps)
  const ref = referenceStats(schedule, scheme, steps, k, skip)
  return Math.max(...KEYS.filter((key) => ref[key]).map((key) => rel(row[key], ref[key]!)))
}

/** A value as --digits 40 prints it: 40 significant digits, an exact 0 as 0. */
const printed40 = (x: Dec): string => (x.isZero() ? '0' : x.toPrecision(40))

/** Every reference key of `ref` printed as `row` prints it. */
function expectDigits(row: Readonly<Record<string, string>>, ref: Partial<Record<string, Dec>>, where: string): void {
  for (const key of KEYS) if (ref[key]) expect(row[key], `${where}: ${key}`).toBe(printed40(ref[key]!))
}

const CASES = SCHEDULES.flatMap((schedule) => SCHEMES.map((scheme) => [schedule, scheme] as const))

// The CLI runs, started once at collection and run two at a time beside the in-process tests:
// at --digits 40 every scheme of the linear schedule (the command) and one scheme each of
// trig and custom (the others of those run in process below, through the same statsHp).
const CLI_DIGITS: ReadonlyArray<readonly [HandSchedule, HandScheme]> = [...SCHEMES.map((s) => ['linear', s] as const), ['trig', 'rk4'], ['custom', 'heun']]
const CLI_DOUBLE: ReadonlyArray<readonly [HandSchedule, HandScheme]> = [
  ['linear', 'heun'],
  ['trig', 'rk4'],
  ['custom', 'midpoint'],
]
const slot = limiter(2)
const runs = new Map<string, Promise<Run>>()
const cli = (args: string[]): Promise<Run> => {
  const id = args.join(' ')
  if (!runs.has(id))
    runs.set(
      id,
      slot(() => spawnCli(args, 60_000)),
    )
  return runs.get(id)!
}
const digitsArgs = (schedule: HandSchedule, scheme: HandScheme) => ['stats', '--t', '0.5,1', ...cliFlags(schedule, scheme, 50), '--digits', '40', '--json']
const doubleArgs = (schedule: HandSchedule, scheme: HandScheme) => ['stats', '--t', '1', ...cliFlags(schedule, scheme, 50), '--json']
const refusedArgs = (scheme: HandScheme) => ['stats', '--t', '1', ...cliFlags('linear', scheme, 50, false), '--json']
beforeAll(() => {
  requireBuild()
  CLI_DIGITS.forEach(([a, b]) => void cli(digitsArgs(a, b)))
  CLI_DOUBLE.forEach(([a, b]) => void cli(doubleArgs(a, b)))
  for (const s of ['heun', 'rk4'] as const) void cli(refusedArgs(s))
})

describe('K-step samplers in double precision (solve()) against the 80-digit reference', () => {
  it.each(CASES)('%s, %s: K = 50 at t = 0.5 and t = 1, K = 7 at t = 3/7 and 1, K = 1 at t = 1, to 1e-12 relative on M, Q_xi, P, mse, cos', (schedule, scheme) => {
    for (const [K, k] of [
      [50, 25],
      [50, 50],
      [7, 3],
      [7, 7],
      [1, 1],
    ]) {
      expect(doubleError(schedule, scheme, K, k), `K = ${K}, k = ${k}`).toBeLessThan(1e-12)
    }
  })

  it.each(['linear', 'custom'] as const)('%s without skip connection: euler and midpoint (no stage at t = 1), K = 50 at t = 0.5 and 1, to 1e-12', (schedule) => {
    for (const scheme of ['euler', 'midpoint'] as const) {
      for (const k of [25, 50]) expect(doubleError(schedule, scheme, 50, k, false), `${scheme}, k = ${k}`).toBeLessThan(1e-12)
    }
  })

  it('trig without skip connection: euler and midpoint, K = 50, to 1e-12 at t = 0.5 and to 3e-11 at t = 1 (cancellation in the last factor)', () => {
    // P's last Euler factor is 1 + h gamma with gamma = -(pi/2) tan(pi t/2) at t = 49/50: 1 - 0.99966,
    // a cancellation that multiplies the relative error of gamma (alpha = cos near pi/2 in double:
    // ~50 eps) by |h gamma|/|1 + h gamma| ~ 3000, i.e. ~3e-11; measured 9.4e-12 (euler).
    for (const scheme of ['euler', 'midpoint'] as const) {
      expect(doubleError('trig', scheme, 50, 25, false), `${scheme}, t = 0.5`).toBeLessThan(1e-12)
      expect(doubleError('trig', scheme, 50, 50, false), `${scheme}, t = 1`).toBeLessThan(3e-11)
    }
  })

  it("linear schedule without skip connection: Euler's last step multiplies P by 1 + h gamma = 1 - (1/50)/(1/50) = 0", () => {
    // gamma = alphadot/alpha = -1/(1 - t) at t = 49/50 is -50 and h = 1/50 (by hand): the reference
    // gives exactly 0. In double 1 - 49/50 is 0.020000000000000018, so the factor is ~1e-16 and
    // P = O(1e-16) (measured 1.7e-17).
    expect(referenceStats('linear', 'euler', 50, 50, false).P!.isZero()).toBe(true)
    expect(Math.abs(solve(flowProblem(problemOptions('linear', 'euler', 50, false))).stats(1).P)).toBeLessThan(1e-16)
    // High precision evaluates the grid time 49/50 exactly and prints P = 0.
    expect(statsHp(flowProblem(problemOptions('linear', 'euler', 50, false)), ['1'], { digits: 40 }).rows[0].P.isZero()).toBe(true)
  })
})

describe('K-step samplers at --digits 40 (statsHp) against the 80-digit reference, every printed digit', () => {
  const hpRows = (schedule: HandSchedule, scheme: HandScheme, K: number, ts: string[], skip = true) =>
    statsHp(flowProblem(problemOptions(schedule, scheme, K, skip)), ts, { digits: 40 }).rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, printed40(v)])))

  it.each(SCHEDULES)('%s: K = 1 and K = 7 at t = 1 for every scheme', (schedule) => {
    for (const scheme of SCHEMES) for (const K of [1, 7]) expectDigits(hpRows(schedule, scheme, K, ['1'])[0], referenceStats(schedule, scheme, K, K), `${scheme}, K = ${K}`)
  })

  it.each(CASES.filter(([a, b]) => !CLI_DIGITS.some(([c, d]) => a === c && b === d)))('%s, %s: K = 50 at t = 0.5 and 1 (the other schemes run through the CLI below)', (schedule, scheme) => {
    hpRows(schedule, scheme, 50, ['0.5', '1']).forEach((row, i) => expectDigits(row, referenceStats(schedule, scheme, 50, 25 * (i + 1)), `t = ${row.t}`))
  })

  it.each(SCHEDULES)('%s without skip connection: euler and midpoint, K = 50 at t = 0.5 and 1', (schedule) => {
    for (const scheme of ['euler', 'midpoint'] as const) {
      hpRows(schedule, scheme, 50, ['0.5', '1'], false).forEach((row, i) => expectDigits(row, referenceStats(schedule, scheme, 50, 25 * (i + 1), false), `${scheme}, t = ${row.t}`))
    }
  })
})

describe('flowgm stats --steps (the built CLI) against the 80-digit reference', () => {
  it.each(CLI_DIGITS)('%s, %s: stats --t 0.5,1 --steps 50 --digits 40 --json prints the reference to every digit', async (schedule, scheme) => {
    const r = await cli(digitsArgs(schedule, scheme))
    expect(r.code, show(r)).toBe(0)
    const rows = JSON.parse(r.stdout) as Array<Record<string, string>>
    expect(rows).toHaveLength(2)
    rows.forEach((row, i) => expectDigits(row, referenceStats(schedule, scheme, 50, 25 * (i + 1)), `t = ${row.t}`))
  })

  it.each(CLI_DOUBLE)('%s, %s: stats --t 1 --steps 50 --json (double) prints the reference to its 12 digits', async (schedule, scheme) => {
    const r = await cli(doubleArgs(schedule, scheme))
    expect(r.code, show(r)).toBe(0)
    const row = JSON.parse(r.stdout) as Record<string, number>
    const ref = referenceStats(schedule, scheme, 50, 50)
    for (const key of KEYS) expect(rel(row[key], ref[key]!), key).toBeLessThanOrEqual(5e-12)
  })

  it.each(['heun', 'rk4'] as const)('without skip connection %s is refused (exit 2, a line naming --scheme and the pole)', async (scheme) => {
    const r = await cli(refusedArgs(scheme))
    expect(r.code, show(r)).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(new RegExp(`^flowgm: --scheme: ${scheme} evaluates the velocity at t = 1 in its last step, a pole`, 'm'))
  })
})

describe('the reference itself', () => {
  it('eulerByHand (the published script protocol of docs/theory.md section 6): steps of 1/100 with the velocity of k/99, without skip connection, by hand', () => {
    // Without skip connection (docs/theory.md section 3): c = q_xi = 0, m = n/(n+lambda), so for the
    // linear schedule gamma = -1/(1-s) and zeta m = n/((n+lambda)(1-s)) at the velocity's time s:
    // M_{k+1} = M_k (1 - h/(1-s_k)) + h n/((n+lambda)(1-s_k)), P_{k+1} = P_k (1 - h/(1-s_k)), in
    // double. M: 99 steps of relative rounding ~1e-16 each, bound 1e-13. P: the factors near the
    // end cancel (the last is 1 - 0.99 = 0.01), each multiplying its rounding by
    // (h/(1-s))/(1 - h/(1-s)), up to 99; summed over the steps ~1e-12 (measured 4.5e-13), bound 1e-11.
    const times = Array.from({ length: 99 }, (_, k) => [k, 99] as const)
    const states = eulerByHand({ n: '8', sigma: '1.5', lambda: '0.1', omega: '1', schedule: 'linear', skip: false }, times, [1, 100])
    let [M, P] = [0, 1]
    for (const [k] of times) {
      const s = k / 99
      ;[M, P] = [M * (1 - 0.01 / (1 - s)) + (0.01 * 8) / (8.1 * (1 - s)), P * (1 - 0.01 / (1 - s))]
    }
    expect(Math.abs(states[99][0].toNumber() - M) / M).toBeLessThan(1e-13)
    expect(states[99][1].isZero()).toBe(true)
    expect(Math.abs(states[99][2].toNumber() - P) / P).toBeLessThan(1e-11)
  })
})
