// Numerical edge cases of the double-precision solver: t = 0 and 1 exactly, t within 1e-15 of
// either end, lambda = 0, sigma and omega tiny and large, n = 2 and n = 1e12, schedules whose W
// vanishes at an end (1 - t^2, t^2) or that cancel in double near t = 0 (1 - (1 - t)^2), with and
// without skip connection. Every digit double precision prints (12 significant) must be right:
// the expected values come from the high-precision solver at 25 digits (src/theory/hp.ts, two
// independent routes that agree), and a printed value may differ from them by less than one unit
// in its last digit. Rows double precision cannot guarantee are computed in high precision by
// solve() itself (the guard in src/theory/solve.ts); this checks that nothing slips through.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Decimal } from '../../src/hp/arith.js'
import { daeHp, statsHp } from '../../src/theory/hp.js'
import { flowProblem, type ScheduleSpec } from '../../src/theory/problem.js'
import { daeByHand, X } from './by-hand.js'
import { DOUBLE_DIGITS } from '../../src/theory/solve.js'
import { forgetSolutions, learntDae, notes, solve } from './notes.js'

interface Case {
  readonly n: string
  readonly sigma: string
  readonly lambda: string
  readonly omega: string
  readonly schedule: ScheduleSpec
  readonly skip: boolean
  readonly t: string
}

const SCHEDULES: readonly ScheduleSpec[] = [
  'linear',
  'trig',
  // W = 2t vanishes at t = 0.
  { alpha: '1 - t^2', beta: 't^2' },
  // W = 2(1 - t) vanishes at t = 1; beta cancels in double near t = 0.
  { alpha: '(1-t)^2', beta: '1-(1-t)^2' },
  { alpha: 'cos(pi*t^2/2)', beta: 'sin(pi*t^2/2)' },
]

/** The value as double precision prints it: DOUBLE_DIGITS significant digits. */
const printed = (x: number): Decimal => new Decimal(x.toPrecision(DOUBLE_DIGITS))

/** Whether `shown` is within one unit of its last digit of the exact value. */
function faithful(shown: Decimal, exact: Decimal): boolean {
  // kl and kl_reverse are +Infinity where P = 0 (equations/flow.eq [infinite]), in both precisions.
  if (!exact.isFinite()) return shown.eq(exact)
  if (exact.isZero()) return shown.isZero()
  const unit = new Decimal(10).pow(
    exact
      .abs()
      .log(10)
      .floor()
      .minus(DOUBLE_DIGITS - 1),
  )
  return shown.minus(exact).abs().lt(unit)
}

/** Every key of dae and stats at the case's t, double against high precision: the keys that are wrong. */
function wrongDigits(c: Case): string[] {
  const options = {
    n: Number(c.n),
    sigma: Number(c.sigma),
    lambda: Number(c.lambda),
    omega: Number(c.omega),
    schedule: c.schedule,
    skip: c.skip,
    text: { n: c.n, sigma: c.sigma, lambda: c.lambda, omega: c.omega },
  }
  const t = Number(c.t)
  // The t of the row is the double's shortest text (what the CLI prints), so hp computes there too.
  const tText = String(t)
  const double = { ...learntDae(flowProblem(options)).at(t), ...solve(flowProblem(options)).stats(t) }
  const hpProblem = flowProblem({ ...options, highPrecision: true })
  const exact = { ...daeHp(hpProblem, [tText], { digits: 25 }).rows[0], ...statsHp(hpProblem, [tText], { digits: 25 }).rows[0] }
  return Object.keys(exact)
    .filter((k) => k !== 't' && !faithful(printed(double[k]), exact[k]))
    .map((k) => `${k}: printed ${printed(double[k]).toString()}, exact ${exact[k].toSignificantDigits(16).toString()}`)
}

const base: Case = { n: '8', sigma: '1.5', lambda: '0.1', omega: '1', schedule: 'linear', skip: true, t: '1' }

/** The edge cases the issue names, each with both variants and the named schedules. */
const NAMED: ReadonlyArray<[string, Partial<Case>]> = [
  ['t = 0', { t: '0' }],
  ['t = 1', { t: '1' }],
  ['t = 1e-15', { t: '1e-15' }],
  ['t = 1 - 1e-12', { t: '0.999999999999' }],
  ['t = 1 - 1e-6', { t: '0.999999' }],
  ['lambda = 0, n = 2', { lambda: '0', n: '2', t: '0.7' }],
  ['sigma = 1e-3, lambda = 0 (P falls from 1 to sigma)', { sigma: '1e-3', lambda: '0' }],
  ['sigma = 1e-6', { sigma: '1e-6', t: '0.5' }],
  ['sigma = 1e8', { sigma: '1e8' }],
  ['n = 1e12', { n: '1000000000000', t: '0.9' }],
  ['n = 1e6 near t = 1 (mse = omega (M - 1)^2 + ... cancels)', { n: '1000000', sigma: '0.5', omega: '4', t: '0.9' }],
  ['omega = 1e-30', { omega: '1e-30', t: '0.5' }],
  ['omega = 1e8', { omega: '1e8', t: '0.5' }],
  ['lambda = 1e30', { lambda: '1e30', t: '0.5' }],
]

describe('edge cases: every printed digit right (double against 25-digit high precision)', () => {
  for (const [name, change] of NAMED) {
    it(`${name}: linear and trig, with and without skip connection`, () => {
      for (const schedule of ['linear', 'trig'] as const)
        for (const skip of [true, false]) {
          const c = { ...base, ...change, schedule, skip }
          expect(wrongDigits(c), JSON.stringify(c)).toEqual([])
        }
    })
  }
  it('schedules whose W vanishes at an end, or that cancel in double near t = 0, at t near both ends', () => {
    for (const schedule of SCHEDULES.slice(2))
      for (const skip of [true, false])
        for (const t of ['1e-9', '0.001', '0.999999999', '1']) {
          const c = { ...base, schedule, skip, t }
          expect(wrongDigits(c), JSON.stringify(c)).toEqual([])
        }
  })
})

/** A number 10^u, u uniform in [lo, hi], with three significant digits, as text. */
const logUniform = (lo: number, hi: number) => fc.double({ min: lo, max: hi, noNaN: true }).map((u) => Number((10 ** u).toPrecision(3)).toString())

const edgeCase: fc.Arbitrary<Case> = fc.record({
  n: fc.constantFrom('2', '3', '8', '1000', '1000000'),
  // (The extremes beyond are the named cases above: high precision, the reference, takes
  // seconds there, too long for many random cases.)
  sigma: fc.oneof(logUniform(-3, 3), logUniform(-1, 1)),
  // lambda = 0 is among the named cases: at n = 1000 on the trig schedule the reference itself
  // (statsHp) takes minutes, a known limit of high precision.
  lambda: logUniform(-3, 3),
  omega: fc.oneof(fc.constant('1'), logUniform(-3, 3)),
  schedule: fc.constantFrom(...SCHEDULES),
  skip: fc.boolean(),
  t: fc.oneof(
    fc.constantFrom('0', '1', '0.5'),
    fc.integer({ min: 1, max: 15 }).map((k) => `1e-${k}`),
    fc.integer({ min: 1, max: 9 }).map((k) => new Decimal(1).minus(`1e-${k}`).toString()),
    fc.integer({ min: 0, max: 999999 }).map((k) => new Decimal(k).div(1e6).toString()),
  ),
})

const RUNS = 12

describe('edge cases: random (fast-check, fixed seed)', () => {
  it(`${RUNS} random edge cases: every printed digit right`, () => {
    let tried = 0
    fc.assert(
      fc.property(edgeCase, (c) => {
        tried++
        expect(wrongDigits(c), JSON.stringify(c)).toEqual([])
      }),
      { numRuns: RUNS, seed: 20261125 },
    )
    console.log(`edge cases: ${tried} random cases tried, every printed digit right`)
    expect(tried).toBe(RUNS)
  })
})

describe('refusals where neither solver answers', () => {
  it('sigma = 1e-8 with lambda = 0: a clear refusal naming --sigma and the condition', () => {
    // P falls from 1 to about sigma in a boundary layer at t = 1 (docs/theory.md section 4, the
    // sanity limit P -> sqrt(alpha^2 + beta^2 sigma^2) at n -> infinity shows the scale).
    expect(() => solve(flowProblem({ n: 8, sigma: 1e-8, lambda: 0 }))).toThrow(
      /^sigma: the flow ODE cannot be integrated at sigma = 1e-8, lambda = 0, n = 8.*lambda\/n = 0 are both tiny\); give a larger sigma, or a larger lambda or smaller n$/,
    )
  })

  it('lambda = 0.1 at n = 1e14 regularises as little as lambda = 0: the refusal names lambda/n, and Result A is still answered', () => {
    // The issue-15 trial: the message advised "a positive --lambda" where lambda was 0.1; the flow
    // sees lambda only through n + lambda (M = n beta/(n + lambda), section 4 of docs/theory.md).
    const problem = flowProblem({ n: 1e14, sigma: 1e-10, lambda: 0.1 })
    expect(() => solve(problem)).toThrow(/^sigma: .* lambda\/n = 1e-15 are both tiny\); give a larger sigma, or a larger lambda or smaller n$/)
    // Result A needs no flow: against the closed form by hand (test/theory/by-hand.ts, 130 digits).
    // Double evaluates the closed form in a few roundings without cancellation here: 8 eps
    // relative (measured <= 3e-16).
    const row = learntDae(problem).at(0.5)
    const ref = daeByHand({ n: '1e14', sigma: '1e-10', lambda: '0.1', omega: '1' }, [new X('0.5'), new X('0.5')])
    for (const k of ['c', 'm', 'w_norm2', 'test_mse', 'oracle_mse'] as const) expect(Math.abs(row[k] - ref[k].toNumber()), k).toBeLessThanOrEqual(8 * Number.EPSILON * Math.abs(ref[k].toNumber()))
  })
})

describe('the guard', () => {
  it('sends a row to high precision where double would print a wrong digit, and says so', () => {
    forgetSolutions()
    // n = 1e6, t = 0.9: mse = omega (M - 1)^2 + ... with M close to 1 dominating: cancellation.
    const params = { n: 1e6, sigma: 0.5, lambda: 0.1, omega: 4, schedule: 'trig' }
    const guarded = solve(flowProblem(params)).stats(0.9)
    expect(notes()).toEqual([{ command: 'stats', t: 0.9, escalated: true }])
    const exact = statsHp(flowProblem({ ...params, highPrecision: true }), ['0.9'], { digits: 25 }).rows[0]
    expect(faithful(printed(guarded.mse), exact.mse)).toBe(true)
  })
  it('leaves the ordinary rows in double precision (no note at the published parameters)', () => {
    forgetSolutions()
    const sol = solve(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1 }))
    sol.statsGrid(Array.from({ length: 101 }, (_, k) => k / 100))
    for (let k = 0; k <= 100; k++) learntDae(sol.problem).at(k / 100)
    expect(notes()).toEqual([])
  })
})
