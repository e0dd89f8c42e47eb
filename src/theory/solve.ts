/**
 * Solving a flow problem in double precision: the DAE of Result A in closed form at any t, and
 * the summary statistics of Result B by adaptive Gragg-Bulirsch-Stoer integration (odex) of the
 * linear ODE X' = a(t) X + g(t), X in (M, Q_xi, P), whose coefficients are exact rational
 * functions of the schedule with the 1/alpha pole removed (src/symbolic/derive.ts).
 */
import { Solver, type OutputFunction } from './odex.js'
import { ParameterError } from '../errors.js'
import { maxOf } from '../extent.js'
import { Decimal, decimalArith } from '../hp/arith.js'
import { parameterValues, STATES } from '../symbolic/names.js'
import { loadSchedule, type Schedule } from '../symbolic/schedule.js'
import { daeHp, scheduleSlopes, scheduleValues, statsHp } from './hp.js'
import { model, variantOf, type CompiledVariant } from './model.js'
import type { FlowProblem } from './problem.js'
import { sampledSolution } from './sampled.js'

export interface SolveOptions {
  /** Relative tolerance of the integrator (default 1e-15). */
  readonly rtol?: number
  /**
   * Rows whose printed digits double precision cannot guarantee (cancellation, the pole at t = 1
   * without skip connection) are computed in high precision instead (default true; false: the
   * integrator's own values, for testing the integrator).
   */
  readonly guard?: boolean
}

import type { DaeRow, StatsRow } from '../generated/keys.js'

export type { DaeRow, StatsRow } from '../generated/keys.js'

export interface Diagnostics {
  /** Accepted and rejected integrator steps and right-hand-side evaluations, over [0, 1]. */
  readonly steps: number
  readonly rejected: number
  readonly evaluations: number
}

export interface FlowSolution {
  readonly problem: FlowProblem
  readonly daeKeys: readonly string[]
  readonly statsKeys: readonly string[]
  /** Result A at time t (closed form). */
  dae(t: number): DaeRow
  /** The state (M, Q_xi, P) at time t. */
  state(t: number): [number, number, number]
  /** Result B observables at time t. */
  stats(t: number): StatsRow
  /** Observables at many times in one pass (dense output), sorted or not. */
  statsGrid(ts: readonly number[]): StatsRow[]
  readonly diagnostics: Diagnostics
  /**
   * The rows computed so far whose digits double precision could not guarantee, and what was
   * done (computed in high precision instead, or not): one note per such row, in order.
   */
  readonly notes: readonly PrecisionNote[]
}

/** Most steps of one integration over [0, 1] (a few hundred for the schedules of docs/cli.md). */
const MAX_STEPS = 100000
/** Width of the last stretch before a regular singular point at t = 1 (no-skip variant). */
const SINGULAR_GAP = 2 ** -20

/** Solve a problem: integrate once over [0, 1] and return a solution evaluable at any t. */
export function solve(problem: FlowProblem, options: SolveOptions = {}): FlowSolution {
  if (problem.sampler) return sampledSolution(problem, options)
  const rtol = options.rtol ?? 1e-15
  const v = variantOf(problem)
  const { n, sigma, lambda, omega, schedule } = problem
  const coefAt = v.ode(...parameterValues(problem))
  const notes: PrecisionNote[] = []
  const { keys: daeKeys, at: dae } = learntDae(problem, notes)
  const statsKeys = statsKeysOf(problem)
  const tMax = v.source.singular ? 1 - SINGULAR_GAP : 1

  const rhsOf =
    (sch: Schedule) =>
    (t: number, y: number[]): number[] => {
      const [a, b, ad, bd] = sch.at(t)
      const k = coefAt(a, b, ad, bd)
      return [k[0] * y[0] + k[1], k[2] * y[1] + k[3], k[4] * y[2] + k[5]]
    }
  const rhs = rhsOf(schedule)
  // Pure relative control: the states start at 0 and Q_xi stays small for small t.
  let absolute = 1e-300
  const solver = (): Solver => {
    const s = new Solver(3)
    s.relativeTolerance = rtol
    s.absoluteTolerance = absolute
    s.maxSteps = MAX_STEPS
    s.initialStepSize = 1e-3
    return s
  }
  const run = (s: Solver, t0: number, y0: number[], t1: number, out?: OutputFunction): number[] => {
    if (t1 === t0) return y0.slice()
    const r = s.solve(rhs, t0, y0, t1, out)
    if (r.outcome !== 0) throw tooFast(t0, t1)
    return r.y
  }

  // One pass over [0, tMax], keeping every accepted step as a restart point.
  const checkpoints: Array<{ t: number; y: number[] }> = []
  const integrate = (f: typeof rhs) => {
    checkpoints.length = 0
    return solver().solve(f, 0, v.source.initial.slice(), tMax, (_nr, _x0, x, y) => {
      checkpoints.push({ t: x, y: y.slice() })
    })
  }
  // Made when solving, not when first needed: a sweep starts writing once solve returns, so a
  // refusal must come before (a document cut after its first line is no refusal).
  let full = integrate(rhs)
  if (full.outcome !== 0) {
    const linear = rhsOf(loadSchedule(model().schedules.get('linear')!))
    if (integrate(linear).outcome !== 0) {
      // Seen when sigma and lambda are both tiny (sigma < 1e-7 at lambda = 0), whatever the
      // schedule: P falls from 1 to about sigma in a boundary layer at t = 1 that the integrator
      // cannot resolve, and high precision's quadrature does not converge there either.
      throw new ParameterError(
        'sigma',
        `the flow ODE cannot be integrated at sigma = ${sigma}, lambda = ${lambda}, n = ${n}, omega = ${omega} (the spread P falls from 1 to about sigma in a boundary layer at t = 1 when sigma and lambda/n = ${lambda / n} are both tiny); give a larger sigma, or a larger lambda or smaller n`,
      )
    }
    // The schedule is the cause. Seen on a plateau of a steep schedule (alpha = 1/2 - tanh(50 (t -
    // 1/2))/2...): beta ~ 1e-9 carries a rounding error of 1e-16, a noise of 1e-7 relative to the
    // tiny states that pure relative control cannot meet. An absolute floor far below double's
    // resolution of the O(1) states lets the integrator through; the rows it leaves less accurate
    // go to high precision (flowVerdict is told of the floor).
    absolute = ABSOLUTE_FLOOR
    full = integrate(rhs)
    // A failing step may report a NaN time: the interval starts at the last finite checkpoint.
    if (full.outcome !== 0) throw tooFast(checkpoints.filter((c) => Number.isFinite(c.t)).at(-1)?.t ?? 0, tMax)
  }
  const limit = v.source.singular ? singularLimit(v, problem) : undefined

  /** The last checkpoint at or before t. */
  const before = (t: number): number => {
    let lo = 0,
      hi = checkpoints.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (checkpoints[mid].t <= t) lo = mid
      else hi = mid - 1
    }
    return lo
  }
  // The largest |state| met on [0, t]: the integrator's error is relative to it, not to the
  // state at t (P falls from 1 to sigma at t = 1 when lambda = 0, keeping the error of its start).
  const peaks: number[][] = []
  checkpoints.forEach((cp, k) => peaks.push(cp.y.map((x, i) => Math.max(Math.abs(x), k ? peaks[k - 1][i] : Math.abs(v.source.initial[i])))))
  const peakAt = (t: number, y: readonly number[]): number[] => y.map((x, i) => Math.max(Math.abs(x), peaks[before(t)][i]))

  const state = (t: number): [number, number, number] => {
    checkTime(t)
    if (t > tMax) {
      // Between the last integrated point and the regular singular point t = 1 the solution is
      // smooth; interpolate linearly (absolute error O(gap^2); relative error is larger for a
      // state that vanishes at t = 1, as P does without skip connection: see docs/cli.md).
      const end = checkpoints[checkpoints.length - 1].y
      const w = (t - tMax) / (1 - tMax)
      return [0, 1, 2].map((i) => (1 - w) * end[i] + w * limit!.value[i]) as [number, number, number]
    }
    const cp = checkpoints[before(t)]
    return run(solver(), cp.t, cp.y, t) as [number, number, number]
  }

  const observables = flowObservables(problem)
  const judge = flowVerdict(problem, absolute === ABSOLUTE_FLOOR ? FLOOR_ERROR : 0, limit?.error)
  // The states at t are no better known than the schedule there: inside (0, 1) alpha and beta
  // must at least be known to be positive (a plateau that evaluates to 0 gives M = 0 where it is
  // 1e-130). The enclosure decides it in a tree walk; the states' own accuracy is flowVerdict's.
  // Where the enclosure is too coarse to tell, decimal evaluation (at two precisions) decides.
  const accurate = accurateSchedule(problem)
  const scheduleKnown = (t: number) => problem.schedule.valueError(t) < 1 || accurate.measure(t)[2] < 1

  /** The state at t, or why the integrator could not give it. */
  type Reached = { readonly y: readonly number[] } | { readonly error: unknown }
  const attempt = (y: () => readonly number[]): Reached => {
    try {
      return { y: y() }
    } catch (error) {
      return { error }
    }
  }
  /**
   * The rows at ts from their states; a row whose digits double precision cannot guarantee, or
   * whose state the integrator could not reach (the rough start of a cancelling schedule), is
   * computed in high precision instead (all such rows in one pass).
   */
  const rowsOf = (ts: readonly number[], reached: readonly Reached[]): StatsRow[] => {
    const out = new Array<StatsRow>(ts.length)
    const verdicts = reached.map((r, i): Verdict => {
      if (!('y' in r)) return 'doubtful'
      out[i] = observables(ts[i], r.y)
      return scheduleKnown(ts[i]) ? judge(ts[i], r.y, peakAt(ts[i], r.y)) : 'doubtful'
    })
    guardRows(problem, ts, out, verdicts, notes, options)
    reached.forEach((r, i) => {
      if ('error' in r && out[i] === undefined) throw r.error
    })
    return out
  }

  const statsGrid = (ts: readonly number[]): StatsRow[] => {
    ts.forEach(checkTime)
    const order = ts.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t)
    const reached = new Array<Reached>(ts.length)
    // One pass with odex's dense output (its interpolation error is part of the step control).
    const dense = solver()
    dense.denseOutput = true
    // Interpolation degree mu = 2k - 1: the setting with the smallest error against restarts
    // from accepted steps in our tests (test/theory/solve.test.ts compares the two).
    dense.interpolationFormulaDegree = 2
    let next = 0
    const pass = attempt(() =>
      run(dense, 0, v.source.initial.slice(), tMax, (_nr, x0, x, y, interpolate) => {
        for (; next < order.length && order[next].t <= x; next++) {
          const { t, i } = order[next]
          // In the first step the states grow from 0, and the interpolant's error, relative to
          // their size at the end of the step, is large relative to their size at t: restart there.
          reached[i] = attempt(() => (t === x ? y : x0 === 0 ? state(t) : [0, 1, 2].map((c) => interpolate!(c, t))))
        }
      }),
    )
    // The dense pass can need more steps than the plain one (its interpolation error counts too):
    // the rows it did not reach restart from the plain pass's steps.
    if ('error' in pass && !(pass.error instanceof ParameterError)) throw pass.error
    for (; next < order.length; next++) reached[order[next].i] = attempt(() => state(order[next].t))
    return rowsOf(ts, reached)
  }

  return {
    problem,
    daeKeys,
    statsKeys,
    dae,
    state,
    stats: (t) => {
      checkTime(t)
      return rowsOf([t], [attempt(() => state(t))])[0]
    },
    statsGrid,
    diagnostics: { steps: full.nAccept, rejected: full.nReject, evaluations: full.nEval },
    notes,
  }
}

/** What double precision is worth for a row (flowVerdict). */
export type Verdict = 'trusted' | 'doubtful' | 'beyond'

/**
 * The guard on rows in double precision: each 'doubtful' row of `out` is replaced by its row in
 * high precision (all in one pass; unless options.guard is false), each 'beyond' or unreplaced
 * row leaves a note in `notes`.
 */
export function guardRows(problem: FlowProblem, ts: readonly number[], out: StatsRow[], verdicts: readonly Verdict[], notes: PrecisionNote[], options: SolveOptions): void {
  const doubtful: number[] = []
  verdicts.forEach((verdict, i) => {
    if (verdict === 'beyond') notes.push({ command: 'stats', t: ts[i], escalated: false })
    else if (verdict === 'doubtful' && options.guard !== false) doubtful.push(i)
  })
  escalate<StatsRow>(
    problem,
    'stats',
    doubtful.map((i) => ts[i]),
    statsKeysOf(problem),
    notes,
  ).forEach((row, j) => {
    if (row) out[doubtful[j]] = row
  })
}

/**
 * The refusal of a schedule the integrator cannot follow in double precision (its step limit
 * reached between t0 and t1): alpha or beta vary too fast (sin(1e7 t)), or too steeply.
 */
function tooFast(t0: number, t1: number): ParameterError {
  const at = (t: number) => Number(t.toPrecision(6))
  return new ParameterError(
    'alpha',
    `the flow ODE cannot be integrated in double precision with this schedule (alpha, beta): alpha or beta varies too fast or too steeply for ${MAX_STEPS} integrator steps on [${at(t0)}, ${at(t1)}]; give a schedule that varies more slowly`,
  )
}

/** Keys of `flowgm stats` after t: the states, then the flow observables. */
export const statsKeysOf = (problem: FlowProblem): string[] => [...STATES, ...variantOf(problem).source.flowKeys]

/**
 * The observables of Result B from a state (M, Q_xi, P) at time t, for the continuous flow or any
 * discretisation of it (src/theory/discrete.ts).
 */
export function flowObservables(problem: FlowProblem): (t: number, y: readonly number[]) => StatsRow {
  const v = variantOf(problem)
  const flowAt = v.flow(...parameterValues(problem))
  const statsKeys = statsKeysOf(problem)
  let dae0: DaeRow | undefined
  return (t, y) => {
    const values = [...y, ...flowAt(y[0], y[1], y[2])]
    const row: Record<string, number> = { t }
    statsKeys.forEach((k, i) => {
      row[k] = values[i] + 0
    })
    // flow.eq [infinite]: where the state vanishes the value is +Infinity (its formula reads 0/0 there).
    for (const x of v.source.infinite) if (y[x.state] === 0) row[x.key] = Infinity
    if (y[0] === 0 && y[1] === 0) {
      // At t = 0 the cluster mean vanishes; observables that depend on it only through its
      // direction take their limit t -> 0+, the direction of the DAE weights (m, q_xi)(0).
      dae0 ??= learntDae(problem).at(0)
      // (A state without source, Q_xi under fresh noise at every t, keeps no direction.)
      const [m, q] = [dae0.m, dae0.q_xi].map((x, i) => (v.source.sourceless.includes(i) ? 0 : x))
      const dir = flowAt(m, q, y[2])
      for (const k of v.source.directionOnly) row[k] = dir[v.source.flowKeys.indexOf(k)]
    }
    return row as StatsRow
  }
}

/**
 * Result A alone (closed form, no integration): the DAE row at any t. Rows double precision could
 * not guarantee leave a note in `notes` (given, or a new array).
 */
export function learntDae(problem: FlowProblem, notes: PrecisionNote[] = []): { readonly keys: readonly string[]; at(t: number): DaeRow; readonly notes: readonly PrecisionNote[] } {
  const v = variantOf(problem)
  const params = parameterValues(problem)
  const daeAt = v.dae(...params)
  const endDirection = v.daeEndDirection(...params)
  const daeAsWritten = v.daeAsWritten(...params)
  const daeKeys = v.source.daeKeys
  const accurate = accurateSchedule(problem)
  const at = (t: number): DaeRow => {
    checkTime(t)
    let [a, b, error, measured] = accurate.values(t)
    let values = daeAt(a, b)
    // The enclosure's bound is pessimistic: before giving up on double, measure the actual error.
    if (!daeTrusted(t, a, b, error, values) && error > INPUT_ERROR && !measured) {
      ;[a, b, error] = accurate.measure(t)
      values = daeAt(a, b)
    }
    if (!daeTrusted(t, a, b, error, values)) {
      const hp = escalate<DaeRow>(problem, 'dae', [t], daeKeys, notes)[0]
      if (hp) return hp
    }
    const row: Record<string, number> = { t }
    daeKeys.forEach((k, i) => {
      row[k] = values[i] + 0
    })
    if (row.m === 0 && row.q_xi === 0) {
      // At t = 1 (with skip connection) w vanishes; observables of its direction only take their
      // limit t -> 1-, along the leading direction of (m, q_xi) as alpha -> 0.
      // With infinitely many draws (kinv = 0) the xi part has no norm: the direction is mu_emp's.
      const [m, q] = problem.kinv === 0 ? [1, 0] : endDirection(b)
      const dir = daeAsWritten(a, b, row.c, m, q)
      const obsKeys = daeKeys.slice(3)
      for (const k of v.source.daeDirectionOnly) row[k] = dir[obsKeys.indexOf(k)] + 0
    }
    return row as DaeRow
  }
  /** Whether every value is faithful to 12 digits when alpha and beta carry the relative error `error`. */
  const daeTrusted = (t: number, a: number, b: number, error: number, values: readonly number[]): boolean => {
    if (t === 0 || t === 1) return true
    if (!(error < SCHEDULE_KNOWN)) return false
    const spread = sensitivity(values, [daeAt(a * (1 + error), b), daeAt(a, b * (1 + error))])
    return values.every((x, k) => faithful(x, spread[k]))
  }

  return { keys: daeKeys, at, notes }
}

/**
 * X(1) at a regular singular point: alpha X' = (alpha a) X + alpha g, whose left side vanishes at
 * t = 1, so X(1) = -(alpha g)/(alpha a). When alpha has a double zero at t = 1 that quotient is
 * 0/0 there and we take its limit t -> 1- by polynomial (Neville) extrapolation in 1 - t; the
 * error of each component is estimated by the last correction of the extrapolation (Infinity
 * where a node is x/0, at a stationary point of alpha), so that a limit the nodes do not resolve
 * (a pole of the quotient just beyond them) goes to high precision instead of printing wrong digits.
 */
function singularLimit(v: CompiledVariant, p: FlowProblem): { readonly value: number[]; readonly error: number[] } {
  const limitAt = v.odeLimit!(...parameterValues(p))
  const quotient = (t: number, i: number): number => {
    const [a, b, ad, bd] = p.schedule.at(t)
    const k = limitAt(a, b, ad, bd)
    return k[2 * i] === 0 && k[2 * i + 1] === 0 ? 0 : -k[2 * i + 1] / k[2 * i]
  }
  const atOne = limitAt(...p.schedule.at(1))
  const limits = [0, 1, 2].map((i): [number, number] => {
    if (atOne[2 * i] !== 0) return [-atOne[2 * i + 1] / atOne[2 * i] + 0, 0]
    if (atOne[2 * i + 1] === 0 && [0.5, 0.75, 0.9].every((t) => quotient(t, i) === 0)) return [0, 0]
    const hs = Array.from({ length: 8 }, (_, j) => 0.05 * 2 ** -j)
    const table = hs.map((h) => quotient(1 - h, i))
    let previous = NaN
    for (let m = 1; m < hs.length; m++) {
      previous = table[hs.length - 1]
      for (let j = hs.length - 1; j >= m; j--) table[j] = (hs[j - m] * table[j] - hs[j] * table[j - 1]) / (hs[j - m] - hs[j])
    }
    const value = table[hs.length - 1] + 0
    const error = Math.abs(value - previous)
    return [value, Number.isFinite(error) ? error : Infinity]
  })
  return { value: limits.map((l) => l[0]), error: limits.map((l) => l[1]) }
}

function checkTime(t: number): void {
  if (!(t >= 0 && t <= 1)) throw new RangeError(`t must lie in [0, 1] (got ${t})`)
}

/** Significant digits printed in double precision. */
export const DOUBLE_DIGITS = 12
/**
 * Relative error assumed of the integrated state (M, Q_xi, P): odex runs at rtol 1e-15, and the
 * largest error measured against high precision away from the singular point is 1.3e-14
 * (test/theory/edge.test.ts checks the printed digits over the edge cases).
 */
const STATE_ERROR = 2e-14
/** The absolute tolerance of the integrator where pure relative control fails (see solve). */
const ABSOLUTE_FLOOR = 1e-20
/** Absolute error assumed of the state then: the floor, over up to a thousand steps. */
const FLOOR_ERROR = 1e3 * ABSOLUTE_FLOOR
/** Relative error assumed of alpha(t), beta(t): correctly rounded near the ends, else a few ulps of t. */
const INPUT_ERROR = 64 * Number.EPSILON
/** A state below this fraction of its largest size is beyond what high precision resolves quickly. */
const HP_REACH = 1e-4
/** Without skip connection the flow ODE has a pole at t = 1: rows closer than this go to high precision. */
const NEAR_SINGULAR = 2 ** -10
/** alpha or beta below this: evaluated in decimal from the decimal t, then rounded (cancellation, 1 - t). */
const NEAR_END = 2 ** -6

/** Whether x, computed with absolute error at most `error`, is right to DOUBLE_DIGITS digits (within half a unit of the last, before rounding). */
export function faithful(x: number, error: number): boolean {
  if (!Number.isFinite(x) || !Number.isFinite(error)) return false
  if (x === 0) return error === 0
  return error <= 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(x))) - (DOUBLE_DIGITS - 1))
}

/** First-order error bound: the sum over perturbed evaluations of their distance to the values. */
function sensitivity(values: readonly number[], perturbed: ReadonlyArray<readonly number[]>): number[] {
  return values.map((x, k) => perturbed.reduce((sum, p) => sum + Math.abs(p[k] - x), 0))
}

/**
 * What double precision is worth for the state y at time t and its flow observables, the state
 * carrying an error STATE_ERROR times `peak` (its largest size on [0, t]):
 *  - 'trusted': every value right to DOUBLE_DIGITS digits;
 *  - 'doubtful': not (close to the pole at t = 1 without skip connection, at the rough start of
 *    a cancelling schedule, or observables that amplify the error beyond their digits:
 *    mse = omega (M - 1)^2 + ... as M -> 1 at large n): high precision computes the row;
 *  - 'beyond': not, and a state has fallen far below its start (P from 1 to sigma ~ 1e-7 at
 *    t = 1 when lambda = 0), a boundary layer high precision does not resolve in reasonable time
 *    either: the double row stands, with a warning.
 */
export function flowVerdict(problem: FlowProblem, floorError = 0, limitError?: readonly number[]): (t: number, y: readonly number[], peak: readonly number[]) => Verdict {
  const v = variantOf(problem)
  const flowAt = v.flow(...parameterValues(problem))
  const rough = roughStart(problem)
  return (t, y, peak) => {
    // t = 0: the initial state, exact.
    if (t === 0) return 'trusted'
    // t = 1 without skip connection: the limit at the pole, in closed form (an error relative to
    // itself) or extrapolated (trusted only where its last correction is below that error); just
    // before, the pole spoils the integrator's digits (P = alpha -> 0 is no layer).
    if (v.source.singular && t === 1 && limitError) {
      if (!limitError.every((e, i) => Number.isFinite(y[i]) && e <= STATE_ERROR * Math.abs(y[i]))) return 'doubtful'
      peak = y.map(Math.abs)
    } else if (v.source.singular && t > 1 - NEAR_SINGULAR) return 'doubtful'
    if (t >= rough) {
      const values = [...y, ...flowAt(y[0], y[1], y[2])]
      const perturbed = [0, 1, 2].map((i) => {
        const z = y.slice()
        z[i] += peak[i] * STATE_ERROR + floorError
        return [...z, ...flowAt(z[0], z[1], z[2])]
      })
      const spread = sensitivity(values, perturbed)
      // A key that is infinite because its state vanishes exactly is printed as null: no digits to judge.
      const infinite = new Set(v.source.infinite.filter((x) => y[x.state] === 0).map((x) => STATES.length + v.source.flowKeys.indexOf(x.key)))
      if (values.every((x, k) => infinite.has(k) || faithful(x, spread[k]))) return 'trusted'
    }
    return y.some((x, c) => Math.abs(x) < HP_REACH * peak[c] && Math.abs(x) > 0) ? 'beyond' : 'doubtful'
  }
}

const Accurate = Decimal.clone({ precision: 40 })
const accurateArith = decimalArith(Accurate)
const DoubleAccurate = Decimal.clone({ precision: 80 })
const doubleAccurateArith = decimalArith(DoubleAccurate)

/** Relative error allowed of alpha, beta and their slopes in double, where the flow starts from 0. */
const SCHEDULE_ERROR = 1e-14
const roughStarts = new Map<string, number>()

/**
 * Below which t the schedule in double is less accurate than SCHEDULE_ERROR (0: nowhere): the
 * states start from 0 at t = 0 and inherit the relative error of the coefficients there, so a
 * schedule that cancels near 0 (beta = 1 - (1 - t)^2) spoils their digits. Checked at t = 2^-k
 * and 1.001 2^-k against decimal evaluation, once per schedule.
 */
function roughStart(problem: FlowProblem): number {
  const { schedule } = problem
  let start = roughStarts.get(schedule.values + schedule.slopes)
  if (start === undefined) {
    start = 0
    // Powers of 2 alone are not enough: there 1 - (1 - t)^2 is exact in double, at a t with a full
    // mantissa beside them (1.001 2^-k) not. There alpha and beta are checked (a cancellation
    // spoils them); their slopes, where a power such as t^999 has a relative error of 1e-13 on a
    // value of 1e-298 that nothing feels, at t = 2^-k as before.
    probe: for (let k = 1; k <= 60; k++) {
      for (const [t, slopes] of [
        [2 ** -k, true],
        [1.001 * 2 ** -k, false],
      ] as const) {
        const T = new Accurate(t)
        const exact = [...scheduleValues(problem, accurateArith, T), ...(slopes ? scheduleSlopes(problem, accurateArith, T) : [])]
        const double = schedule.at(t)
        const bad = exact.some((x, i) => !x.isZero() && !(Math.abs(double[i] - x.toNumber()) <= SCHEDULE_ERROR * Math.abs(x.toNumber())))
        if (bad) {
          start = 2 ** (1 - k)
          break probe
        }
      }
    }
    roughStarts.set(schedule.values + schedule.slopes, start)
  }
  return start
}

/**
 * alpha(t), beta(t) in double precision, correctly rounded where one of them is small: there
 * 1 - t (or a schedule's own cancellation, cos near pi/2) loses the digits the DAE needs, so the
 * schedule is evaluated in decimal at the decimal value of t (its shortest text, as printed).
 */
function accurateSchedule(problem: FlowProblem): AccurateSchedule {
  const { schedule } = problem
  /**
   * alpha, beta at t in decimal, and their own error: against a second evaluation at twice the
   * digits (a cancellation loses different digits at each precision; tanh saturating to -1 at
   * both leaves an exact 0, which the interior cannot hold).
   */
  const decimal = (t: number): Values => {
    const T = new Accurate(t)
    const [A, B] = scheduleValues(problem, accurateArith, T)
    // Always checked, even where the enclosure says double keeps its digits: constants such as
    // 1 - (1/3)*3 are exact in double (0) but not in decimal (1e-40), so a decimal evaluation can
    // cancel where double does not (beta = t + (1 - (1/3)*3) at t = 1e-30).
    const [A2, B2] = scheduleValues(problem, doubleAccurateArith, new DoubleAccurate(T))
    const error = maxOf(
      [
        [A, A2],
        [B, B2],
      ].map(([x, y]) => (x.gt(0) && y.gt(0) ? x.minus(y).abs().div(y).toNumber() : Infinity)),
    )
    return [A.toNumber(), B.toNumber(), error]
  }
  return {
    values(t) {
      const [a, b] = schedule.at(t)
      if (t === 0 || t === 1) return [a, b, 0, true]
      if (Math.min(a, b) < NEAR_END) {
        const [A, B, error] = decimal(t)
        return [A, B, Math.max(INPUT_ERROR, error), true]
      }
      return [a, b, Math.max(INPUT_ERROR, schedule.valueError(t)), false]
    },
    measure(t) {
      const [a, b] = schedule.at(t)
      const [A, B, error] = decimal(t)
      const measured = Math.max(Math.abs(a - A) / A, Math.abs(b - B) / B)
      return [a, b, Math.max(INPUT_ERROR, error + (Number.isFinite(measured) ? measured : Infinity))]
    },
  }
}

/** alpha(t), beta(t) and a bound on their relative error. */
type Values = [number, number, number]

/**
 * alpha, beta at t for the closed form of Result A: `values` with the enclosure's bound on their
 * error (in decimal near the ends), and whether that error was measured (exact at the ends,
 * against decimal near them); `measure` the double values' actual error against decimal where the
 * bound is too pessimistic to trust a row.
 */
interface AccurateSchedule {
  values(t: number): [...Values, boolean]
  measure(t: number): Values
}

/**
 * Whether alpha(t), beta(t) are known well enough for a row at t in double (12 digits): where
 * they are not (a cancelling expression), the row is computed in high precision, which evaluates
 * the schedule at growing precision until it is known (src/theory/hp.ts).
 */
export const SCHEDULE_KNOWN = 1e-13

/** Where double precision could not guarantee its digits: what was done about it. */
export interface PrecisionNote {
  readonly command: 'dae' | 'stats'
  readonly t: number
  /** true: the row was computed in high precision instead; false: high precision failed, the double row stands. */
  readonly escalated: boolean
}

/** Digits asked of high precision for an escalated row (enough to round to a double). */
export const ESCALATED_DIGITS = 17
/** The most a double-precision row sent to high precision may cost there, estimated (src/limits.ts). */
export const ESCALATED_SECONDS = 60

/** The rows at `ts` computed in high precision instead (undefined for each if that fails), each noted in `notes`. */
function escalate<R extends StatsRow | DaeRow>(problem: FlowProblem, command: 'dae' | 'stats', ts: readonly number[], keys: readonly string[], notes: PrecisionNote[]): Array<R | undefined> {
  if (!ts.length) return []
  let rows: Array<R | undefined>
  try {
    const texts = ts.map((t) => new Accurate(t).toString())
    const r = (command === 'dae' ? daeHp : statsHp)(problem, texts, { digits: ESCALATED_DIGITS, maxSeconds: ESCALATED_SECONDS })
    rows = r.rows.map((row, j) => Object.fromEntries([['t', ts[j]], ...keys.map((k) => [k, row[k].toNumber() + 0])]) as R)
  } catch (e) {
    // A schedule that cannot be evaluated at these times (it cancels every digit): the double
    // rows are no better, and are not printed.
    if (e instanceof ParameterError) throw e
    rows = ts.map(() => undefined)
  }
  ts.forEach((t, j) => notes.push({ command, t, escalated: rows[j] !== undefined }))
  return rows
}
