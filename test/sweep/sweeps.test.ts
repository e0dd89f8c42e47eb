// The rows of compare and dae-compare against closed forms derived by hand (test/theory/by-hand.ts:
// the flow at t = 1 from the integrating-factor solution of docs/theory.md section 4, the DAE of
// section 3, the baselines of section 5), in double precision and under --digits; and the claim
// that makes shards mergeable: a row depends on its grid point only.
import { describe, expect, it } from 'vitest'
import { readAxis, uniformAxis, type Axis, type AxisRule } from '../../src/sweep/grid.js'
import { prepareSweep, type SweepSpec } from '../../src/sweep/sweeps.js'
import { baselinesByHand, daeByHand, statsByHand, X, type Params } from '../theory/by-hand.js'
import { flowProblem } from '../../src/theory/problem.js'
import { solve } from '../../src/theory/solve.js'

const ANY: AxisRule = { min: 0, phrase: 'a number >= 0' }
const axis = (name: string, list: string): Axis => readAxis(name, list, undefined, ANY, '')
const spec = (command: SweepSpec['command'], p: { sigma: string; lambda: string; omega: string; n: string }, extra: Partial<SweepSpec> = {}, t?: Axis): SweepSpec => ({
  command,
  schedule: 'linear',
  skip: true,
  axes: [axis('sigma', p.sigma), axis('lambda', p.lambda), axis('omega', p.omega), axis('n', p.n), ...(t ? [t] : [])],
  ...extra,
})
const all = (s: SweepSpec) => {
  const sweep = prepareSweep(s)
  return { sweep, rows: sweep.rows(Array.from({ length: sweep.grid.size }, (_, i) => i)) }
}

// Tolerances: double-precision rows are rounded to 12 significant digits, a relative error of at
// most 5e-12, and the references are exact to far more: 1e-11 is twice that (measured <= 4.2e-12).
// Under --digits D the bound is one unit of the D-th digit, 10^(1-D) (measured 3.2e-30 for D = 30).

/** Relative difference of a printed value from the reference (absolute below `floor`). */
const rel = (printed: number | string, exact: InstanceType<typeof X>, floor = 1e-300) => {
  const d = new X(printed).minus(exact).abs()
  return d.div(X.max(exact.abs(), floor)).toNumber()
}

describe('compare: the generative model and the baselines by hand', () => {
  const grid = { sigma: '0.5,1.5', lambda: '0,0.1', omega: '1,2.5', n: '2,7,64,1000' }

  it('double precision: every value within 1e-11 (relative) of the hand-derived closed forms', () => {
    const { sweep, rows } = all(spec('compare', grid))
    expect(sweep.keys).toEqual(['sigma', 'lambda', 'omega', 'n', 'mse', 'cos', 'bo_mse', 'bo_cos', 'pca_mse', 'pca_cos', 'mse_ratio', 'n_mse', 'n_bo_mse', 'w2', 'kl'])
    expect(rows).toHaveLength(2 * 2 * 2 * 4)
    for (const r of rows) {
      const p: Params = { n: String(r.n), sigma: String(r.sigma), lambda: String(r.lambda), omega: String(r.omega) }
      const flow = statsByHand(p, [new X(0), new X(1)], true)
      const base = baselinesByHand(p)
      const expected = {
        mse: flow.mse,
        cos: flow.cos,
        ...base,
        mse_ratio: flow.mse.div(base.bo_mse),
        n_mse: flow.mse.times(p.n),
        n_bo_mse: base.bo_mse.times(p.n),
      }
      for (const [k, v] of Object.entries(expected)) expect(rel(r[k], v), `${k} at ${JSON.stringify(p)}`).toBeLessThan(1e-11)
      // The distances are stats' at t = 1 (their limits are checked in test/theory/distances*.test.ts).
      const s = solve(flowProblem({ n: Number(p.n), sigma: Number(p.sigma), lambda: Number(p.lambda), omega: Number(p.omega) })).stats(1)
      for (const k of ['w2', 'kl'] as const) expect(r[k], k).toBe(Number(s[k].toPrecision(12)))
    }
  })

  it('without skip connection: M(1) = n/(n+lambda), Q = 0, so mse = omega (lambda/(n+lambda))^2 + sigma^2 n/(n+lambda)^2', () => {
    const { rows } = all(spec('compare', grid, { skip: false }))
    for (const r of rows) {
      const n = new X(r.n),
        l = new X(r.lambda),
        w = new X(r.omega),
        s2 = new X(r.sigma).pow(2)
      const nl = n.plus(l)
      expect(rel(r.mse, w.times(l.div(nl).pow(2)).plus(s2.times(n).div(nl.pow(2)))), JSON.stringify(r)).toBeLessThan(1e-11)
    }
  })

  it('--digits 30: every value is the hand-derived one to 30 significant digits (within one unit of the last)', () => {
    const { sweep, rows } = all(spec('compare', { sigma: '1.5', lambda: '0.1', omega: '1', n: '3,1000000' }, { digits: 30 }))
    expect(sweep.keys.at(-1)).toBe('digits_verified')
    for (const r of rows) {
      const p: Params = { n: String(r.n), sigma: '1.5', lambda: '0.1', omega: '1' }
      const flow = statsByHand(p, [new X(0), new X(1)], true)
      const base = baselinesByHand(p)
      expect(typeof r.mse).toBe('string')
      expect(String(r.mse).replace(/^0\.0*|[.-]/g, '')).toHaveLength(30)
      for (const [k, v] of Object.entries({ mse: flow.mse, n_mse: flow.mse.times(p.n), bo_mse: base.bo_mse, pca_mse: base.pca_mse, mse_ratio: flow.mse.div(base.bo_mse) })) {
        expect(rel(r[k], v), k).toBeLessThan(1e-29)
      }
      expect(r.digits_verified).toBeGreaterThanOrEqual(30)
    }
  })
})

describe('dae-compare: test error and oracle by hand', () => {
  it('double precision over n and t (trig schedule, sigma = 0.3, lambda = 0.1)', () => {
    const t = uniformAxis('t', 6)
    const { sweep, rows } = all(spec('dae-compare', { sigma: '0.3', lambda: '0.1', omega: '1', n: '2,8,32' }, { schedule: 'trig' }, t))
    expect(sweep.keys).toEqual(['n', 't', 'test_mse', 'oracle_mse', 'excess_mse'])
    expect(rows).toHaveLength(18)
    for (const r of rows) {
      const tt = Number(r.t)
      if (tt === 0 || tt === 1) continue // the conventions at the endpoints are tested with dae
      const angle = new X(tt).times(X.acos(-1)).div(2)
      const d = daeByHand({ n: String(r.n), sigma: '0.3', lambda: '0.1', omega: '1' }, [angle.cos(), angle.sin()])
      expect(rel(r.test_mse, d.test_mse), JSON.stringify(r)).toBeLessThan(1e-11)
      expect(rel(r.oracle_mse, d.oracle_mse), JSON.stringify(r)).toBeLessThan(1e-11)
      // The excess is a difference taken in double only where it keeps >= 13 digits
      // (|excess| >= 1e-4 test_mse, else at high precision): eps 1e4 = 1e-12 on top of the rounding.
      expect(rel(r.excess_mse, d.test_mse.minus(d.oracle_mse)), JSON.stringify(r)).toBeLessThan(1e-11)
      // The learnt denoiser cannot beat the oracle (Bayes-optimal for this t).
      expect(Number(r.excess_mse)).toBeGreaterThanOrEqual(0)
    }
  })
})

describe('rows depend on their grid point only (what makes merged shards byte-identical)', () => {
  it.each([
    ['compare', spec('compare', { sigma: '0.5,2', lambda: '0.1', omega: '1', n: '2,5,40' })],
    ['compare --digits 15', spec('compare', { sigma: '0.5,2', lambda: '0.1', omega: '1', n: '2,40' }, { digits: 15 })],
    ['dae-compare', spec('dae-compare', { sigma: '0.3', lambda: '0.1', omega: '1', n: '2,8' }, {}, uniformAxis('t', 5))],
    ['curves', spec('curves', { sigma: '1.5', lambda: '0.1', omega: '1', n: '8' }, {}, uniformAxis('t', 9))],
  ] as const)('%s: each row alone equals the row computed with all the others', (_name, s) => {
    const { sweep, rows } = all(s)
    const alone = prepareSweep(s)
    for (let i = rows.length - 1; i >= 0; i--) expect(alone.rows([i])[0], `row ${i}`).toEqual(rows[i])
    expect(sweep.grid.size).toBe(rows.length)
  })
})
