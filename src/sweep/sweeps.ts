/**
 * The sweeps: commands whose output is one row per point of a grid.
 *  - compare: the generative model's error at t = 1 next to the Bayes-optimal and PCA
 *    estimators (docs/theory.md sections 4, 5) over (sigma, lambda, omega, n);
 *  - dae-compare: the single-time denoiser's test error against the oracle over
 *    (sigma, lambda, omega, n, t);
 *  - curves: every key of dae and stats on a uniform t grid.
 *
 * A sweep is described by a plain, serialisable SweepSpec, so worker threads and other processes
 * (shards) rebuild exactly the same computation. Each row depends on its grid point only (never on
 * which rows are computed with it), so shards merged print what the whole sweep prints.
 */
import { Decimal } from 'decimal.js'
import { asymptoticBaselines, asymptoticBaselinesHp } from '../baselines/asymptotic.js'
import { infiniteNote, NOTE_KEY, preciseCell, preciseText, preciseValueCell, rounded, valueCell } from '../printing.js'
import { STATES } from '../symbolic/names.js'
import { daeHp, excessMseHp, statsHp } from '../theory/hp.js'
import { variantOf } from '../theory/model.js'
import { flowProblem, type FlowProblem, type Noise, type ScheduleSpec } from '../theory/problem.js'
import type { Sampler } from '../theory/discrete.js'
import { learntDae, solve, type SolveOptions } from '../theory/solve.js'
import { maxOf, minOf } from '../extent.js'
import { axisLength, axisText, axisValue, Grid, type Axis } from './grid.js'
import type { Cells, Value } from './writers.js'
import { ARCHITECTURE_RATE_DIGITS, architectureCells, architectureCellsHp, architectureKeys, rateCache, type Architecture } from './architectures.js'

export const SWEEP_COMMANDS = ['compare', 'dae-compare', 'curves'] as const
export type SweepCommand = (typeof SWEEP_COMMANDS)[number]

/** The parameters every sweep has as axes, outermost first; dae-compare and curves add t. */
export const PARAM_AXES = ['sigma', 'lambda', 'omega', 'n'] as const

export interface SweepSpec {
  readonly command: SweepCommand
  /** In row order: sigma, lambda, omega, n (and t), each with one value or several. */
  readonly axes: readonly Axis[]
  readonly schedule: ScheduleSpec
  readonly skip: boolean
  /** Significant digits under --digits (high precision); undefined: double precision. */
  readonly digits?: number
  /** A K-step sampler instead of the continuous flow (compare and curves). */
  readonly sampler?: Sampler
  /** compare --architectures: these architectures side by side (skip is then not used). */
  readonly architectures?: readonly Architecture[]
  /** The target's class weight as exact text (w2 depends on it): with architectures only. */
  readonly rho?: string
  /** Base-noise draws per training sample, where not 1 (Infinity: the limit). */
  readonly draws?: number
  /** The training pairs' base noise, where not shared. */
  readonly noise?: Noise
  /**
   * For a chart drawn at pixel resolution (the explorer), never for printed rows: solve's options
   * in double precision. `guard` false (curves) takes each row as the integrator gives it, without
   * the guard that recomputes in high precision the rows whose 12th digit double precision cannot
   * promise (without skip connection, the rows near t = 1); `rtol` the integrator's relative
   * tolerance instead of 1e-15 (a stiff flow, trig without skip connection, integrates in a tenth
   * of the time at 1e-10). Default: the printed rows' (guarded, 1e-15).
   */
  readonly chart?: Pick<SolveOptions, 'guard' | 'rtol'>
}

/** A prepared sweep: its columns and the rows at any grid indices. */
export interface Sweep {
  readonly spec: SweepSpec
  readonly grid: Grid
  readonly keys: readonly string[]
  /** Keys printed as given, never rounded (grid coordinates, digits_verified). */
  readonly exact: ReadonlySet<string>
  rows(indices: readonly number[]): Cells[]
}

/** Columns of compare after its grid columns (docs/cli.md, flowgm compare: model and baselines, then the rate columns). */
/** compare's columns: the model against the baselines at t = 1, then the distances of the whole generated law to the target. */
export const COMPARE_KEYS = ['mse', 'cos', 'bo_mse', 'bo_cos', 'pca_mse', 'pca_cos', 'mse_ratio', 'n_mse', 'n_bo_mse', 'w2', 'kl'] as const
export const DAE_COMPARE_KEYS = ['test_mse', 'oracle_mse', 'excess_mse'] as const

export function prepareSweep(spec: SweepSpec): Sweep {
  const grid = new Grid(spec.axes)
  // Grid columns: n (and t) always, the other parameters when swept.
  const gridKeys = spec.axes.filter((a) => a.name === 'n' || a.name === 't' || axisLength(a) > 1).map((a) => a.name)
  const hp = spec.digits !== undefined
  const rho = spec.rho === undefined ? {} : { rho: Number(spec.rho), text: { rho: spec.rho } }
  const base = flowProblem({
    n: 2,
    sigma: 1,
    lambda: 0,
    schedule: spec.schedule,
    skip: spec.skip,
    highPrecision: hp,
    steps: spec.sampler?.steps,
    scheme: spec.sampler?.scheme,
    ...rho,
    ...(spec.draws === undefined ? {} : { draws: spec.draws }),
    ...(spec.noise === undefined ? {} : { noise: spec.noise }),
  })
  const pointOf = (i: number) => {
    const pos = grid.position(i)
    const value: { [name: string]: number } = {}
    const text: { [name: string]: string } = {}
    spec.axes.forEach((a, j) => {
      value[a.name] = axisValue(a, pos[j])
      // The exact text of a uniform axis (a 1100-digit division) serves high precision only.
      if (hp || a.kind === 'values') text[a.name] = axisText(a, pos[j])
    })
    const problem: FlowProblem = {
      ...base,
      n: value.n ?? base.n,
      sigma: value.sigma,
      lambda: value.lambda,
      omega: value.omega,
      text: { n: text.n, sigma: text.sigma, lambda: text.lambda, omega: text.omega, rho: base.text.rho, kinv: base.text.kinv },
    }
    const coordinates: { [key: string]: Value } = {}
    spec.axes.forEach((a, j) => {
      if (gridKeys.includes(a.name)) coordinates[a.name] = coordinateCell(a, pos[j], spec.digits)
    })
    return { problem, value, text, coordinates }
  }
  // Rows in double precision are merged with Object.assign, not object spread: in V8 spreading an
  // object with fractional values and adding keys makes a new hidden class for every row, garbage
  // that grows the heap of a long sweep by tens of MiB.
  const digitsKeys = hp ? ['digits_verified'] : []
  const axisNames = spec.axes.map((a) => a.name)
  const make = (columns: readonly string[], row: (i: number) => Cells): Sweep => {
    const keys = [...gridKeys, ...columns, ...digitsKeys]
    return { spec, grid, keys, exact: exactKeys(keys, axisNames), rows: (indices) => indices.map(row) }
  }
  switch (spec.command) {
    case 'compare': {
      if (spec.architectures) return architecturesSweep(spec, base, make, pointOf)
      if (!hp) solveCorners(spec.axes, base, spec.chart)
      const columns = [...COMPARE_KEYS, ...noteKey(base)]
      return make(columns, (i) => {
        const { problem, coordinates } = pointOf(i)
        return withNote(Object.assign({}, coordinates, hp ? compareHp(problem, spec.digits!) : compareDouble(problem, spec.chart)), columns)
      })
    }
    case 'dae-compare': {
      let cached: { key: string; at: ReturnType<typeof learntDae>['at'] } | undefined
      return make(DAE_COMPARE_KEYS, (i) => {
        const { problem, value, text, coordinates } = pointOf(i)
        if (hp) {
          const { digitsVerified, ...values } = excessMseHp(problem, text.t, spec.digits!)
          return { ...coordinates, ...hpCells(values, spec.digits!), digits_verified: digitsVerified }
        }
        const key = `${problem.n} ${problem.sigma} ${problem.lambda} ${problem.omega}`
        if (cached?.key !== key) cached = { key, at: learntDae(problem).at }
        const d = cached.at(value.t)
        // The difference keeps 17 - log10(test_mse / excess_mse) digits in double: where that is
        // fewer than printed (large n), it is taken at high precision.
        const excess = d.test_mse - d.oracle_mse
        const exact = Math.abs(excess) < 1e-4 * Math.abs(d.test_mse) ? excessMseHp(problem, String(value.t), 12).excess_mse.toNumber() : excess
        return Object.assign({}, coordinates, { test_mse: rounded(d.test_mse), oracle_mse: rounded(d.oracle_mse), excess_mse: rounded(exact) })
      })
    }
    case 'curves':
      return curvesSweep(spec, grid, pointOf(0).problem, axisNames)
  }
}

/**
 * compare --architectures: the columns of src/sweep/architectures.ts, and the note column where an
 * architecture without skip connection makes kl and C_kl infinite (printed as null).
 */
function architecturesSweep(
  spec: SweepSpec,
  base: FlowProblem,
  make: (columns: readonly string[], row: (i: number) => Cells) => Sweep,
  pointOf: (i: number) => { problem: FlowProblem; coordinates: { [key: string]: Value } },
): Sweep {
  const archs = spec.architectures!
  const noted = archs.includes('no-skip')
  const columns = [...architectureKeys(archs), ...(noted ? [NOTE_KEY] : [])]
  if (spec.digits === undefined) for (const a of archs) solveCorners(spec.axes, { ...base, skip: a === 'skip' })
  const rates = rateCache(spec.digits ?? ARCHITECTURE_RATE_DIGITS)
  return make(columns, (i) => {
    const { problem, coordinates } = pointOf(i)
    const cells = Object.assign({}, coordinates, spec.digits === undefined ? architectureCells(problem, archs, rates) : architectureCellsHp(problem, archs, spec.digits, rates))
    return noted ? withNote(cells, columns) : cells
  })
}

/**
 * Solve the flow at every corner of the parameter box before any row is written, so that a
 * refusal (the flow ODE cannot be integrated where sigma and lambda/n are both tiny) comes
 * before the table starts rather than after its first chunks: the refusal's region is a corner
 * (smallest sigma and lambda, largest n).
 */
function solveCorners(axes: readonly Axis[], base: FlowProblem, options?: SolveOptions): void {
  const ends = (name: string): number[] => {
    const a = axes.find((x) => x.name === name)
    if (a === undefined || a.kind !== 'values') return []
    return [minOf(a.values), maxOf(a.values)]
  }
  let corners: Array<Record<string, number>> = [{}]
  for (const name of ['n', 'sigma', 'lambda', 'omega']) {
    const xs = ends(name)
    if (xs.length) corners = corners.flatMap((c) => xs.map((x) => ({ ...c, [name]: x })))
  }
  for (const c of corners) solve({ ...base, n: c.n ?? base.n, sigma: c.sigma ?? base.sigma, lambda: c.lambda ?? base.lambda, omega: c.omega ?? base.omega }, options)
}

function compareDouble(p: FlowProblem, options?: SolveOptions): Cells {
  const s = solve(p, options).stats(1)
  const b = asymptoticBaselines(p.n, p.sigma, p.omega)
  const values = Object.assign({ mse: s.mse, cos: s.cos }, b, { mse_ratio: s.mse / b.bo_mse, n_mse: p.n * s.mse, n_bo_mse: p.n * b.bo_mse, w2: s.w2, kl: s.kl })
  return Object.fromEntries(COMPARE_KEYS.map((k) => [k, valueCell(k, values[k])]))
}

/**
 * Columns of compare at high precision: mse and cos verified by the two routes of hp.ts to three
 * digits beyond those printed (the ratio and n mse are computed from them), the baselines in
 * closed form at the working precision.
 */
function compareHp(p: FlowProblem, digits: number): Cells {
  const r = statsHp(p, ['1'], { digits, extra: 3 })
  const [row] = r.rows
  const D = Decimal.clone({ precision: digits + 20 })
  const b = asymptoticBaselinesHp(D, p.text.n, p.text.sigma, p.text.omega)
  const mse = new D(row.mse)
  const n = new D(p.text.n)
  const values = { mse, cos: row.cos, ...b, mse_ratio: mse.div(b.bo_mse), n_mse: n.times(mse), n_bo_mse: n.times(b.bo_mse), w2: row.w2, kl: row.kl }
  return { ...hpCells(values, digits), digits_verified: r.digitsVerified }
}

function hpCells(values: { [key: string]: Decimal }, digits: number): Cells {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, preciseValueCell(k, v, digits)]))
}

/**
 * curves: one problem, the t grid. In double precision each row is the dense output of one
 * integration (independent of the other rows); at high precision the rows asked for are
 * integrated in one pass and verified together (so curves under --digits is not sharded).
 */
function curvesSweep(spec: SweepSpec, grid: Grid, problem: FlowProblem, axisNames: readonly string[]): Sweep {
  const t = spec.axes.find((a) => a.name === 't')!
  if (spec.digits !== undefined) {
    const digits = spec.digits
    const v = variantOf(problem).source
    const keys = ['t', ...v.daeKeys, ...STATES, ...v.flowKeys, 'digits_verified', ...noteKey(problem)]
    return {
      spec,
      grid,
      keys,
      exact: exactKeys(keys, axisNames),
      rows: (indices) => {
        if (!indices.length) return []
        const ts = indices.map((i) => axisText(t, i))
        const dae = daeHp(problem, ts, { digits })
        const stats = statsHp(problem, ts, { digits })
        const verified = Math.min(dae.digitsVerified, stats.digitsVerified)
        return indices.map((_, j) => {
          const row = { ...dae.rows[j], ...stats.rows[j] }
          const values = keys.filter((k) => k !== 'digits_verified' && k !== NOTE_KEY)
          const cells: { [key: string]: Value } = Object.fromEntries(values.map((k) => [k, preciseValueCell(k, row[k], digits)]))
          cells.t = coordinateCell(t, indices[j], digits)
          cells.digits_verified = verified
          return withNote(cells, keys)
        })
      },
    }
  }
  const sol = solve(problem, spec.chart)
  const keys = ['t', ...sol.daeKeys, ...sol.statsKeys, ...noteKey(problem)]
  return {
    spec,
    grid,
    keys,
    exact: exactKeys(keys, axisNames),
    rows: (indices) => {
      const ts = indices.map((i) => axisValue(t, i))
      const stats = sol.statsGrid(ts)
      return ts.map((x, j) => {
        const row = Object.assign({}, sol.dae(x), stats[j])
        return withNote(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, valueCell(k, v)])), keys)
      })
    },
  }
}

/**
 * The note column of curves: present where a value may be infinite (P reaches 0: without skip
 * connection, or a sampler's last step), so that every row of a sweep has the same keys.
 */
const noteKey = (problem: FlowProblem): string[] => (!problem.skip || problem.sampler ? [NOTE_KEY] : [])

/** A row's note (infiniteNote of its null cells) when its keys have the note column. */
function withNote(cells: { [key: string]: Value }, keys: readonly string[]): { [key: string]: Value } {
  if (keys.includes(NOTE_KEY)) cells[NOTE_KEY] = infiniteNote(keys.filter((k) => cells[k] === null)) || null
  return cells
}

/**
 * The printed coordinate at position j of an axis (what merge checks each row against): a value
 * as given, its exact text under --digits; the uniform t grid k/(K-1), whose points have no short
 * decimal, rounded like the other cells, but to enough digits that no two points print alike
 * (--digits 2 --points 200 printed 0.11 twice).
 */
export function coordinateCell(a: Axis, j: number, digits: number | undefined): Value {
  if (a.kind === 'values') return digits === undefined ? a.values[j] : axisText(a, j)
  if (digits === undefined) return rounded(axisValue(a, j))
  return preciseCell('t', new Decimal(axisText(a, j)), Math.max(digits, Math.ceil(Math.log10(a.points)) + 1))
}

/** Keys printed as given, never rounded: grid coordinates, digits_verified and the note. */
export function exactKeys(keys: readonly string[], axisNames: readonly string[]): ReadonlySet<string> {
  return new Set(keys.filter((k) => k === 'digits_verified' || k === NOTE_KEY || axisNames.includes(k)))
}
