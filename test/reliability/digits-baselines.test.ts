// Issue 15, class 3: the baselines print every digit right at any n. pca_mse was 2 omega (1 - cos),
// which cancels as cos -> 1 (large n). The reference for every value here is the ORIGINAL
// formulas of baselines.eq (the claims) evaluated by decimal.js at three times the digits checked
// plus log10(n): an independent route that the cancellation cannot reach.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { asymptoticBaselines, asymptoticBaselinesHp } from '../../src/baselines/asymptotic.js'
import { Decimal } from '../../src/hp/arith.js'
import { checkBaselineClaims, readModelEquations } from '../../src/symbolic/derive.js'
import { parseEquations, readEquationText } from '../../src/symbolic/eqfile.js'

/** The textbook formulas (docs/theory.md section 5), cancelling as written, at `digits` digits. */
function original(n: string, sigma: string, omega: string, digits: number) {
  const D = Decimal.clone({ precision: digits })
  const N = new D(n),
    s2 = new D(sigma).pow(2),
    w = new D(omega)
  const cos = N.times(w).div(N.times(w).plus(s2)).sqrt()
  return { bo_mse: w.times(s2).div(N.times(w).plus(s2)), bo_cos: cos, pca_cos: cos, pca_mse: w.times(2).times(new D(1).minus(cos)) }
}

/** Correct significant digits of x against a nonzero reference (not hp.ts's agree(), which accepts 0 for a tiny value). */
function correct(x: Decimal | number, ref: Decimal): number {
  const err = new Decimal(x).minus(ref).abs().div(ref.abs())
  return err.isZero() ? Infinity : Math.floor(-err.log(10).toNumber())
}

const KEYS = ['bo_mse', 'bo_cos', 'pca_mse', 'pca_cos'] as const
const extra = (n: string) => Math.ceil(Math.log10(Number(n)))

describe('the cancellation-free baselines', () => {
  it('equations/baselines.eq: each form equals its claimed definition, and a wrong one is refused', () => {
    expect(() => checkBaselineClaims(readModelEquations().baselines)).not.toThrow()
    const text = readEquationText('baselines.eq').replace('* (1 + pca_cos))', '* (2 + pca_cos))')
    expect(() => checkBaselineClaims(parseEquations(text, 'baselines.eq', ['n', 'sigma', 'omega']))).toThrow(/pca_mse/)
  })

  it('regression: pca_mse at n = 1e8 in double is right to 12 digits (it was right to 8)', () => {
    const ref = original('1e8', '1.5', '1', 60)
    const got = asymptoticBaselines(1e8, 1.5, 1)
    for (const k of KEYS) expect(correct(got[k], ref[k]), k).toBeGreaterThanOrEqual(12)
  })

  it('regression: pca_mse at n = 1e50 under 12 digits is 2.25e-50, not 0', () => {
    const D = Decimal.clone({ precision: 32 })
    const ref = original('1e50', '1.5', '1', 200)
    expect(correct(asymptoticBaselinesHp(D, '1e50', '1.5', '1').pca_mse, ref.pca_mse)).toBeGreaterThanOrEqual(28)
  })

  const params = fc.record({
    k: fc.double({ min: 0.3, max: 300, noNaN: true }),
    sigma: fc.double({ min: 0.01, max: 100, noNaN: true }),
    omega: fc.double({ min: 0.01, max: 100, noNaN: true }),
  })

  it('property: in double, every baseline agrees with the reference to 12 digits for n up to 2^53', () => {
    fc.assert(
      fc.property(params, ({ k, sigma, omega }) => {
        const n = Math.max(2, Math.min(Number.MAX_SAFE_INTEGER, Math.round(10 ** Math.min(k, 15.9))))
        const got = asymptoticBaselines(n, sigma, omega)
        const ref = original(String(n), String(sigma), String(omega), 60)
        for (const k of KEYS) expect(correct(got[k], ref[k]), `${k} n=${n}`).toBeGreaterThanOrEqual(12)
      }),
      { numRuns: 200, seed: 15 },
    )
  })

  it('property: at D digits of working precision, every baseline keeps D - 3 digits for n up to 1e300', () => {
    fc.assert(
      fc.property(params, fc.integer({ min: 5, max: 120 }), ({ k, sigma, omega }, digits) => {
        const n = new Decimal(10).pow(k).round().toString()
        const D = Decimal.clone({ precision: digits })
        const got = asymptoticBaselinesHp(D, n, String(sigma), String(omega))
        const ref = original(n, String(sigma), String(omega), 3 * digits + extra(n) + 10)
        for (const key of KEYS) expect(correct(got[key], ref[key]), `${key} n=${n} D=${digits}`).toBeGreaterThanOrEqual(digits - 3)
      }),
      { numRuns: 150, seed: 15 },
    )
  })
})
