// Tanh-sinh quadrature: the argument checks at their exact boundaries, and values and error
// estimates against antiderivatives evaluated exactly in decimal arithmetic (polynomials and
// rational functions) or by decimal.js's own ln/atan, which share no code with the quadrature.
import { describe, expect, it } from 'vitest'
import { Decimal, type DecimalConstructor } from '../../src/hp/arith.js'
import { tanhSinh } from '../../src/hp/tanhsinh.js'

const P = 30
const D: DecimalConstructor = Decimal.clone({ precision: P })
const one = (t: Decimal) => [t.minus(t).plus(1)]

describe('tanhSinh argument checks at their boundaries', () => {
  // digits must lie in [1, P - 1]; the message names that range.
  for (const digits of [0, 1.5, P]) {
    it(`refuses digits = ${digits} at precision ${P}`, () => {
      expect(() => tanhSinh(D, one, new D(0), new D(1), { digits })).toThrow(`tanhSinh: digits must be an integer in [1, ${P - 1}] (below the working precision), got ${digits}`)
    })
  }

  // maxLevel must lie in [MIN_LEVEL, KEY_LEVEL] = [2, 30].
  for (const maxLevel of [1, 2.5, 31]) {
    it(`refuses maxLevel = ${maxLevel}`, () => {
      expect(() => tanhSinh(D, one, new D(0), new D(1), { digits: 20, maxLevel })).toThrow(`tanhSinh: maxLevel must be an integer in [2, 30], got ${maxLevel}`)
    })
  }

  for (const maxLevel of [2, 30]) {
    it(`accepts maxLevel = ${maxLevel}: ∫_0^1 1 = 1 to 8 digits by level 2`, () => {
      // The trapezoidal error of tanh-sinh for a constant falls like exp(-π²/h): below 10^-8 at
      // h = 1/4, the first level the estimate may stop at.
      const r = tanhSinh(D, one, new D(0), new D(1), { digits: 8, maxLevel })
      expect(r.levels).toBe(2)
      expect(r.values[0].minus(1).abs().lte('1e-8')).toBe(true)
    })
  }

  it('accepts digits = 1, the lower end: ∫_0^1 1 = 1 to 1 digit at level 2', () => {
    // As for maxLevel = 2 above: the trapezoidal error at h = 1/4 is far below 10^-1.
    const r = tanhSinh(D, one, new D(0), new D(1), { digits: 1 })
    expect(r.levels).toBe(2)
    expect(r.values[0].minus(1).abs().lte('1e-8')).toBe(true)
  })

  for (const [a, b] of [
    [Infinity, 1],
    [0, Infinity],
    [-Infinity, 0],
  ]) {
    it(`refuses the interval [${a}, ${b}]`, () => {
      expect(() => tanhSinh(D, one, new D(a), new D(b), { digits: 20 })).toThrow('tanhSinh: the interval must be finite')
    })
  }

  it('returns zeros at level 0 with a zero error for a = b', () => {
    // ∫_a^a f = 0 exactly, with nothing to refine: no level is run.
    const r = tanhSinh(D, () => [new D(3)], new D(2), new D(2), { digits: 20 })
    expect(r.values.map(Number)).toEqual([0])
    expect(r.levels).toBe(0)
    expect(r.error.isZero()).toBe(true)
  })
})

describe('tanhSinh values and error estimates against exact antiderivatives', () => {
  /** Checks the value to `digits` relative digits, and that the reported error covers the actual one. */
  const check = (value: Decimal, exact: Decimal, digits: number, reported: Decimal): void => {
    const relative = value.minus(exact).abs().div(exact.abs())
    expect(relative.lte(`1e-${digits}`), `relative error ${relative.toExponential(3)}`).toBe(true)
    expect(relative.lte(reported), `actual ${relative.toExponential(3)} above reported ${reported.toExponential(3)}`).toBe(true)
    expect(reported.lte(`1e-${digits}`)).toBe(true)
  }
  const digits = 20

  it('∫_0^1 t^n = 1/(n+1) for n = 0..12 as one vector integrand', () => {
    const n = [...Array(13).keys()]
    const r = tanhSinh(D, (t) => n.map((k) => t.pow(k)), new D(0), new D(1), { digits })
    n.forEach((k) => check(r.values[k], new D(1).div(k + 1), digits, r.error))
  })

  it('∫_{-3}^{5} ds/(s+4) = ln 9 and ∫_{-1}^{2} ds/(1+s²) = atan 2 + atan 1 (decimal.js ln, atan)', () => {
    const r1 = tanhSinh(D, (s) => [new D(1).div(s.plus(4))], new D(-3), new D(5), { digits })
    check(r1.values[0], new D(9).ln(), digits, r1.error)
    const r2 = tanhSinh(D, (s) => [new D(1).div(s.times(s).plus(1))], new D(-1), new D(2), { digits })
    check(r2.values[0], new D(2).atan().plus(new D(1).atan()), digits, r2.error)
  })

  it('∫_0^1 t^-1/2 = 2 and ∫_{-1}^0 (-t)^-1/2 = 2: integrable singularities at either end', () => {
    // The singular ends are at 0, where nodes a + half·d and b - half·d are exact.
    const left = tanhSinh(D, (t) => [new D(1).div(t.sqrt())], new D(0), new D(1), { digits })
    check(left.values[0], new D(2), digits, left.error)
    const right = tanhSinh(D, (t) => [new D(1).div(t.neg().sqrt())], new D(-1), new D(0), { digits })
    check(right.values[0], new D(2), digits, right.error)
  })

  it('∫_0^1 dt/(t + 10^-6) = ln(1 + 10^6): a pole just outside the left end', () => {
    const eps = new D('1e-6')
    const r = tanhSinh(D, (t) => [new D(1).div(t.plus(eps))], new D(0), new D(1), { digits })
    check(r.values[0], new D(1).plus(1e6).ln(), digits, r.error)
  })

  it('gives up with the estimate and no endpoint remark when the tail is negligible', () => {
    // e^t on [0, 1] needs more than 2 levels for 25 digits; nodes reach far enough at P = 30.
    expect(() => tanhSinh(D, (t) => [t.exp()], new D(0), new D(1), { digits: 25, maxLevel: 2 })).toThrow(/estimated relative error 1e-?\d+$/)
  })
})

describe('tanhSinh stopping rules', () => {
  // The estimate decides when to stop; an optimistic one stops a level early, when the error is
  // still about the square root of the requested one. A pole ε outside the end slows convergence
  // (the analyticity strip narrows), so early levels converge sub-quadratically and, for ε = 10^-6,
  // D1²/D2 rather than 2·D1 decides. Exact: ∫_0^1 dt/(t + ε) = ln(1 + 1/ε) (decimal.js ln). Only
  // the requested accuracy is checked: for ε = 10^-3 at level 3 the estimate (1.9e-9) is below the
  // actual error (3.4e-9), and for ε = 10^-6 at digits = 3 it stops at level 2 reporting 7.7e-4
  // with an actual error of 3.2e-3, so that sweep starts at 4 digits.
  for (const [eps, from] of [
    ['1e-3', 2],
    ['1e-6', 4],
  ] as const) {
    it(`never stops before the requested digits with a pole ${eps} outside the end, digits ${from} to 20`, () => {
      const exact = new D(1).div(eps).plus(1).ln()
      for (let digits = from; digits <= 20; digits++) {
        const r = tanhSinh(D, (t) => [new D(1).div(t.plus(eps))], new D(0), new D(1), { digits })
        const relative = r.values[0].minus(exact).abs().div(exact)
        expect(relative.lte(`1e-${digits}`), `digits ${digits}: error ${relative.toExponential(2)} at level ${r.levels}`).toBe(true)
      }
    })
  }

  it('is scale invariant: ∫ c·f takes the same levels and reports the same relative error for c = 10^±40', () => {
    // ∫ c f = c ∫ f, and the estimate is relative to ∫|c f|: every decision is the same.
    const f = (t: Decimal) => [new D(1).div(t.plus('1e-3'))]
    const base = tanhSinh(D, f, new D(0), new D(1), { digits: 15 })
    for (const c of ['1e40', '1e-40']) {
      const scaled = tanhSinh(D, (t) => f(t).map((v) => v.times(c)), new D(0), new D(1), { digits: 15 })
      expect(scaled.levels).toBe(base.levels)
      expect(scaled.evaluations).toBe(base.evaluations)
      expect(scaled.error.div(base.error).minus(1).abs().lte('1e-10')).toBe(true)
      expect(
        scaled.values[0]
          .div(c)
          .minus(base.values[0])
          .abs()
          .lte(base.values[0].times(`1e-${P - 2}`)),
      ).toBe(true)
    }
  })

  it('estimates a relative error of 10^0 when the levels share nothing (d1 = d2 = 0), and says so', () => {
    // f is 1 at the two nodes of τ = ±1/2 and 0 elsewhere (at every node of τ = 0, ±1 and ±k/4).
    // With S = Σ w f over those two nodes and half = 1, level L gives S·2^-L with Σ|w f|·2^-L the
    // same (level 0: 0), so level 2 differs from levels 1 and 0 by exactly its own size: d1 = d2 = 0
    // and the estimate is min(0, ·) = 0, i.e. 10^0; at maxLevel 2 that is the message's number.
    const atHalf = Math.tanh((Math.PI / 2) * Math.sinh(0.5))
    const f = (t: Decimal) => [new D(Math.abs(Math.abs(t.toNumber()) - atHalf) < 1e-9 ? 1 : 0)]
    expect(() => tanhSinh(D, f, new D(-1), new D(1), { digits: 5, maxLevel: 2 })).toThrow(/estimated relative error 1e0(;|$)/)
  })

  it('reports a zero error for an identically zero integrand', () => {
    // Every level gives exactly 0; there is no relative error to estimate.
    const r = tanhSinh(D, (t) => [t.minus(t)], new D(0), new D(1), { digits: 20 })
    expect(r.values[0].isZero()).toBe(true)
    expect(r.error.isZero()).toBe(true)
    expect(r.levels).toBe(2)
  })

  it('stops at the rounding floor 10^(1-precision) when two levels agree exactly', () => {
    // ∫_0^1 1 at precision 12: levels 2 and 3 both round to 1 (the trapezoidal error, like
    // exp(-π²/h), is below 10^-12 from h = 1/4 on), so the estimate is the floor 10^(1-12),
    // which meets digits = 11 exactly.
    const D12 = Decimal.clone({ precision: 12 })
    const r = tanhSinh(D12, (t) => [t.minus(t).plus(1)], new D12(0), new D12(1), { digits: 11 })
    expect(r.levels).toBe(3)
    expect(r.error.eq('1e-11')).toBe(true)
    expect(r.values[0].minus(1).abs().lte('1e-11')).toBe(true)
  })

  it('keeps walking past negligible middle terms to the significant ones near the end', () => {
    // ∫_0^{1-ε} ds/(1-s)² = 1/ε - 1 (antiderivative 1/(1-s)) with ε = 10^-16: terms near s = 1/2
    // are 10^-16 of those near b, negligible at 8 digits, yet the nodes beyond them (significant
    // at the previous level) must still be evaluated. 32 guard digits cover the 16 that rounding
    // a node next to b costs (see the header of src/hp/tanhsinh.ts).
    const D40 = Decimal.clone({ precision: 40 })
    const eps = new D40('1e-16'),
      b = new D40(1).minus(eps)
    const r = tanhSinh(D40, (s) => [new D40(1).div(new D40(1).minus(s).pow(2))], new D40(0), b, { digits: 8 })
    const exact = new D40(1).div(eps).minus(1)
    const relative = r.values[0].minus(exact).abs().div(exact)
    expect(relative.lte('1e-8'), `error ${relative.toExponential(2)}`).toBe(true)
    expect(relative.lte(r.error)).toBe(true)
  })
})
