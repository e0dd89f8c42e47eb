// The guards of the double-precision solver (src/theory/solve.ts: Result A's closed form, the
// limit at the regular singular point t = 1, the rule for a faithful digit and which rows go to
// high precision) against independent references: the closed forms derived by hand
// (test/theory/by-hand.ts, at 130 digits), the rule of docs/theory.md for 12 printed digits, and
// the notes solve() gives of the rows it computed in high precision, checked against where the
// closed form shows double precision to be right or wrong.
import { beforeEach, describe, expect, it } from 'vitest'
import { flowProblem, type ProblemOptions } from '../../src/theory/problem.js'
import { faithful } from '../../src/theory/solve.js'
import { forgetSolutions, learntDae, notes, resetNotes, solve } from './notes.js'
import { daeByHand, statsByHand, X, type Dec } from './by-hand.js'

const BASE = { n: 8, sigma: 1.5, lambda: 0.1, omega: 1 }
const params = (o: typeof BASE) => ({ n: String(o.n), sigma: String(o.sigma), lambda: String(o.lambda), omega: String(o.omega) })

const PI = X.acos(-1)
/** alpha, beta at the decimal value of t (its shortest text), in 130 digits. */
const SCHEDULES: Record<string, { spec: ProblemOptions['schedule']; at: (t: Dec) => [Dec, Dec] }> = {
  linear: { spec: 'linear', at: (t) => [new X(1).minus(t), t] },
  trig: { spec: 'trig', at: (t) => [X.cos(PI.times(t).div(2)), X.sin(PI.times(t).div(2))] },
  // alpha has a double zero at t = 1: the limit there is 0/0 (Neville extrapolation).
  doubleZero: { spec: { alpha: '(1-t)^2', beta: '1-(1-t)^2' }, at: (t) => [new X(1).minus(t).pow(2), new X(1).minus(new X(1).minus(t).pow(2))] },
  // Without skip connection the limit quotient is (beta - alpha beta'/alpha') m = (1 - (1 - t)/2) m:
  // linear in 1 - t, which only the extrapolation removes.
  doubleZeroLinear: { spec: { alpha: '(1-t)^2', beta: 't' }, at: (t) => [new X(1).minus(t).pow(2), t] },
  // The quotient is (t^12 + 6 (1 - t) t^11) m, a polynomial of degree 12 in 1 - t: every level
  // of the extrapolation counts (one level fewer leaves 4.8e-15).
  doubleZeroDegree12: { spec: { alpha: '(1-t)^2', beta: 't^12' }, at: (t) => [new X(1).minus(t).pow(2), t.pow(12)] },
  cosSquared: { spec: { alpha: 'cos(pi*t/2)^2', beta: 'sin(pi*t/2)' }, at: (t) => [X.cos(PI.times(t).div(2)).pow(2), X.sin(PI.times(t).div(2))] },
}
const rel = (x: number, ref: Dec): number => (ref.isZero() ? Math.abs(x) : new X(x).minus(ref).div(ref).abs().toNumber())

/** Result A's w_cos by hand: the cosine of w = m mu + q_xi xi with mu, |mu|^2 = omega: m omega / sqrt(omega |w|^2). */
const wCos = (d: Record<string, Dec>, omega: string): Dec => d.m.times(omega).div(d.w_norm2.times(omega).sqrt())

/** The largest relative error of a DAE row of BASE against the closed form by hand at the decimal t. */
function daeWorst(row: Record<string, number>, name: string, t: number): number {
  const ref = daeByHand(params(BASE), SCHEDULES[name].at(new X(String(t))))
  const worst = Math.max(...[...Object.keys(ref), 'w_cos'].map((k) => rel(row[k], k === 'w_cos' ? wCos(ref, String(BASE.omega)) : ref[k])))
  return worst
}

beforeEach(forgetSolutions)

describe('faithful: an absolute error of at most half a unit in the 12th significant digit', () => {
  // The rule by hand: x = d.ddd... 10^e is right to 12 digits when error <= 0.5 10^(e - 11).
  it.each([
    [1, 0.5e-11, true],
    [1, 0.50001e-11, false],
    [1, 1e-11, false],
    [9.99, 0.5e-11, true],
    [9.99, 0.6e-11, false],
    [123.456, 0.5e-9, true],
    [123.456, 0.50001e-9, false],
    [-123.456, 0.5e-9, true],
    [-123.456, 0.6e-9, false],
    [2.5e-7, 0.5e-18, true],
    [2.5e-7, 0.6e-18, false],
    [1e300, 1e288, true],
    [1e300, 1e289, false],
  ])('faithful(%s, %s) is %s', (x, error, right) => {
    expect(faithful(x, error)).toBe(right)
  })
  it('0 is right only when exact; a non-finite value or error is never right', () => {
    expect(faithful(0, 0)).toBe(true)
    expect(faithful(0, 1e-300)).toBe(false)
    for (const [x, error] of [
      [Infinity, 0],
      [-Infinity, 0],
      [NaN, 0],
      [1, Infinity],
      [1, NaN],
      [Infinity, Infinity],
    ])
      expect(faithful(x, error), `${x}, ${error}`).toBe(false)
  })
})

describe('a time outside [0, 1] is refused with its value', () => {
  const sol = solve(flowProblem(BASE))
  const dae = learntDae(flowProblem(BASE))
  it.each([-1e-300, -0.5, 1 + Number.EPSILON, 1.5, NaN, Infinity])('t = %s', (t) => {
    const message = `t must lie in [0, 1] (got ${t})`
    for (const f of [dae.at, sol.state, sol.stats, (x: number) => sol.statsGrid([0.5, x])]) {
      expect(() => f(t)).toThrow(RangeError)
      expect(() => f(t)).toThrow(message)
    }
  })
})

describe('Result A (learntDae) against the closed form by hand', () => {
  // daeByHand at 130 digits, with alpha, beta at the decimal t. The double route evaluates the
  // same rational function of alpha, beta (near t = 1 from alpha, beta correctly rounded, so
  // 1 - t does not cancel): a few roundings, measured worst relative error 4.5e-16 over these
  // cases, bound 2e-15. A row sent to high precision instead would be as right, but is a note.
  const cases: Array<[string, number, number]> = [
    ['linear', 1e-9, 2e-15],
    ['linear', 0.3, 2e-15],
    ['linear', 0.5, 2e-15],
    ['trig', 0.5, 2e-15],
    ['linear', 0.999999999999, 2e-15],
    ['trig', 0.999999, 2e-15],
    ['doubleZero', 0.001, 2e-15],
  ]
  it.each(cases)('%s at t = %s: every key within %s, in double (no row sent to high precision)', (name, t, tol) => {
    const row = learntDae(flowProblem({ ...BASE, schedule: SCHEDULES[name].spec })).at(t)
    expect(row.t).toBe(t)
    expect(daeWorst(row, name, t)).toBeLessThan(tol)
    expect(notes()).toEqual([])
  })
  it.each([
    { big: '1e4', off: '2.4e-12' },
    { big: '1e3', off: '1.5e-13' },
  ])('beta = ($big + t) - $big: where double is exact (t = 0.5, 0.25) the row stays in double although the enclosure fears more; at t = 0.3 (off by $off) high precision', ({ big }) => {
    // The enclosure bounds the subtraction's error by ~eps big/beta, above what the DAE tolerates
    // (SCHEDULE_KNOWN = 1e-13), but big + t is exact for these t: the measured error is 0 and
    // double is right (bound as above). At t = 0.3, big + 0.3 rounds: beta = 0.2999999999992724
    // (1e4) or 0.2999999999999545 (1e3), a relative error that spoils 12 digits or comes within a
    // factor 3 of it; the row from high precision (17 digits, alpha, beta in decimal) is right to
    // rounding: measured 7e-17, bound 2e-15 as above.
    const schedule = { alpha: '1-t', beta: `(${big}+t)-${big}` }
    const dae = learntDae(flowProblem({ ...BASE, schedule }))
    for (const t of [0.5, 0.25, 0.3]) expect(daeWorst(dae.at(t), 'linear', t), `t = ${t}`).toBeLessThan(2e-15)
    expect(notes()).toEqual([{ command: 'dae', t: 0.3, escalated: true }])
  })
  it('at t = 0: c = 0, m = n/(n+lambda), q_xi = +0, w_cos its limit sqrt(omega/(omega + sigma^2/n))', () => {
    // By hand from Result A at alpha = 1, beta = 0: c = beta L/D = 0, m = n K/((n+lambda) K),
    // q_xi = -alpha beta L/... = 0 (printed as 0, not -0), w = m mu so w_cos = m omega/sqrt(omega m^2 (omega + sigma^2/n)).
    const { n, sigma, lambda, omega } = BASE
    const row = learntDae(flowProblem(BASE)).at(0)
    expect(row.t).toBe(0)
    expect(row.c).toBe(0)
    expect(Object.is(row.q_xi, 0)).toBe(true)
    expect(Math.abs(row.m - n / (n + lambda))).toBeLessThanOrEqual(Number.EPSILON)
    // Three roundings of O(1) numbers: 4 eps.
    expect(Math.abs(row.w_cos - Math.sqrt(omega / (omega + sigma ** 2 / n)))).toBeLessThanOrEqual(4 * Number.EPSILON)
    expect(notes()).toEqual([])
  })
  it.each(['linear', 'trig', 'cosSquared'])('%s at t = 1: m = q_xi = +0, c = 1, w_cos its limit 0, oracle_mse 0', (name) => {
    // alpha = 0 and beta = 1: c = L/L, m and q_xi vanish with alpha, w_cos ~ sqrt(omega n) K alpha/L -> 0
    // (test/theory/solve.test.ts); the values are exact, so compared with Object.is (no -0).
    const row = learntDae(flowProblem({ ...BASE, schedule: SCHEDULES[name].spec })).at(1)
    for (const k of ['m', 'q_xi', 'w_cos', 'oracle_mse', 'w_norm2']) expect(Object.is(row[k], 0), `${k} = ${row[k]}`).toBe(true)
    expect(row.c).toBe(1)
    expect(row.t).toBe(1)
    expect(notes()).toEqual([])
  })
})

describe('without skip connection: the limit at the regular singular point t = 1', () => {
  // By hand (solve.test.ts header): without skip connection M = n beta/(n+lambda), Q_xi = 0,
  // P = alpha, so (M, Q_xi, P)(1) = (n/(n+lambda), 0, 0) for every schedule. The limit is
  // -(alpha g)/(alpha a) at t = 1, or its Neville extrapolation when alpha has a double zero
  // (doubleZero..., cosSquared, extrapolated from 1 - t = 0.05 2^-j, j < 8): measured worst absolute
  // error 5.6e-16 (2.5 ulp of M, degree 12), bound 4 eps.
  it.each([
    ['linear', 4 * Number.EPSILON],
    ['trig', 4 * Number.EPSILON],
    ['doubleZero', 4 * Number.EPSILON],
    ['doubleZeroLinear', 4 * Number.EPSILON],
    ['doubleZeroDegree12', 4 * Number.EPSILON],
    ['cosSquared', 4 * Number.EPSILON],
  ] as const)('%s: state(1) = (n/(n+lambda), 0, 0) within %s', (name, tol) => {
    const { n, lambda } = BASE
    const y = solve(flowProblem({ ...BASE, schedule: SCHEDULES[name].spec, skip: false })).state(1)
    const ref = [n / (n + lambda), 0, 0]
    expect(Math.max(...y.map((x, i) => Math.abs(x - ref[i])))).toBeLessThan(tol)
    // A vanishing limit is printed as 0, never -0.
    expect(y.map((x) => Object.is(x, -0))).toEqual([false, false, false])
  })
  it('beta = 1 - (1 - t)^1.5, not analytic at t = 1: the extrapolation from the left still finds M(1) = n/(n+lambda) within 1e-6', () => {
    // The quotient carries a (1 - t)^(1/2) term that polynomial extrapolation in 1 - t does not
    // model: measured error 3.6e-7 of M(1), bound 1e-6. Evaluated at t > 1 the schedule is NaN.
    const { n, lambda } = BASE
    const y = solve(flowProblem({ ...BASE, schedule: { alpha: '(1-t)^2', beta: '1-(1-t)^1.5' }, skip: false })).state(1)
    expect(Math.abs(y[0] - n / (n + lambda))).toBeLessThan(1e-6)
    expect(y.slice(1)).toEqual([0, 0])
  })
})

describe('which stats rows double precision hands to high precision', () => {
  // A row stays in double where the integrated state's error (2e-14 of its largest size, docs/cli.md)
  // keeps 12 digits; the closed form by hand (statsByHand, 130 digits) shows both the double rows
  // right and the escalated ones right where double alone is not. Measured worst relative errors:
  // 1.1e-13 for double rows (solve.test.ts), 1e-16 for rows from high precision (17 digits, rounded).
  const statsWorst = (name: string, o: typeof BASE, skip: boolean, t: number, row: Record<string, number>): number => {
    const ref = statsByHand(params(o), SCHEDULES[name].at(new X(String(t))), skip)
    // cos at t = 0 is 0/0 by hand (M = 0); its limit is checked in test/theory/solve.test.ts.
    return Math.max(
      ...Object.keys(ref)
        .filter((k) => t > 0 || k !== 'cos')
        .map((k) => rel(row[k], ref[k])),
    )
  }
  it('with skip connection, linear, on a grid of (0, 1]: all double, all right to 3e-13', () => {
    const ts = [0.3, 1, 0.01, 0.5, 0.9]
    const rows = solve(flowProblem(BASE)).statsGrid(ts)
    ts.forEach((t, i) => expect(statsWorst('linear', BASE, true, t, rows[i]), `t = ${t}`).toBeLessThan(3e-13))
    expect(notes()).toEqual([])
  })
  it('without skip connection: t = 0 and t = 1 (the limit, exact to its own size) stay in double; t = 1 - 2^-22 near the pole goes to high precision', () => {
    const sol = solve(flowProblem({ ...BASE, skip: false }))
    const ts = [0, 0.5, 1]
    const rows = sol.statsGrid(ts)
    ts.forEach((t, i) => expect(statsWorst('linear', BASE, false, t, rows[i]), `t = ${t}`).toBeLessThan(3e-13))
    expect(notes()).toEqual([])
    // P = alpha = 2^-22: the pole at t = 1 spoils the integrator's digits (error 2e-14 of P's start, 1e-7 of P).
    const t = 1 - 2 ** -22
    expect(statsWorst('linear', BASE, false, t, sol.stats(t))).toBeLessThan(1e-15)
    expect(notes()).toEqual([{ command: 'stats', t, escalated: true }])
  })
  it('without skip connection, alpha = 1 - t^1000 at t = 1 - 2^-10: P = 0.62 keeps its digits, the row stays in double', () => {
    // Closed form: M = n t/(n+lambda), Q_xi = 0, P = 1 - t^1000 (the integrator's error, measured
    // 1.6e-13 of P, within 12 digits; bound 5e-13).
    const t = 1 - 2 ** -10
    const { n, lambda } = BASE
    const y = solve(flowProblem({ ...BASE, schedule: { alpha: '1-t^1000', beta: 't' }, skip: false })).stats(t)
    const P = new X(1).minus(new X(t).pow(1000))
    expect(rel(y.P, P)).toBeLessThan(5e-13)
    // M: the integrator's error, measured 8.7e-15 absolute; bound 3e-14.
    expect(Math.abs(y.M - (n * t) / (n + lambda))).toBeLessThan(3e-14)
    expect(y.Q_xi).toBe(0)
    expect(notes()).toEqual([])
  })
  it('a cancelling start (beta = 1 - (1 - t)^2 at t = 1e-9, below where double meets 1e-14 at t = 2^-k) goes to high precision and is right', () => {
    // beta in double carries a relative error up to eps/(2t) there, which the states inherit and
    // the state's own error estimate does not see: in double M comes out 2.2e-14 off (measured).
    const t = 1e-9
    const row = solve(flowProblem({ ...BASE, schedule: SCHEDULES.doubleZero.spec })).stats(t)
    expect(statsWorst('doubleZero', BASE, true, t, row)).toBeLessThan(1e-15)
    expect(notes()).toEqual([{ command: 'stats', t, escalated: true }])
  })
  it('beta = 1 - (1 - t)^2: every row of the rough start is right to 12 digits, the dyadic t included', () => {
    // By hand: at t = 2^-k, (1 - 2^-k)^2 = 1 - 2^(1-k) + 2^-2k is exact in double for 2k <= 53, so
    // probing only t = 2^-k put the rough start at 2^-26, and the rows at 2^-26 and 2^-25 stayed in
    // double 3.6e-10 off (Q_xi), with no note: the states carry the error of beta integrated
    // through the t between. Bounds as above: 3e-13 for a double row, 1e-15 for a high-precision one.
    const ts = [2 ** -26 * (1 - 2 ** -52), 2 ** -26, 2 ** -25, 0.7 * 2 ** -20, 1e-4, 2 ** -10, 0.01, 0.3]
    const sol = solve(flowProblem({ ...BASE, schedule: SCHEDULES.doubleZero.spec }))
    for (const t of ts) {
      resetNotes()
      const row = sol.stats(t)
      const bound = notes().length ? 1e-15 : 3e-13
      expect(statsWorst('doubleZero', BASE, true, t, row), `t = ${t}`).toBeLessThan(bound)
    }
  })
  it('P falling from 1 to sigma = 1e-6 (lambda = 0): at t = 1 the double row stands with a note, at t = 0.999 high precision', () => {
    // P(1) = sqrt(L/K) = sigma when lambda = 0: below 1e-4 of its start, a boundary layer high
    // precision does not resolve in reasonable time ('beyond'); at t = 0.999 P = 1.2e-3 it does.
    const o = { ...BASE, sigma: 1e-6, lambda: 0 }
    const sol = solve(flowProblem(o))
    const one = sol.stats(1)
    expect(notes()).toEqual([{ command: 'stats', t: 1, escalated: false }])
    // The double row's error is that of P's start, 2e-14 absolute: relative 2e-8 of P = 1e-6 (measured 3e-9).
    expect(statsWorst('linear', o, true, 1, one)).toBeLessThan(3e-8)
    resetNotes()
    expect(statsWorst('linear', o, true, 0.999, sol.stats(0.999))).toBeLessThan(1e-15)
    expect(notes()).toEqual([{ command: 'stats', t: 0.999, escalated: true }])
  })
})
