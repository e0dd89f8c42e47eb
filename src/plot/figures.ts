/**
 * flowgm's figures: the data of a command (a sweep, the rate sequence, a simulation) turned into a
 * chart specification, with the table behind it. The numbers come from the same library calls
 * the commands print; nothing is recomputed here.
 */
import { Decimal } from 'decimal.js'
import { rounded } from '../printing.js'
import { DAE_STEP_KEYS, FLOW_STEP_KEYS, type Row, type SimulationDocument } from '../simulate/simulate.js'
import { axisLength, axisText, axisValue, type Axis } from '../sweep/grid.js'
import { prepareSweep, type SweepSpec } from '../sweep/sweeps.js'
import { architectureSuffix, type Architecture } from '../sweep/architectures.js'
import { writer, type Cells, type Value } from '../sweep/writers.js'
import { flowProblem, type FlowProblem } from '../theory/problem.js'
import { exactRate, RATE_KEYS, type RatePoint, type RateResult } from '../theory/rate.js'
import { asymptoticBaselines } from '../baselines/asymptotic.js'
import { checkSampler, MAX_STEPS, type Sampler, type Scheme } from '../theory/discrete.js'
import { solve } from '../theory/solve.js'
import { stepsNeeded, type StepCriterion } from '../theory/steps.js'
import { chart, type Guide, type Point } from './charts.js'
import type { ChartSpec } from './render.js'
import { maxOf, minOf } from '../extent.js'
import { breather } from '../limits.js'

export { PLOT_KINDS, type PlotKind } from './kinds.js'

/** The rows behind a chart, as the commands print them (numbers, or decimal strings at high precision). */
export interface Table {
  readonly keys: readonly string[]
  readonly rows: readonly Cells[]
}

export interface Figure {
  readonly spec: ChartSpec
  readonly table: Table
}

/** The math names of the keys, as axis titles and legend entries. */
export const LABELS: Readonly<Record<string, string>> = {
  t: 't',
  n: 'n',
  c: 'ĉ_t',
  m: 'm_t',
  q_xi: 'q_t',
  abs_q_xi: '|q_t|',
  w_norm2: '‖ŵ‖²/d',
  w_cos: 'cos∠(ŵ, μ)',
  test_mse: 'test mse',
  oracle_mse: 'oracle mse',
  margin: 'margin',
  M: 'M_t',
  Q_xi: 'Q^ξ_t',
  abs_Q_xi: '|Q^ξ_t|',
  P: 'P_t',
  norm: '‖X_t‖²/d',
  cos: 'cos∠(μ̂, μ)',
  cos_sample: 'cos∠(X_t, μ)',
  mse: '‖μ̂ − μ‖²/d',
  var: 'P_1²',
  M_mu: 'M^μ_t',
  Q_eta: 'Q^η_t',
  weight: 'generated weight',
  w2: 'W₂²(ρ̂₁, ρ₁)/d',
  kl: 'KL(ρ̂₁ ‖ ρ₁)',
}

const SYMBOLS: Readonly<Record<string, string>> = { sigma: 'σ', lambda: 'λ', omega: 'ω', n: 'n' }

export const csvOf = (t: Table): string => {
  const w = writer('csv', t.keys)
  return w.start() + t.rows.map((r, i) => w.row(i, r)).join('') + w.end()
}

const num = (v: Value | undefined): number => (typeof v === 'number' ? v : v === undefined || v === '' ? NaN : Number(v))

/** Rows computed between two turns of the event loop (where a signal is handled). */
const CHUNK = 256

/**
 * The tables computed for a spec object, so that figures drawn from the same spec (curves and dae,
 * compare and distances: the explorer draws both of each pair) compute it once. A spec is never
 * changed once made, so its table cannot go stale; the entry goes with the spec.
 */
const tables = new WeakMap<SweepSpec, Promise<Table>>()

/** Every row of a sweep, in grid order. */
export function sweepTable(spec: SweepSpec): Promise<Table> {
  let table = tables.get(spec)
  if (!table) {
    table = computeTable(spec)
    tables.set(spec, table)
    // A failed sweep is not kept: asked again, it is computed again.
    table.catch(() => tables.delete(spec))
  }
  return table
}

async function computeTable(spec: SweepSpec): Promise<Table> {
  const sweep = prepareSweep(spec)
  const rows: Cells[] = []
  const pause = breather()
  for (let start = 0; start < sweep.grid.size; start += CHUNK) {
    const indices = Array.from({ length: Math.min(CHUNK, sweep.grid.size - start) }, (_, j) => start + j)
    for (const r of sweep.rows(indices)) rows.push(r)
    await pause()
  }
  return { keys: sweep.keys, rows }
}

/** What the sweep's parameters are, for the subtitle: the fixed ones with their value, the schedule, the variant (or the architectures compared). */
export function describe(spec: Pick<SweepSpec, 'axes' | 'schedule' | 'skip' | 'sampler' | 'architectures' | 'rho'>, extra: readonly string[] = []): string[] {
  const fixed = spec.axes.filter((a) => a.name !== 't' && axisLength(a) === 1).map((a) => `${SYMBOLS[a.name] ?? a.name} = ${axisText(a, 0)}`)
  const schedule = typeof spec.schedule === 'string' ? `${spec.schedule} schedule` : `α(t) = ${spec.schedule.alpha}, β(t) = ${spec.schedule.beta}`
  const variant = spec.architectures
    ? [`ρ = ${spec.rho}`, `${spec.architectures.length > 1 ? 'with and without' : spec.architectures[0] === 'skip' ? 'with' : 'without'} skip connection`]
    : [spec.skip ? 'with skip connection' : 'no skip connection']
  return [[...fixed, schedule, ...variant, ...samplerText(spec.sampler), ...extra].join(' · ')]
}

/** The architectures of compare --architectures as legends name them (short: a legend cuts long labels). */
const ARCHITECTURE_NAMES: Readonly<Record<Architecture, string>> = { skip: 'skip', 'no-skip': 'no skip' }

/** A K-step sampler as the subtitles name it (nothing for the continuous flow). */
const samplerText = (s: Sampler | undefined): string[] => (s ? [`${s.steps} ${s.scheme} step${s.steps === 1 ? '' : 's'}`] : [])

/** One line per key over t; `abs` plots |value| under the key's abs_ label (q and Q^ξ are negative). */
export function overT(rows: readonly Cells[], keys: readonly string[], abs: readonly string[] = []): Point[] {
  return keys.flatMap((k) => rows.map((r) => ({ x: num(r.t), y: abs.includes(k) ? Math.abs(num(r[k])) : num(r[k]), series: LABELS[abs.includes(k) ? `abs_${k}` : k] ?? k })))
}

/** Keep the grid columns and `keys` of a table. */
export function columns(t: Table, keys: readonly string[]): Table {
  const kept = t.keys.filter((k) => keys.includes(k))
  return { keys: kept, rows: t.rows.map((r) => Object.fromEntries(kept.map((k) => [k, r[k]]))) }
}

/** The DAE weights over t (Result A): published figure 1 plots ĉ_t, m_t, |q_t| and ‖ŵ‖²/d, and the cosine of ŵ with μ. */
export const DAE_PLOT_KEYS = ['c', 'm', 'q_xi', 'w_norm2'] as const

/** Measured points of `keys` over t (at most MAX_POINTS per series; `abs` as overT's). */
export function measuredOverT(doc: SimulationDocument | undefined, keys: readonly string[], abs: readonly string[] = []): Point[] | undefined {
  // A key the simulation does not measure (the weights at t = 1 of an Euler step) has no point.
  return doc
    ? overT(
        thinned(doc.measured.steps).filter((r) => keys.some((k) => k in r)),
        keys.filter((k) => doc.measured.steps.some((r) => k in r)),
        abs,
      ).filter((p) => Number.isFinite(p.y))
    : undefined
}

/** The subtitle line of a figure with simulation points: what the lines and the points are. */
export function simulationLine(doc: SimulationDocument | undefined, theory: string): string {
  const p = doc?.params
  return p
    ? `lines: theory (d → ∞, ${theory}) · points: simulation at d = ${p.d}, ${p.particles} particles, ${p.steps} ${p.scheme} steps, trainer ${p.trainer}${p.activation ? ` (φ = ${p.activation})` : ''}, seed ${p.seed}`
    : `theory (d → ∞, ${theory})`
}

export async function daeFigure(spec: SweepSpec, simulation?: SimulationDocument): Promise<Figure> {
  const table = columns(await sweepTable(spec), ['t', ...DAE_PLOT_KEYS, 'w_cos', 'digits_verified'])
  const cosine = {
    title: 'cosine of ŵ with μ',
    x: { title: 't' },
    y: { title: LABELS.w_cos },
    lines: overT(table.rows, ['w_cos']),
    points: measuredOverT(simulation, ['w_cos']),
  }
  return {
    table,
    spec: chart(
      [{ title: 'weights', x: { title: 't' }, y: { title: 'weight' }, lines: overT(table.rows, DAE_PLOT_KEYS, ['q_xi']), points: measuredOverT(simulation, DAE_PLOT_KEYS, ['q_xi']) }, cosine],
      {
        title: 'The learnt denoiser over t (Result A)',
        subtitle: simulation ? [...describe(spec), simulationLine(simulation, 'the learnt weights')] : describe(spec, ['d → ∞']),
        series: 'weight',
      },
    ),
  }
}

/** The summary statistics over t (Result B), with simulation points when a simulation is given; published figure 2 (left) adds the norm and the cosine of X_t with μ. */
export const STATS_PLOT_KEYS = ['M', 'Q_xi', 'P'] as const
export const SAMPLE_PLOT_KEYS = ['norm', 'cos_sample'] as const

export async function curvesFigure(spec: SweepSpec, simulation?: SimulationDocument): Promise<Figure> {
  const table = columns(await sweepTable(spec), ['t', ...STATS_PLOT_KEYS, 'norm', 'cos', 'cos_sample', 'mse', 'digits_verified'])
  const panel = (title: string, keys: readonly string[]) => ({ title, x: { title: 't' }, y: { title: 'value' }, lines: overT(table.rows, keys), points: measuredOverT(simulation, keys) })
  return {
    table,
    spec: chart([panel('summary statistics', STATS_PLOT_KEYS), panel('the generated sample X_t', SAMPLE_PLOT_KEYS)], {
      title: 'Summary statistics of the generated samples (Result B)',
      subtitle: [...describe(spec), simulationLine(simulation, spec.sampler ? 'the K-step sampler' : 'continuous flow')],
      series: 'statistic',
    }),
  }
}

/** At most this many measured points per series: more would hide the lines. */
const MAX_POINTS = 26

function thinned(steps: readonly Row[]): Row[] {
  const stride = Math.max(1, Math.ceil((steps.length - 1) / (MAX_POINTS - 1)))
  return steps.filter((_, k) => k % stride === 0 || k === steps.length - 1)
}

/** The label of a row's series: the swept parameters other than n (and t). */
function seriesOf(spec: SweepSpec, row: Cells, fallback: string): string {
  const swept = spec.axes.filter((a) => a.name !== 'n' && a.name !== 't' && axisLength(a) > 1)
  return swept.length ? swept.map((a) => `${SYMBOLS[a.name]} = ${row[a.name]}`).join(', ') : fallback
}

/**
 * compare's table with a row per simulation after the theory's: n, the swept parameters, the
 * measured mse and cos at t = 1, and the column `source` (theory, or the simulation's d).
 */
function withSimulations(table: Table, simulations: readonly SimulationDocument[]): Table {
  const params = table.keys.filter((k) => k === 'sigma' || k === 'lambda' || k === 'omega')
  const measured = simulations.map((doc) => ({
    n: doc.params.n as number,
    ...Object.fromEntries(params.map((k) => [k, doc.params[k] as number])),
    mse: rounded(doc.measured.final.mse),
    cos: rounded(doc.measured.final.cos),
    source: `simulation d = ${doc.params.d}`,
  }))
  const keys = [...table.keys, 'source']
  // The estimators' and rate columns a simulation does not measure are left empty.
  return { keys, rows: [...table.rows.map((r) => ({ ...r, source: 'theory' })), ...measured.map((r) => Object.fromEntries(keys.map((k) => [k, (r as Cells)[k] ?? ''])))] }
}

/** The point style (and legend entry) of a finite-d simulation's value. */
const SIMULATED = 'simulation'

const ESTIMATORS = [
  ['', 'flow model'],
  ['bo_', 'Bayes-optimal'],
  ['pca_', 'PCA'],
] as const

/** The series label of a row against n: the swept σ, λ, ω; with none swept, the one series is named by its σ. */
function sigmaSeries(spec: SweepSpec): (r: Cells) => string {
  const sigma = spec.axes.find((a) => a.name === 'sigma')!
  return (r) => seriesOf(spec, r, `σ = ${axisText(sigma, 0)}`)
}

/** The subtitle of a chart at t = 1 against n: the fixed parameters but a single σ (a series names it), d → ∞, `extra`. */
const subtitleAtT1 = (spec: SweepSpec, extra: readonly string[] = []): string[] => describe({ ...spec, axes: spec.axes.filter((a) => a.name !== 'sigma' || axisLength(a) > 1) }, ['d → ∞', ...extra])

/**
 * Error and cosine at t = 1 against n, with the Bayes-optimal and PCA estimators (published figure
 * 3), and the generated cluster mean of finite-d simulations as crosses at their n; with
 * architectures, architecturesFigure.
 */
export async function compareFigure(spec: SweepSpec, simulations: readonly SimulationDocument[] = []): Promise<Figure> {
  if (spec.architectures) return architecturesFigure(spec, spec.architectures)
  const table = await sweepTable(spec)
  const sigmaLabel = sigmaSeries(spec)
  const panel = (key: 'mse' | 'cos'): Point[] => ESTIMATORS.flatMap(([prefix, style]) => table.rows.map((r) => ({ x: num(r.n), y: num(r[`${prefix}${key}`]), series: sigmaLabel(r), style })))
  // A simulation's params carry its σ, λ and ω as numbers: its series is named as the sweep's rows.
  const measured = (key: 'mse' | 'cos'): Point[] =>
    simulations.map((doc) => ({ x: num(doc.params.n as number), y: doc.measured.final[key], series: sigmaLabel(doc.params as Cells), style: SIMULATED }))
  const p = simulations[0]?.params
  // The 1/n guide through the flow model's error at the largest n of the first series.
  const first = table.rows.filter((r) => sigmaLabel(r) === sigmaLabel(table.rows[0]))
  const ns = first.map((r) => num(r.n))
  const last = first[first.length - 1]
  const guide: Guide = { label: '∝ 1/n', points: [minOf(ns), maxOf(ns)].map((n) => ({ x: n, y: (num(last.mse) * num(last.n)) / n })) }
  return {
    table: simulations.length ? withSimulations(table, simulations) : table,
    spec: chart(
      [
        {
          title: 'error of the generated cluster mean',
          x: { title: 'n', log: true },
          y: { title: LABELS.mse, log: true },
          lines: panel('mse'),
          points: measured('mse'),
          guides: ns.length > 1 ? [guide] : [],
        },
        { title: 'cosine with the true mean', x: { title: 'n', log: true }, y: { title: LABELS.cos }, lines: panel('cos'), points: measured('cos') },
      ],
      {
        title: 'The generative model against the Bayes-optimal and PCA estimators (t = 1)',
        subtitle: [
          ...subtitleAtT1(spec),
          ...(p ? [`crosses: the flow model simulated at d = ${p.d}, ${p.particles} particles, ${p.steps} ${p.scheme} steps, trainer ${p.trainer}, seed ${p.seed}`] : []),
        ],
        series: 'parameters',
        style: 'estimator',
        ...(p ? { points: 'flow model', shapes: { [SIMULATED]: 'cross' } } : {}),
      },
    ),
  }
}

/**
 * The distances of the generated law to the target at t = 1 against n (compare's w2 and kl): W₂²/d
 * and KL(ρ̂₁ ‖ ρ₁). KL is infinite without the skip connection (the generated clusters have no
 * spread): then only W₂²/d is drawn, and the subtitle says why.
 */
export async function distancesFigure(spec: SweepSpec): Promise<Figure> {
  const table = columns(await sweepTable(spec), ['n', 'sigma', 'lambda', 'omega', 'w2', 'kl'])
  const label = sigmaSeries(spec)
  // An infinite KL is a null cell (printed as null, with a note).
  const over = (key: 'w2' | 'kl'): Point[] => table.rows.map((r) => ({ x: num(r.n), y: r[key] === null ? Infinity : num(r[key]), series: label(r) }))
  const kl = over('kl')
  const finite = kl.some((q) => Number.isFinite(q.y) && q.y > 0)
  // A lone panel has no title of its own: it would take the place of the chart's.
  const panels = [
    { ...(finite ? { title: 'Wasserstein-2 distance' } : {}), x: { title: 'n', log: true }, y: { title: LABELS.w2, log: true }, lines: over('w2') },
    ...(finite ? [{ title: 'Kullback–Leibler divergence', x: { title: 'n', log: true }, y: { title: LABELS.kl, log: true }, lines: kl }] : []),
  ]
  return {
    table,
    spec: chart(panels, {
      title: 'Distance of the generated law to the target (t = 1)',
      subtitle: subtitleAtT1(spec, finite ? [] : ['KL is infinite: the generated clusters have no spread (P(1) = 0)']),
      series: 'parameters',
    }),
  }
}

/**
 * When the skip connection pays (compare --architectures): W2^2/d to the target at t = 1 against n
 * for each architecture, beside the error of the generated cluster mean. Without skip connection
 * the mean is as good (C = sigma^2 against 2 sigma^2), but the clusters collapse (P(1) = 0), so
 * w2 stays at sigma^2 while with it w2 closes like C_w2/n.
 */
async function architecturesFigure(spec: SweepSpec, archs: readonly Architecture[]): Promise<Figure> {
  const table = await sweepTable(spec)
  const sigma = spec.axes.find((a) => a.name === 'sigma')!
  // One colour per architecture; with σ, λ or ω swept, one colour per parameters and a dash per architecture.
  const swept = seriesOf(spec, table.rows[0], '') !== ''
  const point = (r: Cells, a: Architecture, y: number): Point =>
    swept ? { x: num(r.n), y, series: seriesOf(spec, r, ''), style: ARCHITECTURE_NAMES[a] } : { x: num(r.n), y, series: ARCHITECTURE_NAMES[a] }
  const panel = (key: 'w2' | 'mse'): Point[] => archs.flatMap((a) => table.rows.map((r) => point(r, a, num(r[`${key}${architectureSuffix(a)}`]))))
  const first = table.rows.filter((r) => seriesOf(spec, r, '') === seriesOf(spec, table.rows[0], ''))
  const ns = first.map((r) => num(r.n))
  // σ² is where w2 stays without skip connection (drawn for one σ: several would crowd the panel).
  const sigma2: Guide[] = axisLength(sigma) === 1 ? [{ label: 'σ²', points: [minOf(ns), maxOf(ns)].map((x) => ({ x, y: num(first[0].sigma2) })) }] : []
  const constants = archs.map((a) => {
    const [r, x] = [table.rows[0], architectureSuffix(a)]
    return `${ARCHITECTURE_NAMES[a]}: n mse → ${r[`C${x}`]}, w2 ≈ ${r[`floor_w2${x}`]} + ${r[`C_w2${x}`]}/n`
  })
  const at = swept ? ` (at ${seriesOf(spec, table.rows[0], '')})` : ''
  return {
    table,
    spec: chart(
      [
        { title: 'distance of the generated law to the target', x: { title: 'n', log: true }, y: { title: LABELS.w2, log: true }, lines: panel('w2'), guides: sigma2 },
        { title: 'error of the generated cluster mean', x: { title: 'n', log: true }, y: { title: LABELS.mse, log: true }, lines: panel('mse') },
      ],
      {
        title: 'When the skip connection pays: the mean against the spread (t = 1)',
        subtitle: [...subtitleAtT1(spec), `${constants.join(' · ')}${at}`],
        series: swept ? 'parameters' : 'architecture',
        ...(swept ? { style: 'architecture' } : {}),
      },
    ),
  }
}

/** The weights behind the cosine of ŵ with μ, and the cosine (the table of dae-compare's figure gains them). */
const DAE_COSINE_KEYS = ['m', 'w_norm2', 'w_cos'] as const

/**
 * The denoiser's weights (curves' keys of Result A) on dae-compare's grid, in its row order (t
 * innermost): one curves sweep per point of the other axes, since curves takes one value of each.
 */
async function weightsTable(spec: SweepSpec): Promise<Table> {
  const params = spec.axes.filter((a) => a.name !== 't')
  const t = spec.axes.find((a) => a.name === 't')!
  let points: Axis[][] = [[]]
  for (const a of params) points = points.flatMap((fixed) => Array.from({ length: axisLength(a) }, (_, j) => [...fixed, singleValue(a, j)]))
  const rows: Cells[] = []
  for (const axes of points) for (const row of (await sweepTable({ ...spec, command: 'curves', axes: [...axes, t] })).rows) rows.push(row)
  return { keys: DAE_COSINE_KEYS, rows }
}

/** The j-th value of an axis as an axis of its own. */
const singleValue = (a: Axis, j: number): Axis => ({ name: a.name, kind: 'values', values: [axisValue(a, j)], texts: [axisText(a, j)], definition: axisText(a, j) })

/** The single-time denoiser's test error over t for several n, against the oracle, and the cosine of ŵ with μ (published figure 4). */
export async function daeCompareFigure(spec: SweepSpec, simulations: readonly SimulationDocument[] = []): Promise<Figure> {
  const errors = await sweepTable(spec)
  const weights = await weightsTable(spec)
  const table: Table = { keys: [...errors.keys, ...DAE_COSINE_KEYS], rows: errors.rows.map((r, i) => ({ ...r, ...Object.fromEntries(DAE_COSINE_KEYS.map((k) => [k, weights.rows[i][k]])) })) }
  const label = (r: Cells) => [`n = ${r.n}`, seriesOf(spec, r, '')].filter(Boolean).join(', ')
  const lines = table.rows.map((r) => ({ x: num(r.t), y: num(r.test_mse), series: label(r) }))
  const firstN = table.rows.filter((r) => r.n === table.rows[0].n && seriesOf(spec, r, '') === seriesOf(spec, table.rows[0], ''))
  const oracle: Guide = { label: 'oracle', points: firstN.map((r) => ({ x: num(r.t), y: num(r.oracle_mse) })) }
  const varies = spec.axes.some((a) => (a.name === 'sigma' || a.name === 'omega') && axisLength(a) > 1)
  const cosines = table.rows.map((r) => ({ x: num(r.t), y: num(r.w_cos), series: label(r) }))
  // The denoiser trained at finite d (dae-compare --simulate-n): its test error and cosine at the
  // sampler's grid times, named as the line of its n (and sigma, lambda, omega where swept).
  const measured = (key: 'test_mse' | 'w_cos'): Point[] =>
    simulations.flatMap((doc) =>
      thinned(doc.measured.steps)
        .filter((r) => Number.isFinite(r[key]) && (key !== 'test_mse' || r[key] > 0))
        .map((r) => ({ x: r.t, y: r[key], series: label({ ...(doc.params as Cells), n: doc.params.n as number }) })),
    )
  const p = simulations[0]?.params
  return {
    table,
    spec: chart(
      [
        { title: 'test error', x: { title: 't' }, y: { title: 'test mse  E‖x₁ − f̂(x_t)‖²/d', log: true }, lines, points: p ? measured('test_mse') : undefined, guides: varies ? [] : [oracle] },
        { title: 'cosine of ŵ with μ', x: { title: 't' }, y: { title: LABELS.w_cos }, lines: cosines, points: p ? measured('w_cos') : undefined },
      ],
      {
        title: 'The learnt denoiser against the oracle over t',
        subtitle: describe(
          spec,
          [
            'd → ∞',
            varies ? '' : 'dashed: the oracle (knows μ and σ)',
            p ? `points: the denoiser trained at d = ${p.d} (trainer ${p.trainer}, ${p.steps} times), its test error and cosine from its weights` : '',
          ].filter(Boolean),
        ),
        series: 'training set',
      },
    ),
  }
}

/** n mse(n) converging to C (and the Bayes-optimal one to C_bo), and the gap closing like 1/n. */
export function rateFigure(r: RateResult, problem: FlowProblem): Figure {
  const parameters = problemText(problem)
  const value = (k: 'C' | 'C_bo' | 'C1' | 'ratio') => (r.exact ? r.exact.values[k] : r.numeric[k])
  const C = value('C')
  const Cbo = value('C_bo')
  const ns = r.sequence.map((s) => Number(s.n))
  // A K-step sampler whose mean misses mu as n -> infinity: n (mse - floor) converges to C.
  const floor = r.floor && !r.floor.zero ? r.floor.value : undefined
  const nMse = (s: RatePoint) => (floor ? s.n_mse.minus(floor.times(s.n)) : s.n_mse)
  const levels = r.sequence.flatMap((s) => [
    { x: Number(s.n), y: nMse(s).toNumber(), series: 'flow model' },
    { x: Number(s.n), y: s.n_bo_mse.toNumber(), series: 'Bayes-optimal' },
  ])
  const gaps = r.sequence.flatMap((s) => [
    { x: Number(s.n), y: nMse(s).minus(C).abs().toNumber(), series: 'flow model' },
    { x: Number(s.n), y: s.n_bo_mse.minus(Cbo).abs().toNumber(), series: 'Bayes-optimal' },
  ])
  const flat = (y: Decimal, label: string): Guide => ({ label, points: [minOf(ns), maxOf(ns)].map((x) => ({ x, y: y.toNumber() })) })
  const g0 = gaps[0].y * ns[0]
  const digits = (x: Decimal) => x.toSignificantDigits(8).toString()
  return {
    table: {
      keys: ['n', 'n_mse', 'n_bo_mse'],
      rows: r.sequence.map((s) => ({ n: s.n, n_mse: s.n_mse.toSignificantDigits(15).toString(), n_bo_mse: s.n_bo_mse.toSignificantDigits(15).toString() })),
    },
    spec: chart(
      [
        {
          title: floor ? 'n · (mse(n) − floor) → C' : 'n · mse(n) → C',
          x: { title: 'n', log: true },
          y: { title: 'n · error at t = 1' },
          lines: levels,
          markers: true,
          guides: [flat(C, `C = ${digits(C)}`), flat(Cbo, `C_bo = ${digits(Cbo)}`)],
        },
        {
          title: '|n · mse(n) − C|',
          x: { title: 'n', log: true },
          y: { title: 'distance to the limit', log: true },
          lines: gaps,
          markers: true,
          guides: [{ label: '∝ 1/n', points: [minOf(ns), maxOf(ns)].map((x) => ({ x, y: g0 / x })) }],
        },
      ],
      {
        title: 'The 1/n rate: C = lim n · mse(n)',
        subtitle: [
          `${parameters} · ${floor ? `floor = lim mse = ${digits(floor)}, ` : ''}C = ${digits(C)}, C_bo = ${digits(Cbo)}, C/C_bo = ${digits(value('ratio'))}, next coefficient C1 = ${digits(value('C1'))} (${r.exact ? 'exact' : 'Richardson extrapolation'})`,
        ],
        series: 'estimator',
      },
    ),
  }
}

/** σ, λ, ω, the schedule and the variant of a problem (n left out: the rate takes n -> infinity). */
function problemText(p: FlowProblem): string {
  const schedule = typeof p.schedule === 'string' ? `${p.schedule} schedule` : `α(t) = ${p.schedule.alpha}, β(t) = ${p.schedule.beta}`
  return [`σ = ${p.text.sigma} · λ = ${p.text.lambda} · ω = ${p.text.omega}`, schedule, `${p.skip ? 'with' : 'no'} skip connection`, ...samplerText(p.sampler)].join(' · ')
}

/**
 * The rate constants as a row: each of RATE_KEYS to `digits` significant digits (exact where the
 * symbolic layer found the series, else extrapolated), the exact expression of C, and the fewest
 * digits on which the two routes agree.
 */
export function rateConstants(r: RateResult, digits: number): Cells {
  const value = (k: (typeof RATE_KEYS)[number]) => (r.exact ? r.exact.values[k] : r.numeric[k]).toSignificantDigits(digits).toString()
  return {
    ...Object.fromEntries(RATE_KEYS.map((k) => [k, value(k)])),
    C_exact: r.exact ? r.exact.text.C : 'not found',
    digits_agree: minOf(RATE_KEYS.map((k) => r.agreement[k])),
  }
}

/** A simulation against the theory of the same discrete scheme: statistics and DAE weights over t. */
export function simulateFigure(doc: SimulationDocument): Figure {
  const p = doc.params
  const measured = thinned(doc.measured.steps)
  const stats = STATS_PLOT_KEYS
  const flowLines = doc.theory_discrete.steps.flatMap((r) => stats.map((k) => ({ x: r.t, y: r[k], series: LABELS[k] })))
  const flowPoints = measured.flatMap((r) => stats.map((k) => ({ x: r.t, y: r[k], series: LABELS[k] })))
  const daeLines = doc.theory.steps.flatMap((r) => DAE_STEP_KEYS.map((k) => ({ x: r.t, y: r[k], series: LABELS[k] })))
  // The last step (t = 1) trains no DAE for an Euler step: its weights are absent.
  const daePoints = measured.flatMap((r) => DAE_STEP_KEYS.filter((k) => k in r).map((k) => ({ x: r.t, y: r[k], series: LABELS[k] })))
  return {
    table: simulationTable(doc),
    spec: chart(
      [
        { title: 'summary statistics', x: { title: 't' }, y: { title: 'value' }, lines: flowLines, points: flowPoints },
        { title: 'DAE weights', x: { title: 't' }, y: { title: 'value' }, lines: daeLines, points: daePoints },
      ],
      {
        title: `Simulation at d = ${p.d} against the theory`,
        subtitle: [
          `n = ${p.n} · σ = ${p.sigma} · λ = ${p.lambda} · ω = ${p.omega} · ${p.schedule} schedule · ${p.skip ? 'with' : 'no'} skip connection`,
          `points: ${p.particles} particles, ${p.steps} ${p.scheme} steps, trainer ${p.trainer}, engine ${p.engine}, seed ${p.seed} · lines: theory of the same ${p.steps}-step scheme (weights: d → ∞)`,
        ],
        series: 'quantity',
      },
    ),
  }
}

/**
 * A simulation step by step: t, then each quantity measured, in the theory of the same discrete
 * scheme and in the continuous theory, then the DAE weights measured and in theory, then the
 * trainer's diagnostics. The last row is t = 1, where no DAE is trained for an Euler step: those
 * cells are empty.
 */
export function simulationTable(doc: SimulationDocument): Table {
  const trainingKeys = Object.keys(doc.measured.steps[0]).filter((k) => !['t', ...FLOW_STEP_KEYS, ...DAE_STEP_KEYS].includes(k))
  const keys = ['t', ...FLOW_STEP_KEYS.flatMap((k) => [k, `${k}_discrete`, `${k}_theory`]), ...DAE_STEP_KEYS.flatMap((k) => [k, `${k}_theory`]), ...trainingKeys]
  const rows = doc.measured.steps.map((m, k) => {
    const cells: Record<string, Value> = { t: rounded(m.t) }
    for (const key of FLOW_STEP_KEYS) {
      cells[key] = rounded(m[key])
      cells[`${key}_discrete`] = rounded(doc.theory_discrete.steps[k][key])
      cells[`${key}_theory`] = rounded(doc.theory.steps[k][key])
    }
    for (const key of [...DAE_STEP_KEYS, ...trainingKeys]) cells[key] = key in m ? rounded(m[key]) : ''
    for (const key of DAE_STEP_KEYS) cells[`${key}_theory`] = rounded(doc.theory.steps[k][key])
    return cells
  })
  return { keys, rows }
}

/**
 * How far K steps of each scheme land from the continuous flow at t = 1 (`flowgm plot steps` with
 * one n): |mse_K − mse| and |var_K − var| against K, beside the statistical errors the sampler
 * cannot remove (mse itself, and |var − σ²|). In double precision: a difference below 1e-11 of
 * its value is beyond what double resolves (the printed 12 digits of each side) and is not drawn.
 */
export function stepsFigure(problem: FlowProblem, schemes: readonly Scheme[], ks: readonly number[]): Figure {
  const continuous = solve(problem).stats(1)
  const sigma2 = problem.sigma ** 2
  const rows: Cells[] = []
  const lines: Record<'mse' | 'var', Point[]> = { mse: [], var: [] }
  for (const scheme of schemes) {
    for (const K of ks) {
      checkSampler(problem, { steps: K, scheme })
      const s = solve({ ...problem, sampler: { steps: K, scheme } }).stats(1)
      const d = { mse: s.mse - continuous.mse, var: s.var - continuous.var }
      rows.push({ scheme, K, mse: rounded(s.mse), d_mse: rounded(d.mse), var: rounded(s.var), d_var: rounded(d.var) })
      for (const key of ['mse', 'var'] as const) {
        if (Math.abs(d[key]) > RESOLVED * Math.abs(continuous[key])) lines[key].push({ x: K, y: Math.abs(d[key]), series: scheme })
      }
    }
  }
  const flat = (y: number, label: string): Guide => ({ label, points: [minOf(ks), maxOf(ks)].map((x) => ({ x, y })) })
  return {
    table: { keys: ['scheme', 'K', 'mse', 'd_mse', 'var', 'd_var'], rows },
    spec: chart(
      [
        {
          title: 'the generated cluster mean',
          x: { title: 'steps K', log: true },
          y: { title: '|mse_K − mse|', log: true },
          lines: lines.mse,
          markers: true,
          guides: [flat(continuous.mse, `statistical error mse = ${continuous.mse.toPrecision(4)}`)],
        },
        {
          title: 'the generated cluster variance',
          x: { title: 'steps K', log: true },
          y: { title: '|var_K − var|', log: true },
          lines: lines.var,
          markers: true,
          guides: [flat(Math.abs(continuous.var - sigma2), `statistical error |var − σ²| = ${Math.abs(continuous.var - sigma2).toPrecision(4)}`)],
        },
      ],
      {
        title: 'Discretisation error of K-step samplers at t = 1',
        subtitle: [`${problemText(problem)} · n = ${problem.text.n} · d → ∞`, 'grey: the statistical error of the continuous flow; differences double precision does not resolve are left out'],
        series: 'scheme',
      },
    ),
  }
}

/** A difference of two values printed to 12 digits is resolved beyond this fraction of them. */
const RESOLVED = 1e-11

/**
 * K*(n), the fewest steps whose discretisation error is at most `tol` times the statistical error,
 * against n for each scheme, one panel per criterion (`flowgm plot steps` with several n).
 */
export function stepsNeededFigure(problem: FlowProblem, ns: readonly number[], criteria: readonly StepCriterion[], tol: number, schemes?: readonly Scheme[]): Figure {
  const results = criteria.map((criterion) => ({ criterion, r: stepsNeeded(problem, { ns, tol, criterion, ...(schemes ? { schemes } : {}) }) }))
  const schemeList = results[0].r.schemes
  const rows: Cells[] = results.flatMap(({ criterion, r }) => r.ns.map((n, i) => ({ criterion, n, ...Object.fromEntries(r.schemes.map((s) => [s, r.kStar[s][i] ?? `>${MAX_STEPS}`])) })))
  const exponent = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(2))
  return {
    table: { keys: ['criterion', 'n', ...schemeList], rows },
    spec: chart(
      results.map(({ criterion, r }) => ({
        title: `criterion ${criterion}`,
        x: { title: 'n', log: true },
        y: { title: 'K*(n)', log: true },
        lines: r.schemes.flatMap((s) => r.ns.flatMap((n, i) => (r.kStar[s][i] === undefined ? [] : [{ x: n, y: r.kStar[s][i]!, series: s }]))),
        markers: true,
      })),
      {
        title: 'Steps needed: discretisation error at most tol × statistical error',
        subtitle: [
          `${problemText(problem)} · tol = ${tol} · d → ∞`,
          'mse: |mse_K − mse| against mse; var: |var_K − var| against |var − σ²| (at t = 1)',
          ...results.map(({ criterion, r }) => `K* ∝ n^a (${criterion}): ${r.schemes.map((s) => `${s} a = ${exponent(r.exponents[s])}`).join(', ')}`),
        ],
        series: 'scheme',
      },
    ),
  }
}

/** One training protocol of drawsFigure: k noise draws per sample, shared over t or fresh at every t. */
export interface NoiseProtocol {
  readonly draws: number
  readonly noise: 'shared' | 'per-time'
}

const protocolName = ({ draws, noise }: NoiseProtocol): string => `k = ${draws === Infinity ? '∞' : draws}${noise === 'per-time' ? ' (fresh noise)' : ''}`

/**
 * n mse(n) at t = 1 for several training protocols (k noise draws per sample shared over t, and
 * fresh noise at every t) beside the Bayes-optimal estimator's, and the generated variance P(1)^2
 * against sigma^2 (issue 20): the memorised noise is what lifts C above C_bo = sigma^2. The limits C
 * in the subtitle are the exact ones of flow.eq (rate's route (a)).
 */
export function drawsFigure(problem: FlowProblem, protocols: readonly NoiseProtocol[], ns: readonly number[]): Figure {
  const rows: Cells[] = []
  const lines: Record<'n_mse' | 'var', Point[]> = { n_mse: [], var: [] }
  const constants: string[] = []
  // The parameters' exact text but n's and kinv's (set by each point and protocol).
  const text = { sigma: problem.text.sigma, lambda: problem.text.lambda, omega: problem.text.omega, rho: problem.text.rho }
  for (const protocol of protocols) {
    const series = protocolName(protocol)
    const at = (n: number) => flowProblem({ ...problem, ...protocol, n, text })
    for (const n of ns) {
      const s = solve(at(n)).stats(1)
      rows.push({ protocol: series, draws: protocol.draws === Infinity ? 'inf' : protocol.draws, noise: protocol.noise, n, n_mse: rounded(n * s.mse), var: rounded(s.var) })
      lines.n_mse.push({ x: n, y: n * s.mse, series })
      lines.var.push({ x: n, y: s.var, series })
    }
    const C = exactRate(at(problem.n), Decimal.clone({ precision: 20 }))?.values.C
    if (C) constants.push(`${series}: C = ${Number(C.toPrecision(6))}`)
  }
  const bo: Guide = { label: 'Bayes-optimal n · bo_mse', points: ns.map((n) => ({ x: n, y: n * asymptoticBaselines(n, problem.sigma, problem.omega).bo_mse })) }
  const sigma2: Guide = { label: 'σ²', points: [minOf(ns), maxOf(ns)].map((x) => ({ x, y: problem.sigma ** 2 })) }
  return {
    table: { keys: ['protocol', 'draws', 'noise', 'n', 'n_mse', 'var'], rows },
    spec: chart(
      [
        { title: 'n × error of the generated cluster mean', x: { title: 'n', log: true }, y: { title: `n ${LABELS.mse}` }, lines: lines.n_mse, guides: [bo] },
        { title: 'generated cluster variance', x: { title: 'n', log: true }, y: { title: LABELS.var }, lines: lines.var, guides: [sigma2] },
      ],
      {
        title: 'Noise draws per training sample: the 1/n constant and the spread (t = 1)',
        subtitle: [`${problemText(problem)} · d → ∞`, `${constants.join(' · ')} · C_bo = σ² = ${Number((problem.sigma ** 2).toPrecision(6))}`],
        series: 'training noise',
      },
    ),
  }
}
