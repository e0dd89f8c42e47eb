/**
 * pi, ln and the circular functions at any precision. decimal.js stores pi and ln 10 to about
 * 1025 digits and refuses to work beyond; its sin and cos even ask for pi to twice the precision
 * (their argument's digits are added to the working precision), so they fail from about 500
 * digits. Below LIMIT the decimal.js functions are used as they are; above, these series, which
 * need no stored constant: pi by Machin's formula, ln by square roots and atanh, sin and cos by
 * Taylor series on the argument halved and doubled back, atan by argument halving.
 */
import type { Decimal, DecimalConstructor } from './arith.js'

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

/** pi = 16 atan(1/5) - 4 atan(1/239) (Machin). */
export const pi = constant((W) =>
  oddSeries(W, new W(1).div(5), -1)
    .times(16)
    .minus(oddSeries(W, new W(1).div(239), -1).times(4)),
)
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

/** x = q pi/2 + r with q an integer and |r| <= pi/4, at the precision of W. */
function reduce(x: Decimal, W: DecimalConstructor): [Decimal, Decimal] {
  const halfPi = pi(W).div(2)
  const X = new W(x)
  const q = X.div(halfPi).round()
  return [q, X.minus(halfPi.times(q))]
}

/** [sin x, cos x]: x reduced modulo pi/2, halved s times, Taylor series, doubled back. */
export function sinCos(x: Decimal, D: DecimalConstructor): [Decimal, Decimal] {
  const extra = Math.max(0, x.e + 1)
  let W = D.clone({ precision: D.precision + GUARD + extra })
  let [q, r] = reduce(x, W)
  // Near a zero of sin or cos, x and q pi/2 share the leading -r.e digits, lost in r: add them.
  if (!r.isZero() && r.e < 0) [q, r] = reduce(x, (W = D.clone({ precision: W.precision - r.e })))
  const s = 8
  const h = r.div(new W(2).pow(s))
  const h2 = h.times(h)
  const tiny = new W(10).pow(-W.precision)
  let sn = new W(h),
    term = new W(h)
  for (let k = 1; term.abs().gt(tiny); k++) {
    term = term
      .times(h2)
      .div(2 * k * (2 * k + 1))
      .neg()
    sn = sn.plus(term)
  }
  // cos from 1 - 2 sin^2(h/2) would cancel nothing here; use the identity on the doublings:
  // sin 2a = 2 sin a cos a, cos 2a = 1 - 2 sin^2 a.
  let cs = new W(1).minus(sn.times(sn)).sqrt()
  for (let i = 0; i < s; i++) {
    const sin2 = sn.times(cs).times(2)
    cs = new W(1).minus(sn.times(sn).times(2))
    sn = sin2
  }
  const quadrant = ((q.mod(4).toNumber() % 4) + 4) % 4
  const [sq, cq] = [
    [sn, cs],
    [cs, sn.neg()],
    [sn.neg(), cs.neg()],
    [cs.neg(), sn],
  ][quadrant]
  return [new D(sq).toSignificantDigits(D.precision), new D(cq).toSignificantDigits(D.precision)]
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
