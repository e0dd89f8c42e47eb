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
  return new X(x).minus(ref).abs().div(new X(10).pow(exponent - digits + 1)).toNumber()
}

describe('the request: --digits, extra and --t are refused outside their ranges, with one message each', () => {
  const p = linear()
  const refusal = (ts: string[], options: { digits: number; extra?: number }) => {
    try { daeHp(p, ts, options) } catch (e) { return e instanceof RangeError ? e.message : `not a RangeError: ${String(e)}` }
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
