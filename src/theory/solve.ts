/**
 * Solving a flow problem in double precision: the DAE of Result A in closed form at any t, and
 * the summary statistics of Result B by adaptive Gragg-Bulirsch-Stoer integration (odex) of the
 * linear ODE X' = a(t) X + g(t), X in (M, Q_xi, P), whose coefficients are exact rational
 * functions of the schedule with the 1/alpha pole removed (src/symbolic/derive.ts).
 */
import { Solver, type OutputFunction } from 'odex'
import { STATES } from '../symbolic/derive.js'
import { variantOf, type CompiledVariant } from './model.js'
import type { FlowProblem } from './problem.js'

export interface SolveOptions {
  /** Relative tolerance of the integrator (default 1e-15). */
  readonly rtol?: number
}

/** Keys of `flowgm dae` and `flowgm stats`, after t. */
export type DaeRow = Readonly<Record<string, number>>
export type StatsRow = Readonly<Record<string, number>>

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
}

/** Width of the last stretch before a regular singular point at t = 1 (no-skip variant). */
const SINGULAR_GAP = 2 ** -20

/** Solve a problem: integrate once over [0, 1] and return a solution evaluable at any t. */
export function solve(problem: FlowProblem, options: SolveOptions = {}): FlowSolution {
  const rtol = options.rtol ?? 1e-15
  const v = variantOf(problem)
  const { n, sigma, lambda, omega, schedule } = problem
  const coefAt = v.ode(n, sigma, lambda, omega)
  const { keys: daeKeys, at: dae } = learntDae(problem)
  const statsKeys = statsKeysOf(problem)
  const tMax = v.source.singular ? 1 - SINGULAR_GAP : 1

  const rhs = (t: number, y: number[]): number[] => {
    const [a, b, ad, bd] = schedule.at(t)
    const k = coefAt(a, b, ad, bd)
    return [k[0] * y[0] + k[1], k[2] * y[1] + k[3], k[4] * y[2] + k[5]]
  }
  const solver = (): Solver => {
    const s = new Solver(3)
    s.relativeTolerance = rtol
    // Pure relative control: the states start at 0 and Q_xi stays small for small t.
    s.absoluteTolerance = 1e-300
    s.maxSteps = 100000
    s.initialStepSize = 1e-3
    return s
  }
  const run = (s: Solver, t0: number, y0: number[], t1: number, out?: OutputFunction): number[] => {
    if (t1 === t0) return y0.slice()
    const r = s.solve(rhs, t0, y0, t1, out)
    if (r.outcome !== 0) throw new Error(`integrator did not converge (outcome ${r.outcome}) on [${t0}, ${t1}]`)
    return r.y
  }

  // One pass over [0, tMax], keeping every accepted step as a restart point.
  const checkpoints: Array<{ t: number; y: number[] }> = []
  const main = solver()
  const full = main.solve(rhs, 0, v.source.initial.slice(), tMax, (_nr, _x0, x, y) => { checkpoints.push({ t: x, y: y.slice() }) })
  if (full.outcome !== 0) throw new Error(`integrator did not converge (outcome ${full.outcome})`)
  const limit = v.source.singular ? singularLimit(v, problem) : undefined

  const state = (t: number): [number, number, number] => {
    checkTime(t)
    if (t > tMax) {
      // Between the last integrated point and the regular singular point t = 1 the solution is
      // smooth; interpolate linearly (absolute error O(gap^2); relative error is larger for a
      // state that vanishes at t = 1, as P does without skip connection: see docs/cli.md).
      const end = checkpoints[checkpoints.length - 1].y
      const w = (t - tMax) / (1 - tMax)
      return [0, 1, 2].map((i) => (1 - w) * end[i] + w * limit![i]) as [number, number, number]
    }
    let lo = 0, hi = checkpoints.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (checkpoints[mid].t <= t) lo = mid
      else hi = mid - 1
    }
    const cp = checkpoints[lo]
    return run(solver(), cp.t, cp.y, t) as [number, number, number]
  }

  const observables = flowObservables(problem)

  const statsGrid = (ts: readonly number[]): StatsRow[] => {
    ts.forEach(checkTime)
    const order = ts.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t)
    const out = new Array<StatsRow>(ts.length)
    // One pass with odex's dense output (its interpolation error is part of the step control).
    const dense = solver()
    dense.denseOutput = true
    // Interpolation degree mu = 2k - 1: the setting with the smallest error against restarts
    // from accepted steps in our tests (test/theory/solve.test.ts compares the two).
    dense.interpolationFormulaDegree = 2
    let next = 0
    run(dense, 0, v.source.initial.slice(), tMax, (_nr, x0, x, y, interpolate) => {
      for (; next < order.length && order[next].t <= x; next++) {
        const { t, i } = order[next]
        // In the first step the states grow from 0, and the interpolant's error, relative to
        // their size at the end of the step, is large relative to their size at t: restart there.
        const yt = t === x ? y : x0 === 0 ? state(t) : [0, 1, 2].map((c) => interpolate!(c, t))
        out[i] = observables(t, yt)
      }
    })
    for (; next < order.length; next++) out[order[next].i] = observables(order[next].t, state(order[next].t))
    return out
  }

  return {
    problem,
    daeKeys,
    statsKeys,
    dae,
    state,
    stats: (t) => observables(t, state(t)),
    statsGrid,
    diagnostics: { steps: full.nAccept, rejected: full.nReject, evaluations: full.nEval },
  }
}

/** Keys of `flowgm stats` after t: the states, then the flow observables. */
export const statsKeysOf = (problem: FlowProblem): string[] => [...STATES, ...variantOf(problem).source.flowKeys]

/**
 * The observables of Result B from a state (M, Q_xi, P) at time t, for the continuous flow or any
 * discretisation of it (src/theory/discrete.ts).
 */
export function flowObservables(problem: FlowProblem): (t: number, y: readonly number[]) => StatsRow {
  const v = variantOf(problem)
  const { n, sigma, lambda, omega } = problem
  const flowAt = v.flow(n, sigma, lambda, omega)
  const statsKeys = statsKeysOf(problem)
  let dae0: DaeRow | undefined
  return (t, y) => {
    const values = [...y, ...flowAt(y[0], y[1], y[2])]
    const row: Record<string, number> = { t }
    statsKeys.forEach((k, i) => { row[k] = values[i] + 0 })
    if (y[0] === 0 && y[1] === 0) {
      // At t = 0 the cluster mean vanishes; observables that depend on it only through its
      // direction take their limit t -> 0+, the direction of the DAE weights (m, q_xi)(0).
      dae0 ??= learntDae(problem).at(0)
      const dir = flowAt(dae0.m, dae0.q_xi, y[2])
      for (const k of v.source.directionOnly) row[k] = dir[v.source.flowKeys.indexOf(k)]
    }
    return row
  }
}

/** Result A alone (closed form, no integration): the DAE row at any t. */
export function learntDae(problem: FlowProblem): { readonly keys: readonly string[]; at(t: number): DaeRow } {
  const v = variantOf(problem)
  const { n, sigma, lambda, omega, schedule } = problem
  const daeAt = v.dae(n, sigma, lambda, omega)
  const endDirection = v.daeEndDirection(n, sigma, lambda, omega)
  const daeAsWritten = v.daeAsWritten(n, sigma, lambda, omega)
  const daeKeys = v.source.daeKeys
  const at = (t: number): DaeRow => {
    checkTime(t)
    const [a, b] = schedule.at(t)
    const values = daeAt(a, b)
    const row: Record<string, number> = { t }
    daeKeys.forEach((k, i) => { row[k] = values[i] + 0 })
    if (row.m === 0 && row.q_xi === 0) {
      // At t = 1 (with skip connection) w vanishes; observables of its direction only take their
      // limit t -> 1-, along the leading direction of (m, q_xi) as alpha -> 0.
      const [m, q] = endDirection(b)
      const dir = daeAsWritten(a, b, row.c, m, q)
      const obsKeys = daeKeys.slice(3)
      for (const k of v.source.daeDirectionOnly) row[k] = dir[obsKeys.indexOf(k)] + 0
    }
    return row
  }

  return { keys: daeKeys, at }
}

/**
 * X(1) at a regular singular point: alpha X' = (alpha a) X + alpha g, whose left side vanishes at
 * t = 1, so X(1) = -(alpha g)/(alpha a). When alpha has a double zero at t = 1 that quotient is
 * 0/0 there and we take its limit t -> 1- by polynomial (Neville) extrapolation in 1 - t.
 */
function singularLimit(v: CompiledVariant, p: FlowProblem): number[] {
  const limitAt = v.odeLimit!(p.n, p.sigma, p.lambda, p.omega)
  const quotient = (t: number, i: number): number => {
    const [a, b, ad, bd] = p.schedule.at(t)
    const k = limitAt(a, b, ad, bd)
    return k[2 * i] === 0 && k[2 * i + 1] === 0 ? 0 : -k[2 * i + 1] / k[2 * i]
  }
  const atOne = limitAt(...p.schedule.at(1))
  return [0, 1, 2].map((i) => {
    if (atOne[2 * i] !== 0) return -atOne[2 * i + 1] / atOne[2 * i] + 0
    if (atOne[2 * i + 1] === 0 && [0.5, 0.75, 0.9].every((t) => quotient(t, i) === 0)) return 0
    const hs = Array.from({ length: 8 }, (_, j) => 0.05 * 2 ** -j)
    const table = hs.map((h) => quotient(1 - h, i))
    for (let m = 1; m < hs.length; m++) {
      for (let j = hs.length - 1; j >= m; j--) table[j] = (hs[j - m] * table[j] - hs[j] * table[j - 1]) / (hs[j - m] - hs[j])
    }
    return table[hs.length - 1] + 0
  })
}

function checkTime(t: number): void {
  if (!(t >= 0 && t <= 1)) throw new RangeError(`t must lie in [0, 1] (got ${t})`)
}
