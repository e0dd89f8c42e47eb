// taylorSolve's contract beyond accuracy: argument checks, the step budget, the order and length of
// every step (against the rules of taylor.ts's header, with radii and coefficients known in closed
// form), exact polynomials in one step.
import { describe, expect, it } from 'vitest'
import { Decimal } from '../../src/hp/arith.js'
import { seriesArith, type Series, type SeriesArith } from '../../src/hp/series.js'
import { taylorSolve, type TaylorSystem } from '../../src/hp/taylor.js'

const D = Decimal.clone({ precision: 30 })
type Value = Decimal | Series

/** X' = a X (den = 1, G = 0), recording the order N of every step the integrator asks for. */
const linear =
  (a: string, orders: number[]): TaylorSystem =>
  (t0, N) => {
    orders.push(N)
    const S = seriesArith(D, N)
    return [{ den: S.lift(S.num('1')), A: S.lift(S.num(a)), G: S.lift(S.num('0')) }]
  }

describe('taylorSolve contract', () => {
  it('rejects digits that are not positive', () => {
    for (const digits of [0, -1, NaN]) {
      expect(() => taylorSolve(D, linear('1', []), [new D(1)], [new D(1)], { digits })).toThrow(/digits must be positive/)
    }
  })

  it('starts at the order N0 = ceil(T ln10 / 2) + 3, T = digits + 2 (docs in taylor.ts: rho/h = e^2)', () => {
    // digits 20: T = 22, 22 · 1.15129 = 25.33 -> 26, + TAIL 3 = 29; the reported order is the largest asked.
    const orders: number[] = []
    const r = taylorSolve(D, linear('1', orders), [new D(1)], [new D(1)], { digits: 20 })
    expect(orders[0]).toBe(29)
    expect(r.order).toBe(Math.max(...orders))
    // e to 20 digits (published value, OEIS A001113); the step control's 10^-22 per step, 1e-20 overall
    expect(r.values[0][0].minus('2.71828182845904523536028747').abs().lt(1e-20)).toBe(true)
  })

  it("counts steps against maxSteps: X' = 0 takes exactly one step per target", () => {
    // the series of a constant is exact (vanishing tail), so each step lands on its target
    const targets = ['1', '2', '3'].map((v) => new D(v))
    const r = taylorSolve(D, linear('0', []), [new D(5)], targets, { digits: 20, maxSteps: 3 })
    expect(r.steps).toBe(3)
    expect(r.values.map((v) => v[0].toNumber())).toEqual([5, 5, 5])
    expect(() => taylorSolve(D, linear('0', []), [new D(5)], targets, { digits: 20, maxSteps: 2 })).toThrow(/more than 2 steps/)
  })
})

/**
 * The step rules of taylor.ts's header, checked step by step on X' = X/(r - t), X(0) = 1, whose
 * solution r/(r - t) and coefficient A = 1/(r - t) have purely geometric series at any t0:
 * X_k = X(t0) ρ^-k and A_k = ρ^-(k+1) with ρ = r - t0, the exact radius of convergence. Hence:
 *  - order: the first step uses N0; later ones N = max(6, min(N0, ceil(1.3 T / Δ) + 3)) when
 *    Δ = log10(ρ/L) >= log10(e²) (L the distance to the target), else N0, with ρ the exact radius
 *    at the step start (the integrator estimates it from the previous step's coefficients);
 *  - length: |c_k| h^k <= 10^-T |c_0| for the last 3 coefficients of every sequence. A (N terms,
 *    k = N-3..N-1) is stricter than X (N+1 terms, k = N-2..N): h_max = ρ · 10^(-T/(N-3)). The
 *    step is L when h_max >= L, L/2 when h_max >= L/2 (so no step ends just short of a target),
 *    else h_max rounded to 6 significant digits. The rejection test (h <= half the radius) never
 *    fires: 10^(-T/(N-3)) < 1/2 for every N <= N0.
 * Everything scales with r: the same schedule at r = 2·10^20 and 2·10^400 exercises logarithms of
 * large radii and steps beyond double precision's range.
 */
describe('taylorSolve step rules on a geometric series (exact radius r - t)', () => {
  const D = Decimal.clone({ precision: 40 })
  const digits = 20
  const T = digits + 2
  const N0 = Math.ceil((T * Math.LN10) / 2) + 3
  const log10 = (x: Decimal) => x.log(10).toNumber()
  const expectedOrder = (rho: Decimal, L: Decimal, first: boolean) => {
    const delta = log10(rho) - log10(L)
    return first || delta < 2 / Math.LN10 ? N0 : Math.max(6, Math.min(N0, Math.ceil((1.3 * T) / delta) + 3))
  }
  const expectedStep = (rho: Decimal, L: Decimal, N: number) => {
    const hMax = rho.times(new D(10).pow(-T / (N - 3)))
    return hMax.gte(L) ? L : hMax.gte(L.div(2)) ? L.div(2) : hMax.toSignificantDigits(6)
  }

  for (const scale of ['1', '1e20', '1e400']) {
    it(`r = 2·${scale}: every step's order and length, and the values to ${digits} digits`, () => {
      const r = new D(2).times(scale)
      const calls: Array<{ t0: Decimal; N: number }> = []
      const sys: TaylorSystem = (t0, N) => {
        calls.push({ t0, N })
        const S = seriesArith(D, N)
        const A = S.lift(S.div(S.num('1'), S.sub(S.constant(r), S.variable(t0))))
        return [{ den: S.lift(S.num('1')), A, G: S.lift(S.num('0')) }]
      }
      // 1 -> 1.01 -> 1.015 are short hops (lowered orders); 1.3 -> 1.5 ends with an L/2 step
      const targets = ['1', '1.01', '1.015', '1.3', '1.5'].map((x) => new D(x).times(scale))
      const res = taylorSolve(D, sys, [new D(1)], targets, { digits })

      const ends = [...calls.slice(1).map((c) => c.t0), targets[targets.length - 1]]
      calls.forEach(({ t0, N }, i) => {
        const target = targets.find((x) => x.gt(t0))!
        const rho = r.minus(t0)
        const L = target.minus(t0)
        expect(N, `order of step ${i} at t0 = ${t0}`).toBe(expectedOrder(rho, L, i === 0))
        // 6-digit rounding of the step: one unit in the 6th digit is at most 1e-5 relative
        const h = ends[i].minus(t0)
        const want = expectedStep(rho, L, N)
        expect(h.div(want).minus(1).abs().toNumber(), `step ${i} at t0 = ${t0}: ${h} vs ${want}`).toBeLessThanOrEqual(1e-5)
      })
      expect(calls.map((c) => c.N)).toContain(16) // the schedule does lower the order
      expect(res.steps).toBe(calls.length)
      // X = r/(r - t); the per-step control is 10^-22 relative, |X| <= 4 over 13 steps
      targets.forEach((t, i) => {
        const err = res.values[i][0].minus(r.div(r.minus(t))).abs()
        expect(err.lt(new D(10).pow(-digits)), `X(${t}) error ${err.toExponential(2)}`).toBe(true)
      })
    })
  }
})

/**
 * The first step that taylor.ts's header prescribes for coefficient sequences known in closed form
 * (log10 |c_k|, -Infinity for a zero), found by bisection on the rule itself rather than by the
 * integrator's slope formula: the step bound is the largest H = log10 h such that every nonzero
 * c_k of the last `tail` has |c_k| h^k <= 10^-T max_(j<K) |c_j| h^j (K = length - tail; no nonzero
 * earlier term: no bound); H is the least bound over the sequences, then lowered by log10 2 while
 * it exceeds the radius (the same rule with T = 0 over the second half) minus log10 2; a step that
 * reaches the target is L, one that reaches half of it is L/2.
 */
function ruleBound(lc: number[], T: number, tail: number): number {
  const K = lc.length - tail
  const holds = (H: number) => lc.slice(K).every((ck, i) => ck === -Infinity || lc.slice(0, K).some((cj, j) => cj + j * H - T >= ck + (K + i) * H))
  if (holds(1e3)) return Infinity
  let [lo, hi] = [-1e3, 1e3]
  for (let it = 0; it < 80; it++) {
    const mid = (lo + hi) / 2
    if (holds(mid)) lo = mid
    else hi = mid
  }
  return lo
}
function ruleFirstStep(sequences: number[][], T: number, L: number): number {
  const least = (f: (lc: number[]) => number) => Math.min(...sequences.map(f))
  let H = least((lc) => ruleBound(lc, T, 3))
  const R = least((lc) => ruleBound(lc, 0, Math.floor(lc.length / 2)))
  while (H > R - Math.log10(2)) H -= Math.log10(2)
  const logL = Math.log10(L)
  return H >= logL ? logL : H >= logL - Math.log10(2) ? logL - Math.log10(2) : H
}

describe('taylorSolve first step against the rule, by bisection', () => {
  const D = Decimal.clone({ precision: 40 })
  const digits = 20
  const T = digits + 2
  const N = 29 // N0 at 20 digits (see above)
  const k = Array.from({ length: N + 1 }, (_, i) => i)
  /** The first step length and the result of a one-state system from t0 = 0. */
  const run = (row: (S: SeriesArith, t: Series) => { A: Value; G: Value }, x0: string, target: string, maxSteps?: number) => {
    const starts: Decimal[] = []
    const sys: TaylorSystem = (t0, n) => {
      starts.push(t0)
      const S = seriesArith(D, n)
      const { A, G } = row(S, S.variable(t0))
      return [{ den: S.lift(S.num('1')), A: S.lift(A), G: S.lift(G) }]
    }
    const res = taylorSolve(D, sys, [new D(x0)], [new D(target)], { digits, maxSteps })
    const first = (starts[1] ?? new D(target)).minus(starts[0])
    return { res, logFirst: first.log(10).toNumber(), x: res.values[0][0] }
  }
  // the integrator rounds a step to 6 digits (2.2e-6 in log10) and takes logs to about 7 digits
  const tol = 5e-6

  it("X' = X: the tail is the 3 last of X_0..X_N = 1/k!, and e^5 to 20 digits", () => {
    const lfact = (n: number) => k.slice(1, n + 1).reduce((s, i) => s + Math.log10(i), 0)
    const { logFirst, x } = run((S) => ({ A: S.num('1'), G: S.num('0') }), '1', '5')
    expect(Math.abs(logFirst - ruleFirstStep([k.map((i) => -lfact(i))], T, 5))).toBeLessThan(tol)
    // e^5 ~ 148: 10^-22 relative per step over a few steps
    expect(
      x
        .minus(new D(5).exp())
        .abs()
        .lt(new D(10).pow(-digits + 3)),
    ).toBe(true)
  })

  it('a tail 10^100 below the trend (X = 1 + t^20 + 1e-100/(1 - t)) is halved down to half the fitted radius 1', () => {
    // X' = G = 20 t^19 + 1e-100/(1 - t)², a full series; X_k = [k = 0] + [k = 20] + 1e-100 and
    // G_k = 20 [k = 19] + 1e-100 (k + 1). The tail alone allows h = 10^(78/9); X_0 = X_20 fit radius 1.
    const eps = new D('1e-100')
    const lx = k.map((i) => (i === 0 || i === 20 ? 0 : -100))
    const lg = k.slice(0, N).map((i) => (i === 19 ? Math.log10(20) : -100 + Math.log10(i + 1)))
    const { logFirst, x } = run((S, t) => ({ A: S.num('0'), G: S.add(S.mul(S.num('20'), S.powInt(t, 19)), S.div(eps, S.powInt(S.sub(S.num('1'), t), 2))) }), new D(1).plus(eps).toString(), '0.9')
    const want = ruleFirstStep([lx, lg], T, 0.9)
    expect(want).toBeLessThan(-Math.log10(2)) // the rule did halve: h <= 1/2
    expect(Math.abs(logFirst - want)).toBeLessThan(tol)
    // 1 + 0.9^20 + 1e-100/0.1 by hand
    expect(x.minus(new D('0.9').pow(20).plus(1)).abs().lt(new D(10).pow(-digits))).toBe(true)
  })

  it('a polynomial coefficient of degree N (one term beyond the N-term series) limits the step like a full series', () => {
    // X ≡ 1 solves X' = A (X - 1) for any A: A = (1 + t)^29, so A_k = C(29, k), k < 29; X's tail is 0
    const lbinom = (n: number, m: number) => k.slice(1, m + 1).reduce((s, i) => s + Math.log10((n - m + i) / i), 0)
    const { logFirst, x } = run(
      (S, t) => {
        const A = S.powInt(S.add(S.num('1'), t), 29)
        return { A, G: S.neg(A) }
      },
      '1',
      '3',
    )
    const la = k.slice(0, N).map((i) => lbinom(29, i))
    const lx = k.map((i) => (i === 0 ? 0 : -Infinity))
    expect(Math.abs(logFirst - ruleFirstStep([lx, la, la], T, 3))).toBeLessThan(tol)
    expect(x.eq(1)).toBe(true)
  })

  it('a polynomial G of degree N is not taken for exact: X = 1 + t^24 + t^30 is 3 at t = 1', () => {
    // X' = G = 24 t^23 + 30 t^29 (deg 29 = N): at t0 = 0 the 29 known G_k miss the 30 t^29, and
    // X_0..X_29 = 1, 0.., X_24 = 1, 0.. end in zeros, so only the degree says the series is cut.
    // By hand X(1) = 1 + 1 + 1 = 3; stepping through the missing term gives 2. The per-step
    // control is 10^-22 relative on |X| <= 3 over a few steps: 1e-20 as above.
    const { res, x } = run((S, t) => ({ A: S.num('0'), G: S.add(S.mul(S.num('24'), S.powInt(t, 23)), S.mul(S.num('30'), S.powInt(t, 29))) }), '1', '1')
    expect(res.steps).toBeGreaterThan(1)
    expect(x.minus(3).abs().lt(new D(10).pow(-digits)), `X(1) = ${x}`).toBe(true)
  })

  describe('exact polynomial series land on the target in one step', () => {
    it('X = 1 + t^20 (the fitted radius is finite, the tail vanishes): 1 + 2^20 at t = 2', () => {
      const { res, x } = run((S, t) => ({ A: S.num('0'), G: S.mul(S.num('20'), S.powInt(t, 19)) }), '1', '2')
      expect(res.steps).toBe(1)
      expect(x.eq(1048577)).toBe(true)
    })
    it('X = t^27 + t^28, no nonzero term before the tail: 2 at t = 1', () => {
      const { res, x } = run((S, t) => ({ A: S.num('0'), G: S.add(S.mul(S.num('27'), S.powInt(t, 26)), S.mul(S.num('28'), S.powInt(t, 27))) }), '0', '1', 3)
      expect(res.steps).toBe(1)
      expect(x.eq(2)).toBe(true)
    })
    it('X ≡ 1 with A = -G = (1 + t)^27, a polynomial within the N = 29 terms, does not limit the step', () => {
      const { res, x } = run(
        (S, t) => {
          const A = S.powInt(S.add(S.num('1'), t), 27)
          return { A, G: S.neg(A) }
        },
        '1',
        '3',
      )
      expect(res.steps).toBe(1)
      expect(x.eq(1)).toBe(true)
    })
  })

  it('each target gets its own state array (two equal targets: editing one row leaves the other)', () => {
    const res = taylorSolve(D, linear('1', []), [new D(1)], [new D(1), new D(1)], { digits: 20 })
    res.values[0][0] = new D(0)
    expect(res.values[1][0].minus(new D(1).exp()).abs().lt(1e-20)).toBe(true)
  })
})
