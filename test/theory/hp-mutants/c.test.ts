// High precision (src/theory/hp.ts) where its inputs are awkward: a schedule that cancels, the
// ends of [0, 1], times out of order, the regular singular point t = 1 without skip connection.
// Every expected value is a closed form of docs/theory.md (test/theory/by-hand.ts, evaluated by
// decimal.js at 130 digits, or at 600 where the schedule itself needs them) or a refusal written
// from the rules of docs/cli.md ("Accuracy in double precision": high precision raises its digits
// until alpha and beta are known at every t it prints, within its time limit, else refuses naming
// --alpha or --beta). Few digits (D = 20) and mostly the linear schedule keep the file fast.
import { Decimal } from 'decimal.js'
import { describe, expect, it } from 'vitest'
import { ParameterError } from '../../../src/errors.js'
import { daeHp, statsHp, type HpResult } from '../../../src/theory/hp.js'
import { flowProblem, type ProblemOptions } from '../../../src/theory/problem.js'
import { daeByHand, statsByHand, X, type Dec, type Params } from '../by-hand.js'
import { hpSeconds } from '../../../src/limits.js'

const BASE: Params = { n: '8', sigma: '1.5', lambda: '0.1', omega: '1' }
const D = 20

const problemOf = (schedule: ProblemOptions['schedule'], skip = true) => flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, omega: 1, schedule, skip, text: BASE, highPrecision: true })

/**
 * Keys of a row further from the reference than one unit of its D-th significant digit: the
 * value is the routes' (agreeing to D + 2 digits) rounded to D digits, at most half a unit off
 * plus 1e-2 of a unit. A zero reference (an exact value of the closed form) requires an exact 0.
 */
function wrong(row: Readonly<Record<string, Decimal>>, refs: Record<string, Dec>): string[] {
  const off = ([k, ref]: [string, Dec]) =>
    ref.isZero()
      ? !row[k].isZero()
      : !new X(row[k])
          .minus(ref)
          .abs()
          .lte(ref.abs().times(new X(10).pow(1 - D)))
  return Object.entries(refs)
    .filter(off)
    .map(([k, ref]) => `${k}: ${row[k]} vs ${ref.toSignificantDigits(D + 3)}`)
}

/** Every row against the hand-derived values at its (alpha, beta). */
const wrongRows = (r: HpResult, refs: (i: number) => Record<string, Dec>) => r.rows.flatMap((row, i) => wrong(row, refs(i)).map((s) => `t = ${row.t}: ${s}`))

const linear = (t: string): [Dec, Dec] => [new X(1).minus(t), new X(t)]

describe("the ends of [0, 1] take the definition's values (docs/theory.md: alpha(0) = beta(1) = 1, alpha(1) = beta(0) = 0)", () => {
  // The schedule conditions accept ends within 1e-12 (src/symbolic/schedule.ts); this schedule is
  // 1e-13 off at both, so a row that used the expression instead of the definition there shows
  // it: c(0) = beta Lambda / D would be 1e-13 Lambda / K, m(1) = n alpha^2 K / ((n + lambda) D) 1e-26.
  const offEnds = problemOf({ alpha: '1 - t + 1e-13 * t', beta: 't + 1e-13 * (1 - t)' })

  it('dae at t = 0 and t = 1 is Result A at (1, 0) and (0, 1): c = 0, q_xi = 0 exactly at 0; c = 1, m = q_xi = 0 exactly at 1', () => {
    const r = daeHp(offEnds, ['0', '1'], { digits: D })
    expect(r.rows.map((row) => row.t.toString())).toEqual(['0', '1'])
    const at = (i: number): [Dec, Dec] => (i === 0 ? [new X(1), new X(0)] : [new X(0), new X(1)])
    expect(wrongRows(r, (i) => daeByHand(BASE, at(i)))).toEqual([])
  })

  it("dae's w_cos at the ends: at t = 0 (q_xi = 0, w along mu_emp) cos(mu_emp, mu) = sqrt(omega / (omega + sigma^2/n)); at t = 1 its limit 0", () => {
    // w_cos = m omega / sqrt(omega w_norm2) with w_norm2 = m^2 (omega + sigma^2/n) + n q_xi^2
    // (docs/theory.md section 3): at t = 0, q_xi = 0 and m > 0 give sqrt(8/10.25); at t = 1 the
    // definition is 0/0 and the limit along the flow is 0 (q_xi ~ alpha dominates m ~ alpha^2).
    // The limit's branch is taken only where m and q_xi both vanish: at t = 0 it would read the
    // end direction's w_cos, 0.
    const r = daeHp(problemOf('linear'), ['0', '1'], { digits: D })
    expect(wrong(r.rows[0], { w_cos: new X(8).div('10.25').sqrt() })).toEqual([])
    expect(r.rows[1].w_cos.isZero()).toBe(true)
  })

  it('stats at t = 0: the state (0, 0, 1), and cos takes its limit sqrt(n omega / (n omega + sigma^2)) (M ~ n t/(n+lambda), Q_xi = O(t^2))', () => {
    // cos = M omega / sqrt(omega (M^2 (omega + sigma^2/n) + n Q_xi^2)) is 0/0 at t = 0; its limit
    // along the flow is sqrt(omega / (omega + sigma^2/n)) = sqrt(8/10.25). The rest is statsByHand at (1, 0).
    const r = statsHp(problemOf('linear'), ['0'], { digits: D })
    const ref = { ...statsByHand(BASE, [new X(1), new X(0)], true), cos: new X(8).div('10.25').sqrt() }
    expect(wrong(r.rows[0], ref)).toEqual([])
  })
})

describe('times given out of order', () => {
  it('stats at t = 0.75, 0.25 (in that order): each row is the closed form at its own t', () => {
    const ts = ['0.75', '0.25']
    const r = statsHp(problemOf('linear'), ts, { digits: D })
    expect(r.rows.map((row) => row.t.toString())).toEqual(ts)
    expect(wrongRows(r, (i) => statsByHand(BASE, linear(ts[i]), true))).toEqual([])
  })
})

describe('the regular singular point t = 1 without skip connection (P = alpha, M = n beta/(n+lambda), Q_xi = 0)', () => {
  it('trig at t = 1, where cos(pi/2) leaves rounding noise in decimal: P = 0, Q_xi = 0 exactly, M = 80/81', () => {
    const r = statsHp(problemOf('trig', false), ['1'], { digits: D })
    expect(wrong(r.rows[0], statsByHand(BASE, [new X(0), new X(1)], false))).toEqual([])
  })

  it('linear at t = 1 - 1e-40: P = alpha = 1e-40 with all its digits', () => {
    const t = `0.${'9'.repeat(40)}`
    const r = statsHp(problemOf('linear', false), [t], { digits: D })
    expect(wrong(r.rows[0], statsByHand(BASE, linear(t), false))).toEqual([])
  })

  it('alpha = (1 - t)^9: A vanishes to order 8 at t = 1, beyond the 8 Taylor coefficients the limit reads: an error saying so', () => {
    // Working digits: D + 10 guard + ceil(log10 n) = 31, raised by max(10, D) = 20 after each of
    // the 4 failed attempts (src/theory/hp.ts's header: the guard grows).
    expect(() => statsHp(problemOf({ alpha: '(1 - t)^9', beta: 't' }, false), ['1'], { digits: D })).toThrow(
      new Error('high precision: the two routes agree on only 0 digits at 111 digits of working precision: singular limit: A vanishes to high order at t = 1'),
    )
  })
})

/** The refusal of a schedule not known to D + 2 digits at t within the first 31 working digits (D + 10 + ceil(log10 n)). */
function refusal(flag: 'alpha' | 'beta', t: string): RegExp {
  const escaped = t.replace('.', '\\.')
  return new RegExp(
    `^${flag}: ${flag} cannot be evaluated to ${D} digits at t = ${escaped} within 31 digits of working precision \\(the expression cancels\\), and 62 digits would take about [^;]+; write it without the cancellation, or set digits explicitly$`,
  )
}

/** The ParameterError thrown by f: its flag and message. */
function refused(f: () => unknown): { flag: string; message: string } {
  try {
    f()
  } catch (e) {
    if (e instanceof ParameterError) return { flag: e.parameter, message: e.message }
    throw e
  }
  throw new Error('not refused')
}

describe('a schedule expression that cancels: known to D + 2 digits before it is used, or refused', () => {
  // maxSeconds = 1e-9 stands in for the hour the digits may cost: any doubling is refused at once,
  // so a refusal shows that the first working precision was found insufficient (the real path would
  // double the digits and compute, which the plateau test below checks).
  const instantly = { digits: D, maxSeconds: 1e-9 }
  // (1e5 + t) - 1e5 is t, but at P working digits 1e5 + t keeps t only to 10^-(P-6): at
  // t = 3.33...e-k (60 threes) beta has P - 6 - (k - 1) - 1 = P - 5 - k significant digits right
  // (the error 3.3...e-(P-5) over t, a ratio just below 10^-(P-5-k)). At P = 31: k = 4 leaves 22 =
  // D + 2 digits, enough; k = 5 leaves 21. Both orders are checked: decimal.js rounds a sum at its
  // left operand's precision, and hp.ts's reference at twice the digits once got t at the working
  // precision, so t + 1e5 was rounded alike in both and its loss went unseen (the routes, each
  // with its own t, still disagreed and raised the digits: the time limit was bypassed).
  const threes = (k: number) => `0.${'0'.repeat(k - 1)}${'3'.repeat(60)}`
  describe.each(['(1e5 + t) - 1e5', '(t + 1e5) - 1e5'])('beta = %s', (beta) => {
    const cancellingBeta = problemOf({ alpha: '1 - t', beta })

    it('at t = 3.3e-4 it keeps exactly D + 2 digits at the first precision: computed, and equal to the linear schedule', () => {
      const t = threes(4)
      const r = daeHp(cancellingBeta, [t], instantly)
      expect(wrong(r.rows[0], daeByHand(BASE, linear(t)))).toEqual([])
    })

    it('at t = 3.3e-5 it keeps D + 1: refused naming --beta and the t', () => {
      const t = threes(5)
      const e = refused(() => daeHp(cancellingBeta, [t], instantly))
      expect(e.flag).toBe('beta')
      expect(e.message).toMatch(refusal('beta', t))
    })
  })

  it('the time limit is inclusive: with maxSeconds equal to the estimate for doubling the digits, they are doubled and the row computed', () => {
    // At t = 3.3e-5, beta keeps D + 1 digits at the first 31 working digits (above) and all of them
    // at 62; the estimate is the one hp.ts makes for 62 digits (src/limits.ts hpSeconds).
    const t = threes(5)
    const atLimit = { digits: D, maxSeconds: hpSeconds({ command: 'dae', digits: 62, n: 8, transcendental: false, times: 1 }) }
    const r = daeHp(problemOf({ alpha: '1 - t', beta: '(1e5 + t) - 1e5' }), [t], atLimit)
    expect(wrong(r.rows[0], daeByHand(BASE, linear(t)))).toEqual([])
  })

  it("the working digits double up to 4000 for a schedule's values: beta = (1e5 + t) - 1e5 at t = 3.3e-3500 is known at 4000 and the row computed there", () => {
    // D = 989 starts at 989 + 10 + 1 = 1000 working digits. t has 60 significant digits, down to
    // 10^-3559: 1e5 + t keeps them all from 3565 working digits on (5 + 3559 + 1), so beta is 0 at
    // 1000 and 2000 digits, exact at 4000, the largest precision whose double (8000, where the
    // reference is evaluated) a schedule's values may take. Reference: Result A by hand at 1100 digits.
    const t = threes(3500)
    const r = daeHp(problemOf({ alpha: '1 - t', beta: '(1e5 + t) - 1e5' }), [t], { digits: 989, maxSeconds: Infinity })
    expect(r.precision).toBe(4000)
    const R = Decimal.clone({ precision: 1100 })
    const ref = daeByHand(BASE, [new R(1).minus(t), new R(t)], R)
    const off = (['c', 'm', 'q_xi', 'test_mse'] as const).filter(
      (k) =>
        !new R(r.rows[0][k])
          .minus(ref[k])
          .abs()
          .lte(ref[k].abs().times(new R(10).pow(1 - 989))),
    )
    expect(off).toEqual([])
  })

  it('alpha = (1e5 + (1 - t)) - 1e5 at 1 - t = 3.3e-5 (beta = t exact): refused naming --alpha', () => {
    const gap = new X(threes(5))
    const t = new X(1).minus(gap).toString()
    const e = refused(() => daeHp(problemOf({ alpha: '(1e5 + (1 - t)) - 1e5', beta: 't' }), [t], instantly))
    expect(e.flag).toBe('alpha')
    expect(e.message).toMatch(refusal('alpha', t))
  })

  // The tanh plateau (test/reliability/digits-schedule.test.ts): beta = 1/2 + tanh(k (t - 1/2)) /
  // (2 tanh(k/2)) ~ e^(-2k (1/2 - t)) = e^-300 at k = 500, t = 0.2, an exact 0 at 31 and at 62
  // digits alike: two routes that share it would agree on c = 0.
  const k = 500
  const plateau = problemOf({ alpha: `0.5-tanh(${k}*(t-0.5))/(2*tanh(${k / 2}))`, beta: `0.5+tanh(${k}*(t-0.5))/(2*tanh(${k / 2}))` })
  const R = Decimal.clone({ precision: 600 })
  const plateauAt = (t: string): [Dec, Dec] => {
    const s = new R(k)
      .times(new R(t).minus(0.5))
      .tanh()
      .div(new R(k / 2).tanh().times(2))
    return [new R(0.5).minus(s), new R(0.5).plus(s)]
  }

  it('the plateau at t = 0.2 (beta = 0 at 31 and 62 digits): refused at the first precision when the digits may not be raised', () => {
    const e = refused(() => daeHp(plateau, ['0.2'], instantly))
    expect(e.flag).toBe('beta')
    expect(e.message).toMatch(refusal('beta', '0.2'))
  })

  it('the plateau at t = 0.2 with the default time limit: every digit of c ~ 1e-130 and q_xi right (reference at 600 digits)', () => {
    const r = daeHp(plateau, ['0.2'], { digits: D })
    expect(wrong(r.rows[0], daeByHand(BASE, plateauAt('0.2'), R))).toEqual([])
  })
})
