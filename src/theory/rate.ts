/**
 * The 1/n rate: n mse(n) -> C and n bo_mse(n) -> C_bo as n -> infinity, by two routes.
 *  (a) exact: the series in 1/n of the closed form of mse at t = 1 (src/symbolic/exact.ts),
 *      evaluated at the parameters;
 *  (b) numerical: n mse(n) at t = 1 at high precision (both routes of hp.ts, verified) on the
 *      geometric sequence n = 10, 100, ..., nMax, extrapolated to 1/n = 0 by Richardson
 *      (Neville's polynomial extrapolation in h = 1/n); the next coefficient from (f(h) - C)/h.
 * n bo_mse(n) uses the Bayes-optimal error of equations/baselines.eq evaluated at each n.
 *
 * With a K-step sampler (problem.sampler) there is no closed form: route (b) alone, its digits
 * those on which two extrapolations agree (the sequence from n = 10 and from n = 100). The K-step
 * mean can miss mu by O(K^-p) even as n -> infinity (the trig schedule; not the linear one, where
 * Euler's M is exact in the population limit), so mse_K(n) -> floor > 0: then C is the coefficient
 * of 1/n in mse_K(n) = floor + C/n + C1/n^2 + ..., floor = lim mse_K(n), both by Richardson.
 */
import { ParameterError } from '../errors.js'
import { Decimal, decimalArith, type Arith, type DecimalConstructor } from '../hp/arith.js'
import { asymptoticBaselinesHp } from '../baselines/asymptotic.js'
import { compiled } from '../symbolic/codegen.js'
import { agree, parameterDecimals, statsHp } from './hp.js'
import { exactOf, inDraws, variantOf } from './model.js'
import type { FlowProblem } from './problem.js'

export const RATE_KEYS = ['C', 'C1', 'C_bo', 'C_bo1', 'ratio'] as const
export type RateKey = (typeof RATE_KEYS)[number]
/**
 * The distances at t = 1 as n -> infinity (equations/flow.eq [rate]): w2(n) = floor_w2 + C_w2/n + ...
 * (mass |rho - 1/2| must cross between clusters whatever n), kl(n) = floor_kl + C_kl/n + ... (with
 * skip connection; infinite without). The floors vanish only where P(1) -> sigma: not for a sampler.
 */
export const DISTANCE_RATE_KEYS = ['floor_w2', 'C_w2', 'floor_kl', 'C_kl'] as const
export type DistanceRateKey = (typeof DISTANCE_RATE_KEYS)[number]

export interface RatePoint {
  readonly n: string
  readonly n_mse: Decimal
  readonly n_bo_mse: Decimal
  /** w2 and kl at t = 1 (kl +Infinity without skip connection). */
  readonly w2: Decimal
  readonly kl: Decimal
}

export interface RateResult {
  /** Route (a), with the expressions, or why there is none. */
  readonly exact?: { readonly values: Readonly<Record<RateKey, Decimal>>; readonly text: Readonly<Record<string, string>> }
  readonly exactReason?: string
  /** Route (b) and the sequence it extrapolates. */
  readonly numeric: Readonly<Record<RateKey, Decimal>>
  readonly sequence: readonly RatePoint[]
  /** Significant digits on which (a) and (b) agree, per key (with a sampler: two extrapolations of (b)). */
  readonly agreement: Readonly<Record<RateKey, number>>
  /**
   * With a sampler: lim mse_K(n) as n -> infinity, and the digits two extrapolations agree on
   * (`zero`: both vanish beyond the working precision, as for the linear schedule, where the
   * floor is exactly 0 and C = lim n mse(n) as without a sampler).
   */
  readonly floor?: { readonly value: Decimal; readonly digits: number; readonly zero: boolean }
  /**
   * The distances' constants: by Richardson (`numeric`), exactly where flow.eq [rate] applies
   * (`exact`), the digits they agree on (two extrapolations with a sampler); a key is absent where
   * it does not exist (C_kl without skip connection: kl is infinite), with the reason.
   */
  readonly distances: {
    readonly numeric: Partial<Record<DistanceRateKey, Decimal>>
    readonly exact?: Partial<Record<DistanceRateKey, Decimal>>
    readonly text?: Partial<Record<DistanceRateKey, string>>
    readonly agreement: Partial<Record<DistanceRateKey, number>>
    readonly reason?: string
  }
}

export interface RateOptions {
  readonly digits: number
  /** Largest n of the sequence, a power of 10 (default 1e12). */
  readonly nMax?: number
}

/** Compute C, C1, C_bo, C_bo1 and C / C_bo for the parameters of `problem` (its n is not used). */
export function rate(problem: FlowProblem, options: RateOptions): RateResult {
  const { digits } = options
  // The CLI checks its flags; a caller of the library gets the same rules here.
  if (!Number.isInteger(digits) || digits < 1 || digits > 1000) throw new ParameterError('digits', `must be an integer in [1, 1000] (got ${digits})`)
  const nMax = options.nMax ?? 1e12
  const kMax = Math.round(Math.log10(nMax))
  // 10 ** 26 and 1e26 are neighbouring doubles: either is the power of 10.
  if (!(kMax >= 3 && kMax <= 30) || (nMax !== Number(`1e${kMax}`) && nMax !== 10 ** kMax)) throw new ParameterError('n-max', `must be a power of 10 in [1e3, 1e30] (got ${nMax})`)
  // Richardson on K points with ratio 10 gains about K(K+1)/2 digits before the coefficients'
  // growth; the sequence values carry the working precision.
  const work = Decimal.clone({ precision: digits + 20 })
  const ns = Array.from({ length: kMax }, (_, k) => `1e${k + 1}`)
  const sequence = ns.map((n) => {
    // The same problem at another n (a power of 10: a valid integer >= 2); its schedule is reused.
    const p: FlowProblem = { ...problem, n: Number(n), text: { ...problem.text, n } }
    const [row] = statsHp(p, ['1'], { digits, extra: 15 }).rows
    const N = new work(n)
    return { n, n_mse: N.times(row.mse), n_bo_mse: N.times(asymptoticBaselinesHp(work, n, problem.text.sigma, problem.text.omega).bo_mse), w2: new work(row.w2), kl: new work(row.kl) }
  })
  const hs = ns.map((n) => new work(1).div(n))
  /** The constants from the sequence from its `from`-th point on, less a floor (mse_K(n) -> floor) if `floored`. */
  const constants = (from: number, floored: boolean) => {
    const h = hs.slice(from)
    const fit = (fs: Decimal[]) => {
      const c = neville(h, fs)
      const c1 = neville(
        h,
        fs.map((f, i) => f.minus(c).div(h[i])),
      )
      return [c, c1]
    }
    const points = sequence.slice(from)
    // mse = h (n mse) = floor + C h + C1 h^2 + ...
    const floor = floored
      ? neville(
          h,
          points.map((s, i) => s.n_mse.times(h[i])),
        )
      : new work(0)
    const [C, C1] = fit(points.map((s, i) => s.n_mse.minus(floor.div(h[i]))))
    const [C_bo, C_bo1] = fit(points.map((s) => s.n_bo_mse))
    return { floor, values: { C, C1, C_bo, C_bo1, ratio: C.div(C_bo) } as Record<RateKey, Decimal> }
  }
  /** The distances' constants from the sequence from its `from`-th point on: w2 with its floor, kl without. */
  const distanceConstants = (from: number): Partial<Record<DistanceRateKey, Decimal>> => {
    const h = hs.slice(from)
    const points = sequence.slice(from)
    const floor_w2 = neville(
      h,
      points.map((s) => s.w2),
    )
    const C_w2 = neville(
      h,
      points.map((s, i) => s.w2.minus(floor_w2).div(h[i])),
    )
    if (!points.every((s) => s.kl.isFinite())) return { floor_w2, C_w2 }
    const floor_kl = neville(
      h,
      points.map((s) => s.kl),
    )
    return {
      floor_w2,
      C_w2,
      floor_kl,
      C_kl: neville(
        h,
        points.map((s, i) => s.kl.minus(floor_kl).div(h[i])),
      ),
    }
  }
  const klReason = sequence.every((s) => s.kl.isFinite()) ? undefined : 'C_kl: kl is infinite at t = 1 (P(1) = 0: the generated clusters have no spread)'
  if (problem.sampler) {
    const tiny = new work(10).pow(-(digits + 15))
    let [first, second] = [constants(0, true), constants(1, true)]
    // A floor both extrapolations find below the working precision is 0 (the linear schedule):
    // then C is lim n mse(n), extrapolated without it.
    const zero = first.floor.abs().lt(tiny) && second.floor.abs().lt(tiny)
    if (zero) [first, second] = [constants(0, false), constants(1, false)]
    const agreement = Object.fromEntries(RATE_KEYS.map((k) => [k, agree(first.values[k], second.values[k], digits + 20)])) as Record<RateKey, number>
    const [d0, d1] = [distanceConstants(0), distanceConstants(1)]
    return {
      exactReason: `no closed form for the ${problem.sampler.steps}-step ${problem.sampler.scheme} sampler: digits_agree compares two extrapolations (from n = 10 and from n = 100)`,
      numeric: first.values,
      sequence,
      agreement,
      floor: { value: first.floor, digits: zero ? digits : agree(first.floor, second.floor, digits + 20), zero },
      distances: { numeric: d0, agreement: agreements(d0, d1, digits + 20), ...(klReason ? { reason: klReason } : {}) },
    }
  }
  const { values: numeric } = constants(0, false)
  const exact = exactRate(problem, work)
  const agreement = Object.fromEntries(RATE_KEYS.map((k) => [k, exact ? agree(exact.values[k], numeric[k], digits + 20) : 0])) as Record<RateKey, number>
  const dNumeric = distanceConstants(0)
  const dExact = exact?.distances
  const reason = klReason ?? (exact ? exactOf(problem).rate?.distanceReason : exactOf(problem).rateReason)
  return {
    ...(exact ? { exact: { values: exact.values, text: exact.text } } : { exactReason: exactOf(problem).rateReason }),
    numeric,
    sequence,
    agreement,
    distances: {
      numeric: dNumeric,
      ...(dExact ? { exact: dExact.values, text: dExact.text } : {}),
      agreement: dExact ? agreements(dExact.values, dNumeric, digits + 20) : {},
      ...(reason ? { reason } : {}),
    },
  }
}

/** Digits on which two sets of the distances' constants agree, for the keys both have. */
function agreements(a: Partial<Record<DistanceRateKey, Decimal>>, b: Partial<Record<DistanceRateKey, Decimal>>, precision: number): Partial<Record<DistanceRateKey, number>> {
  return Object.fromEntries(DISTANCE_RATE_KEYS.filter((k) => a[k] && b[k]).map((k) => [k, agree(a[k]!, b[k]!, precision)]))
}

/** Route (a) alone: flow.eq [rate] at the problem's parameters (cheap), or undefined where the symbolic layer found no series. */
export function exactRate(
  problem: FlowProblem,
  D: DecimalConstructor,
): (NonNullable<RateResult['exact']> & { distances: { values: Partial<Record<DistanceRateKey, Decimal>>; text: Partial<Record<DistanceRateKey, string>> } }) | undefined {
  const src = exactOf(problem).rate
  if (!src) return undefined
  const F = decimalArith(D)
  const values = compiled<(F: Arith<Decimal>) => (...p: Decimal[]) => () => Decimal[]>(src.source)(F)(...parameterDecimals(problem, D))()
  const all = Object.fromEntries(src.keys.map((k, i) => [k, values[i]]))
  const found = DISTANCE_RATE_KEYS.filter((k) => k in all)
  // For k other than 1 and infinity the expressions are the general ones, in k.
  const text = Object.fromEntries(Object.entries(src.text).map(([k, t]) => [k, inDraws(t)]))
  return {
    values: all as Record<RateKey, Decimal>,
    text,
    distances: { values: Object.fromEntries(found.map((k) => [k, all[k]])), text: Object.fromEntries(found.map((k) => [k, text[k]])) },
  }
}

/** The value at h = 0 of the polynomial through (hs, fs) (Neville). */
export function neville(hs: readonly Decimal[], fs: readonly Decimal[]): Decimal {
  const p = fs.slice()
  for (let m = 1; m < hs.length; m++) {
    for (let j = hs.length - 1; j >= m; j--)
      p[j] = hs[j - m]
        .times(p[j])
        .minus(hs[j].times(p[j - 1]))
        .div(hs[j - m].minus(hs[j]))
  }
  return p[hs.length - 1]
}
