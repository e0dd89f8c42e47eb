// Issue 15, class 3: --digits up to its documented maximum of 1000. decimal.js keeps pi and ln 10
// to about 1025 digits and its sin and cos need pi to twice the working precision, so above 500
// digits pi, ln and the circular functions come from src/hp/elementary.ts. References: decimal.js
// itself where it still answers (up to 500 digits), and beyond, identities that use only
// decimal.js's exp, sqrt and arithmetic (which need no stored constant).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Decimal, decimalArith } from '../../src/hp/arith.js'
import { asin, atan, ln, pi, sinCos } from '../../src/hp/elementary.js'
import { agree, daeHp } from '../../src/theory/hp.js'
import { flowProblem } from '../../src/theory/problem.js'

/** Correct significant digits of x against a nonzero reference y. */
const correct = (x: Decimal, y: Decimal) => {
  const err = new Decimal(x).minus(y).abs().div(y.abs())
  return err.isZero() ? Infinity : Math.floor(-new Decimal(err.toExponential(15)).log(10).toNumber())
}

const argument = fc.tuple(fc.double({ min: -50, max: 50, noNaN: true }), fc.integer({ min: 0, max: 10 ** 9 })).map(([x, k]) => `${x.toFixed(6)}${k}`)

describe('elementary functions beyond decimal.js', () => {
  it('property: at 300 digits, sin, cos, atan, asin, ln and pi equal decimal.js to the last few digits', () => {
    const D = Decimal.clone({ precision: 300 })
    expect(correct(pi(D), D.acos(-1))).toBeGreaterThanOrEqual(299)
    fc.assert(
      fc.property(argument, (text) => {
        const x = new D(text)
        const [s, c] = sinCos(x, D)
        expect(correct(s, x.sin())).toBeGreaterThanOrEqual(296)
        expect(correct(c, x.cos())).toBeGreaterThanOrEqual(296)
        expect(correct(atan(x, D), x.atan())).toBeGreaterThanOrEqual(298)
        const u = x.div(51)
        expect(correct(asin(u, D), u.asin())).toBeGreaterThanOrEqual(298)
        if (x.gt(0)) expect(correct(ln(x, D), x.ln())).toBeGreaterThanOrEqual(298)
      }),
      { numRuns: 8, seed: 15 },
    )
  })

  it("at 1100 digits: pi agrees with decimal.js's stored 1025 digits, exp(ln x) = x, sin^2 + cos^2 = 1, tan(atan x) = x", () => {
    const D = Decimal.clone({ precision: 1100 })
    const P = Decimal.clone({ precision: 1020 })
    expect(correct(pi(D), P.acos(-1))).toBeGreaterThanOrEqual(1019)
    const x = new D('2.718281828459045')
    expect(correct(ln(x, D).exp(), x)).toBeGreaterThanOrEqual(1097)
    const [s, c] = sinCos(new D('7.25'), D)
    expect(correct(s.pow(2).plus(c.pow(2)), new D(1))).toBeGreaterThanOrEqual(1097)
    const [sa, ca] = sinCos(atan(new D('0.3'), D), D)
    expect(correct(sa.div(ca), new D('0.3'))).toBeGreaterThanOrEqual(1097)
  })

  it('decimalArith above 500 digits answers every function (decimal.js threw "Precision limit exceeded")', () => {
    // 1/3 to all 520 digits: decimal.js's sin and cos would ask for pi to 1047 digits.
    const F = decimalArith(Decimal.clone({ precision: 520 }))
    const x = F.div(F.num('1'), F.num('3'))
    for (const f of ['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'log', 'exp', 'sqrt', 'sec', 'csc', 'cot'] as const) expect(F[f](x).isFinite(), f).toBe(true)
    expect(F.pow(x, F.num('1.5')).isFinite()).toBe(true)
    expect(F.pi().isFinite()).toBe(true)
  })

  it('agree() counts digits at any working precision', () => {
    const D = Decimal.clone({ precision: 1100 })
    expect(agree(new D(1).plus(new D(10).pow(-1050)), new D(1), 1100)).toBe(1050)
  })
})

describe('--digits 1000', () => {
  it('regression: dae at --digits 1000 on the trig schedule answers with 1000 verified digits (it threw)', () => {
    const problem = flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, omega: 1, schedule: 'trig', highPrecision: true })
    const r = daeHp(problem, ['0.5'], { digits: 1000 })
    expect(r.digitsVerified).toBeGreaterThanOrEqual(1000)
    // c = beta Lambda / D (Result A, docs/theory.md section 3) at 1100 digits, alpha = cos(pi/4) = beta = sqrt(1/2).
    const X = Decimal.clone({ precision: 1100 })
    const K = new X('7.1'),
      L = new X('0.1').times(new X(1).plus('2.25')).plus(new X(7).times('2.25'))
    const half = new X('0.5')
    const c = half
      .sqrt()
      .times(L)
      .div(half.times(K).plus(half.times(L)))
    expect(correct(r.rows[0].c, c)).toBeGreaterThanOrEqual(999)
  })
})
