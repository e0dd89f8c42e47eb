// The acceptance of the high-precision driver (src/theory/hp.ts, verified() and agree()) against
// its rules in docs/cli.md ("--digits"): values are printed only when the two routes agree on at
// least D + 2 digits; otherwise the working precision grows by the shortfall and both routes are
// recomputed, up to four times, then the call fails; `digits_verified` is the least agreement over
// the printed values; every value has exactly D significant digits and `t` is as given.
// The routes are made to disagree by test doubles of the integrators (one route each: the Taylor
// series is route 1 of `stats`, tanh-sinh quadrature route 2): the guard digits are chosen so
// that no cheap input makes the real routes disagree or fail, and the disagreement a double
// injects is known exactly, which is what the rules are stated in. Reference values are the
// closed forms derived by hand (test/theory/by-hand.ts) at 130 digits, on the linear schedule
// inside (0, 1) and on any schedule at t = 1 (alpha = 0, beta = 1).
import { Decimal } from 'decimal.js'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { agree, daeHp, statsHp } from '../../../src/theory/hp.js'
import { flowProblem, type ProblemOptions } from '../../../src/theory/problem.js'
import { daeByHand, statsByHand, X, type Dec, type Params } from '../by-hand.js'

type State = [Decimal, Decimal, Decimal]
/** What the doubles do: route 1 alters its states (M, Q_xi, P) on its next `calls` runs; quadrature throws on its next `calls`. */
const fault = vi.hoisted(() => ({ taylor: { alter: (x: State): State => x, calls: 0 }, quadrature: { message: '', calls: 0 } }))

vi.mock('../../../src/hp/taylor.js', async (original) => {
  const real = await original<typeof import('../../../src/hp/taylor.js')>()
  return {
    ...real,
    taylorSolve: (...args: Parameters<typeof real.taylorSolve>) => {
      const result = real.taylorSolve(...args)
      if (fault.taylor.calls <= 0) return result
      fault.taylor.calls--
      return { ...result, values: result.values.map((x) => fault.taylor.alter(x as State)) }
    },
  }
})

vi.mock('../../../src/hp/tanhsinh.js', async (original) => {
  const real = await original<typeof import('../../../src/hp/tanhsinh.js')>()
  return {
    ...real,
    tanhSinh: (...args: Parameters<typeof real.tanhSinh>) => {
      if (fault.quadrature.calls > 0) {
        fault.quadrature.calls--
        throw new Error(fault.quadrature.message)
      }
      return real.tanhSinh(...args)
    },
  }
})

afterEach(() => {
  fault.taylor.calls = 0
  fault.quadrature.calls = 0
})

const BASE: Params = { n: '8', sigma: '1.5', lambda: '0.1', omega: '1' }
const problemOf = (schedule: ProblemOptions['schedule'], skip = true) => flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, omega: 1, schedule, skip, text: BASE, highPrecision: true })
const linear = (t: string): [Dec, Dec] => [new X(1).minus(t), new X(t)]
/** Route 1's P off by `rel` relative (computed at the route's precision). */
const offP =
  (rel: string) =>
  ([M, Q, P]: State): State => [M, Q, P.plus(P.times(rel))]

/** D digits asked; the first working precision is D + 10 guard digits + ceil(log10 n) = D + 11 at n = 8. */
const D = 20
const FIRST = D + 10 + 1

/**
 * Keys whose printed value is off the reference by more than one unit of its D-th digit, or that
 * carries more than D significant digits. A value verified to D + 2 digits and rounded to D is off
 * by at most half a unit (the rounding) plus a hundredth (the digits verified): one unit is twice that.
 */
function wrong(row: Readonly<Record<string, Decimal>>, ref: Record<string, Dec>, digits: number): string[] {
  return Object.entries(ref)
    .filter(([k, v]) => {
      const x = row[k]
      if (v.isZero()) return !x.isZero()
      const unit = new X(10).pow(
        v
          .abs()
          .log(10)
          .floor()
          .minus(digits - 1),
      )
      return x.sd(true) > digits || new X(x).minus(v).abs().gt(unit)
    })
    .map(([k, v]) => `${k}: ${row[k].toString()} vs ${v.toSignificantDigits(digits + 3).toString()}`)
}

describe('verified(): a disagreement of the routes is never printed', () => {
  it('route 1 wrong in its 19th digit on the first attempt: recomputed, every printed digit right', () => {
    // P off by 10^-18.5 relative agrees on 18 = D - 2 digits with route 2: short of D + 2, so both
    // routes are recomputed at more digits, where the double is out of the way.
    fault.taylor = { alter: offP('3.16e-19'), calls: 1 }
    const r = statsHp(problemOf('linear'), ['0.5'], { digits: D })
    expect(fault.taylor.calls).toBe(0)
    expect(wrong(r.rows[0], statsByHand(BASE, linear('0.5'), true), D)).toEqual([])
    expect(r.digitsVerified).toBeGreaterThanOrEqual(D + 2)
  })

  it("digits_verified is the routes' agreement: P off by 10^-24.5 gives 24 = D + 4, not the working precision", () => {
    // The double is the largest disagreement: the real routes agree on 30 of the 31 working digits
    // here. P = 0.903 at t = 0.5 off by 1e-25: kl_reverse = (s - 1 - log s + mse/P^2)/2 with
    // s = sigma^2/P^2 moves by about 4.1e-25 relative (24.4 digits, the most sensitive key: d s/dP =
    // -2 sigma^2/P^3), var = P^2 by 2.2e-25 (24.7); the other keys by less.
    fault.taylor = { alter: offP('1e-25'), calls: Infinity }
    const r = statsHp(problemOf('linear'), ['0.5'], { digits: D })
    expect(r.digitsVerified).toBe(D + 4)
    expect(r.precision).toBe(FIRST)
    expect(wrong(r.rows[0], statsByHand(BASE, linear('0.5'), true), D)).toEqual([])
  })

  it('an agreement of exactly D + 2 digits is enough (no recomputation)', () => {
    // kl_reverse off by 4.1e-23 relative (22.4 digits), var by 2.2e-23 (22.7).
    fault.taylor = { alter: offP('1e-23'), calls: Infinity }
    const r = statsHp(problemOf('linear'), ['0.5'], { digits: D })
    expect(r.digitsVerified).toBe(D + 2)
    expect(r.precision).toBe(FIRST)
  })

  it('routes that never agree: after four attempts the error names the agreement and the precision reached', () => {
    // Agreement 18 each time: the precision grows by the shortfall D + 2 - 18 plus the 10 guard
    // digits, 14, after each of the four attempts: 31 + 4 x 14 = 87.
    // kl_reverse off by 4.1e-19 relative, var by 2.2e-19: 18 digits.
    fault.taylor = { alter: offP('1e-19'), calls: Infinity }
    expect(() => statsHp(problemOf('linear'), ['0.5'], { digits: D })).toThrow(
      new Error(`high precision: the two routes agree on only ${D - 2} digits at ${FIRST + 4 * 14} digits of working precision`),
    )
  })

  it('a route that throws is retried with more digits, and its message is kept if it never succeeds', () => {
    const message = 'tanhSinh: no convergence (test double)'
    fault.quadrature = { message, calls: 1 }
    const r = statsHp(problemOf('linear'), ['0.5'], { digits: D })
    expect(wrong(r.rows[0], statsByHand(BASE, linear('0.5'), true), D)).toEqual([])
    expect(r.digitsVerified).toBeGreaterThanOrEqual(D + 2)
    // Each failure adds max(10 guard digits, D) = 20: 31 + 4 x 20 = 111; agreement 0 (not compared).
    fault.quadrature = { message, calls: Infinity }
    expect(() => statsHp(problemOf('linear'), ['0.5'], { digits: D })).toThrow(
      new Error(`high precision: the two routes agree on only 0 digits at ${FIRST + 4 * 20} digits of working precision: ${message}`),
    )
  })
})

describe('verified(): what is printed', () => {
  it('t as given (not rounded to D digits), every value with D significant digits (dae near t = 1)', () => {
    // 1 - 1e-30 and 0.123456789012345678901234 have more than D = 20 significant digits.
    const ts = [`0.${'9'.repeat(30)}`, '0.123456789012345678901234']
    const r = daeHp(problemOf('linear'), ts, { digits: D })
    ts.forEach((t, i) => {
      expect(r.rows[i].t.eq(t)).toBe(true)
      expect(wrong(r.rows[i], daeByHand(BASE, linear(t)), D)).toEqual([])
    })
  })

  it('cos^2(pi t/2), sin(pi t/2) without skip connection at t = 1: P = alpha(1) = 0 exactly, though one route leaves rounding noise', () => {
    // At t = 1 one route finds P = 0 exactly, the other rounding noise of the working precision
    // (cos(pi/2) in decimal arithmetic): at the ends of [0, 1] agree() takes such a pair for agreement
    // and the exact zero is printed. Closed form without skip connection: P = alpha, M = n beta/(n + lambda).
    const r = statsHp(problemOf({ alpha: 'cos(pi*t/2)^2', beta: 'sin(pi*t/2)' }, false), ['1'], { digits: 10 })
    expect(wrong(r.rows[0], statsByHand(BASE, [new X(0), new X(1)], false), 10)).toEqual([])
    expect(r.rows[0].P.isZero()).toBe(true)
    expect(r.digitsVerified).toBeGreaterThanOrEqual(12)
  })

  it('inside (0, 1) a zero against a tiny value is a disagreement: Q_xi ~ 1e-41 at t = 1e-20 lost by route 1 is recomputed', () => {
    // Q_xi = (alpha - P)/(n + lambda) ~ -t^2 Lambda/(2 K (n + lambda)) ~ 1e-41, below 10^-(31 - 8):
    // a route that loses every digit of it (as exp(1e-14) - 1 does at 14 digits) returns 0, which
    // only at the ends of [0, 1] would count as agreeing. The other route has it right.
    fault.taylor = { alter: ([M, , P]) => [M, new Decimal(0), P], calls: 1 }
    const r = statsHp(problemOf('linear'), ['1e-20'], { digits: D })
    expect(wrong(r.rows[0], statsByHand(BASE, linear('1e-20'), true), D)).toEqual([])
    expect(r.rows[0].Q_xi.isZero()).toBe(false)
  })
})

describe('agree(): significant digits on which two values agree', () => {
  const d = (x: string) => new Decimal(x)
  it.each([
    // |x - y| / max(|x|, |y|) = 0.11 / 1.11 = 0.099 < 10^-1: one digit (relative to the smaller, 0.11, none).
    { x: '1', y: '1.11', precision: 30, noise: undefined, digits: 1 },
    { x: '1.11', y: '1', precision: 30, noise: undefined, digits: 1 },
    { x: '2', y: '2', precision: 30, noise: undefined, digits: 30 },
    // A zero against a value below 10^-(precision - 8) counts as agreeing where noise is allowed
    // (the default): 1e-25 < 1e-22; 1e-21 is not below it, and neither is anything at noise = false.
    { x: '0', y: '1e-25', precision: 30, noise: undefined, digits: 30 },
    { x: '1e-25', y: '0', precision: 30, noise: true, digits: 30 },
    { x: '0', y: '1e-21', precision: 30, noise: true, digits: 0 },
    { x: '0', y: '1', precision: 30, noise: true, digits: 0 },
    { x: '0', y: '1e-25', precision: 30, noise: false, digits: 0 },
    // Two nonzero tiny values are compared by their digits: 1e-30 and 2e-30 agree on none.
    { x: '1e-30', y: '2e-30', precision: 30, noise: true, digits: 0 },
    // Not finite: no digits, even against itself.
    { x: 'NaN', y: '1', precision: 30, noise: undefined, digits: 0 },
    { x: '1', y: 'Infinity', precision: 30, noise: undefined, digits: 0 },
    { x: 'Infinity', y: 'Infinity', precision: 30, noise: undefined, digits: 0 },
  ])('agree($x, $y, $precision, noise $noise) = $digits', ({ x, y, precision, noise, digits }) => {
    expect(agree(d(x), d(y), precision, noise)).toBe(digits)
  })
})
