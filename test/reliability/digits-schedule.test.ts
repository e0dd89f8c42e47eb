// Issue 15, class 3: a schedule expression that cancels. Inside (0, 1) alpha and beta are positive
// (beta/alpha increases from 0 to infinity, docs/theory.md), but an expression can lose every
// digit of them: 0.5 + tanh(k (t - 0.5)) / (2 tanh(k/2)) on its plateau is about e^(-k), and
// tanh saturates to -1 in double and at 40 or 52 decimal digits alike, so both precision routes
// saw beta = 0 and printed c = m's partner q_xi = 0 with "30 digits verified". Double precision
// now bounds the error of alpha, beta at the row's t (an interval enclosure of the expression, or
// a decimal evaluation at two precisions near the ends) and sends rows it cannot trust to high
// precision, which doubles its digits until the schedule itself is known.
//
// The reference: Result A by hand (test/theory/by-hand.ts) with alpha, beta evaluated from their
// definitions by decimal.js at 600 digits, far beyond the e^(-700) of the steepest case.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireBuild } from '../cli/run.js'
import { Runner } from '../fuzz/harness.js'
import { Decimal } from '../../src/hp/arith.js'
import { daeByHand, type Dec } from '../theory/by-hand.js'

const R = Decimal.clone({ precision: 600 })
const P = { n: '8', sigma: '1.5', lambda: '0.1', omega: '1' }

/** The plateau schedule of steepness k: alpha = 1/2 - tanh(k (t - 1/2)) / (2 tanh(k/2)), beta = 1 - alpha. */
const plateau = (k: number) => ({
  alpha: `0.5-tanh(${k}*(t-0.5))/(2*tanh(${k / 2}))`,
  beta: `0.5+tanh(${k}*(t-0.5))/(2*tanh(${k / 2}))`,
  at: (t: string): [Dec, Dec] => {
    const s = new R(k)
      .times(new R(t).minus(0.5))
      .tanh()
      .div(new R(k / 2).tanh().times(2))
    return [new R(0.5).minus(s), new R(0.5).plus(s)]
  },
})

let runner: Runner
beforeAll(() => {
  requireBuild()
  runner = new Runner()
})
afterAll(() => runner.close())

/** flowgm dae at one t as JSON: the row, and stderr. */
async function dae(argv: readonly string[]): Promise<{ code: number; row: Record<string, number | string>; stderr: string }> {
  const o = await runner.run(['dae', ...argv, '--json'])
  return { code: o.code, row: o.code === 0 ? JSON.parse(o.stdout) : {}, stderr: o.stderr }
}

/** Significant digits of x that agree with the nonzero reference (a value right within one unit of its D-th digit scores more than D - 1). */
const digitsOf = (x: number | string, ref: Dec) => -Math.log10(new R(x).minus(ref).abs().div(ref.abs()).toNumber())

describe('a schedule that cancels every digit on a plateau', () => {
  it('regression: beta = 0.5 + tanh(500 (t - 0.5))/(2 tanh 250) at t = 0.2 (c was printed as 0)', async () => {
    const s = plateau(500)
    const ref = daeByHand(P, s.at('0.2'), R)
    const r = await dae(['--t', '0.2', '--alpha', s.alpha, '--beta', s.beta])
    expect(r.code, r.stderr).toBe(0)
    for (const k of ['c', 'q_xi', 'm', 'test_mse'] as const) expect(digitsOf(r.row[k], ref[k]), k).toBeGreaterThan(11)
    expect(r.stderr).toMatch(/computed in high precision instead/)
  })
  it('regression: the same under --digits 20: every digit right, as digits_verified says', async () => {
    const s = plateau(500)
    const ref = daeByHand(P, s.at('0.2'), R)
    const r = await dae(['--t', '0.2', '--alpha', s.alpha, '--beta', s.beta, '--digits', '20'])
    expect(r.code, r.stderr).toBe(0)
    for (const k of ['c', 'q_xi'] as const) expect(digitsOf(r.row[k], ref[k]), k).toBeGreaterThan(19)
  })
  it('property: steepness 100 to 700, t on the plateau (beta down to e^-630): every printed digit right', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 100, max: 700 }), fc.integer({ min: 5, max: 40 }), async (k, hundredths) => {
        const t = String(hundredths / 100)
        const s = plateau(k)
        const ref = daeByHand(P, s.at(t), R)
        const r = await dae(['--t', t, '--alpha', s.alpha, '--beta', s.beta])
        expect(r.code, r.stderr).toBe(0)
        for (const key of ['c', 'q_xi'] as const) expect(digitsOf(r.row[key], ref[key]), `${key} at k = ${k}, t = ${t}`).toBeGreaterThan(11)
      }),
      { numRuns: 6, seed: 15 },
    )
  })
})

describe('a schedule that cancels some digits in double', () => {
  it('beta = (t + 1e5) - 1e5 (10 digits lost at t = 0.3): the row goes to high precision and equals the linear schedule', async () => {
    // (t + 1e5) - 1e5 is t exactly; in double it is 0.3000000000029104 (1e-11 off).
    const ref = daeByHand(P, [new R('0.7'), new R('0.3')], R)
    const r = await dae(['--t', '0.3', '--alpha', '1-t', '--beta', '(t+1e5)-1e5'])
    expect(r.code, r.stderr).toBe(0)
    for (const k of ['c', 'm', 'q_xi', 'w_norm2', 'test_mse'] as const) expect(digitsOf(r.row[k], ref[k]), k).toBeGreaterThan(11)
    expect(r.stderr).toMatch(/computed in high precision instead/)
  })
})

describe('a cancelling schedule whose digits would take too long', () => {
  it('stats on the plateau: refused at once naming --beta (it ran for over ten minutes), not printed as 0', async () => {
    // The flow at t = 0.2 needs beta ~ e^(-300) to 17 digits: over 200 working digits on a tanh
    // schedule, estimated at minutes (src/limits.ts), beyond the minute a double-precision row
    // may spend in high precision.
    const s = plateau(500)
    const start = performance.now()
    const o = await runner.run(['stats', '--t', '0.2', '--alpha', s.alpha, '--beta', s.beta])
    expect(o.stdout).toBe('')
    expect(o.stderr).toMatch(/^flowgm: --beta: beta cannot be evaluated to 17 digits at t = 0\.2 .* would take about .*; write it without the cancellation, or set digits explicitly\n$/)
    expect(o.code).toBe(2)
    expect(performance.now() - start).toBeLessThan(10_000)
  })
})
