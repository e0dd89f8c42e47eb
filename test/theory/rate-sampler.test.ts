// The 1/n rate of a K-step sampler (src/theory/rate.ts with problem.sampler): no closed form, so
// route (b) alone; its floor lim mse_K(n) and constant C checked against independent values.
import { Decimal } from 'decimal.js'
import { describe, expect, it } from 'vitest'
import { flowProblem } from '../../src/theory/problem.js'
import { rate } from '../../src/theory/rate.js'
import { solve } from '../../src/theory/solve.js'

const D = Decimal.clone({ precision: 60 })
const PARAMS = { n: 2, sigma: 1.5, lambda: 0.1 }

/**
 * M after K Euler steps of the population flow (n -> infinity), written from docs/theory.md
 * (Result A as n -> infinity: K/n -> 1, Lambda/n -> sigma^2, so c = beta sigma^2 / (alpha^2 +
 * beta^2 sigma^2), m = alpha^2 / (alpha^2 + beta^2 sigma^2); the velocity's M-part
 * gamma M + zeta m with gamma = alpha'/alpha + zeta c, zeta = beta' - alpha' beta / alpha), on the
 * trig schedule alpha = cos(pi t/2), beta = sin(pi t/2); Euler never evaluates t = 1.
 */
function populationEulerM(K: number, sigma: Decimal): Decimal {
  const half = D.acos(-1).div(2)
  let M = new D(0)
  for (let k = 0; k < K; k++) {
    const t = new D(k).div(K)
    const [a, b] = [D.cos(half.times(t)), D.sin(half.times(t))]
    const [ad, bd] = [b.neg().times(half), a.times(half)]
    const s2 = sigma.pow(2)
    const den = a.pow(2).plus(b.pow(2).times(s2))
    const [c, m] = [b.times(s2).div(den), a.pow(2).div(den)]
    const zeta = bd.minus(ad.times(b).div(a))
    const gamma = ad.div(a).plus(zeta.times(c))
    M = M.plus(gamma.times(M).plus(zeta.times(m)).div(K))
  }
  return M
}

describe('rate with a K-step sampler', () => {
  it('trig, 20 Euler steps: the floor is omega (M_K - 1)^2 of the population Euler recurrence, and C the slope beyond it', () => {
    const K = 20
    const r = rate(flowProblem({ ...PARAMS, schedule: 'trig', steps: K, scheme: 'euler' }), { digits: 15, nMax: 1e8 })
    // As n -> infinity Q_K -> 0 (q = O(1/n)) and M_K -> its population value: mse -> omega (M - 1)^2 (omega = 1).
    const expected = populationEulerM(K, new D(1.5)).minus(1).pow(2)
    expect(r.floor!.zero).toBe(false)
    // 15 digits asked; the two extrapolations agree to at least that many.
    expect(r.floor!.digits).toBeGreaterThanOrEqual(15)
    expect(new D(r.floor!.value).minus(expected).abs().div(expected).toNumber()).toBeLessThan(1e-15)
    expect(r.exact).toBeUndefined()
    expect(r.agreement.C).toBeGreaterThanOrEqual(15)
    // C against the double-precision solution at n = 1e6: n (mse - floor) = C + C1/n + ..., so
    // within |C1|/n ~ 1e-6 of C (C1 ~ -0.8 as without a sampler), plus 12-digit mse / floor ~ 1e-12 n.
    const n = 1e6
    const mse = solve(flowProblem({ ...PARAMS, n, schedule: 'trig', steps: K, scheme: 'euler' })).stats(1).mse
    expect(Math.abs(n * (mse - expected.toNumber()) - r.numeric.C.toNumber())).toBeLessThan(3e-6)
  })

  it('linear, Euler: the floor is exactly 0 (M_K = n/(n + lambda) exactly) and C_K -> C = 2 sigma^2 like 1/K', () => {
    const at = (K: number) => rate(flowProblem({ ...PARAMS, steps: K, scheme: 'euler' }), { digits: 15, nMax: 1e10 })
    const [r100, r200] = [at(100), at(200)]
    expect(r100.floor!.zero).toBe(true)
    // The continuous constant 2 sigma^2 = 4.5 (docs/theory.md, the rate): first-order convergence in
    // K halves the gap when K doubles (ratio 2 + O(1/K); measured 2.01).
    const gap = (r: typeof r100) => new D(r.numeric.C).minus(4.5).toNumber()
    expect(gap(r100)).toBeLessThan(0)
    expect(gap(r100) / gap(r200)).toBeGreaterThan(1.95)
    expect(gap(r100) / gap(r200)).toBeLessThan(2.05)
    // C_bo does not depend on the sampler: sigma^2 / omega... n bo_mse -> sigma^2 = 2.25.
    expect(new D(r100.numeric.C_bo).minus(2.25).abs().toNumber()).toBeLessThan(1e-14)
  })
})
