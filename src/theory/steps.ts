/**
 * How a K-step sampler converges to the continuous flow (`flowgm steps`), and how many steps n
 * samples need.
 *
 * Convergence: for an explicit Runge-Kutta scheme of classical order p applied to a smooth ODE,
 * the global error at t = 1 has an asymptotic expansion in integer powers of h = 1/K,
 * X_K - X(1) = e_p h^p + e_{p+1} h^{p+1} + ... (Gragg's theorem; Hairer, Norsett, Wanner,
 * Solving ODEs I, II.8): each step's local error is a Taylor series in h whose coefficients are
 * derivatives of the field, and the errors propagate through the linear variational equation,
 * whose solution is itself smooth. Our ODE X' = a(t) X + g(t) is linear, with a, g analytic on
 * [0, 1] when the DAE has the skip connection (the 1/alpha of Result A cancels: the coefficients
 * are regular at t = 1). mse, P and cos are smooth functions of X(1), so
 * d_K = mse_K - mse_inf = E h^p + E_1 h^{p+1} + ..., and K^p d_K = E + E_1 h + E_2 h^2 + ...:
 * a polynomial in h, which Richardson extrapolation to h = 0 over K = 2^j removes term by term.
 *
 * Without skip connection a(t) has a pole at t = 1 (the learnt velocity is unbounded there):
 * the derivatives in the local errors blow up in the last steps and the expansion above does not
 * hold. We do not assume an order there; the measured order p_K = log2(|d_K| / |d_2K|) is printed,
 * and when it does not settle on the classical one no constant is claimed (a note says so).
 *
 * How many steps: for n samples, K*(n) is the smallest K at which the discretisation error falls
 * below tol times the statistical error, for a criterion (STEP_CRITERIA):
 *  - mse: discretisation |mse_K(n) - mse_inf(n)|, statistical mse_inf(n) (the continuous flow's own
 *    error, ~ C/n);
 *  - var: the generated cluster variance var = P^2; discretisation |var_K(n) - var_inf(n)|,
 *    statistical |var_inf(n) - sigma^2| (its distance to the target's variance);
 *  - w2: the whole generated law, W2^2/d to the target (docs/theory.md, distances); discretisation
 *    |w2_K(n) - w2_inf(n)|, statistical w2_inf(n), the continuous flow's own distance to the
 *    target (~ C/n with the skip connection and rho = 1/2; it keeps the floor of crossing mass
 *    4 |rho - 1/2| omega otherwise, so K* then asks for a fraction of the whole distance).
 */
import { Decimal } from '../hp/arith.js'
import { maxOf } from '../extent.js'
import { ParameterError } from '../errors.js'
import { MAX_STEPS, SCHEMES, TABLEAUX, checkSampler, stageCount, type Scheme } from './discrete.js'
import { beyondLimit, countText, HP_LIMIT_SECONDS, hpSeconds, transcendentalSchedule } from '../limits.js'
import { agree, statsHp } from './hp.js'
import type { FlowProblem } from './problem.js'
import { solve } from './solve.js'

/** The statistics compared between the K-step sampler and the continuous flow. */
export const STEPS_KEYS = ['mse', 'P', 'cos'] as const
export type StepsKey = (typeof STEPS_KEYS)[number]

/** The default K list: 1, 2, 4, ..., 4096. */
export const DEFAULT_KS: readonly number[] = Array.from({ length: 13 }, (_, j) => 2 ** j)

/** Significant digits of the differences (and of the constant's estimates) when none are asked for. */
export const STEPS_DIGITS = 12

/** The smallest K whose power of 2 starts the Richardson sequence (h = 1/8: the expansion's first terms dominate). */
const RICHARDSON_FROM = 8

export interface StepsOptions {
  /** The scheme (default euler). */
  readonly scheme?: Scheme
  /** The numbers of steps, positive integers (default DEFAULT_KS). */
  readonly ks?: readonly number[]
  /** Significant digits of the values (undefined: double precision, the differences at STEPS_DIGITS). */
  readonly digits?: number
}

/** One K: the statistics at t = 1 after K steps and their differences to the continuous flow. */
export interface StepsRow {
  readonly K: number
  /** mse, P, cos at t = 1 after K steps (double, or Decimal at `digits`). */
  readonly values: Readonly<Record<StepsKey, number | Decimal>>
  /** value_K - value_inf, each to `digits` (or STEPS_DIGITS) significant digits, from high precision. */
  readonly diffs: Readonly<Record<StepsKey, Decimal>>
  /** log2(|d_K| / |d_2K|) of the mse difference, where 2K is in the list too. */
  readonly order?: number
}

/** The leading constant E of d_K ~ E / K^p, by Richardson extrapolation of K^p d_K in h = 1/K. */
export interface StepsConstant {
  /** The classical order p of the scheme. */
  readonly p: number
  /** The estimate over every power of 2 of the list from RICHARDSON_FROM on (the better one). */
  readonly E: Decimal
  /** The estimate without the largest K (the second one). */
  readonly E2: Decimal
  /** Significant digits on which the two estimates agree. */
  readonly digitsAgree: number
  /** The K = 2^j the first estimate uses. */
  readonly ks: readonly number[]
}

export interface StepsResult {
  readonly scheme: Scheme
  readonly rows: readonly StepsRow[]
  /** mse, P, cos of the continuous flow at t = 1. */
  readonly continuous: Readonly<Record<StepsKey, number | Decimal>>
  /** Absent when the list has fewer than three powers of 2 >= RICHARDSON_FROM, or the order is not the classical one. */
  readonly constant?: StepsConstant
  /** Why no constant is given, or what the measured order says. */
  readonly notes: readonly string[]
}

/** Refuse a K list that is not positive integers within MAX_STEPS, or lists a K twice. */
export function checkKs(ks: readonly number[]): void {
  if (!ks.length) throw new ParameterError('k-list', 'must list at least one K')
  for (const K of ks) {
    if (!Number.isInteger(K) || K < 1 || K > MAX_STEPS) throw new ParameterError('k-list', `must be positive integers at most ${MAX_STEPS} (got ${K})`)
  }
  if (new Set(ks).size !== ks.length) throw new ParameterError('k-list', 'lists a K twice')
}

/**
 * Refuse a table whose high-precision differences would take beyond HP_LIMIT_SECONDS (src/limits.ts):
 * the stage times of the largest K (those of the smaller K are among them, and their schedule
 * values are kept across K) at the digits asked plus those the difference cancels (~ p log10 K).
 */
function checkStepsCost(problem: FlowProblem, scheme: Scheme, ks: readonly number[], digits: number, p: number): void {
  const largest = maxOf(ks)
  const stages = stageCount({ steps: largest, scheme })
  const seconds = hpSeconds({ command: 'stats', digits: digits + Math.ceil(p * Math.log10(largest)), n: problem.n, transcendental: transcendentalSchedule(problem.schedule), stages: 2 * stages })
  if (seconds > HP_LIMIT_SECONDS) {
    throw new ParameterError('k-list', `a largest K of ${largest} (${countText(stages)} stage times in high precision) would take ${beyondLimit(seconds)}; give smaller K or fewer --digits`)
  }
}

const withSampler = (problem: FlowProblem, steps: number, scheme: Scheme): FlowProblem => ({ ...problem, sampler: { steps, scheme } })

/** mse, P, cos at t = 1 of a problem (with or without sampler) at `digits` + `extra` digits. */
const hpAtOne = (problem: FlowProblem, digits: number, extra: number): Record<StepsKey, Decimal> => statsHp(problem, ['1'], { digits, extra }).rows[0] as Record<StepsKey, Decimal>

/** The same in double precision. */
function doubleAtOne(problem: FlowProblem): Record<StepsKey, number> {
  const row = solve(problem).stats(1) as unknown as Record<StepsKey, number>
  return { mse: row.mse, P: row.P, cos: row.cos }
}

/**
 * The convergence table of `options.scheme` for the parameters of `problem` (which must not carry
 * a sampler): the statistics after K steps, their differences to the continuous flow, the measured
 * order and the leading constant. The differences are computed in high precision whatever
 * `digits`: in double they vanish below the rounding error of mse at large K (rk4, K = 4096:
 * d_K ~ 1e-17).
 */
export function stepsTable(problem: FlowProblem, options: StepsOptions = {}): StepsResult {
  if (problem.sampler) throw new ParameterError('steps', 'stepsTable compares K-step samplers with the continuous flow: give a problem without a sampler')
  const scheme = options.scheme ?? 'euler'
  const ks = options.ks ?? DEFAULT_KS
  checkKs(ks)
  ks.forEach((K) => checkSampler(problem, { steps: K, scheme }))
  const { digits } = options
  if (digits !== undefined && !(Number.isInteger(digits) && digits >= 1 && digits <= 1000)) throw new ParameterError('digits', `must be an integer in [1, 1000] (got ${digits})`)
  const want = digits ?? STEPS_DIGITS
  const p = TABLEAUX[scheme].order
  checkStepsCost(problem, scheme, ks, want, p)
  const hp = hpDifferences(problem, scheme, ks, want, p)
  const values = (q: FlowProblem, exact: Record<StepsKey, Decimal>) => (digits === undefined ? doubleAtOne(q) : roundedRow(exact, digits))
  const dMse = new Map(ks.map((K, i) => [K, hp.diffs[i].mse]))
  const rows = ks.map((K, i): StepsRow => {
    const twice = dMse.get(2 * K)
    const order = twice && !twice.isZero() && !dMse.get(K)!.isZero() ? log2Ratio(dMse.get(K)!, twice) : undefined
    return { K, values: values(withSampler(problem, K, scheme), hp.sampled[i]), diffs: roundedRow(hp.diffs[i], want), ...(order !== undefined ? { order } : {}) }
  })
  const notes: string[] = []
  const order = settledOrder(rows, p, notes)
  const constant =
    order === undefined
      ? undefined
      : leadingConstant(
          ks,
          hp.diffs.map((d) => d.mse),
          order,
          want,
          hp.precision,
          notes,
        )
  return { scheme, rows, continuous: values(problem, hp.continuous), ...(constant ? { constant } : {}), notes }
}

const roundedRow = (row: Record<StepsKey, Decimal>, digits: number): Record<StepsKey, Decimal> =>
  Object.fromEntries(STEPS_KEYS.map((k) => [k, row[k].toSignificantDigits(digits)])) as Record<StepsKey, Decimal>

const log2Ratio = (a: Decimal, b: Decimal): number => a.abs().div(b.abs()).log(2).toNumber()

/**
 * The K-step and continuous statistics in high precision and their differences. A difference
 * d_K ~ E / K^p loses log10(value / d_K) leading digits to cancellation: those are carried as
 * extra digits (estimated from the classical order, then checked and grown once if short).
 */
function hpDifferences(problem: FlowProblem, scheme: Scheme, ks: readonly number[], digits: number, p: number) {
  const compute = (extra: number) => {
    const continuous = hpAtOne(problem, digits, extra)
    const sampled = ks.map((K) => hpAtOne(withSampler(problem, K, scheme), digits, extra))
    const diffs = sampled.map((row) => Object.fromEntries(STEPS_KEYS.map((k) => [k, row[k].minus(continuous[k])])) as Record<StepsKey, Decimal>)
    return { continuous, sampled, diffs, precision: digits + extra }
  }
  const lost = (d: Decimal, x: Decimal) => (d.isZero() || x.isZero() ? 0 : Math.ceil(x.abs().div(d.abs()).log(10).toNumber()))
  let extra = Math.min(400, Math.ceil(p * Math.log10(maxOf(ks))) + 10)
  let out = compute(extra)
  const need = maxOf(out.diffs.flatMap((d, i) => STEPS_KEYS.map((k) => lost(d[k], out.sampled[i][k])))) + 4
  if (need > extra && need <= 400) {
    extra = need
    out = compute(extra)
  }
  return out
}

/**
 * E of d_K ~ E / K^p: Romberg's table of f_j = K_j^p d_{K_j} over the powers of 2 K_j >= RICHARDSON_FROM
 * of the list, T_{j,m} = T_{j,m-1} + (T_{j,m-1} - T_{j-1,m-1}) / (2^m - 1) (each column removes
 * one power of h, h halving from row to row), and its last diagonal entries with and without the
 * largest K; their agreement is what is printed.
 */
function leadingConstant(ks: readonly number[], dMse: readonly Decimal[], p: number, digits: number, precision: number, notes: string[]): StepsConstant | undefined {
  const powers = ks.map((K, i) => ({ K, d: dMse[i] })).filter(({ K }) => K >= RICHARDSON_FROM && (K & (K - 1)) === 0)
  powers.sort((a, b) => a.K - b.K)
  const chain = consecutive(powers)
  if (chain.length < 3) {
    notes.push(`no constant: Richardson needs three consecutive powers of 2 from K = ${RICHARDSON_FROM} in --k-list`)
    return undefined
  }
  if (chain.every(({ d }) => d.isZero())) {
    // Without skip connection on the linear schedule every K gives the continuous mse exactly.
    notes.push('d_K = 0 at every K: the K-step sampler gives the continuous mse exactly here, no constant')
    return undefined
  }
  const W = Decimal.clone({ precision: precision + 10 })
  const f = chain.map(({ K, d }) => new W(K).pow(p).times(d))
  const E = romberg(f, W)
  const E2 = romberg(f.slice(0, -1), W)
  return { p, E, E2, digitsAgree: Math.min(digits, agree(E, E2, precision)), ks: chain.map((c) => c.K) }
}

/** The longest run of consecutive powers of 2 that ends at the largest one. */
function consecutive<T extends { K: number }>(sorted: readonly T[]): T[] {
  let start = sorted.length - 1
  while (start > 0 && sorted[start - 1].K * 2 === sorted[start].K) start--
  return sorted.slice(start)
}

/** The last diagonal entry of Romberg's table of f over h halving (the value at h = 0). */
function romberg(f: readonly Decimal[], W: typeof Decimal): Decimal {
  let column = f.map((x) => new W(x))
  for (let m = 1; column.length > 1; m++) {
    const factor = new W(2).pow(m).minus(1)
    column = column.slice(1).map((x, j) => x.plus(x.minus(column[j]).div(factor)))
  }
  return column[0]
}

/**
 * The power of h whose constant is extrapolated: the classical order p when the measured order at
 * the largest K is within ORDER_SLACK of it; a higher integer q when it settles there instead (the
 * h^p term of mse vanishes: midpoint on the linear schedule has q = 3); otherwise none, with a note
 * (a lower order, e.g. near the pole without skip connection, is not the expansion assumed).
 */
function settledOrder(rows: readonly StepsRow[], p: number, notes: string[]): number | undefined {
  // Below RICHARDSON_FROM the order has not settled anywhere (euler, K = 1: 0.34).
  // The largest K, not the last of the list: --k-list may give K in any order.
  const last = rows.filter((r) => r.order !== undefined && r.K >= RICHARDSON_FROM).reduce<StepsRow | undefined>((top, r) => (top && top.K > r.K ? top : r), undefined)
  if (!last) return p
  const measured = last.order!
  const q = Math.round(measured)
  if (Math.abs(measured - p) <= ORDER_SLACK) return p
  if (q > p && Math.abs(measured - q) <= ORDER_SLACK) {
    notes.push(`measured order ${measured.toFixed(3)} at K = ${last.K}: the h^${p} term of mse vanishes here; E is the constant of h^${q}`)
    return q
  }
  notes.push(`measured order ${measured.toFixed(3)} at K = ${last.K}, not the scheme's classical ${p}: no constant of d_K ~ E / K^p given`)
  return undefined
}

/** How far the last measured order may be from an integer: p_K = p + O(1/K) with a coefficient E_1/E of order one. */
const ORDER_SLACK = 0.1

/* ---------------------------------------------------------------------------------------------- */

/** The criteria of K*(n) (see the head of this file). */
export const STEP_CRITERIA = ['mse', 'var', 'w2'] as const
export type StepCriterion = (typeof STEP_CRITERIA)[number]

export interface StepsNeededOptions {
  /** The numbers of samples. */
  readonly ns: readonly number[]
  /** The fraction of the statistical error the discretisation error must fall below, in (0, 1) (default 0.1). */
  readonly tol?: number
  readonly criterion?: StepCriterion
  /** The schemes (default all four; heun and rk4 dropped without skip connection). */
  readonly schemes?: readonly Scheme[]
}

export interface StepsNeededResult {
  readonly ns: readonly number[]
  readonly schemes: readonly Scheme[]
  /** K*(n) per scheme, in the order of ns; undefined where even MAX_STEPS steps do not suffice. */
  readonly kStar: Readonly<Record<string, ReadonlyArray<number | undefined>>>
  /** The least-squares slope of log K* against log n per scheme (where at least two K* exist). */
  readonly exponents: Readonly<Record<string, number | undefined>>
}

/** The two errors of a criterion at (n, K): the discretisation error and the statistical one. */
export function criterionErrors(criterion: StepCriterion, sampled: Criteria, continuous: Criteria, sigma: number): { discretisation: number; statistical: number } {
  if (criterion === 'var') return { discretisation: Math.abs(sampled.var - continuous.var), statistical: Math.abs(continuous.var - sigma * sigma) }
  return { discretisation: Math.abs(sampled[criterion] - continuous[criterion]), statistical: continuous[criterion] }
}

/** The statistics the criteria read from a row at t = 1. */
type Criteria = { readonly mse: number; readonly var: number; readonly w2: number }

/**
 * K*(n) for every scheme and its growth exponent. K* is the smallest K with discretisation error
 * <= tol * statistical error, found by doubling K until it holds and then bisecting between the
 * last failing and the first passing power of 2 (assuming the error only falls in between: for
 * small K the error may cross zero and pass by chance, which doubling steps over). In double
 * precision: the criteria compare errors of order 1/n with tol of them, far above rounding for
 * the n doubles hold.
 */
export function stepsNeeded(problem: FlowProblem, options: StepsNeededOptions): StepsNeededResult {
  if (problem.sampler) throw new ParameterError('steps', 'stepsNeeded compares K-step samplers with the continuous flow: give a problem without a sampler')
  const tol = options.tol ?? 0.1
  if (!(tol > 0 && tol < 1)) throw new ParameterError('tol', `must lie in (0, 1) (got ${tol})`)
  const criterion = options.criterion ?? 'mse'
  if (!(STEP_CRITERIA as readonly string[]).includes(criterion)) throw new ParameterError('criterion', `must be one of ${STEP_CRITERIA.join(', ')} (got '${String(criterion).slice(0, 40)}')`)
  const schemes = (options.schemes ?? SCHEMES).filter((s) => options.schemes !== undefined || problem.skip || !TABLEAUX[s].c.some(([a, b]) => a === b))
  schemes.forEach((s) => checkSampler(problem, { steps: 1, scheme: s }))
  const kStar: Record<string, Array<number | undefined>> = {}
  for (const s of schemes) kStar[s] = []
  for (const n of options.ns) {
    const atN: FlowProblem = { ...problem, n, text: { ...problem.text, n: String(n) } }
    const continuous: Criteria = solve(atN, UNGUARDED).stats(1)
    for (const s of schemes) {
      const passes = (K: number) => {
        const e = criterionErrors(criterion, solve(withSampler(atN, K, s), UNGUARDED).stats(1), continuous, problem.sigma)
        return e.discretisation <= tol * e.statistical
      }
      kStar[s].push(smallestPassing(passes))
    }
  }
  const exponents = Object.fromEntries(schemes.map((s) => [s, slope(options.ns, kStar[s])]))
  return { ns: options.ns, schemes, kStar, exponents }
}

/**
 * K* compares two errors to within a factor tol, which needs a few digits of each, not the 12
 * printed digits the guard of solve() secures by recomputing a row in high precision (seconds per
 * row for a transcendental schedule at large n, where mse = omega (M - 1)^2 + ... cancels).
 */
const UNGUARDED = { guard: false } as const

/** The smallest K in [1, MAX_STEPS] that passes: doubling, then bisection (see stepsNeeded). */
export function smallestPassing(passes: (K: number) => boolean): number | undefined {
  let lo = 0
  let hi = 1
  while (!passes(hi)) {
    if (hi >= MAX_STEPS) return undefined
    lo = hi
    hi = Math.min(2 * hi, MAX_STEPS)
  }
  // passes(lo) is false (or lo = 0), passes(hi) true.
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (passes(mid)) hi = mid
    else lo = mid
  }
  return hi
}

/** Least-squares slope of log y against log x over the points where y exists. */
function slope(xs: readonly number[], ys: ReadonlyArray<number | undefined>): number | undefined {
  const pts = xs.flatMap((x, i) => (ys[i] !== undefined ? [[Math.log(x), Math.log(ys[i]!)]] : []))
  if (pts.length < 2) return undefined
  const mx = pts.reduce((s, [x]) => s + x, 0) / pts.length
  const my = pts.reduce((s, [, y]) => s + y, 0) / pts.length
  const sxx = pts.reduce((s, [x]) => s + (x - mx) ** 2, 0)
  if (sxx === 0) return undefined
  return pts.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / sxx
}
