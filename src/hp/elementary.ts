/**
 * pi, ln and the circular functions at any precision. decimal.js stores pi and ln 10 to about
 * 1025 digits and refuses to work beyond; its sin and cos even ask for pi to twice the precision
 * (their argument's digits are added to the working precision), so they fail from about 500
 * digits. Below LIMIT the decimal.js functions are used as they are; above, these series, which
 * need no stored constant: pi by Machin's formula, ln by square roots and atanh, atan by argument
 * halving. sin and cos are computed here at every precision, in BigInt fixed point (sinCos).
 */
import type { Decimal, DecimalConstructor } from './arith.js'
import { BITS_PER_DIGIT, bitLength, divRound, fromBinary, toFixed } from './binary.js'

/** The largest precision at which every decimal.js function answers (sin, cos: 2 p + 14 <= 1025). */
export const LIMIT = 500

/** Extra digits carried inside each function (rounding and the doublings lose a few). */
const GUARD = 20

/** A constructor of p + GUARD digits, and the rounding back to p digits of a value it made. */
function widened(D: DecimalConstructor): [DecimalConstructor, (x: Decimal) => Decimal] {
  const W = D.clone({ precision: D.precision + GUARD })
  return [W, (x) => new D(x).toSignificantDigits(D.precision)]
}

/** sum_k (-1)^k x^(2k+1)/(2k+1) (sign -1), or the atanh series (sign +1), for |x| well below 1. */
function oddSeries(W: DecimalConstructor, x: Decimal, sign: 1 | -1): Decimal {
  const x2 = x.times(x)
  const tiny = new W(10).pow(-W.precision)
  let term = new W(x)
  let sum = new W(x)
  for (let k = 1; ; k++) {
    term = term.times(x2)
    const next = term.div(2 * k + 1)
    if (next.abs().lte(tiny.times(sum.abs()))) return sum
    sum = sign < 0 && k % 2 === 1 ? sum.minus(next) : sum.plus(next)
  }
}

/** A constant at the precision of D, computed once per precision. */
function constant(compute: (W: DecimalConstructor) => Decimal): (D: DecimalConstructor) => Decimal {
  const cache = new Map<number, Decimal>()
  return (D) => {
    let c = cache.get(D.precision)
    if (!c) {
      const [W, back] = widened(D)
      cache.set(D.precision, (c = back(compute(W))))
    }
    return new D(c)
  }
}

/** pi from its fixed-point value (piFixed, Machin's formula), with GUARD digits rounded off. */
export const pi = constant((W) => {
  const bits = Math.ceil(W.precision * BITS_PER_DIGIT)
  return fromBinary(piFixed(bits), -bits, W)
})
/** ln 2 = 2 atanh(1/3). */
const ln2 = constant((W) => oddSeries(W, new W(1).div(3), 1).times(2))

/** ln x for x > 0: x = m 2^k with m in [1/2, 1], then m^(1/2^s) near 1, ln y = 2 atanh((y-1)/(y+1)). */
export function ln(x: Decimal, D: DecimalConstructor): Decimal {
  // As decimal.js: ln 0 = -Infinity, ln of a negative number or NaN = NaN (the halvings below
  // would never end on them).
  if (!x.gt(0)) return new D(x.isZero() ? -Infinity : NaN)
  const [W, back] = widened(D)
  const two = new W(2)
  let m = new W(x)
  // log2 of x from its decimal exponent, then exact halvings/doublings.
  let k = Math.round(m.e * Math.log2(10))
  m = m.div(two.pow(k))
  while (m.gt(1)) {
    m = m.div(2)
    k++
  }
  while (m.lt(0.5)) {
    m = m.times(2)
    k--
  }
  // A square root costs as much as some 50 terms of the series: a few of each.
  const s = 6
  for (let i = 0; i < s; i++) m = m.sqrt()
  const y = oddSeries(W, m.minus(1).div(m.plus(1)), 1).times(two.pow(s + 1))
  return back(y.plus(ln2(W).times(k)))
}

/**
 * [sin x, cos x] to the precision of D, in BigInt fixed point: decimal.js's sin and cos cost about
 * 1 ms each at 70 digits, and the quadrature route evaluates a trigonometric schedule at hundreds
 * of nodes. x is reduced modulo pi/2 (r = x - q pi/2, |r| <= pi/4) and both Taylor series are
 * summed directly, each term a product and a division by a small integer, with FIXED_GUARD digits
 * beyond p + (x.e + 1) (the integer digits of x that the reduction cancels). Near a zero of sin or
 * cos r loses its leading -log10|r| digits: the reduction is redone with that many more.
 */
export function sinCos(x: Decimal, D: DecimalConstructor): [Decimal, Decimal] {
  if (!x.isFinite()) return [new D(NaN), new D(NaN)]
  if (x.isZero()) return [new D(x), new D(1)]
  let digits = D.precision + FIXED_GUARD + Math.max(0, x.e + 1)
  for (let retried = false; ; retried = true) {
    const bits = Math.ceil(digits * BITS_PER_DIGIT)
    const one = 1n << BigInt(bits)
    const X = toFixed(x, bits)
    const halfPi = piFixed(bits) >> 1n
    const q = divRound(X, halfPi)
    const r = X - q * halfPi
    const lost = bits - bitLength(r)
    if (lost > 4 && !retried) {
      digits += Math.ceil(lost / BITS_PER_DIGIT) + 1
      continue
    }
    const r2 = (r * r) >> BigInt(bits)
    let sn = r,
      cs = one
    for (let term = r, k = 1n; term !== 0n; k++) {
      term = -((term * r2) >> BigInt(bits)) / (2n * k * (2n * k + 1n))
      sn += term
    }
    for (let term = one, k = 1n; term !== 0n; k++) {
      term = -((term * r2) >> BigInt(bits)) / ((2n * k - 1n) * (2n * k))
      cs += term
    }
    const quadrant = Number(((q % 4n) + 4n) % 4n)
    const [sq, cq] = [
      [sn, cs],
      [cs, -sn],
      [-sn, -cs],
      [-cs, sn],
    ][quadrant]
    return [fromBinary(sq, -bits, D), fromBinary(cq, -bits, D)]
  }
}

/**
 * e^x to the precision of D, in BigInt fixed point (decimal.js's exp costs 0.5-1 ms at 70 digits,
 * and a custom schedule like exp(1 - t) is evaluated at every quadrature node): x = k ln 2 + r,
 * the Taylor series of e^(r/2^EXP_HALVINGS), squared back, times 2^k. Beyond |x| = EXP_LIMIT, and
 * for NaN and infinities, decimal.js's.
 */
export function exp(x: Decimal, D: DecimalConstructor): Decimal {
  if (!x.isFinite() || x.abs().gt(EXP_LIMIT)) return new D(x).exp()
  if (x.isZero()) return new D(1)
  // The squarings double the relative error EXP_HALVINGS times: as many bits more.
  const bits = Math.ceil((D.precision + FIXED_GUARD + Math.max(0, x.e + 1)) * BITS_PER_DIGIT) + EXP_HALVINGS
  const shift = BigInt(bits)
  const X = toFixed(x, bits)
  const ln2 = ln2Fixed(bits)
  const k = divRound(X, ln2)
  const y = (X - k * ln2) >> BigInt(EXP_HALVINGS)
  let sum = 1n << shift
  for (let term = sum, i = 1n; term !== 0n; i++) {
    term = ((term * y) >> shift) / i
    sum += term
  }
  for (let i = 0; i < EXP_HALVINGS; i++) sum = (sum * sum) >> shift
  return fromBinary(sum, Number(k) - bits, D)
}

/** |x| beyond which exp is left to decimal.js (2^k would make the fixed-point result long). */
const EXP_LIMIT = 10000
/** Halvings of exp's reduced argument before its series. */
const EXP_HALVINGS = 8

/** ln 2 · 2^bits = 2 atanh(1/3) · 2^bits. */
const ln2Fixed = fixedConstant((one) => {
  let sum = 0n
  for (let power = one / 3n, k = 0n; power !== 0n; k++, power /= 9n) sum += power / (2n * k + 1n)
  return 2n * sum
})

/** Digits carried beyond the precision by the fixed-point functions. */
const FIXED_GUARD = 12

/** pi 2^bits by Machin's formula, 16 atan(1/5) - 4 atan(1/239). */
const piFixed = fixedConstant((one) => {
  const atanInverse = (n: bigint): bigint => {
    let sum = 0n
    let power = one / n
    for (let k = 0n; power !== 0n; k++) {
      sum += (k % 2n === 0n ? 1n : -1n) * (power / (2n * k + 1n))
      power /= n * n
    }
    return sum
  }
  return 16n * atanInverse(5n) - 4n * atanInverse(239n)
})

/** A constant c·2^bits computed by `compute` from one = 2^(bits + 16) (16 guard bits), cached per bit count. */
function fixedConstant(compute: (one: bigint) => bigint): (bits: number) => bigint {
  const cache = new Map<number, bigint>()
  return (bits) => {
    let c = cache.get(bits)
    if (c === undefined) cache.set(bits, (c = compute(1n << BigInt(bits + 16)) >> 16n))
    return c
  }
}

/** atan x: |x| > 1 by pi/2 - atan(1/x), then atan x = 2 atan(x / (1 + sqrt(1 + x^2))) s times. */
export function atan(x: Decimal, D: DecimalConstructor): Decimal {
  const [W, back] = widened(D)
  let y = new W(x)
  const flip = y.abs().gt(1)
  if (flip) y = new W(1).div(y)
  const s = 8
  for (let i = 0; i < s; i++) y = y.div(new W(1).plus(new W(1).plus(y.times(y)).sqrt()))
  const a = oddSeries(W, y, -1).times(new W(2).pow(s))
  if (!flip) return back(a)
  const half = pi(W).div(2)
  return back(x.isNeg() ? half.neg().minus(a) : half.minus(a))
}

/** asin x = atan(x / sqrt(1 - x^2)) for |x| < 1 (+-pi/2 at +-1). */
export function asin(x: Decimal, D: DecimalConstructor): Decimal {
  if (x.abs().eq(1)) return pi(D).div(2).times(x.s)
  const [W, back] = widened(D)
  const X = new W(x)
  return back(atan(X.div(new W(1).minus(X.times(X)).sqrt()), W))
}
