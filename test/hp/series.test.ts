// Truncated series: each function's series at t0, summed at t0 + h, against decimal.js evaluating
// the same expression pointwise at t0 + h (the same builder runs on both arithmetics); identities
// between series coefficients; exact degree tracking; scalar/series mixing.
import { describe, expect, it } from 'vitest'
import { ARITH_FUNCTIONS, Decimal, decimalArith, type Arith } from '../../src/hp/arith.js'
import { seriesArith, type Series } from '../../src/hp/series.js'

const D = Decimal.clone({ precision: 60 })
const N = 40
const S = seriesArith(D, N)
const P = decimalArith(D)
const t0 = new D('0.4')
const h = new D('0.01')
// Truncation leaves about h^N = 1e-80; the rest is rounding at 60 digits, amplified where the
// terms grow (powInt -3 of a function near 0.3): measured at most 2e-58 over every case below.
// The bound is 5x that.
const TOL = new D('1e-57')

type Builder = <T>(A: Arith<T>, t: T) => T
// Arguments of three kinds: degree 1, degree 2, and a full series (not a polynomial).
const linear: Builder = (A, t) => A.sub(A.num('0.5'), A.mul(A.rat('1', '4'), t))
const quadratic: Builder = (A, t) => A.add(A.num('0.3'), A.sub(A.mul(A.num('0.25'), t), A.mul(A.num('0.1'), A.powInt(t, 2))))
const full: Builder = (A, t) => A.add(A.num('0.2'), A.mul(A.num('0.3'), A.sin(t)))

/** |series of f at t0 summed at h - f(t0 + h) by decimal.js| */
function error(f: Builder): Decimal {
  const series = S.evaluate(f(S, S.variable(t0)), h)
  const point = f(P, t0.plus(h))
  return series.minus(point).abs()
}
const expectClose = (e: Decimal, what: string) => expect(e.lt(TOL), `${what}: error ${e.toExponential(3)}`).toBe(true)
const asSeries = (x: Decimal | Series): Series => {
  expect(S.isSeries(x)).toBe(true)
  return x as Series
}

describe('series of each function against decimal.js at t0 + h', () => {
  for (const name of ARITH_FUNCTIONS) {
    for (const [kind, arg] of [
      ['linear', linear],
      ['quadratic', quadratic],
      ['full', full],
    ] as const) {
      it(`${name} of a ${kind} argument`, () => {
        // abs and sign also on a negative argument
        expectClose(
          error((A, t) => A[name](arg(A, t))),
          name,
        )
        if (name === 'abs' || name === 'sign')
          expectClose(
            error((A, t) => A[name](A.neg(arg(A, t)))),
            `${name}(-x)`,
          )
      })
    }
  }
  it('arithmetic between series', () => {
    expectClose(
      error((A, t) => A.add(quadratic(A, t), full(A, t))),
      'add',
    )
    expectClose(
      error((A, t) => A.sub(quadratic(A, t), full(A, t))),
      'sub',
    )
    expectClose(
      error((A, t) => A.mul(quadratic(A, t), full(A, t))),
      'mul',
    )
    expectClose(
      error((A, t) => A.div(full(A, t), quadratic(A, t))),
      'div by a polynomial',
    )
    expectClose(
      error((A, t) => A.div(quadratic(A, t), full(A, t))),
      'div by a full series',
    )
    expectClose(
      error((A, t) => A.neg(full(A, t))),
      'neg',
    )
  })
  it('powers', () => {
    for (const k of [0, 1, 2, 3, 7, -1, -3]) {
      expectClose(
        error((A, t) => A.powInt(quadratic(A, t), k)),
        `powInt quadratic ${k}`,
      )
      expectClose(
        error((A, t) => A.powInt(full(A, t), k)),
        `powInt full ${k}`,
      )
    }
    for (const p of ['2.5', '-0.5', '3', '0.3333']) {
      expectClose(
        error((A, t) => A.pow(full(A, t), A.num(p))),
        `pow full ^ ${p}`,
      )
      expectClose(
        error((A, t) => A.pow(linear(A, t), A.num(p))),
        `pow linear ^ ${p}`,
      )
    }
    expectClose(
      error((A, t) => A.pow(full(A, t), quadratic(A, t))),
      'pow with a series exponent',
    )
    expectClose(
      error((A, t) => A.pow(A.num('2'), full(A, t))),
      'scalar ^ series',
    )
  })
  it('powInt of a series vanishing at t0 factors out the zero: (t - t0)^3 (1 + t)^2', () => {
    const d = S.sub(S.variable(t0), t0)
    const y = asSeries(S.powInt(S.mul(d, S.add(S.num('1'), S.variable(t0))), 3))
    expect(y.deg).toBe(6)
    // (h (1.4 + h))^3 = h^3 (1.4^3 + 3·1.4² h + 3·1.4 h² + h³)
    expect(y.c.slice(0, 7).map(String)).toEqual(['0', '0', '0', '2.744', '5.88', '4.2', '1'])
    expect(() => S.powInt(d, -1)).toThrow(/vanishes/)
  })
})

describe('identities between series (coefficientwise, at a full-series argument)', () => {
  const x = asSeries(full(S, S.variable(t0)))
  const expectSeriesEqual = (a: Decimal | Series, b: Decimal | Series, what: string) => {
    const [p, q] = [S.lift(a), S.lift(b)]
    for (let k = 0; k < N; k++) expectClose(p.c[k].minus(q.c[k]).abs(), `${what}, coefficient ${k}`)
  }
  it('sin² + cos² = 1 and cosh² - sinh² = 1', () => {
    expectSeriesEqual(S.add(S.powInt(S.sin(x), 2), S.powInt(S.cos(x), 2)), S.num('1'), 'sin² + cos²')
    expectSeriesEqual(S.sub(S.mul(S.cosh(x), S.cosh(x)), S.mul(S.sinh(x), S.sinh(x))), S.num('1'), 'cosh² - sinh²')
  })
  it('inverse functions: exp(log x), atan(tan x), asin(sin x), cos(acos x), sqrt(x)², x^(1/3)^3', () => {
    expectSeriesEqual(S.exp(S.log(x)), x, 'exp(log x)')
    expectSeriesEqual(S.atan(S.tan(x)), x, 'atan(tan x)')
    expectSeriesEqual(S.asin(S.sin(x)), x, 'asin(sin x)')
    expectSeriesEqual(S.cos(S.acos(x)), x, 'cos(acos x)')
    expectSeriesEqual(S.powInt(S.sqrt(x), 2), x, 'sqrt(x)²')
    expectSeriesEqual(S.powInt(S.pow(x, S.rat('1', '3')), 3), x, '(x^(1/3))³')
  })
  it('quotient identities: tan = sin/cos, tanh = sinh/cosh, cot·tan = 1, sec·cos = 1, coth·tanh = 1', () => {
    expectSeriesEqual(S.tan(x), S.div(S.sin(x), S.cos(x)), 'tan')
    expectSeriesEqual(S.tanh(x), S.div(S.sinh(x), S.cosh(x)), 'tanh')
    expectSeriesEqual(S.mul(S.cot(x), S.tan(x)), S.num('1'), 'cot tan')
    expectSeriesEqual(S.mul(S.sec(x), S.cos(x)), S.num('1'), 'sec cos')
    expectSeriesEqual(S.mul(S.csc(x), S.sin(x)), S.num('1'), 'csc sin')
    expectSeriesEqual(S.mul(S.coth(x), S.tanh(x)), S.num('1'), 'coth tanh')
    expectSeriesEqual(S.mul(S.sech(x), S.cosh(x)), S.num('1'), 'sech cosh')
    expectSeriesEqual(S.mul(S.csch(x), S.sinh(x)), S.num('1'), 'csch sinh')
  })
  it('asin + acos = π/2', () => {
    expectSeriesEqual(S.add(S.asin(x), S.acos(x)), S.div(S.pi(), S.num('2')), 'asin + acos')
  })
})

describe('degree tracking', () => {
  const t = S.variable(new D(2))
  it('a product of polynomials has the exact degree and coefficients', () => {
    // (1 + t)(t² - 3) at t0 = 2: (3 + h)(1 + 4h + h²) = 3 + 13h + 7h² + h³
    const p = asSeries(S.mul(S.add(S.num('1'), t), S.sub(S.powInt(t, 2), S.num('3'))))
    expect(p.deg).toBe(3)
    expect(p.c.slice(0, 5).map(String)).toEqual(['3', '13', '7', '1', '0'])
  })
  it('sums keep the maximum degree, scaling and division by a constant keep the degree', () => {
    expect(asSeries(S.add(t, S.powInt(t, 4))).deg).toBe(4)
    expect(asSeries(S.mul(S.num('3'), S.powInt(t, 2))).deg).toBe(2)
    expect(asSeries(S.div(S.powInt(t, 5), S.num('7'))).deg).toBe(5)
    expect(asSeries(S.div(S.powInt(t, 5), S.constant(new D(7)))).deg).toBe(5)
    expect(asSeries(S.powInt(S.add(t, S.num('1')), 6)).deg).toBe(6)
  })
  it('functions of constants are constants; transcendental functions of t are not polynomials', () => {
    expect(asSeries(S.exp(S.constant(new D(1)))).deg).toBe(0)
    expect(asSeries(S.cos(S.mul(S.pi(), S.constant(new D('0.5'))))).deg).toBe(0)
    expect(asSeries(S.sin(t)).deg).toBe(Infinity)
    expect(asSeries(S.div(S.num('1'), t)).deg).toBe(Infinity)
    expect(asSeries(S.mul(S.sin(t), t)).deg).toBe(Infinity)
  })
  it('a product with a series of degree 1 is as exact as the full Cauchy product', () => {
    const f = asSeries(S.mul(S.cos(S.mul(S.div(S.pi(), S.num('2')), t)), S.sub(S.num('1'), t)))
    const direct = S.lift(S.cos(S.mul(S.div(S.pi(), S.num('2')), t)))
    const c1 = direct.c.map((c, k) => (k === 0 ? c.times(-1) : c.times(-1).minus(direct.c[k - 1])))
    for (let k = 0; k < N; k++) expect(f.c[k].minus(c1[k]).abs().lt(TOL)).toBe(true)
  })
})

describe('scalars mixed with series', () => {
  const x = S.variable(t0)
  it('operations on scalars only give scalars, with decimalArith values', () => {
    const a = S.mul(S.num('3'), S.sin(S.num('0.5')))
    expect(S.isSeries(a)).toBe(false)
    expect((a as Decimal).eq(new D(3).times(new D('0.5').sin()))).toBe(true)
    expect(S.isSeries(S.pi())).toBe(false)
    expect(S.isSeries(S.powInt(S.num('2'), 3))).toBe(false)
  })
  it('any operation involving a series gives a series, equal to the lifted constant operation', () => {
    const c = new D('1.7')
    for (const op of ['add', 'sub', 'mul', 'div', 'pow'] as const) {
      for (const [a, b] of [
        [c, x],
        [x, c],
      ] as const) {
        const mixed = asSeries(S[op](a, b))
        const lifted = asSeries(S[op](S.lift(a), S.lift(b)))
        for (let k = 0; k < N; k++) expect(mixed.c[k].minus(lifted.c[k]).abs().lt(TOL), `${op} coefficient ${k}`).toBe(true)
      }
    }
    expect(S.isSeries(S.add(S.constant(c), c))).toBe(true)
  })
})

describe('refusals where the result is not a Taylor series at t0', () => {
  const d = S.sub(S.variable(t0), t0) // vanishes at t0
  it('abs and sign of a series vanishing at t0 throw; of the zero series give 0', () => {
    expect(() => S.abs(d)).toThrow(/abs/)
    expect(() => S.sign(d)).toThrow(/sign/)
    const z = S.sub(d, d)
    expect(S.lift(S.sign(z)).c[0].isZero()).toBe(true)
    expect(S.lift(S.abs(z)).c.every((c) => c.isZero())).toBe(true)
  })
  it('division by, log and non-integer power of a series vanishing at t0 throw', () => {
    expect(() => S.div(S.num('1'), d)).toThrow(/vanishes/)
    expect(() => S.log(d)).toThrow(/log/)
    expect(() => S.pow(d, S.num('0.5'))).toThrow(/pow/)
    expect(() => S.sqrt(d)).toThrow(/sqrt/)
  })
})
