// The precision guards of src/theory/solve.ts between Result A and the escalation to high
// precision (the perturbation bound of the DAE rows, the rough start of a schedule, the fallback
// when high precision fails), against independent references:
//  - the rule of docs/cli.md ("Accuracy in double precision") applied by hand: the closed form
//    of test/theory/by-hand.ts at 130 digits, alpha and beta perturbed by their error, and the
//    schedule evaluated in JavaScript double against decimal at the probes t = 2^-k, 1.001 2^-k;
//  - the closed form by hand for the values of the rows.
import { Decimal } from 'decimal.js'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ParameterError } from '../../src/errors.js'
import { flowProblem } from '../../src/theory/problem.js'
import { forgetSolutions, learntDae, notes, solve } from './notes.js'
import { daeByHand, statsByHand, X, type Dec } from './by-hand.js'

// High precision failing (its time limit, a route that does not converge) takes a schedule that
// cancels for minutes: a test double stands in for src/theory/hp.ts, failing only where a test
// sets `hp.failure`, so that the fallback of solve.ts is reached in milliseconds.
const hp = vi.hoisted(() => ({ failure: undefined as Error | undefined }))
vi.mock('../../src/theory/hp.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/theory/hp.js')>()
  const failing = <F extends (...a: never[]) => unknown>(f: F) =>
    ((...a: Parameters<F>) => {
      if (hp.failure) throw hp.failure
      return f(...a)
    }) as F
  return { ...real, daeHp: failing(real.daeHp), statsHp: failing(real.statsHp) }
})

beforeEach(forgetSolutions)
afterEach(() => {
  hp.failure = undefined
})

const BASE = { n: 8, sigma: 1.5, lambda: 0.1, omega: 1 }
const text = (o: { n: number; sigma: number; lambda: number; omega: number }) => ({ n: String(o.n), sigma: String(o.sigma), lambda: String(o.lambda), omega: String(o.omega) })
const rel = (x: number, ref: Dec): number => (ref.isZero() ? Math.abs(x) : new X(x).minus(ref).div(ref).abs().toNumber())
/** Half a unit of the 12th significant digit of x: the most a printed value may be off (docs/cli.md). */
const halfUnit = (x: Dec): Dec => new X(10).pow(Math.floor(Math.log10(x.abs().toNumber())) - 11).div(2)
/** The largest relative error of a DAE row against the closed form by hand at (alpha, beta). */
const worst = (row: Readonly<Record<string, number>>, ref: Record<string, Dec>) => Math.max(...Object.keys(ref).map((k) => rel(row[k], ref[k])))

describe('a DAE row high precision fails on: the double row stands, noted as not escalated', () => {
  // beta = (t + 1e5) - 1e5 loses 10 digits at t = 0.3 (t + 1e5 rounds to a multiple of 2^-36):
  // the row goes to high precision (docs/cli.md), which fails here. The double row is then the
  // closed form at the double alpha, beta: a few roundings of it, measured 2.2e-16 against the
  // closed form by hand at those same inputs, bound 2e-15 (as test/theory/solve-b-mutants.test.ts).
  const schedule = { alpha: '1-t', beta: '(t + 1e5) - 1e5' }
  const t = 0.3
  const atDouble = daeByHand(text(BASE), [new X(1 - t), new X(t + 1e5 - 1e5)])

  it('high precision gives up (not a refusal): the double row, with a note saying so', () => {
    hp.failure = new Error('high precision: the two routes agree on only 3 digits at 60 digits of working precision')
    const row = learntDae(flowProblem({ ...BASE, schedule })).at(t)
    expect(row.t).toBe(t)
    expect(worst(row, atDouble)).toBeLessThan(2e-15)
    expect(notes()).toEqual([{ command: 'dae', t, escalated: false }])
  })

  it('a refusal of high precision (the schedule cannot be evaluated there) is the refusal of the row', () => {
    const refusal = new ParameterError(
      'beta',
      'beta cannot be evaluated to 17 digits at t = 0.3 within 112 digits of working precision (the expression cancels), and 224 digits would take about 6 minutes; write it without the cancellation',
    )
    hp.failure = refusal
    let thrown: unknown
    try {
      learntDae(flowProblem({ ...BASE, schedule })).at(t)
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBe(refusal)
    expect(notes()).toEqual([])
  })

  it('near t = 0 the row that stands is from alpha, beta in decimal, not in double', () => {
    // beta = (1 - cos t)/(1 - cos 1) at t = 1.2345678e-14: 1 - cos t = 7.6e-29 is 0 in double;
    // cos t rounded to 40 digits (an error of 1e-40) leaves 1 - cos t a relative error of
    // ~1e-12, short of the 13 digits a row needs, so the row goes to high precision, which fails
    // here. The row that stands carries that error: c = beta L/D and q_xi ~ beta inherit it;
    // measured 5.5e-13 against the closed form at the decimal t, bound 2e-12 (1e-40 over 7.6e-29
    // is 1.3e-12, which c and q_xi carry with a factor about 1). From beta in double, c would be 0.
    hp.failure = new Error('high precision: time limit')
    const t0 = 1.2345678e-14
    const row = learntDae(flowProblem({ ...BASE, schedule: { alpha: '1-t', beta: '(1-cos(t))/(1-cos(1))' } })).at(t0)
    const T = new X(String(t0))
    const ref = daeByHand(text(BASE), [new X(1).minus(T), new X(1).minus(X.cos(T)).div(new X(1).minus(X.cos(1)))])
    expect(worst(row, ref)).toBeLessThan(2e-12)
    expect(notes()).toEqual([{ command: 'dae', t: t0, escalated: false }])
  })
})

describe('a DAE row whose closed form amplifies the error of alpha, beta beyond its 12th digit', () => {
  // docs/cli.md: the closed form is evaluated with alpha and beta each perturbed by their error;
  // a value that moves by more than half a unit of its 12th digit sends the row to high
  // precision. Applied here by hand at 130 digits. beta = (t + 700) - 700 keeps in double a
  // relative error below the 1e-13 that alone would send a row there (t + 700 is rounded to a
  // multiple of 2^-43 = 1.1e-13) at most t in [0.3, 0.62]; w_norm2 = m^2 (omega + sigma^2/n) +
  // n q_xi^2 at n = 1e6, sigma = 100, omega = 4.5e8 moves by about 4 times that error per
  // perturbation, which crosses half a unit of its 12th digit at some of these t and not at others.
  const Q = { n: 1e6, sigma: 100, lambda: 0.1, omega: 4.5e8 }
  const P = text(Q)
  const betaInDouble = (t: number) => t + 700 - 700
  /** The largest movement over half a unit of the 12th digit, over the keys of the closed form. */
  const moved = (t: number): number => {
    const T = new X(String(t)),
      A = new X(1).minus(T)
    const e = Decimal.max(64 * Number.EPSILON, new X(betaInDouble(t)).minus(T).abs().div(T), new X(1 - t).minus(A).abs().div(A))
    const at = daeByHand(P, [A, T]),
      da = daeByHand(P, [A.times(e.plus(1)), T]),
      db = daeByHand(P, [A, T.times(e.plus(1))])
    return Math.max(...Object.keys(at).map((k) => (at[k].isZero() ? 0 : da[k].minus(at[k]).abs().plus(db[k].minus(at[k]).abs()).div(halfUnit(at[k])).toNumber())))
  }
  // Times the rule decides clearly (the movement more than 5% from the threshold): solve.ts
  // evaluates the movements in double, each within a few ulps of the value (~4e-16 of it) of
  // a movement of ~5e-13 of it, so its verdict can differ from this one only within ~0.1%.
  const ts = Array.from({ length: 107 }, (_, j) => 0.3 + 0.003 * j)
    .map((t) => Number(t.toFixed(3)))
    .filter((t) => Math.abs(betaInDouble(t) - t) / t < 1e-13)
  const verdicts = ts.map((t) => ({ t, moved: moved(t) })).filter(({ moved }) => moved < 0.95 || moved > 1.05)

  it('the rows the rule sends to high precision, and only those, are escalated; every row within its bound', () => {
    const expected = verdicts.filter(({ moved }) => moved > 1.05).map(({ t }) => ({ command: 'dae', t, escalated: true }))
    // Both kinds present, or the test would not tell the rule from always or never.
    expect(expected.length).toBeGreaterThanOrEqual(3)
    expect(verdicts.length - expected.length).toBeGreaterThanOrEqual(3)
    const dae = learntDae(flowProblem({ ...Q, schedule: { alpha: '1-t', beta: '(t + 700) - 700' } }))
    const rows = verdicts.map(({ t }) => dae.at(t))
    expect(notes()).toEqual(expected)
    // Escalated rows: 17 digits rounded to double, 2e-15 as above. Rows kept in double: every
    // value within half a unit of its 12th digit of the closed form at the decimal t (the promise
    // of docs/cli.md), which the bound guarantees to first order.
    verdicts.forEach(({ t, moved }, j) => {
      const T = new X(String(t))
      const exact = daeByHand(P, [new X(1).minus(T), T])
      if (moved > 1) expect(worst(rows[j], exact), `t = ${t}`).toBeLessThan(2e-15)
      else for (const k of Object.keys(exact)) expect(new X(rows[j][k]).minus(exact[k]).abs().lte(halfUnit(exact[k])), `${k} at t = ${t}`).toBe(true)
    })
  })
})

describe('the rough start: rows below it, and only those, go to high precision', () => {
  // docs/cli.md: rows where a custom schedule is less accurate in double than 1e-14 near t = 0
  // go to high precision, checked at t = 2^-k (alpha, beta and their slopes) and 1.001 2^-k
  // (alpha, beta) for k = 1..60; the first k that fails puts the start at 2^(1-k) (the previous
  // probe, which passed). Here each schedule is evaluated by hand in JavaScript double against
  // its exact value in decimal, so the start comes from the rule, not from solve.ts.
  const failsAt = (t: number, double: readonly number[], exact: readonly Dec[]) => exact.some((x, i) => !x.isZero() && !(Math.abs(double[i] - x.toNumber()) <= 1e-14 * Math.abs(x.toNumber())))
  const startOf = (values: (t: number) => number[], exactValues: (t: Dec) => Dec[], slopes: (t: number) => number[], exactSlopes: (t: Dec) => Dec[]) => {
    for (let k = 1; k <= 60; k++) {
      const t = 2 ** -k,
        u = 1.001 * 2 ** -k
      const T = new X(t),
        U = new X(u)
      if (failsAt(t, [...values(t), ...slopes(t)], [...exactValues(T), ...exactSlopes(T)]) || failsAt(u, values(u), exactValues(U))) return 2 ** (1 - k)
    }
    return 0
  }
  const one = new X(1)
  const cases = [
    {
      // 1 - (1 - t)^2 cancels near 0: (1 - t)^2 is rounded to 2^-53, a relative error of 2^-54/t in beta.
      name: 'beta = 1 - (1 - t)^2',
      schedule: { alpha: '(1-t)^2', beta: '1-(1-t)^2' },
      start: startOf(
        (t) => [(1 - t) ** 2, 1 - (1 - t) ** 2],
        (T) => [one.minus(T).pow(2), one.minus(one.minus(T).pow(2))],
        (t) => [-2 * (1 - t), 2 * (1 - t)],
        (T) => [one.minus(T).times(-2), one.minus(T).times(2)],
      ),
      exact: (T: Dec): [Dec, Dec] => [one.minus(T).pow(2), one.minus(one.minus(T).pow(2))],
    },
    {
      // t + 4e-16 is rounded to a multiple of 2^-104: exact at t = 2^-k, and off by up to 2^-105
      // at 1.001 2^-k, a relative error that passes 1e-14 only at k = 60 (the last probe).
      name: 'beta = (t + 4e-16) - 4e-16',
      schedule: { alpha: '1-t', beta: '(t + 4e-16) - 4e-16' },
      start: startOf(
        (t) => [1 - t, t + 4e-16 - 4e-16],
        (T) => [one.minus(T), T],
        () => [-1, 1],
        () => [one.neg(), one],
      ),
      exact: (T: Dec): [Dec, Dec] => [one.minus(T), T],
    },
    {
      // alpha' = -20 t^19 is exact in double at t = 2^-k down to its underflow (k = 57), even
      // where it is subnormal and 1e-14 of it rounds to 0: no probe fails, no rough start.
      name: 'alpha = 1 - t^20',
      schedule: { alpha: '1-t^20', beta: 't' },
      start: startOf(
        (t) => [1 - t ** 20, t],
        (T) => [one.minus(T.pow(20)), T],
        (t) => [-20 * t ** 19, 1],
        (T) => [T.pow(19).times(-20), one],
      ),
      exact: (T: Dec): [Dec, Dec] => [one.minus(T.pow(20)), T],
    },
  ]
  it.each(cases)('$name', ({ schedule, start, exact }) => {
    const ts = start ? [0.75 * start, start, 2 * start] : [1e-17, 1e-3]
    const p = flowProblem({ ...BASE, schedule })
    const rows = ts.map((t) => solve(p).stats(t))
    expect(notes()).toEqual(ts.filter((t) => t < start).map((t) => ({ command: 'stats', t, escalated: true })))
    // Against the closed form (with skip connection) at the decimal t: odex at rtol 1e-15 and a
    // schedule right to 1e-14 from the start on; measured worst 1.4e-14 (beta = 1 - (1 - t)^2 at
    // its start 2^-8, where its error in double is just below 1e-14), bound 3e-14.
    rows.forEach((row, j) => {
      const ref = statsByHand(text(BASE), exact(new X(String(ts[j]))), true)
      expect(Math.max(...Object.keys(ref).map((k) => rel(row[k], ref[k]))), `t = ${ts[j]}`).toBeLessThan(3e-14)
    })
  })
})

describe('a grid with a time twice', () => {
  it('at t = 1 (with skip connection, the end of the last step): the same row twice, the closed form', () => {
    // Both rows are the state of the same step end: judging the first row's digits must leave the
    // second row as it was. Against the closed form at alpha = 0, beta = 1: odex at rtol 1e-15,
    // measured 1.1e-14, bound 3e-14 (as above).
    const rows = solve(flowProblem({ ...BASE, schedule: 'linear' })).statsGrid([1, 0.5, 1])
    expect(rows[2]).toEqual(rows[0])
    const ref = statsByHand(text(BASE), [new X(0), new X(1)], true)
    expect(Math.max(...Object.keys(ref).map((k) => rel(rows[0][k], ref[k])))).toBeLessThan(3e-14)
    expect(notes()).toEqual([])
  })
})

describe('the limit at t = 1 without skip connection, alpha stationary inside (0, 1)', () => {
  it("alpha' = 0 at t = 0.9 and 0.95: Q_xi(1) = 0 and P(1) = alpha(1) = 0 exactly", () => {
    // Without skip connection Q_xi = 0 and P = alpha for all t (docs/theory.md, section 4: the
    // flow ODE has g = 0 for both and they start at 0 and alpha(0) = 1), so both vanish at t = 1.
    // alpha = ((w(1) - w(t))/(w(1) - w(0)))^2 with w = ((t - 0.9)^3 - (0.95 - 0.9)^3)^3 is
    // decreasing, positive on [0, 1), with a double zero at 1 (the 0/0 limit); its slope is an
    // exact 0 in double at t = 0.9 and at 0.95 = 1 - 0.05, where alpha X' = alpha' X is 0 = 0:
    // those components are identically 0 there too, not 0/0.
    const w = (x: string) => `(((${x})-0.9)^3 - (0.95-0.9)^3)^3`
    const alpha = `((${w('1')} - ${w('t')})/(${w('1')} - ${w('0')}))^2`
    const p = flowProblem({ ...BASE, schedule: { alpha, beta: 't' }, skip: false })
    expect([0.9, 0.95, 1].map((t) => p.schedule.at(t)[2] === 0)).toEqual([true, true, true])
    const [, q, pEnd] = solve(p).state(1)
    expect(q).toBe(0)
    expect(pEnd).toBe(0)
  })

  it("alpha' = 0 at t = 0.5, 0.75 and 0.9: M(1) is still the limit n beta(1)/(n + lambda), not 0", () => {
    // Without skip connection M = n beta/(n + lambda) (docs/theory.md, section 4). The limit
    // quotient of M, -(alpha g)/(alpha a), is x/0 at a stationary point of alpha, which says
    // nothing of the limit at t = 1: here alpha's slope is an exact 0 at the three interior
    // points where the limit looks for an identically zero component. The quotient has a pole at
    // t = 0.9, h = 0.1 from t = 1, twice the widest node of the extrapolation (h = 0.05): its
    // truncation leaves 2.1e-10 in the state (measured), bound 1e-9. The extrapolation's last
    // correction (3.5e-10) says so, and the row of stats at t = 1 goes to high precision
    // (docs/cli.md, accuracy in double precision): 17 digits rounded to double, within 2 ulps of
    // n/(n + lambda) (before the fix the row printed the state's 2.1e-10 error without a note).
    const v1 = (x: string) => `((${x})-0.5)^3`
    const v2 = (x: string) => `(${v1(x)} - ${v1('0.75')})^3`
    const w = (x: string) => `(${v2(x)} - ${v2('0.9')})^3`
    const alpha = `((${w('1')} - ${w('t')})/(${w('1')} - ${w('0')}))^2`
    const p = flowProblem({ ...BASE, schedule: { alpha, beta: 't' }, skip: false })
    expect([0.5, 0.75, 0.9, 1].map((t) => p.schedule.at(t)[2] === 0)).toEqual([true, true, true, true])
    const [m, q, pEnd] = solve(p).state(1)
    const exact = BASE.n / (BASE.n + BASE.lambda)
    expect(Math.abs(m - exact) / exact).toBeLessThan(1e-9)
    expect([q, pEnd]).toEqual([0, 0])
    const row = solve(p).stats(1)
    expect(notes()).toEqual([{ command: 'stats', t: 1, escalated: true }])
    expect(Math.abs(row.M - exact) / exact).toBeLessThan(4 * Number.EPSILON)
  })
})

describe('the extrapolated limit at t = 1 without skip connection: trusted where it converges, else high precision', () => {
  it('alpha = (1 - t)^2 (a double zero at 1): the extrapolation converges, the row stays in double with no note', () => {
    // M = n beta/(n + lambda) without skip connection (docs/theory.md, section 4): 8/8.1 at t = 1.
    // The quotient is smooth in 1 - t, the extrapolation's last correction 1.1e-16 (measured)
    // against the 2e-14 allowed; the value within 8 eps (measured 7e-16 relative).
    const row = solve(flowProblem({ ...BASE, schedule: { alpha: '(1-t)^2', beta: 't' }, skip: false })).stats(1)
    expect(notes()).toEqual([])
    expect(Math.abs(row.M - 8 / 8.1) / (8 / 8.1)).toBeLessThan(8 * Number.EPSILON)
  })

  it("alpha' = 0 at 0.5, 0.75, 0.9 with a small M(1) (n = 2, lambda = 1000): the correction is judged relative to M", () => {
    // The schedule of the test above: the extrapolation leaves M(1) 2e-10 off relative, here
    // 4e-13 absolute on M = 2/1002; relative to M that is far above 2e-14, so the row goes to
    // high precision and is n/(n + lambda) within 4 eps (17 digits rounded to double).
    const v1 = (x: string) => `((${x})-0.5)^3`
    const v2 = (x: string) => `(${v1(x)} - ${v1('0.75')})^3`
    const w = (x: string) => `(${v2(x)} - ${v2('0.9')})^3`
    const alpha = `((${w('1')} - ${w('t')})/(${w('1')} - ${w('0')}))^2`
    const row = solve(flowProblem({ n: 2, sigma: 1.5, lambda: 1000, omega: 1, schedule: { alpha, beta: 't' }, skip: false })).stats(1)
    expect(notes()).toEqual([{ command: 'stats', t: 1, escalated: true }])
    expect(Math.abs(row.M - 2 / 1002) / (2 / 1002)).toBeLessThan(4 * Number.EPSILON)
  })
})

describe('a schedule exact in double whose decimal value cancels', () => {
  it("beta = ((t + 20) - 20) + 1e30 (1 - (1/3)*3) at t = 0.5: trusted on the enclosure's bound, not measured (no note)", () => {
    // In double (t + 20) - 20 is exactly t at t = 0.5 and 1 - (1/3)*3 an exact 0; the enclosure
    // bounds beta's error by 7.3e-14 (measured), above the 64 ulps assumed of any schedule, and
    // the row is trusted on that bound. In 40 digits 1 - (1/3)*3 is 1e-40: measuring the row
    // against decimal would find a 2e-10 disagreement and send an exact row to high precision.
    // The row is the linear schedule's (beta = t) by hand, within 2e-15.
    const row = learntDae(flowProblem({ ...BASE, schedule: { alpha: '1-t', beta: '((t + 20) - 20) + 1e30*(1 - (1/3)*3)' } })).at(0.5)
    expect(notes()).toEqual([])
    expect(worst(row, daeByHand(text(BASE), [new X('0.5'), new X('0.5')]))).toBeLessThan(2e-15)
  })
})

describe('beta near t = 0 whose 40-digit value has the wrong sign or no digit', () => {
  it('t + 0 written as roundings that cancel: the rows go to high precision, which finds beta = t', () => {
    // 1 - (1/3)*3 and ((1 + 1e-90) - 1) - 1e-90 are 0, but in 40 digits they are 1e-40 and -1e-90,
    // in 80 digits 1e-80 and -1e-90: beta in 40 digits is 1e-40 - 1e-70 > 0, in 80 digits
    // 1e-80 - 1e-70 < 0 (at t = 1e-85, where (t + 1) - 1 is 0 in both). Two evaluations that
    // disagree in sign know no digit of beta; at t = 1e-50 the 40-digit value is 1e-40, 1e10 times
    // beta. Both rows go to high precision (docs/cli.md), whose digits grow until beta = t is
    // known: 17 digits rounded to double, 2e-15 against the closed form at beta = t (as above).
    const beta = '((t + 1) - 1) + (1 - (1/3)*3) + 1e20*(((1 + 1e-90) - 1) - 1e-90)'
    const dae = learntDae(flowProblem({ ...BASE, schedule: { alpha: '1-t', beta } }))
    const ts = [1e-85, 1e-50]
    const rows = ts.map((t) => dae.at(t))
    expect(notes()).toEqual(ts.map((t) => ({ command: 'dae', t, escalated: true })))
    rows.forEach((row, j) => {
      const T = new X(String(ts[j]))
      expect(worst(row, daeByHand(text(BASE), [new X(1).minus(T), T])), `t = ${ts[j]}`).toBeLessThan(2e-15)
    })
  })

  it('t + ((1/3)*3 - 1), whose double enclosure is tight: a negative 40-digit beta is no value of beta', () => {
    // In double (1/3)*3 - 1 is 0 and the enclosure bounds beta's error by 1.8e-15; in 40 digits
    // (1/3)*3 - 1 is -1e-40, and at t = 1e-90 beta is -1e-40 + 1e-90 < 0, where beta > 0 must
    // hold (docs/cli.md): the row goes to high precision, which finds beta = t (bound as above).
    const t = 1e-90
    const row = learntDae(flowProblem({ ...BASE, schedule: { alpha: '1-t', beta: 't + ((1/3)*3 - 1)' } })).at(t)
    expect(notes()).toEqual([{ command: 'dae', t, escalated: true }])
    const T = new X(String(t))
    expect(worst(row, daeByHand(text(BASE), [new X(1).minus(T), T]))).toBeLessThan(2e-15)
  })

  it('t + (1 - (1/3)*3), exact in double, 1e-40 too large in 40 digits: the rows go to high precision', () => {
    // 1 - (1/3)*3 is 0 in double and the enclosure is tight, but 1e-40 in 40 digits (1e-80 in
    // 80): at t = 1e-30 the 40-digit beta is 1e-10 too large relative, at t = 1e-90 it is 1e50
    // times beta. Taken without the second evaluation (as before the fix) they gave c =
    // 2.2640845072686624e-30 and 2.26e-40 with no note; the two evaluations disagree, so the rows
    // go to high precision, which finds beta = t (bound as above).
    const ts = [1e-30, 1e-90]
    const dae = learntDae(flowProblem({ ...BASE, schedule: { alpha: '1-t', beta: 't + (1 - (1/3)*3)' } }))
    const rows = ts.map((t) => dae.at(t))
    expect(notes()).toEqual(ts.map((t) => ({ command: 'dae', t, escalated: true })))
    rows.forEach((row, j) => {
      const T = new X(String(ts[j]))
      expect(worst(row, daeByHand(text(BASE), [new X(1).minus(T), T])), `t = ${ts[j]}`).toBeLessThan(2e-15)
    })
  })
})
