// High precision (src/theory/hp.ts) against independent routes:
//  - the double-precision solver (src/theory/solve.ts, odex on the same ODE), to 1e-13 relative
//    (odex at rtol 1e-15; measured at most 1.6e-14 at these points);
//  - closed forms derived by hand, evaluated here with decimal.js at 130 digits (docs/theory.md sections
//    3 and 4). With K = n + lambda - 1, Lambda = lambda (omega + sigma^2) + (n - 1) sigma^2 and
//    D = alpha^2 K + beta^2 Lambda, the DAE of Result A is
//      c = beta Lambda / D,  m = n alpha^2 K / ((n+lambda) D),  q_xi = -alpha beta Lambda / ((n+lambda) D).
//    In the flow ODE gamma = alphadot/alpha + zeta c = (alpha alphadot K + beta betadot Lambda)/D = D'/(2D),
//    so (D(0) = K, M(0) = Q(0) = 0, P(0) = 1), for every schedule:
//      P = sqrt(D/K),  M = n beta/(n+lambda),  Q_xi = (alpha - P)/(n+lambda)
//    (check: M' - gamma M - zeta m = 0 and Q' - gamma Q - zeta q = 0 reduce to identities using
//    zeta = W/alpha, W = alpha betadot - alphadot beta; see test/cli/cli.test.ts for the algebra).
//    Without skip connection gamma = alphadot/alpha: P = alpha, M = n beta/(n+lambda), Q_xi = 0.
//    At t = 1 (alpha = 0, beta = 1): M = n/(n+lambda), P^2 = Lambda/K, Q_xi = -P/(n+lambda), so
//      mse(1) = omega (M-1)^2 + M^2 sigma^2/n + n Q^2 = (omega lambda^2 + n sigma^2 + n Lambda/K)/(n+lambda)^2.
//    The other keys follow from the formulas of section 4: norm = M^2 (omega + sigma^2/n) + n Q^2 + P^2,
//    cos = M omega / sqrt(omega (M^2 (omega + sigma^2/n) + n Q^2)), cos_sample = M omega / sqrt(omega norm),
//    var = P^2; and section 3: w_norm2 = m^2 (omega + sigma^2/n) + n q^2, w_cos = m omega / sqrt(omega w_norm2),
//    test_mse = (1 - c beta)^2 (omega + sigma^2) + c^2 alpha^2 + w_norm2 - 2 (1 - c beta) m omega,
//    oracle_mse = alpha^2 sigma^2 / (alpha^2 + beta^2 sigma^2), margin = alpha^2 beta omega (n - 1) / D.
import { Decimal } from 'decimal.js'
import { describe, expect, it } from 'vitest'
import { daeHp, statsHp, type HpResult } from '../../src/theory/hp.js'
import { flowProblem, type FlowProblem, type ProblemOptions } from '../../src/theory/problem.js'
import { solve } from '../../src/theory/solve.js'
import { definitions, statsByHand, X, type Dec, type Params } from './by-hand.js'

const PI = X.acos(-1)

const BASE: Params = { n: '8', sigma: '1.5', lambda: '0.1', omega: '1' }

/** The schedules by their definitions (docs/theory.md section 1), exact at the endpoints. */
const SCHEDULES = {
  linear: (t: Dec): [Dec, Dec] => [new X(1).minus(t), t],
  trig: (t: Dec): [Dec, Dec] => (t.eq(1) ? [new X(0), new X(1)] : [PI.times(t).div(2).cos(), PI.times(t).div(2).sin()]),
  custom: (t: Dec): [Dec, Dec] => [new X(1).minus(t.pow(2)), t.pow(2)],
} as const
type ScheduleName = keyof typeof SCHEDULES
const SPEC: Record<ScheduleName, ProblemOptions['schedule']> = { linear: 'linear', trig: 'trig', custom: { alpha: '1 - t^2', beta: 't^2' } }

const problemOf = (name: ScheduleName, skip = true, p: Params = BASE): FlowProblem =>
  flowProblem({ n: Number(p.n), sigma: Number(p.sigma), lambda: Number(p.lambda), omega: Number(p.omega), schedule: SPEC[name], skip, text: p, highPrecision: true })

/** mse at t = 1 with skip connection (header comment). */
function mse1ByHand(p: Params): Dec {
  const { n, s2, l, w, K, L } = definitions(p, new X(0), new X(1))
  return w.times(l.pow(2)).plus(n.times(s2)).plus(n.times(L).div(K)).div(n.plus(l).pow(2))
}

/** The dae keys by hand (header comment), for 0 < t < 1. */
function daeByHand(p: Params, [alpha, beta]: [Dec, Dec]): Record<string, Dec> {
  const { n, s2, l, w, L, K, D } = definitions(p, alpha, beta)
  const c = beta.times(L).div(D)
  const m = n.times(alpha.pow(2)).times(K).div(n.plus(l).times(D))
  const q = alpha.times(beta).times(L).div(n.plus(l).times(D)).neg()
  const wn2 = m
    .pow(2)
    .times(w.plus(s2.div(n)))
    .plus(n.times(q.pow(2)))
  const one = new X(1).minus(c.times(beta))
  return {
    c,
    m,
    q_xi: q,
    w_norm2: wn2,
    w_cos: m.times(w).div(w.times(wn2).sqrt()),
    test_mse: one
      .pow(2)
      .times(w.plus(s2))
      .plus(c.pow(2).times(alpha.pow(2)))
      .plus(wn2)
      .minus(one.times(m).times(w).times(2)),
    oracle_mse: alpha
      .pow(2)
      .times(s2)
      .div(alpha.pow(2).plus(beta.pow(2).times(s2))),
    margin: alpha.pow(2).times(beta).times(w).times(n.minus(1)).div(D),
  }
}

/**
 * |x - ref| in units of the last place of a `digits`-digit decimal in ref's decade; a zero
 * reference requires an exact zero.
 */
function ulps(x: Decimal, ref: Dec, digits: number): number {
  if (ref.isZero()) return new X(x).isZero() ? 0 : Infinity
  const exponent = ref.abs().log(10).floor().toNumber()
  return new X(x)
    .minus(ref)
    .abs()
    .div(new X(10).pow(exponent - digits + 1))
    .toNumber()
}

/** Keys whose value is off by more than `maxUlps` units of the `digits`-th digit. */
function offByMore(row: Readonly<Record<string, Decimal>>, ref: Record<string, Dec>, digits: number, maxUlps: number): string[] {
  return Object.entries(ref)
    .filter(([k, v]) => !(ulps(row[k], v, digits) <= maxUlps))
    .map(([k, v]) => `${k}: hp ${row[k].toString()}\n   by hand ${v.toSignificantDigits(digits + 5).toString()} (${ulps(row[k], v, digits)} ulp)`)
}

// ---------------------------------------------------------------------------------------------
// One high-precision run per case (two times each), shared by the tests below: a trig point at
// --digits 60 costs several seconds.

const TIMES = ['0.37', '1']
const cache = new Map<string, HpResult>()
function stats60(name: ScheduleName, skip = true): HpResult {
  const key = `${name}/${skip}`
  let r = cache.get(key)
  if (!r) cache.set(key, (r = statsHp(problemOf(name, skip), TIMES, { digits: 60 })))
  return r
}
const rel = (x: number, ref: number) => (ref === 0 ? Math.abs(x) : Math.abs(x - ref) / Math.abs(ref))

const CASES: Array<{ name: ScheduleName; skip: boolean }> = [
  { name: 'linear', skip: true },
  { name: 'trig', skip: true },
  { name: 'custom', skip: true },
  { name: 'linear', skip: false },
]

describe('statsHp at --digits 60 (n = 8, sigma = 1.5, lambda = 0.1, omega = 1; t = 0.37 and 1)', () => {
  for (const { name, skip } of CASES) {
    const label = `${name}${skip ? '' : ', no skip'}`
    it(`${label}: agrees with the double-precision solver to 1e-13 relative (M, Q_xi, P, mse)`, () => {
      const r = stats60(name, skip)
      const sol = solve(problemOf(name, skip))
      const bad: string[] = []
      r.rows.forEach((row, i) => {
        const t = Number(TIMES[i])
        expect(row.t.toNumber()).toBe(t)
        const d = sol.stats(t)
        for (const k of ['M', 'Q_xi', 'P', 'mse']) {
          // Q_xi = 0 identically without skip connection: compare absolutely there.
          const e = d[k] === 0 || row[k].isZero() ? Math.abs(d[k] - row[k].toNumber()) : rel(d[k], row[k].toNumber())
          if (!(e <= 1e-13)) bad.push(`t=${t} ${k}: hp ${row[k].toString()}, double ${d[k]} (${e.toExponential(2)})`)
        }
      })
      expect(bad).toEqual([])
    })

    it(`${label}: every value printed to 60 digits is the hand-derived closed form (<= 1 ulp)`, () => {
      const r = stats60(name, skip)
      const bad = r.rows.flatMap((row, i) => offByMore(row, statsByHand(BASE, SCHEDULES[name](new X(TIMES[i])), skip), 60, 1).map((s) => `t=${TIMES[i]} ${s}`))
      expect(bad).toEqual([])
    })
  }

  it.each(['linear', 'trig', 'custom'] as const)('%s: digitsVerified >= D + 2 = 62 at t = 0.37 and t = 1 (both routes agree)', (name) => {
    // docs/cli.md: the two routes agree on at least D + 2 digits, or the precision grows and both
    // are recomputed (measured 69-70 here). That the printed digits are right is checked against
    // the hand-derived forms above; this checks the claim printed next to them.
    const r = stats60(name)
    expect(r.digitsVerified).toBeGreaterThanOrEqual(62)
    expect(r.precision).toBeGreaterThanOrEqual(62)
    expect(r.rows).toHaveLength(2)
  })

  it('M(1) = n/(n+lambda) = 80/81 and mse(1) = (omega lambda^2 + n sigma^2 + n Lambda/K)/(n+lambda)^2, to 60 digits', () => {
    const at1 = stats60('linear').rows[1]
    expect(ulps(at1.M, new X(80).div(81), 60)).toBeLessThanOrEqual(1)
    expect(ulps(at1.mse, mse1ByHand(BASE), 60)).toBeLessThanOrEqual(1)
    // The same t = 1 values for every schedule (alpha(1) = 0, beta(1) = 1).
    for (const name of ['trig', 'custom'] as const) {
      expect(ulps(stats60(name).rows[1].mse, mse1ByHand(BASE), 60)).toBeLessThanOrEqual(1)
    }
  })
})

describe('no catastrophic cancellation near t = 1', () => {
  // t = 1 - 1e-30: alpha is 1e-30 (linear) or ~2e-30 (1 - t^2); both routes must keep 100 digits.
  // Without skip connection the flow has its regular singular point at t = 1 (gamma = alphadot/alpha),
  // so P = alpha = 1e-30 must come out with all its digits, not as the difference of O(1) numbers.
  const t = `0.${'9'.repeat(30)}`
  it.each([
    { name: 'linear', skip: true },
    { name: 'custom', skip: true },
    { name: 'linear', skip: false },
  ] as const)('$name, skip $skip: --digits 100 at t = 1 - 1e-30 agrees with the closed forms to all 100 digits', ({ name, skip }) => {
    const r = statsHp(problemOf(name, skip), [t], { digits: 100 })
    expect(new X(t).eq(new X(1).minus('1e-30'))).toBe(true)
    expect(r.digitsVerified).toBeGreaterThanOrEqual(102)
    const bad = offByMore(r.rows[0], statsByHand(BASE, SCHEDULES[name](new X(t)), skip), 100, 1)
    expect(bad).toEqual([])
  })
})

describe('daeHp against Result A (docs/theory.md section 3)', () => {
  it.each(['linear', 'trig'] as const)('%s: every dae key at t = 0.25 to 60 digits (<= 1 ulp)', (name) => {
    const r = daeHp(problemOf(name), ['0.25'], { digits: 60 })
    expect(r.digitsVerified).toBeGreaterThanOrEqual(62)
    expect(offByMore(r.rows[0], daeByHand(BASE, SCHEDULES[name](new X('0.25'))), 60, 1)).toEqual([])
  })

  it('t = 1 (alpha = 0, beta = 1): c = Lambda/Lambda = 1, m = q_xi = 0, and the observables vanish', () => {
    const r = daeHp(problemOf('linear'), ['1'], { digits: 60 })
    const row = r.rows[0]
    expect(row.c.eq(1)).toBe(true)
    for (const k of ['m', 'q_xi', 'w_norm2', 'test_mse', 'oracle_mse', 'margin']) expect(row[k].isZero(), `${k} = ${row[k].toString()}`).toBe(true)
    // As alpha -> 0, m/|q_xi| = n alpha K/(beta Lambda) -> 0: w turns towards xi, so w_cos -> 0.
    expect(row.w_cos.abs().lt('1e-60')).toBe(true)
  })

  it('no skip connection: c = 0, m = n/(n+lambda) = 80/81, q_xi = 0 at t = 0.25', () => {
    const row = daeHp(problemOf('linear', false), ['0.25'], { digits: 60 }).rows[0]
    expect(row.c.isZero()).toBe(true)
    expect(row.q_xi.isZero()).toBe(true)
    expect(ulps(row.m, new X(80).div(81), 60)).toBeLessThanOrEqual(1)
  })
})

describe('large n (beyond double precision)', () => {
  it('n = 1e20 at --digits 40: mse(1) and M(1) match the hand formulas to 40 digits', () => {
    const p: Params = { ...BASE, n: '1e20' }
    const r = statsHp(problemOf('linear', true, p), ['1'], { digits: 40 })
    const row = r.rows[0]
    expect(r.digitsVerified).toBeGreaterThanOrEqual(42)
    // mse(1) ~ 2 sigma^2 / n = 4.5e-20: M - 1 = -lambda/(n+lambda) must not be lost to cancellation.
    expect(ulps(row.mse, mse1ByHand(p), 40)).toBeLessThanOrEqual(1)
    expect(ulps(row.M, new X('1e20').div(new X('1e20').plus('0.1')), 40)).toBeLessThanOrEqual(1)
  })
})
