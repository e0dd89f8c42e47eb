// Truncated series checked coefficient by coefficient against closed-form Taylor coefficients
// written by hand below, or summed at t0 ± h against decimal.js's own functions (Decimal methods,
// not the compiled arithmetic); the edge cases of the recurrences (zero series, series vanishing at
// t0, constants, N = 1) and the domain errors with their messages.
import { beforeEach, describe, expect, it } from 'vitest'
import { Decimal } from '../../src/hp/arith.js'
import { seriesArith, type Series, type SeriesArith } from '../../src/hp/series.js'

const D = Decimal.clone({ precision: 50 })
const N = 24
const t0 = new D('0.4')
// Built anew before each test, not once when the file loads: the functions of an arithmetic are
// closures made by seriesArith, and a mutation-testing run switches a mutant on per test, so an
// arithmetic built at load time would keep the unmutated closures and hide the mutant.
let S: SeriesArith, t: Series // series in h = t - 0.4
let s0: SeriesArith, u: Series // the same at t0 = 0, where u = h vanishes
beforeEach(() => {
  S = seriesArith(D, N)
  t = S.variable(t0)
  s0 = seriesArith(D, N)
  u = s0.variable(new D(0))
})
const factorial = (k: number): Decimal => (k === 0 ? new D(1) : factorial(k - 1).times(k))
// Rounding at 50 digits: errors relative to max(1, |coefficient|) (the binomial coefficients of
// t^0.5 grow like 0.4^-k) and errors of the sums at t0 ± H measured at most 2.6e-49 over every
// check of this file; the bound is about 4x that.
const TOL = new D('1e-48')
// The nearest singularity of the functions summed is 0.4 away (csc, csch at 0), so truncating
// at N terms leaves about (1e-3/0.4)^24 ≈ 4e-63, far below the rounding.
const H = [new D('1e-3'), new D('-1e-3')]

const asSeries = (x: Decimal | Series): Series => {
  expect(S.isSeries(x)).toBe(true)
  return x as Series
}
/** Exactly N coefficients (the contract of Series), each within TOL of the expected one (relative above 1). */
function expectCoefficients(x: Decimal | Series, expected: (k: number) => Decimal, what: string): void {
  const s = asSeries(x)
  expect(s.c.length, `${what}: number of coefficients`).toBe(N)
  for (let k = 0; k < N; k++) {
    const e = s.c[k]
      .minus(expected(k))
      .abs()
      .div(Decimal.max(1, expected(k).abs()))
    expect(e.lte(TOL), `${what}, coefficient ${k}: error ${e.toExponential(3)}`).toBe(true)
  }
}
/** Exactly N coefficients, and the series summed at t0 + h equals f(t0 + h) within TOL. */
function expectSums(x: Decimal | Series, f: (y: Decimal) => Decimal, what: string): void {
  const s = asSeries(x)
  expect(s.c.length, `${what}: number of coefficients`).toBe(N)
  for (const h of H) {
    const e = S.evaluate(s, h)
      .minus(f(t0.plus(h)))
      .abs()
    expect(e.lte(TOL), `${what} at h = ${h}: error ${e.toExponential(3)}`).toBe(true)
  }
}
const one = new D(1)
const zeroSeries = (): Series => asSeries(S.sub(t, t)) // degree 1, every coefficient 0

describe('coefficients of the elementary functions of t at t0 against closed forms', () => {
  it('exp, log, sin, cos, sinh, cosh', () => {
    // d^k/dt^k: exp -> exp; sin -> sin(t + kπ/2); sinh alternates with cosh; log -> (-1)^(k+1) (k-1)!/t^k
    const pi = D.acos(-1)
    const quarter = (k: number) => pi.times(k).div(2)
    expectCoefficients(S.exp(t), (k) => t0.exp().div(factorial(k)), 'exp')
    expectCoefficients(S.sin(t), (k) => t0.plus(quarter(k)).sin().div(factorial(k)), 'sin')
    expectCoefficients(S.cos(t), (k) => t0.plus(quarter(k)).cos().div(factorial(k)), 'cos')
    expectCoefficients(S.sinh(t), (k) => (k % 2 ? t0.cosh() : t0.sinh()).div(factorial(k)), 'sinh')
    expectCoefficients(S.cosh(t), (k) => (k % 2 ? t0.sinh() : t0.cosh()).div(factorial(k)), 'cosh')
    expectCoefficients(S.log(t), (k) => (k === 0 ? t0.ln() : new D(k % 2 ? 1 : -1).div(t0.pow(k).times(k))), 'log')
  })
  it('products and powers: t·sin t, (sin t)², t^0.5', () => {
    const sinK = (k: number) => D.acos(-1).times(k).div(2).plus(t0).sin().div(factorial(k))
    // (t0 + h) Σ s_k h^k: coefficient k is t0 s_k + s_(k-1)
    expectCoefficients(S.mul(t, S.sin(t)), (k) => t0.times(sinK(k)).plus(k ? sinK(k - 1) : 0), 't·sin t')
    // sin² t = (1 - cos 2t)/2: coefficient k >= 1 is -2^(k-1) cos(2 t0 + kπ/2)/k!
    const cos2 = (k: number) => t0.times(2).plus(D.acos(-1).times(k).div(2)).cos()
    expectCoefficients(
      S.powInt(S.sin(t), 2),
      (k) =>
        k === 0
          ? one.minus(cos2(0)).div(2)
          : cos2(k)
              .times(new D(2).pow(k - 1))
              .neg()
              .div(factorial(k)),
      'sin² t',
    )
    // binomial series: (t0 + h)^(1/2) = Σ C(1/2, k) t0^(1/2-k) h^k
    const binom = (k: number): Decimal =>
      k === 0
        ? one
        : binom(k - 1)
            .times(new D(0.5).minus(k - 1))
            .div(k)
    expectCoefficients(S.pow(t, new D(0.5)), (k) => binom(k).times(t0.pow(new D(0.5).minus(k))), 't^0.5')
  })
})

describe('powers that need no rounding, and the square root of a full series', () => {
  it('a^1 is a itself, coefficient for coefficient (x¹ = x needs no arithmetic)', () => {
    const x = asSeries(S.sin(t))
    expect(asSeries(S.powInt(x, 1)).c.map(String)).toEqual(x.c.map(String))
  })
  it('sqrt(e^t) = e^(t/2): coefficients e^(t0/2) / (2^k k!)', () => {
    expectCoefficients(
      S.sqrt(S.exp(t)),
      (k) =>
        t0
          .div(2)
          .exp()
          .div(factorial(k).times(new D(2).pow(k))),
      'sqrt(e^t)',
    )
  })
})

describe('the other functions of a full series, summed at t0 ± h against Decimal', () => {
  it('tan, tanh, atan, asin, acos, sec, csc, sech, csch', () => {
    expectSums(S.tan(t), (y) => y.tan(), 'tan')
    expectSums(S.tanh(t), (y) => y.tanh(), 'tanh')
    expectSums(S.atan(t), (y) => y.atan(), 'atan')
    expectSums(S.asin(t), (y) => y.asin(), 'asin')
    expectSums(S.acos(t), (y) => y.acos(), 'acos')
    expectSums(S.sec(t), (y) => one.div(y.cos()), 'sec')
    expectSums(S.csc(t), (y) => one.div(y.sin()), 'csc')
    expectSums(S.sech(t), (y) => one.div(y.cosh()), 'sech')
    expectSums(S.csch(t), (y) => one.div(y.sinh()), 'csch')
  })
})

describe('series vanishing at t0, zero series and constants', () => {
  it('sin³ of a series vanishing at t0 (the zero is factored out): (3 sin h - sin 3h)/4', () => {
    // odd k: (3 - 3^k) (-1)^((k-1)/2) / (4 k!); even k: 0
    const sin3 = (k: number) =>
      k % 2
        ? new D(3)
            .minus(new D(3).pow(k))
            .times((k - 1) % 4 ? -1 : 1)
            .div(factorial(k).times(4))
        : new D(0)
    expectCoefficients(s0.powInt(s0.sin(u), 3), sin3, 'sin³ h')
  })
  it('integer powers of the zero series: 0^0 = 1, 0^3 = 0; powers with a zero or 1 exponent', () => {
    expectCoefficients(S.powInt(zeroSeries(), 0), (k) => new D(k === 0 ? 1 : 0), '0^0')
    expectCoefficients(S.powInt(zeroSeries(), 3), () => new D(0), '0^3')
    expectCoefficients(S.pow(zeroSeries(), new D(0.5)), () => new D(0), '0^0.5')
    expectCoefficients(S.sqrt(zeroSeries()), () => new D(0), 'sqrt 0')
  })
  it('an integer scalar exponent is an integer power, valid for a negative or vanishing base', () => {
    // (-0.5 + h)^3 = -0.125 + 0.75 h - 1.5 h² + h³
    const cube = [-0.125, 0.75, -1.5, 1]
    expectCoefficients(S.pow(S.variable(new D(-0.5)), new D(3)), (k) => new D(cube[k] ?? 0), '(-0.5 + h)^3')
    expectCoefficients(s0.pow(u, new D(2)), (k) => new D(k === 2 ? 1 : 0), 'h^2')
  })
  it('asin of a degree-1 series with zero slope is the constant asin(0.5) = π/6 at every h', () => {
    const a = S.add(zeroSeries(), new D(0.5))
    for (const h of H) expect(S.evaluate(S.asin(a), h).minus(D.acos(-1).div(6)).abs().lte(TOL)).toBe(true)
  })
  it('multiplying by the constant 0 gives the constant 0, so log of it is ln 0 = -Infinity as for scalars', () => {
    expect(asSeries(S.log(S.mul(new D(0), t))).c[0].toString()).toBe('-Infinity')
    expect(asSeries(S.log(S.mul(t, new D(0)))).c[0].toString()).toBe('-Infinity')
  })
  it('a constant stays a constant under powInt (deg 0) and dividing constants follows decimal.js (1/0 = Infinity)', () => {
    const p = asSeries(S.powInt(S.constant(new D(2)), -2))
    expect(p.deg).toBe(0)
    expect(p.c[0].eq(0.25)).toBe(true)
    expect(asSeries(S.div(S.constant(one), S.constant(new D(0)))).c[0].toString()).toBe('Infinity')
  })
  it('a scalar evaluates to itself; with N = 1 the variable is the constant t0', () => {
    expect(S.evaluate(new D('2.5'), new D('0.1')).eq('2.5')).toBe(true)
    const s1 = seriesArith(D, 1)
    expect(s1.variable(t0).c.map(String)).toEqual(['0.4'])
  })
})

describe('refusals, with the function and the reason in the message', () => {
  const below = () => S.variable(new D(-0.5))
  it('N must be a positive integer', () => {
    expect(() => seriesArith(D, 0)).toThrow(/seriesArith: N must be a positive integer, got 0/)
    expect(() => seriesArith(D, 2.5)).toThrow(/N must be a positive integer, got 2.5/)
    expect(seriesArith(D, 1).N).toBe(1)
  })
  it('division by zero and by a series vanishing at t0', () => {
    expect(() => S.div(t, new D(0))).toThrow(/^series div: division by zero$/)
    expect(() => s0.div(one, u)).toThrow(/^series div: the divisor vanishes at t0/)
  })
  it('powers, roots and logarithms outside their domain', () => {
    expect(() => s0.powInt(u, -1)).toThrow(/^series powInt: negative power/)
    expect(() => S.pow(below(), new D(0.5))).toThrow(/^series pow: a non-integer power needs a positive base at t0$/)
    expect(() => S.pow(below(), t)).toThrow(/^series pow: a series exponent needs a positive base at t0$/)
    expect(() => S.sqrt(below())).toThrow(/^series sqrt: the argument must be positive at t0$/)
    expect(() => S.log(below())).toThrow(/^series log: the argument must be positive at t0$/)
    expect(() => S.asin(S.variable(one))).toThrow(/^series asin\/acos: the argument must lie strictly inside \(-1, 1\) at t0$/)
  })
  it('abs and sign of a series vanishing at t0, but not of the zero series', () => {
    expect(() => s0.abs(u)).toThrow(/^series abs: the argument vanishes at t0 \(\|x\| is not analytic there\)$/)
    expect(() => s0.sign(u)).toThrow(/^series sign: the argument vanishes at t0 \(sign is not analytic there\)$/)
    expectCoefficients(S.abs(zeroSeries()), () => new D(0), 'abs 0')
  })
})

describe('an integer power beyond 1e9 of a series negative at t0', () => {
  it('(t - 2)^1e10 at t0 = 0.4: c_j = C(k, j) (-1.6)^(k - j), as for any integer power', () => {
    // The binomial series of (a0 + h)^k with a0 = -1.6 and k = 1e10 (even): an integer exponent
    // needs no positive base. Reference: C(k, j) by its product, a0^(k - j) by decimal.js's pow.
    const k = new D('1e10')
    const a0 = new D('-1.6')
    const binomial = (j: number): Decimal => Array.from({ length: j }, (_, i) => k.minus(i).div(i + 1)).reduce((x, y) => x.times(y), new D(1))
    expectCoefficients(S.pow(S.sub(t, 2), k), (j) => binomial(j).times(a0.pow(k.minus(j))), '(t - 2)^1e10')
  })
})
