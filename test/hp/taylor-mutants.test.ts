// taylorSolve's contract beyond accuracy: argument checks, the step budget and the starting order.
import { describe, expect, it } from 'vitest'
import { Decimal } from '../../src/hp/arith.js'
import { seriesArith } from '../../src/hp/series.js'
import { taylorSolve, type TaylorSystem } from '../../src/hp/taylor.js'

const D = Decimal.clone({ precision: 30 })

/** X' = a X (den = 1, G = 0), recording the order N of every step the integrator asks for. */
const linear = (a: string, orders: number[]): TaylorSystem => (t0, N) => {
  orders.push(N)
  const S = seriesArith(D, N)
  return [{ den: S.lift(S.num('1')), A: S.lift(S.num(a)), G: S.lift(S.num('0')) }]
}

describe('taylorSolve contract', () => {
  it('rejects digits that are not positive', () => {
    for (const digits of [0, -1, NaN]) {
      expect(() => taylorSolve(D, linear('1', []), [new D(1)], [new D(1)], { digits })).toThrow(/digits must be positive/)
    }
  })

  it('starts at the order N0 = ceil(T ln10 / 2) + 3, T = digits + 2 (docs in taylor.ts: rho/h = e^2)', () => {
    // digits 20: T = 22, 22 · 1.15129 = 25.33 -> 26, + TAIL 3 = 29; the reported order is the largest asked.
    const orders: number[] = []
    const r = taylorSolve(D, linear('1', orders), [new D(1)], [new D(1)], { digits: 20 })
    expect(orders[0]).toBe(29)
    expect(r.order).toBe(Math.max(...orders))
    // e to 20 digits (published value, OEIS A001113); the step control's 10^-22 per step, 1e-20 overall
    expect(r.values[0][0].minus('2.71828182845904523536028747').abs().lt(1e-20)).toBe(true)
  })

  it('counts steps against maxSteps: X\' = 0 takes exactly one step per target', () => {
    // the series of a constant is exact (vanishing tail), so each step lands on its target
    const targets = ['1', '2', '3'].map((v) => new D(v))
    const r = taylorSolve(D, linear('0', []), [new D(5)], targets, { digits: 20, maxSteps: 3 })
    expect(r.steps).toBe(3)
    expect(r.values.map((v) => v[0].toNumber())).toEqual([5, 5, 5])
    expect(() => taylorSolve(D, linear('0', []), [new D(5)], targets, { digits: 20, maxSteps: 2 })).toThrow(/more than 2 steps/)
  })
})

/**
 * The step rules of taylor.ts's header, checked step by step on X' = X/(r - t), X(0) = 1, whose
 * solution r/(r - t) and coefficient A = 1/(r - t) have purely geometric series at any t0:
 * X_k = X(t0) ρ^-k and A_k = ρ^-(k+1) with ρ = r - t0, the exact radius of convergence. Hence:
 *  - order: the first step uses N0; later ones N = max(6, min(N0, ceil(1.3 T / Δ) + 3)) when
 *    Δ = log10(ρ/L) >= log10(e²) (L the distance to the target), else N0, with ρ the exact radius
 *    at the step start (the integrator estimates it from the previous step's coefficients);
 *  - length: |c_k| h^k <= 10^-T |c_0| for the last 3 coefficients of every sequence. A (N terms,
 *    k = N-3..N-1) is stricter than X (N+1 terms, k = N-2..N): h_max = ρ · 10^(-T/(N-3)). The
 *    step is L when h_max >= L, L/2 when h_max >= L/2 (so no step ends just short of a target),
 *    else h_max rounded to 6 significant digits. The rejection test (h <= half the radius) never
 *    fires: 10^(-T/(N-3)) < 1/2 for every N <= N0.
 * Everything scales with r: the same schedule at r = 2·10^20 and 2·10^400 exercises logarithms of
 * large radii and steps beyond double precision's range.
 */
describe('taylorSolve step rules on a geometric series (exact radius r - t)', () => {
  const D = Decimal.clone({ precision: 40 })
  const digits = 20
  const T = digits + 2
  const N0 = Math.ceil((T * Math.LN10) / 2) + 3
  const log10 = (x: Decimal) => x.log(10).toNumber()
  const expectedOrder = (rho: Decimal, L: Decimal, first: boolean) => {
    const delta = log10(rho) - log10(L)
    return first || delta < 2 / Math.LN10 ? N0 : Math.max(6, Math.min(N0, Math.ceil((1.3 * T) / delta) + 3))
  }
  const expectedStep = (rho: Decimal, L: Decimal, N: number) => {
    const hMax = rho.times(new D(10).pow(-T / (N - 3)))
    return hMax.gte(L) ? L : hMax.gte(L.div(2)) ? L.div(2) : hMax.toSignificantDigits(6)
  }

  for (const scale of ['1', '1e20', '1e400']) {
    it(`r = 2·${scale}: every step's order and length, and the values to ${digits} digits`, () => {
      const r = new D(2).times(scale)
      const calls: Array<{ t0: Decimal; N: number }> = []
      const sys: TaylorSystem = (t0, N) => {
        calls.push({ t0, N })
        const S = seriesArith(D, N)
        const A = S.lift(S.div(S.num('1'), S.sub(S.constant(r), S.variable(t0))))
        return [{ den: S.lift(S.num('1')), A, G: S.lift(S.num('0')) }]
      }
      // 1 -> 1.01 -> 1.015 are short hops (lowered orders); 1.3 -> 1.5 ends with an L/2 step
      const targets = ['1', '1.01', '1.015', '1.3', '1.5'].map((x) => new D(x).times(scale))
      const res = taylorSolve(D, sys, [new D(1)], targets, { digits })

      const ends = [...calls.slice(1).map((c) => c.t0), targets[targets.length - 1]]
      calls.forEach(({ t0, N }, i) => {
        const target = targets.find((x) => x.gt(t0))!
        const rho = r.minus(t0)
        const L = target.minus(t0)
        expect(N, `order of step ${i} at t0 = ${t0}`).toBe(expectedOrder(rho, L, i === 0))
        // 6-digit rounding of the step: one unit in the 6th digit is at most 1e-5 relative
        const h = ends[i].minus(t0)
        const want = expectedStep(rho, L, N)
        expect(h.div(want).minus(1).abs().toNumber(), `step ${i} at t0 = ${t0}: ${h} vs ${want}`).toBeLessThanOrEqual(1e-5)
      })
      expect(calls.map((c) => c.N)).toContain(16) // the schedule does lower the order
      expect(res.steps).toBe(calls.length)
      // X = r/(r - t); the per-step control is 10^-22 relative, |X| <= 4 over 13 steps
      targets.forEach((t, i) => {
        const err = res.values[i][0].minus(r.div(r.minus(t))).abs()
        expect(err.lt(new D(10).pow(-digits)), `X(${t}) error ${err.toExponential(2)}`).toBe(true)
      })
    })
  }
})
