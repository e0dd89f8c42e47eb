// src/hp/elementary.ts above decimal.js's 500-digit LIMIT, every function against a reference that
// shares none of its algorithms, computed here in BigInt fixed point with FIX extra digits:
//  - pi by Störmer's formula pi/4 = 44 atan(1/57) + 7 atan(1/239) - 12 atan(1/682) + 24 atan(1/12943)
//    (the code uses Machin's), checked against the first 50 published digits of pi;
//  - logarithms from L(n) = -ln(1 - 1/n) = sum_k 1/(k n^k): ln 2 = L(2), ln 3 = ln 2 + L(3),
//    ln 5 = 2 ln 2 + L(5), so ln(2^a 3^b 5^c) needs no atanh and no argument reduction;
//  - sin and cos by their Taylor series on x reduced modulo 2 pi only (the code reduces modulo pi/2),
//    at precisions below LIMIT too;
//  - atan by Euler's series atan x = x/(1+x^2) sum_n (2n)!!/(2n+1)!! (x^2/(1+x^2))^n (no halving);
//  - asin by its own Taylor series sum_n (2n)!/(4^n n!^2 (2n+1)) x^(2n+1), and +-pi/2 at +-1.
// Tolerance: each function rounds a result carried with 20 guard digits to p significant digits, so
// it is off by at most half a unit in the p-th digit plus ~1e-15 of one; the references are good
// to ~1e-30 of one. The bound is one unit in the p-th digit; the largest error measured over every
// case below is 0.5 of a unit.
import { describe, expect, it } from 'vitest'
import { Decimal } from '../../src/hp/arith.js'
import { asin, atan, exp, LIMIT, ln, pi, sinCos } from '../../src/hp/elementary.js'

/** Extra digits the BigInt references carry beyond the precision under test. */
const FIX = 40
const PRECISIONS = [LIMIT + 20]

/** Fixed-point arithmetic with `digits` digits after the point; values are BigInt multiples of 10^-digits. */
function fixed(digits: number) {
  const one = 10n ** BigInt(digits)
  const R = Decimal.clone({ precision: 2 * digits + 100 })
  const toDecimal = (v: bigint) => new R(v.toString()).div(new R(10).pow(digits))
  const fromText = (text: string) => BigInt(new R(text).times(new R(10).pow(digits)).toFixed(0))
  return { one, toDecimal, fromText }
}

/** sum_k (-1)^k / ((2k+1) n^(2k+1)), scaled by one: atan(1/n) for an integer n > 1. */
function atanInverse(n: bigint, one: bigint): bigint {
  let sum = 0n
  let power = one / n
  for (let k = 0n; power !== 0n; k++) {
    sum += (k % 2n === 0n ? 1n : -1n) * (power / (2n * k + 1n))
    power /= n * n
  }
  return sum
}

function piRef(one: bigint): bigint {
  return 4n * (44n * atanInverse(57n, one) + 7n * atanInverse(239n, one) - 12n * atanInverse(682n, one) + 24n * atanInverse(12943n, one))
}

/** -ln(1 - 1/n) = sum_k 1/(k n^k), scaled by one. */
function lnRatio(n: bigint, one: bigint): bigint {
  let sum = 0n
  let power = one / n
  for (let k = 1n; power !== 0n; k++) {
    sum += power / k
    power /= n
  }
  return sum
}

/** [sin x, cos x] scaled by one, by Taylor series after reduction modulo 2 pi. */
function sinCosRef(x: bigint, one: bigint): [bigint, bigint] {
  const twoPi = 2n * piRef(one)
  const q = x >= 0n ? (x + twoPi / 2n) / twoPi : -((-x + twoPi / 2n) / twoPi)
  const r = x - q * twoPi
  let sn = 0n,
    cs = 0n
  let term = one
  for (let n = 0n; term !== 0n; n++) {
    if (n % 2n === 0n) cs += (n % 4n === 0n ? 1n : -1n) * term
    else sn += (n % 4n === 1n ? 1n : -1n) * term
    term = (term * r) / one / (n + 1n)
  }
  return [sn, cs]
}

/** atan x scaled by one, by Euler's series (ratio x^2/(1+x^2): any x, slow for large |x|). */
function atanRef(x: bigint, one: bigint): bigint {
  const x2 = (x * x) / one
  const y = (x2 * one) / (one + x2)
  let term = (x * one) / (one + x2)
  let sum = 0n
  for (let n = 1n; term !== 0n; n++) {
    sum += term
    term = (term * 2n * n * y) / ((2n * n + 1n) * one)
  }
  return sum
}

/** asin x scaled by one, |x| < 1, by its Taylor series. */
function asinRef(x: bigint, one: bigint): bigint {
  const x2 = (x * x) / one
  let c = x
  let sum = 0n
  for (let n = 1n; c !== 0n; n++) {
    sum += c / (2n * n - 1n)
    c = (c * (2n * n - 1n) * x2) / (2n * n * one)
  }
  return sum
}

/** |got - ref| in units of the p-th significant digit of ref. */
function ulps(got: Decimal, ref: Decimal, p: number): number {
  const unit = new Decimal(10).pow(ref.e - p + 1)
  return new Decimal(got).minus(ref).abs().div(unit).toNumber()
}

describe.each(PRECISIONS)('elementary functions at %i digits', (p) => {
  const D = Decimal.clone({ precision: p })
  const F = fixed(p + FIX)

  it("pi (computed twice: the second comes from the cache) equals Störmer's formula", () => {
    const ref = F.toDecimal(piRef(F.one))
    expect(ref.toFixed(50)).toBe('3.14159265358979323846264338327950288419716939937511')
    expect(ulps(pi(D), ref, p)).toBeLessThanOrEqual(1)
    expect(ulps(pi(D), ref, p)).toBeLessThanOrEqual(1)
  })

  it('ln of 2^a 3^b 5^c equals a ln 2 + b ln 3 + c ln 5 from the series of -ln(1 - 1/n)', () => {
    const l2 = lnRatio(2n, F.one),
      l3 = l2 + lnRatio(3n, F.one),
      l5 = 2n * l2 + lnRatio(5n, F.one)
    // Values whose scaling to [1/2, 1] needs halvings (9, 7.5, 1e30), none (0.8), and a tiny one.
    const cases: [string, bigint, bigint, bigint][] = [
      // ln 1 and ln 2 hung: their series argument is 0, and the stopping test 0 < 0 never held.
      ['1', 0n, 0n, 0n],
      ['2', 1n, 0n, 0n],
      ['9', 0n, 2n, 0n],
      ['7.5', -1n, 1n, 1n],
      ['0.8', 2n, 0n, -1n],
      ['0.15', -2n, 1n, -1n],
      ['1e30', 30n, 0n, 30n],
      ['1e-300', -300n, 0n, -300n],
    ]
    for (const [text, a, b, c] of cases) {
      const ref = F.toDecimal(a * l2 + b * l3 + c * l5)
      expect(ulps(ln(new D(text), D), ref, p), text).toBeLessThanOrEqual(1)
    }
  })

  it("atan inside and outside [-1, 1], of both signs, equals Euler's series", () => {
    // atan 0 hung like ln 1 (its series argument is 0).
    for (const text of ['0.3', '-0.7', '2.5', '-3', '1e-30']) {
      const ref = F.toDecimal(atanRef(F.fromText(text), F.one))
      expect(ulps(atan(new D(text), D), ref, p), text).toBeLessThanOrEqual(1)
    }
    expect(atan(new D(0), D).isZero()).toBe(true)
  })

  it('asin equals its Taylor series, and +-pi/2 at +-1', () => {
    for (const text of ['0.5', '-0.9', '1e-20']) {
      const ref = F.toDecimal(asinRef(F.fromText(text), F.one))
      expect(ulps(asin(new D(text), D), ref, p), text).toBeLessThanOrEqual(1)
    }
    expect(asin(new D(0), D).isZero()).toBe(true)
    const half = F.toDecimal(piRef(F.one) / 2n)
    expect(ulps(asin(new D(1), D), half, p)).toBeLessThanOrEqual(1)
    expect(ulps(asin(new D(-1), D), half.neg(), p)).toBeLessThanOrEqual(1)
  })
})

// sinCos and exp serve every precision (decimal.js's sin, cos and exp are not used): from below
// the quadrature route's working precisions to above LIMIT.
describe.each([40, 73, 123, LIMIT + 20])('sinCos and exp at %i digits', (p) => {
  const D = Decimal.clone({ precision: p })

  it('exp of either sign, tiny and large, equals its Taylor series summed without reduction', () => {
    // The reference sums x^n/n! directly at p + 2 log10 e^|x| + FIX digits (its terms grow to
    // about e^|x| before they fall), for a negative x as 1/e^|x|.
    for (const text of ['0.3', '1', '-1', '2.5', '-7.25', '1e-30', '-1e-30', '40', '-40']) {
      const G = fixed(p + FIX + 40)
      const x = G.fromText(text)
      const ax = x < 0n ? -x : x
      let sum = 0n
      for (let term = G.one, n = 1n; term !== 0n; n++) {
        sum += term
        term = (term * ax) / G.one / n
      }
      const ref = x < 0n ? (G.one * G.one) / sum : sum
      expect(ulps(exp(new D(text), D), G.toDecimal(ref), p), `exp ${text}`).toBeLessThanOrEqual(1)
    }
    expect(exp(new D(0), D).eq(1)).toBe(true)
    expect(exp(new D('-Infinity'), D).isZero()).toBe(true)
  })

  it('sinCos in every quadrant, for negative, tiny and huge arguments, equals the Taylor series', () => {
    // q = round(x / (pi/2)) = 0, 1, 2, 3, -1, -2, -3, then 1e-40 scale and 1e30 scale.
    const args = ['0.3', '2', '3.5', '5', '-2', '-3.5', '-5', '1.234e-40', '1e30', '123456.789']
    for (const text of args) {
      const G = fixed(p + FIX + 31)
      const [sRef, cRef] = sinCosRef(G.fromText(text), G.one).map(G.toDecimal)
      const [s, c] = sinCos(new D(text), D)
      expect(ulps(s, sRef, p), `sin ${text}`).toBeLessThanOrEqual(1)
      expect(ulps(c, cRef, p), `cos ${text}`).toBeLessThanOrEqual(1)
    }
  })

  it('cos just past pi/2: the reduction x - pi/2 cancels, and is redone with the digits it lost', () => {
    // sinCos works at p + 12 + (x.e + 1) digits, so after r = x - q pi/2 loses -log10|r| leading
    // digits r still carries about p digits; closer to pi/2 the reduction is redone with the digits
    // it lost (before that, in an earlier version, r = 1e-21 was 3.7 units off at 520 digits).
    const G = fixed(p + FIX + 71)
    for (const delta of ['1e-19', '3e-19', '1e-20', '2e-20', '3e-20', '5e-20', '3e-21', '1e-21', '1e-22', '-7e-35', '1e-60']) {
      const x = G.toDecimal(piRef(G.one) / 2n + G.fromText(delta))
        .toSignificantDigits(p)
        .toString()
      const cRef = G.toDecimal(sinCosRef(G.fromText(x), G.one)[1])
      expect(ulps(sinCos(new D(x), D)[1], cRef, p), `cos(pi/2 + ${delta})`).toBeLessThanOrEqual(1)
    }
  })
})

describe('ln outside (0, inf), beyond the digits decimal.js computes itself', () => {
  // decimal.js's own convention (its documentation: ln(0) = -Infinity, ln of a negative number
  // NaN): before the guard, ln(-2) and ln(0) above 500 digits halved forever.
  it('ln 0 = -Infinity, ln -2 = NaN, ln NaN = NaN at 520 digits', () => {
    const D = Decimal.clone({ precision: 520 })
    expect(ln(new D(0), D).toString()).toBe('-Infinity')
    expect(ln(new D(-2), D).isNaN()).toBe(true)
    expect(ln(new D(NaN), D).isNaN()).toBe(true)
  })
})
