// The Richardson route of `rate` (src/theory/rate.ts) against the constants and the error that
// Richardson extrapolation must have, both from a series in h = 1/n derived here by hand.
//
// docs/theory.md section 5: mse at t = 1 is (lambda^2 omega + n sigma^2 + n Lambda/K)/(n + lambda)^2
// with Lambda/K = sigma^2 + lambda omega/(n + lambda - 1) (section 4). Multiplying by n and dividing
// numerator and denominator by n^2:
//   n mse = [2 sigma^2 + lambda^2 omega h + lambda omega h/(1 + (lambda - 1) h)] / (1 + lambda h)^2,
// a power series sum_k a_k h^k with a_0 = C = 2 sigma^2 and a_1 = C1 = lambda omega + lambda^2 omega
// - 4 lambda sigma^2. The Bayes-optimal n bo_mse = sigma^2/(1 + (sigma^2/omega) h) (baselines.eq)
// has a_k = sigma^2 (-sigma^2/omega)^k: C_bo = sigma^2, C_bo1 = -sigma^4/omega.
//
// Neville's extrapolation to h = 0 through the K nodes h_j = 10^-j (n = 10..nMax) is exact on
// polynomials of degree < K; on h^k (k >= K) it returns (-1)^(K+1) prod h_j times the complete
// symmetric polynomial of degree k - K in the h_j (1, then sum h_j, ...). So the route's C is off by
//   e(a) = (-1)^(K+1) prod h_j (a_K + a_(K+1) sum h_j)            (next term ~ 1e-2 smaller),
// and its C1, extrapolated from (f_j - C_num)/h_j = sum_k a_(k+1) h_j^k - e_C/h_j, by e(a shifted)
// - e_C sum_j 1/h_j (Neville through 1/h_j gives sum_j 1/h_j at 0, by the same divided-difference
// argument). At nMax = 1e6 prod h_j = 1e-21: C agrees to about 21 digits, C1 to about 15.
import { Decimal } from 'decimal.js'
import { describe, expect, it } from 'vitest'
import { flowProblem } from '../../src/theory/problem.js'
import { rate } from '../../src/theory/rate.js'

/** Well beyond the 32 digits the route works with at --digits 12. */
const R = Decimal.clone({ precision: 60 })
type Dec = InstanceType<typeof R>

/** Coefficients a_0..a_(terms-1) of the power series product. */
const times = (a: Dec[], b: Dec[]): Dec[] => a.map((_, k) => a.slice(0, k + 1).reduce((s, x, i) => s.plus(x.times(b[k - i])), new R(0)))
/** 1/(1 + r h)^p, p = 1 or 2: (p = 1) (-r)^k, (p = 2) (k + 1)(-r)^k. */
const geometric = (r: Dec, terms: number, p: 1 | 2): Dec[] =>
  Array.from({ length: terms }, (_, k) =>
    r
      .neg()
      .pow(k)
      .times(p === 2 ? k + 1 : 1),
  )

function mseSeries(sigma: string, lambda: string, omega: string, terms: number): Dec[] {
  const s2 = new R(sigma).pow(2),
    l = new R(lambda),
    w = new R(omega)
  // lambda omega h/(1 + (lambda - 1) h): the geometric series shifted by one power of h.
  const tail = [new R(0), ...geometric(l.minus(1), terms - 1, 1).map((x) => x.times(l).times(w))]
  const numerator = tail.map((x, k) => (k === 0 ? x.plus(s2.times(2)) : k === 1 ? x.plus(l.pow(2).times(w)) : x))
  return times(numerator, geometric(l, terms, 2))
}

const boSeries = (sigma: string, omega: string, terms: number): Dec[] => {
  const s2 = new R(sigma).pow(2)
  return geometric(s2.div(omega), terms, 1).map((x) => x.times(s2))
}

/** The leading error of Neville's extrapolation to 0 through hs of the series a (see header). */
function nevilleError(a: Dec[], hs: Dec[]): Dec {
  const K = hs.length
  const prod = hs.reduce((p, h) => p.times(h), new R(1))
  const sum = hs.reduce((s, h) => s.plus(h), new R(0))
  return prod.times(a[K].plus(a[K + 1].times(sum))).times(K % 2 === 1 ? 1 : -1)
}

/** The predicted (C, C1) errors of the route for the series a. */
function predictedErrors(a: Dec[], hs: Dec[]): [Dec, Dec] {
  const eC = nevilleError(a, hs)
  const inverseSum = hs.reduce((s, h) => s.plus(new R(1).div(h)), new R(0))
  return [eC, nevilleError(a.slice(1), hs).minus(eC.times(inverseSum))]
}

const digitsOf = (error: Dec, scale: Dec) => Math.floor(-Math.log10(error.abs().div(scale.abs()).toNumber()))

describe('rate: the Richardson route at a small --n-max', () => {
  const nMax = 1e6
  const hs = Array.from({ length: 6 }, (_, j) => new R(10).pow(-(j + 1)))
  for (const [sigma, lambda, omega] of [
    ['1.5', '0.1', '1'],
    ['0.7', '2', '3'],
  ]) {
    it(`sigma = ${sigma}, lambda = ${lambda}, omega = ${omega}: the exact constants, and the Richardson errors and digits_agree predicted`, () => {
      const result = rate(flowProblem({ n: 2, sigma: Number(sigma), lambda: Number(lambda), omega: Number(omega) }), { digits: 12, nMax })
      const series: Record<string, Dec[]> = { C: mseSeries(sigma, lambda, omega, 9), C_bo: boSeries(sigma, omega, 9) }
      for (const [key, a] of Object.entries(series)) {
        const key1 = `${key}1` as 'C1' | 'C_bo1'
        const k0 = key as 'C' | 'C_bo'
        const exact = result.exact!.values
        // Route (a) evaluates the exact series at 32 digits: equal to the hand constants to 30.
        expect(digitsOf(new R(exact[k0].toString()).minus(a[0]), a[0]), k0).toBeGreaterThanOrEqual(30)
        expect(digitsOf(new R(exact[key1].toString()).minus(a[1]), a[1]), key1).toBeGreaterThanOrEqual(30)
        // Route (b): its errors are the predicted ones to 20%: the neglected terms are about
        // (sum h_j)^2 a_(K+2)/a_K of the leading one (observed ratios error/prediction 1.0003 to
        // 1.068 over these cases).
        const [eC, eC1] = predictedErrors(a, hs)
        const error = (k: 'C' | 'C1' | 'C_bo' | 'C_bo1', want: Dec) => new R(result.numeric[k].toString()).minus(want)
        expect(error(k0, a[0]).minus(eC).abs().toNumber(), `${k0} error ${error(k0, a[0])} predicted ${eC}`).toBeLessThan(eC.abs().times(0.2).toNumber())
        expect(error(key1, a[1]).minus(eC1).abs().toNumber(), `${key1} error ${error(key1, a[1])} predicted ${eC1}`).toBeLessThan(eC1.abs().times(0.2).toNumber())
        // The digits_agree rate states are the digits of those errors (the floor of -log10 of a
        // relative error within 20% of the prediction can move by one).
        for (const [k, e, c] of [
          [k0, eC, a[0]],
          [key1, eC1, a[1]],
        ] as const) {
          expect(Math.abs(result.agreement[k] - digitsOf(e, c)), `digits_agree ${k}`).toBeLessThanOrEqual(1)
        }
      }
    })
  }
})
