// The double-precision flow solver against independent routes:
//  - the closed form obtained by hand from the integrating factor (docs/theory.md section 4): with
//    skip connection gamma = (alpha alphadot K + beta betadot Lambda)/D = D'/(2D), hence
//    P = sqrt(D/K), M = n beta/(n+lambda) and Q_xi = (alpha - P)/(n+lambda)
//    = -beta^2 Lambda / (K (n+lambda) (alpha + P)); without it P = alpha, M = n beta/(n+lambda), Q_xi = 0;
//  - quadrature of the integrating-factor integral (src/theory/quadrature.ts);
//  - the population limit n -> infinity: M -> beta, Q_xi -> 0, P -> sqrt(alpha^2 + beta^2 sigma^2).
import { describe, expect, it } from 'vitest'
import { model } from '../../src/theory/model.js'
import { flowProblem, type FlowProblem, type ProblemOptions } from '../../src/theory/problem.js'
import { integratingFactor } from '../../src/theory/quadrature.js'
import { solve } from '../../src/theory/solve.js'

function closedForm(p: FlowProblem, t: number): [number, number, number] {
  const [a, b] = p.schedule.at(t)
  const { n, sigma: s, lambda: l, omega: w } = p
  const K = n + l - 1,
    L = l * (w + s * s) + (n - 1) * s * s,
    D = a * a * K + b * b * L
  if (!p.skip) return [(n * b) / (n + l), 0, a]
  const P = Math.sqrt(D / K)
  return [(n * b) / (n + l), (-b * b * L) / (K * (n + l) * (a + P)), P]
}
const rel = (x: number, ref: number) => (ref === 0 ? Math.abs(x) : Math.abs(x - ref) / Math.abs(ref))

const SCHEDULES: ProblemOptions['schedule'][] = ['linear', 'trig', { alpha: '1 - t^2', beta: 't^2' }, { alpha: '(1-t)^2', beta: 'sin(pi*t/2)' }, { alpha: 'cos(pi*t/2)^2', beta: 'sin(pi*t/2)' }]
const PARAMS = [
  { n: 8, sigma: 1.5, lambda: 0.1 },
  { n: 2, sigma: 0.3, lambda: 0 },
  { n: 1000, sigma: 5, lambda: 3, omega: 0.2 },
  { n: 1_000_000, sigma: 0.5, lambda: 0.1, omega: 4 },
]
// Tolerances: odex runs at rtol 1e-15 and its global error grows over the steps. Measured worst
// relative errors against the closed form: 1.1e-13 with skip connection, 5.5e-13 without (the
// pole at t = 1), 5.8e-13 for dense output, 1.5e-14 for mse(1) and against quadrature. Each bound
// is 2-7x the measured value.
const TIMES = [0, 1e-6, 1e-3, 0.01, 0.1, 0.25, 0.5, 0.7, 0.9, 0.99, 0.999, 0.9999, 0.999999, 1]

describe('flow ODE against the hand-derived closed form', () => {
  for (const schedule of SCHEDULES) {
    it(`with skip connection, ${JSON.stringify(schedule)}: relative error <= 3e-13 on [0, 1]`, () => {
      let worst = 0
      for (const params of PARAMS) {
        const p = flowProblem({ ...params, schedule })
        const sol = solve(p)
        for (const t of TIMES) {
          const y = sol.state(t),
            ref = closedForm(p, t)
          for (let i = 0; i < 3; i++) worst = Math.max(worst, rel(y[i], ref[i]))
          const s = sol.stats(t)
          const mse = p.omega * (ref[0] - 1) ** 2 + (ref[0] ** 2 * p.sigma ** 2) / p.n + p.n * ref[1] ** 2
          // mse is ill-conditioned in M where M is close to 1 and omega (M - 1)^2 dominates:
          // a relative error e of M becomes kappa e with kappa = 2 omega |M - 1| M / mse.
          const kappa = (2 * p.omega * Math.abs(ref[0] - 1) * ref[0]) / mse
          worst = Math.max(worst, rel(s.mse, mse) / Math.max(1, kappa), rel(s.var, ref[2] ** 2))
        }
      }
      expect(worst).toBeLessThan(3e-13)
    })
    it(`without skip connection, ${JSON.stringify(schedule)}: <= 1e-12 up to t = 0.999 and at t = 1`, () => {
      let worst = 0
      for (const params of PARAMS) {
        const p = flowProblem({ ...params, schedule, skip: false })
        const sol = solve(p)
        for (const t of TIMES.filter((x) => x <= 0.999 || x === 1)) {
          const y = sol.state(t),
            ref = closedForm(p, t)
          for (let i = 0; i < 3; i++) worst = Math.max(worst, rel(y[i], ref[i]))
        }
      }
      expect(worst).toBeLessThan(1e-12)
    })
  }
  it('mse at t = 1 is (omega lambda^2 + n sigma^2 + n Lambda/K)/(n+lambda)^2 (closed form above)', () => {
    for (const { n, sigma, lambda } of PARAMS) {
      const s = solve(flowProblem({ n, sigma, lambda, schedule: 'trig' })).stats(1)
      const K = n + lambda - 1,
        L = lambda * (1 + sigma ** 2) + (n - 1) * sigma ** 2
      expect(rel(s.mse, (lambda ** 2 + n * sigma ** 2 + (n * L) / K) / (n + lambda) ** 2)).toBeLessThan(1e-13)
    }
  })
})

describe('flow ODE against quadrature of the integrating factor', () => {
  it.each(['linear', 'trig'] as const)('%s: M, Q_xi, P agree to 1e-13', (schedule) => {
    const p = flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, schedule })
    const coef = model().variants.skip.ode(p.n, p.sigma, p.lambda, p.omega, 0.5, 1)
    const k = (s: number) => {
      const [a, b, ad, bd] = p.schedule.at(s)
      return coef(a, b, ad, bd)
    }
    const sol = solve(p)
    for (const t of [0.3, 0.8, 1]) {
      const y = sol.state(t)
      for (let i = 0; i < 3; i++) {
        const x0 = i === 2 ? 1 : 0
        const q = integratingFactor(
          (s) => k(s)[2 * i],
          (s) => k(s)[2 * i + 1],
          x0,
          t,
        )
        expect(rel(y[i], q)).toBeLessThan(1e-13)
      }
    }
  })
})

describe('limits', () => {
  it('population limit: n -> infinity gives M = beta, Q_xi = 0, P = sqrt(alpha^2 + beta^2 sigma^2), with the 1/n terms by hand', () => {
    // Expanding the closed form above in 1/n (K = n + lambda - 1, L/K = sigma^2 + lambda/K):
    //   n (M - beta) -> -lambda beta,  n Q_xi -> -beta^2 sigma^2/(alpha + P_inf),
    //   n (P - P_inf) -> lambda beta^2/(2 P_inf).
    // The remainder is O(1/n): measured n x (n deviation - first-order term) <= 0.092 at n = 1e4
    // and 1e5 (t = 0.2, 0.6, 1); the solver's 1e-12 relative error adds 1e-8 here. Bound 0.3/n.
    const n = 1e4,
      sigma = 1.3,
      lambda = 0.1
    const p = flowProblem({ n, sigma, lambda, schedule: 'trig' })
    const sol = solve(p)
    for (const t of [0.2, 0.6, 1]) {
      const [a, b] = p.schedule.at(t)
      const [M, Q, P] = sol.state(t)
      const pInf = Math.sqrt(a * a + b * b * sigma ** 2)
      const first = [-lambda * b, (-b * b * sigma ** 2) / (a + pInf), (lambda * b * b) / (2 * pInf)]
      ;[M - b, Q, P - pInf].forEach((x, i) => expect(Math.abs(n * x - first[i]), `[${i}] at t = ${t}`).toBeLessThan(0.3 / n))
    }
  })
  it('cos at t = 0 is its limit sqrt(omega / (omega + sigma^2/n)) (direction of (m, q_xi)(0) = (n/(n+lambda), 0))', () => {
    const s = solve(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, omega: 2 })).stats(0)
    expect(rel(s.cos, Math.sqrt(2 / (2 + 2.25 / 8)))).toBeLessThan(1e-14)
    expect(s.cos_sample).toBe(0)
    const near = solve(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, omega: 2 })).stats(1e-7)
    // cos(t) - cos(0) = C t^2 with C = 0.033 (measured at t = 1e-5: 3.3e-12), so 3e-16 at t = 1e-7,
    // the size of rounding: bound 8 eps (measured 4.4e-16).
    expect(Math.abs(near.cos - s.cos)).toBeLessThan(8 * Number.EPSILON)
  })
  it('w_cos at t = 1 is its limit 0 (q_xi ~ alpha dominates m ~ alpha^2)', () => {
    const sol = solve(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1 }))
    const d = sol.dae(1)
    expect(d.w_cos).toBe(0)
    expect(d.c).toBe(1)
    // As alpha -> 0 (by hand from Result A): m -> n alpha^2 K/((n+lambda) L), q_xi -> -alpha/(n+lambda),
    // so w_cos -> sqrt(omega n) K alpha/L, K = n + lambda - 1 = 7.1, L = lambda (omega + sigma^2)
    // + (n - 1) sigma^2 = 16.075, with a relative remainder of order alpha (measured 1.000 alpha).
    const slope = (Math.sqrt(8) * 7.1) / 16.075
    const rel1 = (eps: number) => sol.dae(1 - eps).w_cos / (slope * sol.problem.schedule.at(1 - eps)[0]) - 1
    expect(Math.abs(rel1(1e-6))).toBeLessThan(2e-6)
    // Closer to t = 1 rounding dominates (measured 2.9e-8 at 1 - 1e-9): bound 1e-7.
    expect(Math.abs(rel1(1e-9))).toBeLessThan(1e-7)
  })
  it('the margin of Result A is positive on (0, 1) and vanishes at the ends', () => {
    const sol = solve(flowProblem({ n: 2, sigma: 3, lambda: 0, schedule: 'trig' }))
    expect(sol.dae(0).margin).toBe(0)
    expect(sol.dae(1).margin).toBe(0)
    for (let t = 0.05; t < 1; t += 0.05) expect(sol.dae(t).margin).toBeGreaterThan(0)
  })
})

describe('dense output', () => {
  it.each(SCHEDULES.map((s) => [JSON.stringify(s), s]))('%s: statsGrid agrees with restarts from accepted steps to 1e-12', (_name, schedule) => {
    for (const skip of [true, false])
      for (const params of PARAMS) {
        // The integrator's own values (no row sent to high precision): the two ways of reading it agree.
        const sol = solve(flowProblem({ ...params, schedule, skip }), { guard: false })
        const ts = Array.from({ length: 201 }, (_, k) => k / 200)
        const grid = sol.statsGrid(ts)
        ts.forEach((t, i) => {
          const one = sol.stats(t)
          // The states themselves; mse amplifies their error where M is close to 1 (see above).
          for (const k of ['M', 'Q_xi', 'P']) expect(rel(grid[i][k], one[k]), `${k} at t = ${t}`).toBeLessThan(1e-12)
        })
      }
  })
})

describe('schedules', () => {
  it('schedules whose derivative needs sec or sech compile (tan, tanh)', () => {
    const a = solve(flowProblem({ n: 4, sigma: 1, lambda: 0.1, schedule: { alpha: '1 - tan(pi*t/4)', beta: 'tanh(2*t)/tanh(2)' } }))
    const [al, be, ad, bd] = a.problem.schedule.at(0.5)
    expect(rel(ad, -(Math.PI / 4) / Math.cos(Math.PI / 8) ** 2)).toBeLessThan(1e-14)
    expect(rel(bd, 2 / Math.cosh(1) ** 2 / Math.tanh(2))).toBeLessThan(1e-14)
    expect(Number.isFinite(al + be + a.stats(1).mse)).toBe(true)
  })
  it('named schedules pass the conditions of docs/theory.md section 1 with their closed-form values and slopes; a broken one is refused', async () => {
    const { checkSchedule, compileSchedule } = await import('../../src/symbolic/schedule.js')
    const h = Math.PI / 2
    const byHand: Record<string, (t: number) => number[]> = {
      linear: (t) => [1 - t, t, -1, 1],
      trig: (t) => [Math.cos(h * t), Math.sin(h * t), -h * Math.sin(h * t), h * Math.cos(h * t)],
    }
    expect([...model().schedules.keys()].sort()).toEqual(Object.keys(byHand))
    for (const [name, src] of model().schedules) {
      const schedule = checkSchedule(src)
      // A few roundings of numbers <= pi/2 apart: 4 eps absolute (measured <= 6e-17, cos(pi/2)).
      for (const t of [0, 0.3, 0.5, 0.77, 1]) {
        schedule.at(t).forEach((x, i) => expect(Math.abs(x - byHand[name](t)[i]), `${name} [${i}] at ${t}`).toBeLessThanOrEqual(4 * Number.EPSILON))
      }
    }
    expect(() => checkSchedule(compileSchedule('late', '1-t', '0.99*t'))).toThrow(/beta\(1\) = 1/)
    expect(() => checkSchedule(compileSchedule('negative', '1-t', 't-0.5*sin(pi*t)'))).toThrow(/beta must be >= 0/)
  })
  it('a custom schedule equal to a named one gives the same numbers', () => {
    const a = solve(flowProblem({ n: 5, sigma: 0.7, lambda: 0.2, schedule: 'trig' })).stats(0.63)
    const b = solve(flowProblem({ n: 5, sigma: 0.7, lambda: 0.2, schedule: { alpha: 'cos(pi*t/2)', beta: 'sin(pi*t/2)' } })).stats(0.63)
    for (const k of Object.keys(a)) expect(rel(b[k], a[k])).toBeLessThan(1e-14)
  })
})
