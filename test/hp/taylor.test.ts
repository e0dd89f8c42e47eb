// The Taylor integrator against closed-form solutions evaluated by decimal.js: exp, exp(sin t),
// sqrt(1 + t²), and solutions through the regular singular point t = 1 of den = 1 - t or
// den = cos(πt/2), checked by hand (each closed form is substituted into its ODE in a comment).
import { describe, expect, it } from 'vitest'
import { Decimal, type DecimalConstructor } from '../../src/hp/arith.js'
import { seriesArith, type Series, type SeriesArith } from '../../src/hp/series.js'
import { taylorSolve, type TaylorSystem } from '../../src/hp/taylor.js'

/** A system of states den X' = A X + G written once with seriesArith. */
type Row = (S: SeriesArith, t: Series) => { den: Decimal | Series; A: Decimal | Series; G: Decimal | Series }
const system =
  (D: DecimalConstructor, rows: Row[]): TaylorSystem =>
  (t0, N) => {
    const S = seriesArith(D, N)
    const t = S.variable(t0)
    return rows.map((row) => {
      const { den, A, G } = row(S, t)
      return { den: S.lift(den), A: S.lift(A), G: S.lift(G) }
    })
  }
const expectClose = (x: Decimal, y: Decimal, digits: number, what: string) => {
  const e = x.minus(y).abs()
  expect(e.lt(new Decimal(10).pow(-digits)), `${what}: ${x} vs ${y}, error ${e.toExponential(3)}`).toBe(true)
}

describe('taylorSolve', () => {
  it("X' = X gives e at t = 1 to 60 digits (decimal.js exp as reference)", () => {
    const D = Decimal.clone({ precision: 70 })
    const sys = system(D, [(S) => ({ den: S.num('1'), A: S.num('1'), G: S.num('0') })])
    const r = taylorSolve(D, sys, [new D(1)], [new D(1)], { digits: 60 })
    expectClose(r.values[0][0], new D(1).exp(), 60, 'exp(1)')
  })

  it('series in t^4 whose last terms vanish at t0 = 0 are not taken for polynomials', () => {
    // X = 1/(1 - t^4) and X = exp(t^4) (solved by hand), X(0.5) = 16/15 and exp(1/16). At t0 = 0
    // their series hold only powers t^4k, so for most orders N the last 3 coefficients are 0: a
    // tail bound alone would allow a step to the target with the truncated series (an error of
    // 4e-9 at 18 digits for the first, with A = 4t^3/(1 - t^4) as a series).
    for (const digits of [18, 30, 45]) {
      const D = Decimal.clone({ precision: digits + 10 })
      const half = new D('0.5')
      const cases: Array<[string, Row, Decimal]> = [
        ["(1 - t^4) X' = 4t^3 X", (S, t) => ({ den: S.sub(S.num('1'), S.powInt(t, 4)), A: S.mul(S.num('4'), S.powInt(t, 3)), G: S.num('0') }), new D(16).div(15)],
        ["X' = 4t^3/(1 - t^4) X", (S, t) => ({ den: S.num('1'), A: S.div(S.mul(S.num('4'), S.powInt(t, 3)), S.sub(S.num('1'), S.powInt(t, 4))), G: S.num('0') }), new D(16).div(15)],
        ["X' = 4t^3 X", (S, t) => ({ den: S.num('1'), A: S.mul(S.num('4'), S.powInt(t, 3)), G: S.num('0') }), new D(1).div(16).exp()],
      ]
      for (const [what, row, exact] of cases) {
        const r = taylorSolve(D, system(D, [row]), [new D(1)], [half], { digits })
        expectClose(r.values[0][0], exact, digits, `${what} at ${digits} digits`)
      }
    }
  })

  it("X' = cos(t) X (full-series coefficient) gives X = exp(sin t), e at t = π/2, to 100 digits", () => {
    const D = Decimal.clone({ precision: 110 })
    const sys = system(D, [(S, t) => ({ den: S.num('1'), A: S.cos(t), G: S.num('0') })])
    const halfPi = D.acos(-1).div(2)
    const r = taylorSolve(D, sys, [new D(1)], [new D('0.5'), halfPi], { digits: 100 })
    expectClose(r.values[0][0], new D('0.5').sin().exp(), 100, 'exp(sin 0.5)')
    expectClose(r.values[1][0], new D(1).exp(), 100, 'e')
  })

  it("(1 + t²) X' = t X gives X = sqrt(1 + t²) at several targets in one call, singularities at ±i", () => {
    // (1 + t²) · t/sqrt(1 + t²) = t · sqrt(1 + t²)
    const D = Decimal.clone({ precision: 70 })
    const sys = system(D, [(S, t) => ({ den: S.add(S.num('1'), S.powInt(t, 2)), A: t, G: S.num('0') })])
    const targets = ['0', '0.5', '1', '2.25', '3'].map((x) => new D(x))
    const r = taylorSolve(D, sys, [new D(1)], targets, { digits: 60 })
    targets.forEach((t, i) => expectClose(r.values[i][0], t.pow(2).plus(1).sqrt(), 60, `sqrt(1 + ${t}²)`))
    expect(r.values[0][0].eq(1)).toBe(true) // a target at t0 returns x0
  })

  it('several states in one system, started at t0 = 0.25', () => {
    // state 0: X' = X, X(0.25) = 1 → exp(t - 0.25); state 1: X' = 2t, X(0.25) = 0 → t² - 1/16
    const D = Decimal.clone({ precision: 70 })
    const sys = system(D, [(S) => ({ den: S.num('1'), A: S.num('1'), G: S.num('0') }), (S, t) => ({ den: S.num('1'), A: S.num('0'), G: S.mul(S.num('2'), t) })])
    const targets = [new D('0.5'), new D('1.75')]
    const r = taylorSolve(D, sys, [new D(1), new D(0)], targets, { digits: 60, t0: new D('0.25') })
    targets.forEach((t, i) => {
      expectClose(r.values[i][0], t.minus('0.25').exp(), 60, `exp(${t} - 0.25)`)
      expectClose(r.values[i][1], t.pow(2).minus('0.0625'), 60, `${t}² - 1/16`)
    })
  })

  describe('regular singular point at t = 1 (den vanishes there, the solution is analytic)', () => {
    const D = Decimal.clone({ precision: 70 })
    it("(1 - t) X' = -X gives X = 1 - t, exactly 0 at t = 1", () => {
      // (1 - t)(-1) = -(1 - t)
      const sys = system(D, [(S, t) => ({ den: S.sub(S.num('1'), t), A: S.num('-1'), G: S.num('0') })])
      const r = taylorSolve(D, sys, [new D(1)], [new D('0.5'), new D(1)], { digits: 60 })
      expectClose(r.values[0][0], new D('0.5'), 60, 'X(0.5)')
      expectClose(r.values[1][0], new D(0), 60, 'X(1)')
    })
    it("(1 - t) X' = -2X + (1 - t)·q with polynomial and full-series solutions", () => {
      // X = 1 - t²: (1 - t)(-2t) = -2(1 - t²) + 2(1 - t)                       (q = 2)
      // X = (1 - t) cos t: (1 - t)(-cos t - (1 - t) sin t)
      //                    = -2(1 - t) cos t + (1 - t)(cos t - (1 - t) sin t)   (q = cos t - (1 - t) sin t)
      const sys = system(D, [
        (S, t) => ({ den: S.sub(S.num('1'), t), A: S.num('-2'), G: S.mul(S.sub(S.num('1'), t), S.num('2')) }),
        (S, t) => {
          const u = S.sub(S.num('1'), t)
          return { den: u, A: S.num('-2'), G: S.mul(u, S.sub(S.cos(t), S.mul(u, S.sin(t)))) }
        },
      ])
      const targets = ['0.25', '0.5', '0.75', '1'].map((x) => new D(x))
      const r = taylorSolve(D, sys, [new D(1), new D(1)], targets, { digits: 60 })
      targets.forEach((t, i) => {
        expectClose(r.values[i][0], new D(1).minus(t.pow(2)), 60, `1 - ${t}²`)
        expectClose(r.values[i][1], new D(1).minus(t).times(t.cos()), 60, `(1 - ${t}) cos ${t}`)
      })
      expect(r.values[3][0].abs().lt('1e-65')).toBe(true)
    })
    it("cos(πt/2) X' = -(π/2) sin(πt/2) X gives X = cos(πt/2), 0 at t = 1 (den a full series)", () => {
      // every solution is C cos(πt/2), analytic at t = 1
      const sys = system(D, [
        (S, t) => {
          const a = S.mul(S.div(S.pi(), S.num('2')), t)
          return { den: S.cos(a), A: S.neg(S.mul(S.div(S.pi(), S.num('2')), S.sin(a))), G: S.num('0') }
        },
      ])
      const targets = [new D('0.9'), new D(1)]
      const r = taylorSolve(D, sys, [new D(1)], targets, { digits: 60 })
      expectClose(r.values[0][0], D.acos(-1).times('0.45').cos(), 60, 'cos(0.45π)')
      expectClose(r.values[1][0], new D(0), 60, 'cos(π/2)')
    })
    it('a step may not start where den vanishes', () => {
      const sys = system(D, [(S, t) => ({ den: S.sub(S.num('1'), t), A: S.num('-1'), G: S.num('0') })])
      expect(() => taylorSolve(D, sys, [new D(1)], [new D(1), new D('1.5')], { digits: 30 })).toThrow(/den vanishes/)
    })
  })

  it('refuses descending targets and a state count that does not match x0', () => {
    const D = Decimal.clone({ precision: 40 })
    const sys = system(D, [(S) => ({ den: S.num('1'), A: S.num('1'), G: S.num('0') })])
    expect(() => taylorSolve(D, sys, [new D(1)], [new D(1), new D('0.5')], { digits: 30 })).toThrow(/ascending/)
    expect(() => taylorSolve(D, sys, [new D(1), new D(2)], [new D(1)], { digits: 30 })).toThrow(/states/)
  })
})
