/**
 * The arithmetic that compiled high-precision code runs on. Generated code (src/symbolic/codegen.ts,
 * functional target) calls only these methods, so one compiled source serves two number systems:
 *  - `decimalArith(D)`: pointwise values, decimal.js numbers of the constructor D (its precision);
 *  - `seriesArith(D, N)` (series.ts): truncated Taylor series in t - t0 with N coefficients, for
 *    the Taylor-series ODE integrator; scalars (Decimal) mix freely with series there.
 * Constants are exact: `num` takes the decimal text of a literal, `rat` an exact fraction.
 */
import { Decimal } from 'decimal.js'
import * as big from './elementary.js'
import { divide, sqrt } from './binary.js'

export type DecimalConstructor = Decimal.Constructor
export { Decimal }

export interface Arith<T> {
  /** The exact value of a decimal literal such as "2", "0.5" or "1e-3". */
  num(text: string): T
  /** The fraction p/q of two integers given as decimal strings. */
  rat(p: string, q: string): T
  pi(): T
  e(): T
  add(a: T, b: T): T
  sub(a: T, b: T): T
  mul(a: T, b: T): T
  div(a: T, b: T): T
  neg(a: T): T
  /** a^k for an integer k (negative allowed). */
  powInt(a: T, k: number): T
  /** a^b for a real b (a > 0 unless b is an integer). */
  pow(a: T, b: T): T
  sin(a: T): T
  cos(a: T): T
  tan(a: T): T
  asin(a: T): T
  acos(a: T): T
  atan(a: T): T
  sinh(a: T): T
  cosh(a: T): T
  tanh(a: T): T
  exp(a: T): T
  log(a: T): T
  sqrt(a: T): T
  abs(a: T): T
  sign(a: T): T
  sec(a: T): T
  csc(a: T): T
  cot(a: T): T
  sech(a: T): T
  csch(a: T): T
  coth(a: T): T
}

/** Names of the unary functions of Arith (what generated code may call). */
export const ARITH_FUNCTIONS = ['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'exp', 'log', 'sqrt', 'abs', 'sign', 'sec', 'csc', 'cot', 'sech', 'csch', 'coth'] as const

/**
 * Pointwise decimal.js arithmetic at the precision of D. Division and square root come from
 * binary.ts (correctly rounded as decimal.js's, in BigInt at a fraction of their cost), sin, cos
 * and exp from elementary.ts (in fixed point, decimal.js's cost 0.5-1 ms at 70 digits), and above the
 * precision decimal.js's stored pi and ln 10 allow, so do pi, ln and the inverse circular functions.
 */
export function decimalArith(D: DecimalConstructor): Arith<Decimal> {
  const one = new D(1)
  let pi: Decimal | undefined
  let e: Decimal | undefined
  const own = D.precision > big.LIMIT
  // A schedule's values and slopes take sin and cos of the same argument (cos(pi t/2), sin(pi t/2)
  // and their derivatives: four calls for one pair), or exp of the same arguments (exp(1 - t) and
  // the constant exp(1), in both).
  const sinCos = kept((a) => big.sinCos(a, D))
  const exp = kept((a) => big.exp(a, D))
  const sin = (a: Decimal) => sinCos(a)[0]
  const cos = (a: Decimal) => sinCos(a)[1]
  const tan = (a: Decimal) => ((sc) => sc[0].div(sc[1]))(sinCos(a))
  const asin = (a: Decimal) => (own ? big.asin(a, D) : a.asin())
  return {
    num: (text) => new D(text),
    rat: (p, q) => new D(p).div(q),
    pi: () => (pi ??= own ? big.pi(D) : D.acos(-1)),
    e: () => (e ??= one.exp()),
    add: (a, b) => a.plus(b),
    sub: (a, b) => a.minus(b),
    mul: (a, b) => a.times(b),
    div: (a, b) => divide(a, b, D),
    neg: (a) => a.neg(),
    powInt: (a, k) => a.pow(k),
    pow: (a, b) => (own && !b.isInteger() ? b.times(big.ln(a, D)).exp() : a.pow(b)),
    sin,
    cos,
    tan,
    asin,
    acos: (a) => (own ? big.pi(D).div(2).minus(asin(a)) : a.acos()),
    atan: (a) => (own ? big.atan(a, D) : a.atan()),
    sinh: (a) => a.sinh(),
    cosh: (a) => a.cosh(),
    tanh: (a) => a.tanh(),
    exp,
    log: (a) => (own ? big.ln(a, D) : a.ln()),
    sqrt: (a) => sqrt(a, D),
    abs: (a) => a.abs(),
    sign: (a) => new D(a.isZero() ? 0 : a.isNeg() ? -1 : 1),
    sec: (a) => one.div(cos(a)),
    csc: (a) => one.div(sin(a)),
    cot: (a) => one.div(tan(a)),
    sech: (a) => one.div(a.cosh()),
    csch: (a) => one.div(a.sinh()),
    coth: (a) => one.div(a.tanh()),
  }
}

/** How many recent arguments kept() remembers. */
const KEPT = 4

/** f with the values at its last KEPT arguments kept (arguments compared by value). */
function kept<T>(f: (a: Decimal) => T): (a: Decimal) => T {
  const entries: Array<[Decimal, T]> = []
  return (a) => {
    for (const [x, v] of entries) if (x.eq(a)) return v
    const v = f(a)
    entries.unshift([a, v])
    if (entries.length > KEPT) entries.pop()
    return v
  }
}
