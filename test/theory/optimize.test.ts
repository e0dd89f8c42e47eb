// lambda* (src/theory/optimize.ts) against routes that share none of its code:
//  - a dense scan of solve(...).stats(1) in double precision (the ODE integrator, or the K-step
//    recurrence in double) around the scan's own lowest point, fitted by a least-squares
//    polynomial of degree 6 whose vertex is found by Newton on the fitted polynomial;
//  - closed forms derived by hand from docs/theory.md §4-5 (below, at each test).
import { describe, expect, it } from 'vitest'
import { Decimal } from '../../src/hp/arith.js'
import { ParameterError } from '../../src/errors.js'
import { flowProblem, type ProblemOptions } from '../../src/theory/problem.js'
import { solve } from '../../src/theory/solve.js'
import { optimize, optimizeLambda, optimizeOverN } from '../../src/theory/optimize.js'

/** Least squares polynomial of degree `deg` through (xs, ys), by the normal equations (x in [-1, 1]). */
function leastSquares(xs: readonly number[], ys: readonly number[], deg: number): number[] {
  const m = deg + 1
  const A = Array.from({ length: m }, () => new Array<number>(m + 1).fill(0))
  xs.forEach((x, i) => {
    const p = Array.from({ length: m }, (_, k) => x ** k)
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < m; c++) A[r][c] += p[r] * p[c]
      A[r][m] += p[r] * ys[i]
    }
  })
  for (let c = 0; c < m; c++) {
    let pivot = c
    for (let r = c + 1; r < m; r++) if (Math.abs(A[r][c]) > Math.abs(A[pivot][c])) pivot = r
    ;[A[c], A[pivot]] = [A[pivot], A[c]]
    for (let r = 0; r < m; r++) {
      if (r === c) continue
      const f = A[r][c] / A[c][c]
      for (let k = c; k <= m; k++) A[r][k] -= f * A[c][k]
    }
  }
  return A.map((row, i) => row[m] / row[i])
}

/**
 * The minimiser of the double-precision objective at t = 1: golden section in double, then the
 * vertex of a degree-6 fit over +-`width` (relative) around it (41 points). A narrow window is
 * biased by the higher terms, a wide one is flat against the values' rounding: measured against
 * the 30-digit lambda*, 6.5e-12 (first problem, +-4%), 3.0e-11 (second, +-40%), 3.5e-12 (the
 * sampler, +-4%), 3.2e-12 and 3.4e-12 (w2, kl, +-4%) and 7.7e-11 (w2 with rho = 0.3); with 81
 * points and other windows (+-16%) up to 8e-11. So 2e-10 relative is the tolerance (about twice
 * the largest seen).
 */
function fittedMinimiser(options: Omit<ProblemOptions, 'lambda'>, width: number, key: 'mse' | 'w2' | 'kl' = 'mse'): number {
  const f = (lambda: number) => solve(flowProblem({ ...options, lambda }), { guard: false }).stats(1)[key]
  // The centre: golden section on log(lambda) over [1e-3, 100] (to 1e-6 relative; the fit does the rest).
  let [lo, hi] = [Math.log(1e-3), Math.log(100)]
  while (hi - lo > 1e-6) {
    const [x1, x2] = [hi - 0.618 * (hi - lo), lo + 0.618 * (hi - lo)]
    if (f(Math.exp(x1)) < f(Math.exp(x2))) hi = x2
    else lo = x1
  }
  const centre = Math.exp((lo + hi) / 2)
  const delta = width * centre
  const xs = Array.from({ length: 41 }, (_, i) => -1 + i / 20)
  const c = leastSquares(
    xs,
    xs.map((x) => f(centre + delta * x)),
    6,
  )
  let x = 0
  for (let i = 0; i < 50; i++) {
    const d1 = c.reduce((s, a, k) => (k >= 1 ? s + k * a * x ** (k - 1) : s), 0)
    const d2 = c.reduce((s, a, k) => (k >= 2 ? s + k * (k - 1) * a * x ** (k - 2) : s), 0)
    x -= d1 / d2
  }
  return centre + delta * x
}

describe('lambda* of mse against a polynomial fit of double-precision values', () => {
  for (const [options, width] of [
    [{ n: 8, sigma: 1.5 }, 0.04],
    [{ n: 20, sigma: 0.8, omega: 2 }, 0.4],
    [{ n: 8, sigma: 1.5, steps: 10 }, 0.04],
  ] as const) {
    it(JSON.stringify(options), () => {
      const r = optimizeLambda(options)
      const expected = fittedMinimiser(options, width)
      expect(r.boundary).toBe(false)
      expect(Math.abs(r.lambdaStar.toNumber() / expected - 1)).toBeLessThan(2e-10)
      expect(r.route).toBe('steps' in options ? 'differences' : 'exact')
      // Both methods establish every printed digit (refused otherwise).
      expect(r.digitsDerivative).toBeGreaterThanOrEqual(12)
      expect(r.digitsAgree).toBeGreaterThanOrEqual(12)
      // The value there is the double solve's at lambda* (12 digits printed: 1e-11 relative).
      const direct = solve(flowProblem({ ...options, lambda: r.lambdaStar.toNumber() })).stats(1).mse
      expect(Math.abs(r.value.toNumber() / direct - 1)).toBeLessThan(1e-11)
      expect(Math.abs(r.valueAtLambda.toNumber() / solve(flowProblem({ ...options, lambda: 0.1 })).stats(1).mse - 1)).toBeLessThan(1e-11)
    })
  }
})

describe('lambda* of w2 and kl against a polynomial fit of double-precision values', () => {
  for (const [objective, options] of [
    ['w2', { n: 8, sigma: 1.5 }],
    ['kl', { n: 8, sigma: 1.5 }],
    ['w2', { n: 8, sigma: 1.5, rho: 0.3 }],
  ] as const) {
    it(`${objective} ${JSON.stringify(options)}`, () => {
      const r = optimizeLambda(options, { objective })
      expect(Math.abs(r.lambdaStar.toNumber() / fittedMinimiser(options, 0.04, objective) - 1)).toBeLessThan(2e-10)
    })
  }
})

describe('closed forms derived by hand', () => {
  // Without skip connection M = n/(n+lambda), Q = 0 at t = 1 (docs/theory.md §4), so
  // mse = omega (M - 1)^2 + M^2 sigma^2/n is least at M = n omega/(n omega + sigma^2), that is at
  // lambda* = sigma^2/omega whatever n, where mse = omega sigma^2/(n omega + sigma^2) = bo_mse.
  for (const [n, sigma, omega] of [
    [8, 1.5, 1],
    [5, 0.7, 3],
  ]) {
    it(`no skip connection: lambda* = sigma^2/omega, ratio 1 (n ${n}, sigma ${sigma}, omega ${omega})`, () => {
      const r = optimizeLambda({ n, sigma, omega, skip: false })
      expect(r.lambdaStar.toString()).toBe(new Decimal(sigma).pow(2).div(omega).toSignificantDigits(12).toString())
      expect(r.ratio.toNumber()).toBeCloseTo(1, 12)
      // w2 = mse + sigma^2 there (P = 0, M > 0, rho = 1/2): the same minimiser.
      expect(optimizeLambda({ n, sigma, omega, skip: false }, { objective: 'w2' }).lambdaStar.toString()).toBe(r.lambdaStar.toString())
    })
  }

  // With skip connection mse_1 = (lambda^2 omega + 2 n sigma^2 + n lambda omega/(n + lambda - 1))/(n + lambda)^2
  // (§5 with Lambda/K = sigma^2 + lambda omega/K); its slope at lambda = 0 is
  // omega/(n(n-1)) - 4 sigma^2/n^2, >= 0 iff sigma^2 <= n omega/(4(n-1)) (2/7 for n = 8, omega = 1).
  it('boundary minimum at lambda = 0 exactly when sigma^2 <= n omega/(4(n - 1))', () => {
    const inside = optimizeLambda({ n: 8, sigma: 0.5 })
    expect(inside.boundary).toBe(true)
    expect(inside.lambdaStar.isZero()).toBe(true)
    const outside = optimizeLambda({ n: 8, sigma: 0.55 })
    expect(outside.boundary).toBe(false)
    expect(outside.lambdaStar.toNumber()).toBeGreaterThan(0)
  })

  // The same mse_1 typed here by hand, at 80 digits: its slope (central differences, h = 1e-40,
  // truncation ~1e-80) changes sign within 1e-29 relative of the 30-digit lambda*.
  it('--digits 30: the hand-typed mse_1 turns upward within 1e-29 of lambda*', () => {
    const r = optimize(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1 }), { digits: 30 })
    const D = Decimal.clone({ precision: 80 })
    const [n, s2, omega] = [new D(8), new D(2.25), new D(1)]
    const mse = (l: Decimal) =>
      l
        .pow(2)
        .times(omega)
        .plus(n.times(s2).times(2))
        .plus(n.times(l).times(omega).div(n.plus(l).minus(1)))
        .div(n.plus(l).pow(2))
    const h = new D('1e-40')
    const slope = (l: Decimal) =>
      mse(l.plus(h))
        .minus(mse(l.minus(h)))
        .div(h.times(2))
    const star = new D(r.lambdaStar)
    expect(r.lambdaStar.toString().replace(/^0\.|\./, '').length).toBe(30)
    expect(slope(star.times(new D(1).minus('1e-29'))).lt(0)).toBe(true)
    expect(slope(star.times(new D(1).plus('1e-29'))).gt(0)).toBe(true)
  })

  // n mse = 2 sigma^2 + (lambda omega - 4 lambda sigma^2 + lambda^2 omega)/n + O(1/n^2) (§5, C1),
  // least at lambda = (4 sigma^2 - omega)/(2 omega) = 4 for sigma = 1.5, omega = 1: the limit of
  // lambda*(n); C = 2 sigma^2 = 4.5 at lambda*(n) and at a fixed lambda alike.
  it('lambda*(n) -> (4 sigma^2 - omega)/(2 omega), and n mse -> 2 sigma^2 at lambda*(n)', () => {
    const r = optimizeOverN(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1 }), [256, 512, 1024, 2048])
    expect(r.limitOf).toBe('lambda_star')
    // The digits two extrapolations agree on, less one for the rounding of the last.
    expect(r.limit.digits).toBeGreaterThanOrEqual(8)
    expect(Math.abs(r.limit.value.toNumber() - 4)).toBeLessThan(4 * 10 ** (1 - r.limit.digits))
    expect(Math.abs(r.constantAtStar.value.toNumber() - 4.5)).toBeLessThan(4.5 * 10 ** (1 - r.constantAtStar.digits))
    expect(Math.abs(r.constantAtLambda.value.toNumber() - 4.5)).toBeLessThan(4.5 * 10 ** (1 - r.constantAtLambda.digits))
    // The symbolic layer's limit: exactly the hand-derived one.
    expect(r.exactLimit?.value.toString()).toBe('4')
  })
})

// w2 and kl at large n (docs/theory.md, the best regularisation): P - sigma ~ lambda omega/(2 sigma n)
// adds lambda^2 omega^2/(4 sigma^2) to mse's 1/n coefficient in n w2, and kl = (u - log(1 + u) +
// mse/sigma^2)/2 with u ~ lambda omega/(n sigma^2) gives n kl = 1 + (C1/(2 sigma^2) + lambda^2
// omega^2/(4 sigma^4))/n; their minima are at lambda = 2 sigma^2 (4 sigma^2 - omega)/(omega (4 sigma^2
// + omega)) = 3.6 and sigma^2 (4 sigma^2 - omega)/(omega (2 sigma^2 + omega)) = 36/11, and the constants
// stay 2 sigma^2 = 4.5 and 1. With rho = 0.3, w2 keeps 4 |rho - 1/2| omega M + (P - sigma)^2 at order 1;
// with lambda = a n, M = 1/(1 + a), P^2 = sigma^2 + a omega/(1 + a), and the minimum of
// (M - 1)^2 + 0.8 M + (P - 1.5)^2 (omega = 1) is at a = 0.57206147 (golden section in double below:
// resolves about 1e-8 relative, hence the tolerance 1e-7).
describe('the large-n limits of lambda* for w2 and kl, derived by hand', () => {
  const ns = [512, 1024, 2048, 4096]
  const problem = flowProblem({ n: 8, sigma: 1.5, lambda: 0.1 })
  for (const [objective, limit, constant] of [
    ['w2', 3.6, 4.5],
    ['kl', 36 / 11, 1],
  ] as const) {
    it(`${objective}: lambda*(n) -> ${limit}, n ${objective} -> ${constant}`, () => {
      const r = optimizeOverN(problem, ns, { objective })
      expect(r.limitOf).toBe('lambda_star')
      expect(r.limit.digits).toBeGreaterThanOrEqual(8)
      // The digits two extrapolations agree on, less one for the rounding of the last.
      expect(Math.abs(r.limit.value.toNumber() / limit - 1)).toBeLessThan(10 ** (1 - r.limit.digits))
      expect(Math.abs(r.constantAtStar.value.toNumber() / constant - 1)).toBeLessThan(10 ** (1 - r.constantAtStar.digits))
    })
  }
  it('w2 with rho = 0.3: lambda*(n)/n -> a, and n w2 diverges (a floor)', () => {
    const g = (a: number) => (1 / (1 + a) - 1) ** 2 + 0.8 / (1 + a) + (Math.sqrt(2.25 + a / (1 + a)) - 1.5) ** 2
    let [lo, hi] = [0, 5]
    for (let i = 0; i < 200; i++) {
      const [m1, m2] = [lo + (hi - lo) * 0.382, lo + (hi - lo) * 0.618]
      if (g(m1) < g(m2)) hi = m2
      else lo = m1
    }
    const r = optimizeOverN(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, rho: 0.3 }), ns, { objective: 'w2' })
    expect(r.limitOf).toBe('lambda_star/n')
    expect(Math.abs(r.limit.value.toNumber() / lo - 1)).toBeLessThan(1e-7)
    expect(r.constantAtStar.diverges).toBe(true)
    expect(r.constantAtLambda.diverges).toBe(true)
  })
})

// At n = 1e12 and 1e20 the objective's dependence on lambda lies beyond double precision's digits
// (mse = 2 sigma^2/n + O(lambda/n^2)): lambda* - 4 ~ 5.5/n (measured 5.4 to 5.5 over n = 64 ... 1024),
// so |lambda* - 4| < 1e-10 holds with a wide margin, and the answer must not be refused.
describe('large n', () => {
  for (const n of [1e12, 1e20]) {
    it(`n = ${n}: lambda* within 1e-10 of the limit 4`, () => {
      const r = optimizeLambda({ n, sigma: 1.5, highPrecision: n > Number.MAX_SAFE_INTEGER })
      expect(Math.abs(r.lambdaStar.toNumber() - 4)).toBeLessThan(1e-10)
    })
  }
})

describe('refusals', () => {
  it('names objective when it is null for every lambda (kl without skip connection)', () => {
    expect(() => optimizeLambda({ n: 8, sigma: 1.5, skip: false }, { objective: 'kl' })).toThrow(/^objective: kl is not finite/)
  })
  it('names --objective for an unknown objective and --digits outside [1, 1000]', () => {
    expect(() => optimizeLambda({ n: 8, sigma: 1.5 }, { objective: 'bogus' as 'mse' })).toThrow(ParameterError)
    expect(() => optimizeLambda({ n: 8, sigma: 1.5 }, { objective: 'bogus' as 'mse' })).toThrow(/^objective: must be one of mse, w2, kl/)
    expect(() => optimizeLambda({ n: 8, sigma: 1.5 }, { digits: 0 })).toThrow(/^digits: must be an integer in \[1, 1000\]/)
  })
})
