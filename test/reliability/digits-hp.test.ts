// Issue 15, class 3: under --digits, every printed digit is right and digits_verified is a
// guarantee. The reference is the closed forms derived by hand (test/theory/by-hand.ts, docs/theory.md
// sections 3 and 4) with the schedules by their definitions, evaluated by decimal.js at more than
// 2 D + 30 + log10(n) digits plus twice the digits 1 - t has leading zeros: a route that shares nothing with
// src/theory/hp.ts and that the cancellations near t = 1 and at large n cannot reach.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireBuild } from '../cli/run.js'
import { Runner } from '../fuzz/harness.js'
import { Decimal } from '../../src/hp/arith.js'
import { daeHp, statsHp, type HpResult } from '../../src/theory/hp.js'
import { flowProblem, type ProblemOptions } from '../../src/theory/problem.js'
import { solve } from '../../src/theory/solve.js'
import { daeByHand, statsByHand, type Dec, type Params } from '../theory/by-hand.js'

type R = typeof Decimal
const SCHEDULES: Record<string, { spec: ProblemOptions['schedule']; at: (t: Dec, R: R) => [Dec, Dec] }> = {
  linear: { spec: 'linear', at: (t, R) => [new R(1).minus(t), t] },
  trig: { spec: 'trig', at: (t, R) => [R.acos(-1).times(t).div(2).cos(), R.acos(-1).times(t).div(2).sin()] },
  // A custom schedule through exp, whose alpha cancels (exp(1 - t) - 1) near t = 1.
  custom: {
    spec: { alpha: '(exp(1 - t) - 1) / (exp(1) - 1)', beta: 't^2' },
    at: (t, R) => [new R(1).minus(t).exp().minus(1).div(new R(1).exp().minus(1)), t.pow(2)],
  },
}

interface Case {
  p: Params
  schedule: string
  t: string
  digits: number
  skip: boolean
}

function problemOf({ p, schedule, skip }: Case) {
  return flowProblem({ n: Number(p.n), sigma: Number(p.sigma), lambda: Number(p.lambda), omega: Number(p.omega), schedule: SCHEDULES[schedule].spec, skip, text: p, highPrecision: true })
}

/** The reference arithmetic of a case: twice its digits, and what n and 1 - t cost. */
function reference({ p, t, digits }: Case): R {
  const gap = new Decimal(1).minus(t)
  const near = gap.isZero() ? 0 : Math.max(0, -Math.floor(gap.log(10).toNumber()))
  return Decimal.clone({ precision: 2 * digits + 30 + Math.ceil(Math.log10(Number(p.n))) + 2 * near })
}

/** Correct significant digits of x against a nonzero reference. */
function correct(x: Decimal, ref: Decimal): number {
  const err = new Decimal(x).minus(ref).abs().div(ref.abs())
  return err.isZero() ? Infinity : Math.floor(-err.log(10).toNumber())
}

/** Keys printed with fewer right digits than promised: min(D, digits_verified) less one for the rounding. */
function broken(r: HpResult, refs: Record<string, Dec>, digits: number): string[] {
  const promised = Math.min(digits, r.digitsVerified) - 1
  return Object.entries(refs)
    .filter(([k, v]) => !v.isZero() && correct(r.rows[0][k], v) < promised)
    .map(([k, v]) => `${k}: ${r.rows[0][k]} vs ${v.toSignificantDigits(digits + 3)} (${correct(r.rows[0][k], v)} right, ${r.digitsVerified} verified)`)
}

function checkDae(c: Case): string[] {
  const X = reference(c)
  const r = daeHp(problemOf(c), [c.t], { digits: c.digits })
  return broken(r, daeByHand(c.p, SCHEDULES[c.schedule].at(new X(c.t), X), X), c.digits)
}

function checkStats(c: Case): string[] {
  const X = reference(c)
  const r = statsHp(problemOf(c), [c.t], { digits: c.digits })
  return broken(r, statsByHand(c.p, SCHEDULES[c.schedule].at(new X(c.t), X), c.skip, X), c.digits)
}

const BASE: Params = { n: '8', sigma: '1.5', lambda: '0.1', omega: '1' }

/** log10 n and the other parameters. */
const params = fc.record({
  k: fc.integer({ min: 0, max: 300 }),
  sigma: fc.double({ min: 0.05, max: 20, noNaN: true }),
  lambda: fc.double({ min: 0, max: 10, noNaN: true }),
  omega: fc.double({ min: 0.05, max: 20, noNaN: true }),
})

/** t in (0, 1) on a grid, or close to 1 (1 - 1e-j). */
const times = fc.oneof(
  fc.integer({ min: 1, max: 99 }).map((x) => `0.${String(x).padStart(2, '0')}`),
  fc.integer({ min: 1, max: 25 }).map((j) => `0.${'9'.repeat(j)}`),
)

describe('digits_verified is a guarantee', () => {
  it('regression: dae --digits 40 at t = 1 - 1e-20 on cos/sin(pi t/2) (it claimed 51 digits and had 31)', () => {
    expect(checkDae({ p: BASE, schedule: 'trig', t: '0.99999999999999999999', digits: 40, skip: true })).toEqual([])
  })
  it('regression: dae --digits 40 near t = 1 on a schedule through exp', () => {
    expect(checkDae({ p: BASE, schedule: 'custom', t: '0.999999999999999', digits: 40, skip: true })).toEqual([])
  })
  it('regression: stats at n = 1e200 answers (it failed: the routes agreed on 0 digits) with every digit right', () => {
    expect(checkStats({ p: { ...BASE, n: '1e200' }, schedule: 'linear', t: '1', digits: 12, skip: true })).toEqual([])
  })

  const cases = (maxK: number, maxDigits: number) =>
    fc
      .record({
        params,
        t: times,
        digits: fc.integer({ min: 3, max: maxDigits }),
        schedule: fc.constantFrom('linear', 'trig', 'custom'),
        skip: fc.boolean(),
      })
      .map(({ params: q, t, digits, schedule, skip }): Case => ({
        p: { n: q.k < 1 ? '2' : `1e${Math.min(q.k, maxK)}`, sigma: String(q.sigma), lambda: String(q.lambda), omega: String(q.omega) },
        t,
        digits,
        schedule,
        skip,
      }))

  it('property: dae, every value right to min(D, digits_verified) digits (n up to 1e300, t up to 1 - 1e-25)', () => {
    fc.assert(
      fc.property(
        cases(300, 40).map((c) => ({ ...c, skip: true })),
        (c) => {
          expect(checkDae(c), JSON.stringify(c)).toEqual([])
        },
      ),
      { numRuns: 40, seed: 15 },
    )
  })
  it('property: stats, every value right to min(D, digits_verified) digits (n up to 1e40)', () => {
    fc.assert(
      fc.property(cases(40, 20), (c) => {
        expect(checkStats(c), JSON.stringify(c)).toEqual([])
      }),
      { numRuns: 4, seed: 15 },
    )
  })
})

// dae-compare's excess_mse = test_mse - oracle_mse loses log10(test_mse / excess_mse) digits
// (about log10 n): through the built CLI (test/fuzz/harness.ts), in double and under --digits.
describe('dae-compare excess_mse', () => {
  const runner = new Runner()
  beforeAll(requireBuild)
  afterAll(() => runner.close())

  /** The printed rows of dae-compare, and the reference excess of each (by hand, see above). */
  async function excessOf(n: string, t: string, digits?: number) {
    const out = await runner.run(['dae-compare', '--n', n, '--t', t, '--sigma', '1.5', '--lambda', '0.1', '--json', ...(digits ? ['--digits', String(digits)] : [])])
    expect(out.code, out.stderr).toBe(0)
    const [row] = JSON.parse(out.stdout)
    const c: Case = { p: { ...BASE, n }, schedule: 'linear', t, digits: digits ?? 17, skip: true }
    const X = reference(c)
    const ref = daeByHand(c.p, SCHEDULES.linear.at(new X(t), X), X)
    return { printed: new Decimal(String(row.excess_mse)), verified: row.digits_verified as number | undefined, ref: ref.test_mse.minus(ref.oracle_mse) }
  }

  it('regression: n = 1e12 in double, 11 digits right (it had 4)', async () => {
    const { printed, ref } = await excessOf('1000000000000', '0.5')
    expect(correct(printed, ref)).toBeGreaterThanOrEqual(11)
  })
  it('regression: n = 1e30 under --digits 15 is 6.92e-31, not 0', async () => {
    const { printed, ref } = await excessOf('1e30', '0.5', 15)
    expect(correct(printed, ref)).toBeGreaterThanOrEqual(14)
  })
  it('property: every digit right, in double (n < 1e15, 11 digits) and under --digits D (n up to 1e300)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 300 }), times, fc.option(fc.integer({ min: 3, max: 40 })), async (k, t, digits) => {
        const n = digits === null ? String(10 ** Math.min(k, 14)) : `1e${k}`
        // In double, t itself is a double: 1 - 1e-16 and closer are 1.
        const at = digits === null && t.length > 14 ? '0.5' : t
        const { printed, verified, ref } = await excessOf(n, at, digits ?? undefined)
        expect(correct(printed, ref), `n=${n} t=${at} D=${digits}`).toBeGreaterThanOrEqual(digits === null ? 11 : Math.min(digits, verified!) - 1)
      }),
      { numRuns: 25, seed: 15 },
    )
  })
})

describe('double precision', () => {
  it('property: every dae and stats key agrees with the hand-derived reference to 11 digits (n < 1e15, t up to 1 - 1e-15)', () => {
    const X = Decimal.clone({ precision: 120 })
    const failures: string[] = []
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 14 }),
        params,
        fc.oneof(
          fc.double({ min: 0.001, max: 0.999, noNaN: true }),
          fc.integer({ min: 1, max: 15 }).map((j) => 1 - 10 ** -j),
        ),
        fc.constantFrom('linear', 'trig', 'custom'),
        (k, q, t, schedule) => {
          const n = Math.max(2, 10 ** k)
          const p: Params = { n: String(n), sigma: String(q.sigma), lambda: String(q.lambda), omega: String(q.omega) }
          const sol = solve(flowProblem({ n, sigma: q.sigma, lambda: q.lambda, omega: q.omega, schedule: SCHEDULES[schedule].spec }))
          // The reference at the double t itself (its exact decimal expansion), not at a rounded text.
          const at = SCHEDULES[schedule].at(new X(t), X)
          const got: Record<string, number> = { ...sol.dae(t), ...sol.stats(t) }
          const refs = { ...daeByHand(p, at, X), ...statsByHand(p, at, true, X) }
          for (const [key, v] of Object.entries(refs)) {
            if (!v.isZero() && correct(new Decimal(got[key]), v) < 11) failures.push(`${key} n=${n} t=${t} ${schedule}`)
          }
        },
      ),
      { numRuns: 30, seed: 15 },
    )
    expect(failures).toEqual([])
  })
})
