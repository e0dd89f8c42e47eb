// solve(): the driver around the integrator (dense grids in any order, the fallbacks when odex
// fails, the verdict on each row and its escalation to high precision) against references that
// do not go through it: the closed forms of docs/theory.md section 4, evaluated at 130 digits by
// test/theory/by-hand.ts, and the rules of docs/cli.md (accuracy) for the notes and refusals.
import { describe, expect, it } from 'vitest'
import { ParameterError } from '../../src/errors.js'
import { flowProblem, type ProblemOptions } from '../../src/theory/problem.js'
import { flowObservables, type StatsRow } from '../../src/theory/solve.js'
import { forgetSolutions, notes, solve } from './notes.js'
import { statsByHand, X, type Dec } from './by-hand.js'
import { STATS_KEYS } from '../../src/generated/keys.js'

const PARAMS = { n: 8, sigma: 1.5, lambda: 0.1, omega: 1 }
const TEXT = { n: '8', sigma: '1.5', lambda: '0.1', omega: '1' }
const PI = X.acos(-1)
/** alpha, beta at the double t (exact in decimal), for the schedules used here. */
const SCHEDULES: Record<string, (t: Dec) => [Dec, Dec]> = {
  linear: (t) => [new X(1).minus(t), t],
  // cos(pi/2) is not 0 at 130 digits of pi; the schedule's alpha(1) is 0 by definition.
  trig: (t) => (t.eq(1) ? [new X(0), new X(1)] : [X.cos(PI.times(t).div(2)), X.sin(PI.times(t).div(2))]),
}

/**
 * The stats row by hand. At t = 0 cos is 0/0 in the closed form; its limit t -> 0+ follows the
 * direction of (M, Q_xi) there, (1, 0) since Q_xi = O(beta^2) and M = O(beta):
 * cos(0) = sqrt(omega / (omega + sigma^2/n)).
 */
function reference(schedule: string, t: number, skip: boolean): Record<string, number> {
  const ref = statsByHand(TEXT, SCHEDULES[schedule](new X(t)), skip)
  const row = Object.fromEntries(Object.entries(ref).map(([k, x]) => [k, x.toNumber()]))
  if (t === 0) row.cos = Math.sqrt(PARAMS.omega / (PARAMS.omega + PARAMS.sigma ** 2 / PARAMS.n))
  return row
}

// Measured worst relative error of stats and statsGrid against the closed form over the four
// cases below: 2.1e-14 (odex at rtol 1e-15, its global error and the dense interpolant's); 1e-13
// is 4.8x that. An exact 0 of the reference (Q_xi without skip connection) must be +0.
const TOLERANCE = 1e-13
function expectRow(row: StatsRow, ref: Record<string, number>, t: number, label: string): void {
  expect(row.t, `${label}: t`).toBe(t)
  // The keys by hand here are Result B's; the distances are checked in test/theory/distances*.test.ts.
  expect(Object.keys(row).sort(), label).toEqual(['t', ...STATS_KEYS].sort())
  expect(STATS_KEYS, label).toEqual(expect.arrayContaining(Object.keys(ref)))
  for (const [k, x] of Object.entries(ref)) {
    if (x === 0) expect(Object.is(row[k], 0), `${label} ${k} = ${row[k]} is +0`).toBe(true)
    else expect(Math.abs(row[k] - x) / Math.abs(x), `${label} ${k} = ${row[k]}, by hand ${x}`).toBeLessThanOrEqual(TOLERANCE)
  }
}

const listen = forgetSolutions

describe('stats and statsGrid against the closed form', () => {
  // Unsorted, with a repeat, t = 0 (the initial state), t = 1e-7 (inside the integrator's first
  // step, where the states grow from 0), the interior and t = 1 (the pole without skip), but not close to
  // it, where the rows without skip go to high precision (0.99 with linear alpha already does).
  const GRID = [0.7, 0, 1e-7, 0.3, 1, 0.5, 0.3, 0.9, 0.02]
  for (const skip of [true, false]) {
    for (const schedule of Object.keys(SCHEDULES)) {
      it(`${schedule}, ${skip ? 'with' : 'without'} skip connection: every row, in the grid's order, within ${TOLERANCE}; none needs a note`, () => {
        listen()
        const s = solve(flowProblem({ ...PARAMS, schedule, skip }))
        const grid = s.statsGrid(GRID)
        expect(grid.length).toBe(GRID.length)
        GRID.forEach((t, i) => {
          const ref = reference(schedule, t, skip)
          expectRow(grid[i], ref, t, `statsGrid t = ${t}`)
          expectRow(s.stats(t), ref, t, `stats t = ${t}`)
        })
        // Every row here is right to 12 digits in double (docs/cli.md, accuracy): no row is sent
        // to high precision or kept with a warning.
        expect(notes()).toEqual([])
      })
    }
  }
})

describe('rows double precision cannot guarantee', () => {
  // alpha = cos(pi t/2) at t = 1 - 2^-53 is 2.5e-16 - pi's rounding: double's alpha is 80% off
  // and its interval enclosure contains 0, but the states' and observables' digits do not
  // depend on it there (alpha^2 K << beta^2 Lambda in D, alpha << P in Q_xi = (alpha - P)/(n +
  // lambda)). The error measured against decimal (below 100%) says the schedule is known: the
  // double rows stand, agree with the closed form (at the exact alpha) and need no note.
  it('trig a few ulps below t = 1, with skip connection: the measured schedule error suffices, no note', () => {
    listen()
    const s = solve(flowProblem({ ...PARAMS, schedule: 'trig', skip: true }))
    for (const t of [1 - 2 ** -53, 1 - 3 * 2 ** -53, 1 - 100 * 2 ** -53]) expectRow(s.stats(t), reference('trig', t, true), t, `stats t = ${t}`)
    expect(notes()).toEqual([])
  })

  // lambda = 0, sigma = 1e-5, skip: P falls from 1 to sigma at t = 1 (docs/theory.md section 4:
  // P(1) = sqrt(D/K) = sigma there, D = (n - 1) sigma^2, K = n - 1). The integrator's error is
  // relative to P's largest size, 1, so P(1) keeps ~1e-14 / 1e-5 = 1e-9 relative: not 12 digits,
  // and high precision cannot resolve that layer quickly either (P < 1e-4 of its peak): the double
  // row stands, with a note that it was not escalated (docs/cli.md, accuracy).
  it('a boundary layer beyond high precision: the double row stands, noted as not escalated', () => {
    listen()
    const s = solve(flowProblem({ n: 8, sigma: 1e-5, lambda: 0, omega: 1, schedule: 'linear', skip: true }))
    const row = s.stats(1)
    expect(notes()).toEqual([{ command: 'stats', t: 1, escalated: false }])
    // Measured: P(1) 3.3e-12 off sigma, M(1) = n/(n + lambda) = 1 within 1.3e-14; the bound of the
    // paragraph above (2e-14 / sigma = 2e-9) is the most either may be off.
    expect(Math.abs(row.P - 1e-5) / 1e-5).toBeLessThanOrEqual(2e-9)
    expect(Math.abs(row.M - 1)).toBeLessThanOrEqual(2e-14)
  })

  // The plateau of a steep transition: pure relative control fails and the absolute floor 1e-20
  // lets the integrator through (docs/cli.md, accuracy). Its beta = tanh(50 (t - 1/2))/2/tanh(25)
  // + 1/2 cancels for t < 1/2, where double loses the 1e-14 relative accuracy the states inherit
  // from it: the row at 0.3 goes to high precision, which gives M = n beta / (n + lambda)
  // (docs/theory.md section 4) to its 17 digits.
  it('the plateau of a steep schedule: the row goes to high precision, noted as escalated', () => {
    listen()
    const alpha = '1-tanh(50*(t-0.5))/2/tanh(25)-0.5',
      beta = 'tanh(50*(t-0.5))/2/tanh(25)+0.5'
    const s = solve(flowProblem({ ...PARAMS, schedule: { alpha, beta }, skip: true }))
    const row = s.stats(0.3)
    expect(notes()).toEqual([{ command: 'stats', t: 0.3, escalated: true }])
    const b = X.tanh(new X(50).times(new X(0.3).minus(0.5)))
      .div(2)
      .div(X.tanh(25))
      .plus(0.5)
    const M = b.times(8).div(8.1).toNumber()
    // 17 digits, rounded to double: within 2 ulps (1 of the 17 digits' rounding, 1 of double's).
    expect(Math.abs(row.M - M) / M).toBeLessThanOrEqual(2 * Number.EPSILON)
  })
})

describe('refusals', () => {
  // sigma and lambda/n both tiny: even the linear schedule cannot be integrated (docs/cli.md,
  // accuracy: --sigma is named only then); the message names the parameters and the cause.
  it('sigma = 1e-8, lambda = 1e-30: refused naming --sigma, with lambda/n', () => {
    const problem = flowProblem({ n: 8, sigma: 1e-8, lambda: 1e-30, omega: 1, schedule: 'linear', skip: true })
    let error: unknown
    try {
      solve(problem)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ParameterError)
    expect((error as ParameterError).message).toBe(
      'sigma: the flow ODE cannot be integrated at sigma = 1e-8, lambda = 1e-30, n = 8, omega = 1 (the spread P falls from 1 to about sigma in a boundary layer at t = 1 when sigma and lambda/n = 1.25e-31 are both tiny); give a larger sigma, or a larger lambda or smaller n',
    )
  })
})

describe('flowObservables', () => {
  // The observables of a state by hand (the formulas of statsByHand, test/theory/by-hand.ts, from
  // (M, Q_xi, P) instead of alpha, beta), in double: a few roundings of O(1) terms, 4 eps each.
  // A state from a discretisation (src/theory/discrete.ts) can hold -0: it is printed as 0.
  it('of a state with Q_xi = -0: the formulas by hand, and +0 for Q_xi', () => {
    const { n, sigma, omega: w } = PARAMS
    const [M, Q, P] = [0.5, -0, 1.25]
    const mu2 = M * M * (w + (sigma * sigma) / n) + n * Q * Q
    const row = flowObservables(flowProblem({ ...PARAMS, skip: true }))(0.5, [M, Q, P])
    expect(row.t).toBe(0.5)
    expect(Object.is(row.Q_xi, 0)).toBe(true)
    const byHand = {
      M,
      P,
      norm: mu2 + P * P,
      cos: (M * w) / Math.sqrt(w * mu2),
      cos_sample: (M * w) / Math.sqrt(w * (mu2 + P * P)),
      mse: w * (M - 1) ** 2 + (M * M * sigma * sigma) / n + n * Q * Q,
      var: P * P,
    }
    for (const [k, x] of Object.entries(byHand)) expect(Math.abs(row[k] - x) / x, k).toBeLessThanOrEqual(4 * Number.EPSILON)
  })
})

describe('diagnostics', () => {
  // Gragg-Bulirsch-Stoer evaluates the right-hand side several times per step, accepted or not.
  it('count the pass over [0, 1]: at least one step, each costing evaluations', () => {
    const { steps, rejected, evaluations } = solve(flowProblem({ ...PARAMS, skip: true })).diagnostics
    expect(steps).toBeGreaterThanOrEqual(1)
    expect(rejected).toBeGreaterThanOrEqual(0)
    expect(evaluations).toBeGreaterThan(steps + rejected)
  })
})
