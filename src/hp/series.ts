/**
 * Truncated Taylor series over decimal.js: the number system `seriesArith(D, N)` on which compiled
 * high-precision code runs to produce the N-term series in h = t - t0 of every expression, for the
 * Taylor integrator (taylor.ts). Scalars (Decimal) mix with series; an operation on scalars only
 * gives a scalar (decimalArith semantics), any operation involving a series gives a series.
 *
 * Every nonlinear function uses the classical automatic-differentiation recurrence (Moore; Knuth
 * TAOCP 4.7; Jorba & Zou 2005): write y = f(a), differentiate a first-order relation between y, a
 * and their derivatives, and equate coefficients of h^(k-1). Sums run over j <= top(a), so when the
 * argument is a polynomial of degree d (t0 + h times a constant: d = 1) a function costs O(N·d)
 * instead of O(N²). `deg` tracks polynomial degrees through +, -, ×, integer powers.
 * Values are decimal.js numbers at the precision of D; the products of full series (mulS, sqrS) run
 * in BigInt binary floating point (binary.ts) and round each coefficient once.
 */
import { Decimal, decimalArith, type Arith, type DecimalConstructor } from './arith.js'
import { binaries, convolution, fromBinary, normalised, plus, sumBits, ZERO_EXPONENT, type Binaries, type Exact } from './binary.js'

/**
 * Coefficients c[0..N-1] of a series in h = t - t0. `deg` is an upper bound on the exact polynomial
 * degree (c[k] = 0 for k > deg); Infinity when the series is not known to be a polynomial.
 */
export interface Series {
  readonly c: Decimal[]
  readonly deg: number
}

export interface SeriesArith extends Arith<Decimal | Series> {
  /** Number of coefficients of every series of this arithmetic. */
  readonly N: number
  /** The series of t = t0 + h (degree 1). */
  variable(t0: Decimal): Series
  /** The constant series x (degree 0). */
  constant(x: Decimal): Series
  isSeries(x: Decimal | Series): x is Series
  /** x as a series: a scalar becomes a constant series. */
  lift(x: Decimal | Series): Series
  /** The truncated sum Σ c_k h^k (a scalar is returned as is). */
  evaluate(x: Decimal | Series, h: Decimal): Decimal
}

type Value = Decimal | Series

/** Truncated power series with N coefficients over the decimal.js constructor D. */
export function seriesArith(D: DecimalConstructor, N: number): SeriesArith {
  if (!Number.isInteger(N) || N < 1) throw new RangeError(`seriesArith: N must be a positive integer, got ${N}`)
  const dec = decimalArith(D)
  const zero = new D(0)
  const one = new D(1)
  const half = new D(0.5)

  const isSeries = (x: Value): x is Series => (x as Series).deg !== undefined
  const make = (c: Decimal[], deg: number): Series => ({ c, deg })
  const zeros = (): Decimal[] => new Array<Decimal>(N).fill(zero)
  const constant = (x: Decimal): Series => {
    const c = zeros()
    c[0] = new D(x)
    return make(c, 0)
  }
  const lift = (x: Value): Series => (isSeries(x) ? x : constant(x))
  /** Index of the last coefficient that may be nonzero. */
  const top = (a: Series): number => Math.min(a.deg, N - 1)
  const isZero = (a: Series): boolean => a.c.every((x) => x.isZero())
  const fail = (what: string, why: string): never => {
    throw new RangeError(`series ${what}: ${why}`)
  }

  // ---- linear operations -------------------------------------------------------------------

  const scale = (a: Series, s: Decimal): Series =>
    make(
      a.c.map((x) => x.times(s)),
      s.isZero() ? 0 : a.deg,
    )
  const addS = (a: Series, b: Series, sign: 1 | -1): Series => {
    const t = Math.max(top(a), top(b))
    const c = zeros()
    for (let k = 0; k <= t; k++) c[k] = sign > 0 ? a.c[k].plus(b.c[k]) : a.c[k].minus(b.c[k])
    return make(c, Math.max(a.deg, b.deg))
  }
  const negS = (a: Series): Series =>
    make(
      a.c.map((x) => x.neg()),
      a.deg,
    )
  /** a' (its last coefficient, which needs c[N], is set to 0 and never used by callers). */
  const deriv = (a: Series): Series => {
    const c = zeros()
    for (let k = 0; k < top(a); k++) c[k] = a.c[k + 1].times(k + 1)
    return make(c, Math.max(a.deg - 1, 0))
  }
  /** j a_j for j <= top(a): the coefficients of h·a', shared by the recurrences below. */
  const hDeriv = (a: Series): Decimal[] => a.c.slice(0, top(a) + 1).map((x, j) => x.times(j))
  /** y with y' = q and y(t0) = y0. */
  const integrate = (q: Series, y0: Decimal): Series => {
    const c = zeros()
    c[0] = y0
    for (let k = 1; k <= Math.min(q.deg + 1, N - 1); k++) c[k] = q.c[k - 1].div(k)
    return make(c, q.deg + 1)
  }

  // ---- products and quotients --------------------------------------------------------------

  /**
   * Products of full series run in binary (binary.ts): each coefficient converted once (kept with
   * the series for its next product), every sum of products exact but for terms far below the
   * largest, rounded once to D's precision. In decimal.js the O(N²) products of the Taylor route
   * were most of its cost.
   */
  const bits = sumBits(D)
  const binaryForms = new WeakMap<Series, Binaries>()
  const binaryOf = (a: Series): Binaries => {
    let b = binaryForms.get(a)
    if (!b) binaryForms.set(a, (b = binaries(a.c, top(a) + 1, bits)))
    return b
  }
  /** The series of the exact sums, each rounded to D's precision; its binary form kept. */
  const fromExact = (sums: Exact[], deg: number): Series => {
    const c = zeros()
    const m: bigint[] = [],
      e: number[] = []
    sums.forEach(([x, s], k) => {
      ;[m[k], e[k]] = normalised(x, s, bits)
      if (x !== 0n) c[k] = fromBinary(x, s, D)
    })
    const a = make(c, deg)
    binaryForms.set(a, { m, s: e })
    return a
  }
  /** Cauchy product (a b)_k = Σ_j a_j b_(k-j), summed only where both factors may be nonzero. */
  const mulS = (a: Series, b: Series): Series => {
    if (a.deg === 0) return scale(b, a.c[0])
    if (b.deg === 0) return scale(a, b.c[0])
    const A = binaryOf(a),
      B = binaryOf(b)
    const ta = top(a),
      tb = top(b)
    const sums: Exact[] = []
    for (let k = 0; k < N; k++) sums.push(convolution(A, B, k, Math.max(0, k - tb), Math.min(k, ta), false, bits))
    return fromExact(sums, a.deg + b.deg)
  }
  /** a² by symmetry: (a²)_k = 2 Σ_(j<k-j) a_j a_(k-j) + a_(k/2)² — half the products. */
  const sqrS = (a: Series): Series => {
    if (a.deg === 0) return constant(a.c[0].times(a.c[0]))
    const A = binaryOf(a)
    const ta = top(a)
    const sums: Exact[] = []
    for (let k = 0; k < N; k++) {
      const [x, s] = convolution(A, A, k, Math.max(0, k - ta), Math.floor((k - 1) / 2), false, bits)
      const middle: Exact = k % 2 === 0 && k / 2 <= ta ? convolution(A, A, k, k / 2, k / 2, false, bits) : [0n, ZERO_EXPONENT]
      sums.push(plus([2n * x, s], middle))
    }
    return fromExact(sums, 2 * a.deg)
  }
  /** q = a/b: b_0 q_k = a_k - Σ_(j=1..min(k,top b)) b_j q_(k-j); O(N·deg b) for a polynomial b. */
  const divS = (a: Series, b: Series): Series => {
    if (b.deg === 0) {
      if (b.c[0].isZero()) fail('div', 'division by zero')
      return make(
        a.c.map((x) => x.div(b.c[0])),
        a.deg,
      )
    }
    const b0 = b.c[0]
    if (b0.isZero()) fail('div', 'the divisor vanishes at t0 (the quotient is not a Taylor series there)')
    const tb = top(b)
    const q = zeros()
    for (let k = 0; k < N; k++) {
      let s = a.c[k]
      for (let j = 1; j <= Math.min(k, tb); j++) s = s.minus(b.c[j].times(q[k - j]))
      q[k] = s.div(b0)
    }
    return make(q, Infinity)
  }

  // ---- powers --------------------------------------------------------------------------------

  /**
   * y = a^p for a_0 != 0 and any real p, from a y' = p a' y:
   * k a_0 y_k = Σ_(j=1..min(k,top a)) (p j - (k - j)) a_j y_(k-j).
   */
  const powRec = (a: Series, p: Decimal, y0: Decimal): Series => {
    const ta = top(a)
    const a0 = a.c[0]
    const y = zeros()
    y[0] = y0
    for (let k = 1; k < N; k++) {
      let sj = zero,
        skj = zero
      for (let j = 1; j <= Math.min(k, ta); j++) {
        const P = a.c[j].times(y[k - j])
        sj = sj.plus(P.times(j))
        skj = skj.plus(P.times(k - j))
      }
      y[k] = p.times(sj).minus(skj).div(a0.times(k))
    }
    return make(y, Infinity)
  }
  /** Index of the first nonzero coefficient (N for a zero series). */
  const valuation = (a: Series): number => {
    let m = 0
    while (m < N && a.c[m].isZero()) m++
    return m
  }
  /** a^k for an integer k; a zero of order m at t0 is factored out as h^m (exact, k > 0 only). */
  const powIntS = (a: Series, k: number): Series => {
    if (a.deg === 0) return constant(a.c[0].pow(k))
    if (k === 0) return constant(one)
    if (k === 1) return a
    if (k === 2) return sqrS(a)
    const deg = k > 0 ? a.deg * k : Infinity
    const m = valuation(a)
    if (m === 0) {
      const y = powRec(a, new D(k), a.c[0].pow(k))
      return make(y.c, deg)
    }
    if (k < 0) fail('powInt', `negative power of a series that vanishes at t0`)
    const c = zeros()
    if (m * k < N) {
      const b = make([...a.c.slice(m), ...new Array<Decimal>(m).fill(zero)], a.deg - m)
      const y = powRec(b, new D(k), b.c[0].pow(k))
      for (let i = m * k; i < N; i++) c[i] = y.c[i - m * k]
    }
    return make(c, deg)
  }
  /** a^p for a scalar exponent p. */
  const powScalarS = (a: Series, p: Decimal): Series => {
    // Every integer exponent a double holds goes through powIntS, whatever the sign of the base:
    // a bound here refused (-1.6 + h)^1e10 as "a non-integer power".
    if (p.isInteger() && Number.isFinite(p.toNumber())) return powIntS(a, p.toNumber())
    if (a.deg === 0) return constant(a.c[0].pow(p))
    const a0 = a.c[0]
    if (a0.isZero() && isZero(a) && p.gt(0)) return constant(zero)
    if (!a0.gt(0)) fail('pow', 'a non-integer power needs a positive base at t0')
    return powRec(a, p, a0.pow(p))
  }
  /** y = √a: 2 y_0 y_k = a_k - Σ_(j=1..k-1) y_j y_(k-j) (symmetric sum); via powRec when a is a low-degree polynomial. */
  const sqrtS = (a: Series): Series => {
    const a0 = a.c[0]
    if (a0.isZero() && isZero(a)) return constant(zero)
    if (!a0.gt(0)) fail('sqrt', 'the argument must be positive at t0')
    const y0 = a0.sqrt()
    if (4 * top(a) < N) return powRec(a, half, y0)
    const y = zeros()
    y[0] = y0
    const twoY0 = y0.plus(y0)
    for (let k = 1; k < N; k++) {
      let s = zero
      for (let j = 1; 2 * j < k; j++) s = s.plus(y[j].times(y[k - j]))
      s = s.plus(s)
      if (k % 2 === 0) s = s.plus(y[k / 2].times(y[k / 2]))
      y[k] = a.c[k].minus(s).div(twoY0)
    }
    return make(y, Infinity)
  }

  // ---- exp, log and the trigonometric families ----------------------------------------------

  /** y = e^a: y' = a' y ⇒ k y_k = Σ_(j=1..min(k,top a)) j a_j y_(k-j). */
  const expS = (a: Series): Series => {
    const ta = top(a),
      ja = hDeriv(a)
    const y = zeros()
    y[0] = dec.exp(a.c[0])
    for (let k = 1; k < N; k++) {
      let s = zero
      for (let j = 1; j <= Math.min(k, ta); j++) s = s.plus(ja[j].times(y[k - j]))
      y[k] = s.div(k)
    }
    return make(y, Infinity)
  }
  /** y = ln a: a y' = a' ⇒ k a_0 y_k = k a_k - Σ_(j=max(1,k-top a)..k-1) j y_j a_(k-j). */
  const logS = (a: Series): Series => {
    const a0 = a.c[0]
    if (!a0.gt(0)) fail('log', 'the argument must be positive at t0')
    const ta = top(a)
    const y = zeros(),
      jy = zeros()
    y[0] = dec.log(a0)
    for (let k = 1; k < N; k++) {
      let s = k <= ta ? a.c[k].times(k) : zero
      for (let j = Math.max(1, k - ta); j < k; j++) s = s.minus(jy[j].times(a.c[k - j]))
      jy[k] = s.div(a0)
      y[k] = jy[k].div(k)
    }
    return make(y, Infinity)
  }
  /**
   * s = sin a, c = cos a together (sign = -1), or s = sinh a, c = cosh a (sign = +1):
   * s' = c a', c' = sign·s a' ⇒ k s_k = Σ j a_j c_(k-j), k c_k = sign·Σ j a_j s_(k-j).
   * For a = a_0 + a_1 h each coefficient costs O(1).
   */
  const sinCosS = (a: Series, sign: 1 | -1): [Series, Series] => {
    const ta = top(a),
      ja = hDeriv(a)
    const s = zeros(),
      c = zeros()
    s[0] = sign < 0 ? dec.sin(a.c[0]) : a.c[0].sinh()
    c[0] = sign < 0 ? dec.cos(a.c[0]) : a.c[0].cosh()
    for (let k = 1; k < N; k++) {
      let ss = zero,
        sc = zero
      for (let j = 1; j <= Math.min(k, ta); j++) {
        ss = ss.plus(ja[j].times(c[k - j]))
        sc = sc.plus(ja[j].times(s[k - j]))
      }
      s[k] = ss.div(k)
      c[k] = sign < 0 ? sc.neg().div(k) : sc.div(k)
    }
    return [make(s, Infinity), make(c, Infinity)]
  }
  /**
   * y = tan a (sign = +1) or tanh a (sign = -1): y' = w a' with w = 1 + sign·y² ⇒
   * k y_k = Σ_(j=1..min(k,top a)) j a_j w_(k-j); w_k is completed (symmetric square) once y_k is known.
   */
  const tanS = (a: Series, sign: 1 | -1): Series => {
    const ta = top(a),
      ja = hDeriv(a)
    const y = zeros(),
      w = zeros()
    y[0] = sign > 0 ? dec.tan(a.c[0]) : a.c[0].tanh()
    const sq0 = y[0].times(y[0])
    w[0] = sign > 0 ? one.plus(sq0) : one.minus(sq0)
    for (let k = 1; k < N; k++) {
      let s = zero
      for (let j = 1; j <= Math.min(k, ta); j++) s = s.plus(ja[j].times(w[k - j]))
      y[k] = s.div(k)
      let q = zero
      for (let j = 0; 2 * j < k; j++) q = q.plus(y[j].times(y[k - j]))
      q = q.plus(q)
      if (k % 2 === 0) q = q.plus(y[k / 2].times(y[k / 2]))
      w[k] = sign > 0 ? q : q.neg()
    }
    return make(y, Infinity)
  }
  /** atan a = ∫ a'/(1 + a²): one quotient by a polynomial of degree 2·deg a. */
  const atanS = (a: Series): Series => integrate(divS(deriv(a), addS(constant(one), sqrS(a), 1)), dec.atan(a.c[0]))
  /** asin a = ∫ a'·(1 - a²)^(-1/2), acos a = acos a_0 - (asin a - asin a_0). */
  const asinDeriv = (a: Series): Series => {
    const b = addS(constant(one), sqrS(a), -1)
    if (!b.c[0].gt(0)) fail('asin/acos', 'the argument must lie strictly inside (-1, 1) at t0')
    return mulS(deriv(a), powRec(b, half.neg(), one.div(b.c[0].sqrt())))
  }
  const asinS = (a: Series): Series => integrate(asinDeriv(a), dec.asin(a.c[0]))
  const acosS = (a: Series): Series => integrate(negS(asinDeriv(a)), dec.acos(a.c[0]))

  const absS = (a: Series): Series => {
    const a0 = a.c[0]
    if (a0.isZero() && !isZero(a)) fail('abs', 'the argument vanishes at t0 (|x| is not analytic there)')
    return a0.isNeg() ? negS(a) : a
  }
  /** sign as a constant series; an identically zero argument gives 0. */
  const signS = (a: Series): Series => {
    const a0 = a.c[0]
    if (a0.isZero() && !isZero(a)) fail('sign', 'the argument vanishes at t0 (sign is not analytic there)')
    return constant(dec.sign(a0))
  }

  // ---- dispatch between scalars and series ---------------------------------------------------

  /** A series function with the shortcut for constants: f applied to the constant term. */
  const unary =
    (f: (x: Decimal) => Decimal, g: (a: Series) => Series) =>
    (x: Value): Value =>
      isSeries(x) ? (x.deg === 0 ? constant(f(x.c[0])) : g(x)) : f(x)
  const binary =
    (f: (x: Decimal, y: Decimal) => Decimal, g: (a: Series, b: Series) => Series) =>
    (x: Value, y: Value): Value => {
      if (!isSeries(x) && !isSeries(y)) return f(x, y)
      const a = lift(x),
        b = lift(y)
      return a.deg === 0 && b.deg === 0 ? constant(f(a.c[0], b.c[0])) : g(a, b)
    }
  const sinOf = (a: Series) => sinCosS(a, -1)[0]
  const cosOf = (a: Series) => sinCosS(a, -1)[1]
  const sinhOf = (a: Series) => sinCosS(a, 1)[0]
  const coshOf = (a: Series) => sinCosS(a, 1)[1]
  const recip = (a: Series) => divS(constant(one), a)

  return {
    N,
    variable: (t0) => {
      const c = zeros()
      c[0] = new D(t0)
      if (N > 1) c[1] = one
      return make(c, 1)
    },
    constant,
    isSeries,
    lift,
    evaluate: (x, h) => {
      if (!isSeries(x)) return x
      let s = x.c[top(x)]
      for (let k = top(x) - 1; k >= 0; k--) s = s.times(h).plus(x.c[k])
      return s
    },
    num: dec.num,
    rat: dec.rat,
    pi: dec.pi,
    e: dec.e,
    add: binary(dec.add, (a, b) => (b.deg === 0 ? addConst(a, b.c[0]) : a.deg === 0 ? addConst(b, a.c[0]) : addS(a, b, 1))),
    sub: binary(dec.sub, (a, b) => (b.deg === 0 ? addConst(a, b.c[0].neg()) : addS(a, b, -1))),
    mul: binary(dec.mul, mulS),
    div: binary(dec.div, divS),
    neg: unary(dec.neg, negS),
    powInt: (x, k) => (isSeries(x) ? powIntS(x, k) : dec.powInt(x, k)),
    pow: binary(dec.pow, (a, b) => {
      // a^b = exp(b ln a) for a series exponent
      if (b.deg === 0) return powScalarS(a, b.c[0])
      if (!a.c[0].gt(0)) fail('pow', 'a series exponent needs a positive base at t0')
      return expS(mulS(b, a.deg === 0 ? constant(dec.log(a.c[0])) : logS(a)))
    }),
    sin: unary(dec.sin, sinOf),
    cos: unary(dec.cos, cosOf),
    tan: unary(dec.tan, (a) => tanS(a, 1)),
    asin: unary(dec.asin, asinS),
    acos: unary(dec.acos, acosS),
    atan: unary(dec.atan, atanS),
    sinh: unary(dec.sinh, sinhOf),
    cosh: unary(dec.cosh, coshOf),
    tanh: unary(dec.tanh, (a) => tanS(a, -1)),
    exp: unary(dec.exp, expS),
    log: unary(dec.log, logS),
    sqrt: unary(dec.sqrt, sqrtS),
    abs: unary(dec.abs, absS),
    sign: unary(dec.sign, signS),
    sec: unary(dec.sec, (a) => recip(cosOf(a))),
    csc: unary(dec.csc, (a) => recip(sinOf(a))),
    cot: unary(dec.cot, (a) => {
      const [s, c] = sinCosS(a, -1)
      return divS(c, s)
    }),
    sech: unary(dec.sech, (a) => recip(coshOf(a))),
    csch: unary(dec.csch, (a) => recip(sinhOf(a))),
    coth: unary(dec.coth, (a) => {
      const [s, c] = sinCosS(a, 1)
      return divS(c, s)
    }),
  }

  function addConst(a: Series, x: Decimal): Series {
    const c = a.c.slice()
    c[0] = c[0].plus(x)
    return make(c, Math.max(a.deg, 0))
  }
}
