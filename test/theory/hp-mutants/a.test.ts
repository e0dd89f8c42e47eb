// src/theory/hp.ts, the request check, excessMseHp and the refusals of a cancelling schedule,
// against references that do not come from hp.ts:
//  - the request's rules as docs/cli.md states them (--digits an integer in [1, 1000], --t in
//    [0, 1]; the API's `extra` an integer in [0, 400]), each refusal one exact message;
//  - Result A by hand (test/theory/by-hand.ts, docs/theory.md section 3) at 130 digits for
//    test_mse, oracle_mse and their difference;
//  - the plateau schedule alpha = 1/2 - tanh(k (t - 1/2)) / (2 tanh(k/2)), beta = 1 - alpha,
//    evaluated from its definition by decimal.js at 600 digits: on the plateau beta ~ e^(-2k(1/2 - t))
//    cancels every digit a working precision below that exponent carries.
import { describe, expect, it } from 'vitest'
import { Decimal } from '../../../src/hp/arith.js'
import { daeHp, excessMseHp, statsHp } from '../../../src/theory/hp.js'
import { flowProblem, type FlowProblem } from '../../../src/theory/problem.js'
import { hpSeconds, secondsText } from '../../../src/limits.js'
import { daeByHand, X, type Dec, type Params } from '../by-hand.js'

const BASE: Params = { n: '8', sigma: '1.5', lambda: '0.1', omega: '1' }

const linear = (p: Params = BASE): FlowProblem =>
  flowProblem({ n: Number(p.n), sigma: Number(p.sigma), lambda: Number(p.lambda), omega: Number(p.omega), schedule: 'linear', text: p, highPrecision: true })

/** |x - ref| in units of the `digits`-th significant digit of ref. */
function ulpsOff(x: Decimal, ref: Dec, digits: number): number {
  const exponent = ref.abs().log(10).floor().toNumber()
  return new X(x)
    .minus(ref)
    .abs()
    .div(new X(10).pow(exponent - digits + 1))
    .toNumber()
}

describe('the request: --digits, extra and --t are refused outside their ranges, with one message each', () => {
  const p = linear()
  const refusal = (ts: string[], options: { digits: number; extra?: number }) => {
    try {
      daeHp(p, ts, options)
    } catch (e) {
      return e instanceof RangeError ? e.message : `not a RangeError: ${String(e)}`
    }
    return 'accepted'
  }
  it('digits: an integer in [1, 1000] (docs/cli.md, --digits)', () => {
    for (const digits of [0, -3, 1.5, 1001, Number.NaN]) expect(refusal(['0.5'], { digits }), String(digits)).toBe(`digits must be an integer in [1, 1000] (got ${digits})`)
  })
  it('extra: an integer in [0, 400] (HpOptions.extra)', () => {
    for (const extra of [-1, 0.5, 401]) expect(refusal(['0.5'], { digits: 5, extra }), String(extra)).toBe(`extra must be an integer in [0, 400] (got ${extra})`)
  })
  it('t: a decimal in [0, 1] (docs/cli.md, --t)', () => {
    for (const t of ['-0.5', '1.5', 'abc', 'Infinity', 'NaN']) expect(refusal(['0.5', t], { digits: 5 }), t).toBe(`t must lie in [0, 1] (got '${t}')`)
  })
  it('the edges of each range are accepted and right: digits 1, extra 400, t = 0 and 1', () => {
    // c = beta Lambda / D by hand (docs/theory.md section 3); at digits 1 the value rounded to one
    // digit is within half a unit of that digit (plus the verified 1e-3 of a unit).
    const one = daeHp(p, ['0', '0.5', '1'], { digits: 1 })
    const half = daeByHand(BASE, [new X('0.5'), new X('0.5')])
    expect(ulpsOff(one.rows[1].c, half.c, 1)).toBeLessThanOrEqual(0.501)
    expect(one.rows[0].c.isZero()).toBe(true)
    // extra = 400: 401 digits, right to within half a unit of the 401st (X carries 130 digits:
    // compare the first 120).
    const wide = daeHp(p, ['0.5'], { digits: 1, extra: 400 })
    expect(wide.digitsVerified).toBeGreaterThanOrEqual(401)
    expect(ulpsOff(wide.rows[0].c, half.c, 120)).toBeLessThan(1e-6)
  })
})

describe('excessMseHp: test_mse - oracle_mse right to every digit asked, at any n', () => {
  // excess_mse ~ 1/n while test_mse ~ 1: the difference loses log10(test_mse / excess_mse) digits,
  // which the DAE must carry beyond `digits`. Reference: Result A by hand at 130 digits
  // (by-hand.ts), where n = 1e60 still leaves 70 digits of the difference.
  const digits = 20
  const at = (n: string, t: string) => {
    const p = { ...BASE, n }
    const ref = daeByHand(p, [new X(1).minus(t), new X(t)])
    return { problem: linear(p), ref, excess: ref.test_mse.minus(ref.oracle_mse) }
  }
  it('n = 8 to 1e60, t = 0.5 and 0.9: test_mse, oracle_mse and excess_mse within rounding of the closed form', () => {
    // Each value is rounded to `digits` digits from values verified to digits + 2: at most half a
    // unit of the last digit plus 1e-2 of a unit.
    for (const n of ['8', '1e3', '1e6', '1e60']) {
      for (const t of ['0.5', '0.9']) {
        const { problem, ref, excess } = at(n, t)
        const r = excessMseHp(problem, t, digits)
        expect(ulpsOff(r.test_mse, ref.test_mse, digits), `test_mse, n = ${n}, t = ${t}`).toBeLessThanOrEqual(0.51)
        expect(ulpsOff(r.oracle_mse, ref.oracle_mse, digits), `oracle_mse, n = ${n}, t = ${t}`).toBeLessThanOrEqual(0.51)
        expect(ulpsOff(r.excess_mse, excess, digits), `excess_mse, n = ${n}, t = ${t}`).toBeLessThanOrEqual(0.51)
        expect(r.digitsVerified, `n = ${n}, t = ${t}`).toBeGreaterThanOrEqual(digits)
      }
    }
  })
  it("digitsVerified is the DAE's agreement less the digits the difference cancels", () => {
    // lost = ceil(log10(test_mse / excess_mse)) from the closed form; the DAE carried lost + 2 extra
    // digits (the least that keeps `digits` + 2 of the difference).
    for (const n of ['8', '1e3', '1e6']) {
      const { problem, ref, excess } = at(n, '0.5')
      const lost = ref.test_mse.div(excess).log(10).ceil().toNumber()
      const dae = daeHp(problem, ['0.5'], { digits, extra: lost + 2 })
      expect(excessMseHp(problem, '0.5', digits).digitsVerified, `n = ${n}`).toBe(dae.digitsVerified - lost)
    }
  })
})

describe('a schedule that cancels: more working digits until it is known, or one refusal naming the flag', () => {
  const R = Decimal.clone({ precision: 600 })
  const plateau = (k: number, p: Params = BASE, skip = true) => ({
    problem: flowProblem({
      n: Number(p.n),
      sigma: Number(p.sigma),
      lambda: Number(p.lambda),
      omega: Number(p.omega),
      skip,
      text: p,
      highPrecision: true,
      schedule: { alpha: `0.5-tanh(${k}*(t-0.5))/(2*tanh(${k / 2}))`, beta: `0.5+tanh(${k}*(t-0.5))/(2*tanh(${k / 2}))` },
    }),
    at: (t: string): [Dec, Dec] => {
      const s = new R(k)
        .times(new R(t).minus(0.5))
        .tanh()
        .div(new R(k / 2).tanh().times(2))
      return [new R(0.5).minus(s), new R(0.5).plus(s)]
    },
  })
  // The first working precision is digits + 10 guard digits + ceil(log10 n) (the header of
  // verified() in hp.ts); each unknown schedule doubles it.
  const rule = (flag: string, digits: number, t: string, precision: number, command: 'stats' | 'dae') =>
    `${flag}: ${flag} cannot be evaluated to ${digits} digits at t = ${t} within ${precision} digits of working precision (the expression cancels), and ${2 * precision} digits would take about ${secondsText(hpSeconds({ command, digits: 2 * precision, n: 8, transcendental: true, times: 1 }))}; write it without the cancellation`
  const message = (f: () => unknown) => {
    try {
      f()
    } catch (e) {
      return e instanceof Error ? `${e.name} ${e.message}` : String(e)
    }
    return 'answered'
  }

  it('k = 500 at t = 0.2 (beta ~ 1e-130): three doublings, then every digit right', () => {
    // beta vanishes at 31, 62 and 124 working digits and is known at 248; the doublings are not
    // attempts at agreement, which must still be available afterwards.
    const s = plateau(500)
    const r = daeHp(s.problem, ['0.2'], { digits: 20 })
    const ref = daeByHand(BASE, s.at('0.2'), R)
    expect(r.precision).toBeGreaterThanOrEqual(248)
    // Rounded to 20 digits from values verified to 22: half a unit plus 1e-2 of a unit.
    for (const k of ['c', 'm', 'q_xi', 'test_mse'] as const) expect(ulpsOff(r.rows[0][k], ref[k], 20), k).toBeLessThanOrEqual(0.51)
  })
  it('refused at once when the doubled digits would exceed the time allowed; the hint to use --digits only under a limit the caller set', () => {
    const s = plateau(500)
    expect(message(() => daeHp(s.problem, ['0.2'], { digits: 20, maxSeconds: 0 }))).toBe(`ParameterError ${rule('beta', 20, '0.2', 31, 'dae')}, or set digits explicitly`)
    // beta ~ e^(-630) at t = 0.05 for k = 700: unknown at 31 to 248 digits, and the flow at 496
    // digits is estimated beyond the default hour (src/limits.ts).
    expect(message(() => statsHp(plateau(700).problem, ['0.05'], { digits: 20 }))).toBe(`ParameterError ${rule('beta', 20, '0.05', 248, 'stats')}`)
  })
  it('refused once twice the working digits would pass 4000, whatever the time allowed', () => {
    // Without skip connection t = 1 - 1e-1000 adds 1000 guard digits (1 - t has 1000 leading
    // zeros): 2011 working digits at once. alpha ~ 200 e^(-100) (1 - t) there cancels 41
    // digits more than 1 - t, so it is unknown at 2011 digits, and 4022 is beyond the 4000 spent
    // on a schedule (SCHEDULE_PRECISION).
    const t = `0.${'9'.repeat(1000)}`
    const s = plateau(100, BASE, false)
    expect(message(() => statsHp(s.problem, [t], { digits: 1000, maxSeconds: Infinity }))).toBe(
      `ParameterError alpha: alpha cannot be evaluated to 1000 digits at t = ${t} within 2011 digits of working precision: the expression cancels (every digit is lost); write it without the cancellation`,
    )
  })
})
