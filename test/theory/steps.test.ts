// `flowgm steps` in the library (src/theory/steps.ts).
// Expected values: (1) the leading constant of Euler's global error from its variational equation,
// derived by hand below and integrated here by an independent classical RK4 in double; (2) the
// orders from the asymptotic expansion d_K = E h^p (1 + r h + ...) (its consequence: p_K - p
// halves when K doubles); (3) K*(n) by brute force over every K with the stage recurrence and the
// mse / var formulas of equations/flow.eq written out here.
import { describe, expect, it } from 'vitest'
import { discreteFlow } from '../../src/theory/discrete.js'
import { variantOf } from '../../src/theory/model.js'
import { flowProblem } from '../../src/theory/problem.js'
import { solve } from '../../src/theory/solve.js'
import { stepsNeeded, stepsTable } from '../../src/theory/steps.js'

const P = { n: 8, sigma: 1.5, lambda: 0.1, omega: 1 }

/**
 * Euler's global error at t = 1 is h e(1) + O(h^2), with e' = a e - X''/2, e(0) = 0 (the local
 * error -h^2 X''/2 carried by the variational equation; Hairer, Norsett, Wanner II.8). X'' needs
 * a' and g'; w = e + X'/2 removes them: w' = a e = a w - a (a X + g)/2, w(0) = X'(0)/2, and
 * e(1) = w(1) - X'(1)/2. Each component of X' = a X + g is scalar (the coefficients are
 * [a_M, g_M, a_Q, g_Q, a_P, g_P]), so (X, w) is integrated by RK4 with N steps.
 */
function eulerErrorCoefficient(problem: ReturnType<typeof flowProblem>, N: number): { X: number[]; e: number[] } {
  const v = variantOf(problem)
  const ode = v.ode(problem.n, problem.sigma, problem.lambda, problem.omega, problem.rho, problem.kinv)
  const coef = (t: number) => ode(...problem.schedule.at(t))
  const field = (t: number, y: number[]): number[] => {
    const c = coef(t)
    return [0, 1, 2]
      .flatMap((i) => {
        const [a, g] = [c[2 * i], c[2 * i + 1]]
        const x = y[i]
        return [a * x + g]
      })
      .concat(
        [0, 1, 2].map((i) => {
          const [a, g] = [c[2 * i], c[2 * i + 1]]
          return a * y[3 + i] - (a * (a * y[i] + g)) / 2
        }),
      )
  }
  const X0 = v.source.initial.slice()
  const c0 = coef(0)
  let y = [...X0, ...X0.map((x, i) => (c0[2 * i] * x + c0[2 * i + 1]) / 2)]
  const h = 1 / N
  for (let k = 0; k < N; k++) {
    const t = k * h
    const k1 = field(t, y)
    const k2 = field(
      t + h / 2,
      y.map((x, i) => x + (h / 2) * k1[i]),
    )
    const k3 = field(
      t + h / 2,
      y.map((x, i) => x + (h / 2) * k2[i]),
    )
    const k4 = field(
      t + h,
      y.map((x, i) => x + h * k3[i]),
    )
    y = y.map((x, i) => x + (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]))
  }
  const c1 = coef(1)
  const X = y.slice(0, 3)
  return { X, e: [0, 1, 2].map((i) => y[3 + i] - (c1[2 * i] * X[i] + c1[2 * i + 1]) / 2) }
}

/** mse and var of equations/flow.eq: omega (M-1)^2 + M^2 sigma^2/n + n Q^2, and P^2. */
const mseOf = ([M, Q]: readonly number[]) => P.omega * (M - 1) ** 2 + (M * M * P.sigma ** 2) / P.n + P.n * Q * Q

describe('stepsTable', () => {
  it('Euler, linear schedule: E of mse_K - mse ~ E/K agrees with the variational equation', () => {
    const problem = flowProblem({ ...P, schedule: 'linear' })
    const r = stepsTable(problem, { scheme: 'euler', ks: [8, 16, 32, 64, 128, 256] })
    const { X, e } = eulerErrorCoefficient(problem, 2000)
    // d mse = grad mse . (h e): grad by hand, d/dM = 2 omega (M-1) + 2 M sigma^2/n, d/dQ = 2 n Q.
    const E = (2 * P.omega * (X[0] - 1) + (2 * X[0] * P.sigma ** 2) / P.n) * e[0] + 2 * P.n * X[1] * e[1]
    // The test's RK4 at N = 2000 errs by ~ (1/2000)^4 ~ 1e-13 relative (N = 1000 agrees to 1e-10,
    // checked below). The constant must be right to the digits its two Richardson estimates share
    // (an error below one unit of the last: 10^(1 - digits) relative), and those are >= 6 at K <= 256.
    expect(r.constant).toBeDefined()
    expect(r.constant!.p).toBe(1)
    const digits = r.constant!.digitsAgree
    expect(digits).toBeGreaterThanOrEqual(6)
    expect(Math.abs(r.constant!.E.toNumber() - E)).toBeLessThan(10 ** (1 - digits) * Math.abs(E))
    expect(Math.abs(eulerErrorCoefficient(problem, 1000).e[0] - e[0])).toBeLessThan(1e-10)
    // The continuous mse of the row agrees with the state the test integrated (the same X(1)).
    expect(Math.abs(Number(r.continuous.mse) - mseOf(X))).toBeLessThan(1e-11)
  })

  it.each([
    ['euler', 1],
    ['heun', 2],
    ['rk4', 4],
  ] as const)('%s, linear schedule: the measured order tends to %i, its deviation halving as K doubles', (scheme, p) => {
    const r = stepsTable(flowProblem({ ...P, schedule: 'linear' }), { scheme, ks: [32, 64, 128, 256] })
    const [o32, o64, o128] = r.rows.map((row) => row.order)
    // p_K = log2(d_K/d_2K) = p + log2((1 + r h)/(1 + r h/2)) = p + r h/(2 ln 2) + O(h^2): the
    // deviation halves per doubling (ratio 1/2 + O(h); bounds 0.4..0.6 at h <= 1/32 allow |r| <= 3).
    for (const o of [o32, o64, o128]) expect(Math.abs(o! - p)).toBeLessThan(0.15)
    expect((o64! - p) / (o32! - p)).toBeGreaterThan(0.4)
    expect((o64! - p) / (o32! - p)).toBeLessThan(0.6)
    expect((o128! - p) / (o64! - p)).toBeGreaterThan(0.4)
    expect((o128! - p) / (o64! - p)).toBeLessThan(0.6)
    expect(r.notes).toEqual([])
  })
})

describe('stepsNeeded', () => {
  /**
   * K* by brute force: the smallest K from which every K up to `upTo` passes, with the states of
   * the stage recurrence and the errors of each criterion written out (see src/theory/steps.ts).
   */
  function bruteForce(n: number, scheme: 'euler' | 'heun' | 'midpoint' | 'rk4', criterion: 'mse' | 'var', tol: number, upTo: number): number {
    const problem = flowProblem({ ...P, n, schedule: 'trig' })
    const c = solve(problem).stats(1)
    const pass = (K: number) => {
      const [M, Q, Pk] = discreteFlow(problem, K, scheme)[K]
      const mse = P.omega * (M - 1) ** 2 + (M * M * P.sigma ** 2) / n + n * Q * Q
      return criterion === 'mse' ? Math.abs(mse - c.mse) <= tol * c.mse : Math.abs(Pk * Pk - c.var) <= tol * Math.abs(c.var - P.sigma ** 2)
    }
    let K = upTo
    while (K > 1 && pass(K - 1)) K--
    return K
  }

  it('K*(n) is the brute-force smallest K from which every K passes (trig, both criteria)', () => {
    const ns = [8, 64]
    for (const criterion of ['mse', 'var'] as const) {
      const r = stepsNeeded(flowProblem({ ...P, schedule: 'trig' }), { ns, criterion, schemes: ['heun', 'midpoint', 'rk4'] })
      for (const s of r.schemes) {
        ns.forEach((n, i) => {
          const k = r.kStar[s][i]!
          // Brute force up to 4 K* (past it the error only falls: K^-p).
          expect(k, `${criterion} ${s} n = ${n}`).toBe(bruteForce(n, s as 'heun', criterion, 0.1, 4 * k))
        })
        // Two points: the least-squares slope is the slope of the line through them.
        expect(r.exponents[s]).toBeCloseTo(Math.log(r.kStar[s][1]! / r.kStar[s][0]!) / Math.log(8), 12)
      }
    }
  })
})

describe('stepsNeeded, criterion w2', () => {
  // Expected: a linear scan over K (no doubling, no bisection) of the criterion's definition
  // (docs/cli.md, steps): the first K with |w2_K - w2| <= tol w2, w2 of solve() with and without
  // the sampler. Around K* the error falls monotonically on these problems, so the scan and the
  // search must agree; on the linear schedule mse's K* is 13 at n = 8, so w2 reading mse fails.
  it('finds the first K whose w2 error is at most tol times w2, for every scheme', () => {
    for (const schedule of ['linear', 'trig']) {
      const problem = flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, schedule })
      const w2 = solve(problem).stats(1).w2
      const scan = (scheme: 'euler' | 'midpoint') => {
        for (let K = 1; K < 200; K++) {
          const s = solve(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, schedule, steps: K, scheme })).stats(1)
          if (Math.abs(s.w2 - w2) <= 0.1 * w2) return K
        }
        return undefined
      }
      const r = stepsNeeded(problem, { ns: [8], criterion: 'w2', schemes: ['euler', 'midpoint'] })
      expect(r.kStar.euler[0], schedule).toBe(scan('euler'))
      expect(r.kStar.midpoint[0], schedule).toBe(scan('midpoint'))
    }
  })
})
