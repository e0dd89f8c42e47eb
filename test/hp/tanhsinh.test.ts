// Tanh-sinh quadrature against closed forms evaluated by decimal.js itself (π from acos(-1),
// exp, ln, atan, sin) or by exact decimal arithmetic on an antiderivative: the quadrature shares
// none of that code except the basic operations.
import { describe, expect, it } from 'vitest'
import { Decimal, type DecimalConstructor } from '../../src/hp/arith.js'
import { tanhSinh } from '../../src/hp/tanhsinh.js'

/** A constructor with `guard` digits above the requested ones, as callers are expected to use. */
function working(digits: number, guard = 10): DecimalConstructor {
  return Decimal.clone({ precision: digits + guard })
}

/** Checks value against exact to `digits` relative digits, and that the reported error covers it. */
function expectDigits(value: Decimal, exact: Decimal, digits: number, reported: Decimal): void {
  const relative = value.minus(exact).abs().div(exact.abs())
  expect(relative.lte(new Decimal(10).pow(-digits)), `relative error ${relative.toExponential(3)}`).toBe(true)
  expect(relative.lte(reported), `actual ${relative.toExponential(3)} above reported ${reported.toExponential(3)}`).toBe(true)
}

describe('tanhSinh on [0, 1]', () => {
  for (const [digits, guard] of [
    [60, 10],
    [200, 15],
  ]) {
    it(`∫ 4/(1+t²) = π to ${digits} digits (π from decimal.js acos(-1))`, () => {
      const D = working(digits, guard)
      const r = tanhSinh(D, (t) => [new D(4).div(t.times(t).plus(1))], new D(0), new D(1), { digits })
      expectDigits(r.values[0], D.acos(-1), digits, r.error)
      expect(r.error.lte(new D(10).pow(-digits))).toBe(true)
    })
  }

  it('∫ e^t = e - 1 to 60 digits (decimal.js exp)', () => {
    const D = working(60)
    const r = tanhSinh(D, (t) => [t.exp()], new D(0), new D(1), { digits: 60 })
    expectDigits(r.values[0], new D(1).exp().minus(1), 60, r.error)
  })

  it('integrates several components from one evaluation per node', () => {
    // [4/(1+t²), e^t, t - 1/2] → [π, e - 1, 0]; the last one cancels, so it is checked absolutely
    // (errors are relative to ∫|f_i| = 1/4).
    const D = working(60)
    let calls = 0
    const r = tanhSinh(
      D,
      (t) => {
        calls++
        return [new D(4).div(t.times(t).plus(1)), t.exp(), t.minus(0.5)]
      },
      new D(0),
      new D(1),
      { digits: 60 },
    )
    expect(r.values).toHaveLength(3)
    expect(calls).toBe(r.evaluations)
    expectDigits(r.values[0], D.acos(-1), 60, r.error)
    expectDigits(r.values[1], new D(1).exp().minus(1), 60, r.error)
    expect(r.values[2].abs().lte('1e-61')).toBe(true)
  })

  it('∫ 1/√s = 2 to 50 digits (antiderivative 2√s): an integrable singularity at the end', () => {
    const D = working(50)
    const r = tanhSinh(D, (s) => [new D(1).div(s.sqrt())], new D(0), new D(1), { digits: 50 })
    expectDigits(r.values[0], new D(2), 50, r.error)
  })

  for (const digits of [50, 100]) {
    it(`∫ 1/(1+4t²) = atan(2)/2 to ${digits} digits (decimal.js atan)`, () => {
      const D = working(digits)
      const r = tanhSinh(D, (t) => [new D(1).div(t.times(t).times(4).plus(1))], new D(0), new D(1), { digits })
      expectDigits(r.values[0], new D(2).atan().div(2), digits, r.error)
      // Regression bound on the cost (about 290 and 650 evaluations when written).
      expect(r.evaluations).toBeLessThan(digits === 50 ? 400 : 900)
    })
  }
})

describe('tanhSinh near and at the ends', () => {
  it('∫_0^{1-ε} ds/(1-s)² = 1/ε - 1 for ε = 1e-8 to 50 digits (antiderivative 1/(1-s), exact)', () => {
    // The integrand reaches 1e16 at the right end; the nodes near it must be placed as b - half·d,
    // and 20 guard digits cover the log10(1/ε) = 8 digits that rounding the node to s costs.
    const D = working(50, 20)
    const eps = new D('1e-8'),
      b = new D(1).minus(eps)
    let outside = 0
    const r = tanhSinh(
      D,
      (s) => {
        if (s.lte(0) || s.gte(b)) outside++
        return [new D(1).div(new D(1).minus(s).pow(2))]
      },
      new D(0),
      b,
      { digits: 50 },
    )
    expect(outside).toBe(0)
    expectDigits(r.values[0], new D(1).div(eps).minus(1), 50, r.error)
  })

  it('∫_1^3 ds/s = ln 3 and ∫_3^1 = -ln 3 to 60 digits (decimal.js ln)', () => {
    const D = working(60)
    const f = (s: Decimal) => [new D(1).div(s)]
    const forward = tanhSinh(D, f, new D(1), new D(3), { digits: 60 })
    const backward = tanhSinh(D, f, new D(3), new D(1), { digits: 60 })
    expectDigits(forward.values[0], new D(3).ln(), 60, forward.error)
    expectDigits(backward.values[0], new D(3).ln().neg(), 60, backward.error)
  })

  it('∫_10^10.5 cos s ds = sin 10.5 - sin 10 to 40 digits (decimal.js sin)', () => {
    const D = working(40)
    const r = tanhSinh(D, (s) => [s.cos()], new D(10), new D('10.5'), { digits: 40 })
    expectDigits(r.values[0], new D('10.5').sin().minus(new D(10).sin()), 40, r.error)
  })

  it('gives zeros for a = b, calling f only to learn the number of components', () => {
    const D = working(30)
    const r = tanhSinh(D, () => [new D(1), new D(2)], new D('0.25'), new D('0.25'), { digits: 30 })
    expect(r.values.map(Number)).toEqual([0, 0])
    expect(r.evaluations).toBe(1)
  })
})

describe('tanhSinh refusals', () => {
  it('throws when maxLevel is reached before the requested digits', () => {
    const D = working(60)
    expect(() => tanhSinh(D, (t) => [t.exp()], new D(0), new D(1), { digits: 60, maxLevel: 3 })).toThrow(/no convergence to 60 digits by level 3/)
  })

  it('says so when the terms are not negligible where the nodes reach the endpoint', () => {
    // 1/(1-s)² at b = 1 - 1e-8 with only 2 guard digits: nodes closer to b than 1e-52 round onto
    // it while their terms are still about 1e-41 of the integral.
    const D = Decimal.clone({ precision: 52 })
    const b = new D(1).minus('1e-8')
    expect(() => tanhSinh(D, (s) => [new D(1).div(new D(1).minus(s).pow(2))], new D(0), b, { digits: 50, maxLevel: 6 })).toThrow(/not negligible where the nodes reach the endpoint/)
  })

  it('refuses digits at or above the working precision', () => {
    const D = Decimal.clone({ precision: 30 })
    expect(() => tanhSinh(D, (t) => [t], new D(0), new D(1), { digits: 30 })).toThrow(/below the working precision/)
  })

  it('refuses an f whose number of components changes', () => {
    const D = working(20)
    let n = 0
    expect(() => tanhSinh(D, (t) => (n++ < 3 ? [t] : [t, t]), new D(0), new D(1), { digits: 20 })).toThrow(/components/)
  })
})
