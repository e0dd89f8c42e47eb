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
