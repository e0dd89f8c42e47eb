/**
 * `flowgm plot KIND [the command's flags] --out FILE.svg|FILE.png`: the chart of a command's
 * output, rendered by vega-lite/vega (and resvg for PNG). `--spec FILE.json` writes the chart's
 * specification with its data, `--csv FILE.csv` the table behind it. Every file appears whole or
 * not at all; every flag is read before anything is computed.
 */
import { extname } from 'node:path'
import type { Argv } from 'yargs'
import { ParameterError } from '../errors.js'
import {
  compareFigure,
  distancesFigure,
  curvesFigure,
  csvOf,
  daeCompareFigure,
  daeFigure,
  drawsFigure,
  rateFigure,
  simulateFigure,
  stepsFigure,
  stepsNeededFigure,
  type Figure,
  type PlotKind,
} from '../plot/figures.js'
import { componentsFigure, particlesFigure, pcaFigure } from '../plot/published.js'
import type { SimulationDocument, SimulationSpec } from '../simulate/simulate.js'
import { reachesEnd, SCHEMES } from '../theory/discrete.js'
import { checkKs, DEFAULT_KS, STEP_CRITERIA } from '../theory/steps.js'
import { stepsRequest } from './steps.js'
import { toPng, toSvgInWorker } from '../plot/render-node.js'
import type { SweepSpec } from '../sweep/sweeps.js'
import { openSink, writeAll } from '../sweep/sink.js'
import { clip, single } from '../text.js'
import { commonOptions, plotGrid, problemFrom, specFrom, type Args } from './common.js'
import { DOUBLE_N_MAX, drawsOf, MAX_DRAWS } from '../theory/problem.js'
import { axisLength, axisText, axisValue, readAxis } from '../sweep/grid.js'
import { checkRate, nMaxFrom, rateInWorker } from './rate.js'
import { simulateWithProgress, simulationSpecFrom } from './simulate.js'
import { checkSweep, longestAxisFlag } from './sweep.js'
import { checkCost, countText, plotCost } from '../limits.js'
import { Grid } from '../sweep/grid.js'

/** What each kind draws (the help line of `flowgm plot KIND`). */
export const PLOT_DESCRIPTIONS: Readonly<Record<PlotKind, string>> = {
  dae: 'the DAE weights c_t, m_t, |q_t|, |w|^2/d over t (Result A), and the cosine of w with mu (published figure 1)',
  curves: 'the summary statistics M_t, Q^xi_t, P_t over t (Result B), and the norm and cosine with mu of X_t (published figure 2, left)',
  compare:
    'error and cosine at t = 1 against n (log-log, with a 1/n guide), with the Bayes-optimal and PCA estimators, and finite-d simulations at --simulate-n as crosses (published figure 3); with --architectures, w2 and mse against n per architecture',
  distances: 'the distances of the generated law to the target at t = 1 against n: W2^2/d and KL (log-log; KL only where finite, with the skip connection)',
  'dae-compare': 'the denoiser test error over t for several n, with the oracle, and the cosine of w with mu (published figure 4)',
  rate: 'n mse(n) converging to C, and |n mse(n) - C| closing like 1/n',
  steps: 'K-step samplers: |mse_K - mse| and |var_K - var| against K beside the statistical errors (one n; every scheme unless --scheme), or K*(n) per criterion (several n)',
  simulate: 'a finite-d simulation (points) against the theory of the same scheme (lines)',
  draws: 'n mse(n) at t = 1 for k noise draws per sample (--k-list, shared over t) and for fresh noise at every t, beside the Bayes-optimal estimator; and the generated variance against sigma^2',
  particles: "a simulation's particles X_t on span(mu_emp, xi) at t = 0, 0.25, 0.5, 0.75, 1 (or --snapshots), with the theory's cluster-mean trajectory (published figure 2, middle)",
  pca: 'the generated samples at t = 1 on their top two principal axes, one simulation per n of --n (a list), with the theory cluster means as crosses (published figure 2, right)',
  components: 'the generated cluster mean along mu, xi and eta over t (theory lines, simulation points), and the generated weight against 1/2 and rho (published figure 5)',
}

/** The times at which plot particles draws the cloud. */
export const PARTICLE_SNAPSHOTS: readonly number[] = [0, 0.25, 0.5, 0.75, 1]

/** The n of plot pca when --n is not given (published figure 2, right). */
export const PCA_NS = '4,8,16,32,64'

/** A simulation that keeps the particles' projections at these grid times, unless --snapshots names others. */
const withSnapshots = (spec: SimulationSpec, snapshots: readonly number[]): SimulationSpec => ({ ...spec, snapshots: spec.snapshots ?? snapshots })

/** The simulation of plot particles or pca: the particles' projections are drawn, one point per particle and snapshot. */
async function particleRun(a: Args, snapshots: readonly number[]): Promise<SimulationDocument> {
  const given = await simulationSpecFrom(a)
  // The default times are grid times k/K only when 4 divides K: the flag to change is then --steps.
  if (given.snapshots === undefined && snapshots.some((t) => !Number.isInteger(t * given.steps)))
    throw new ParameterError('steps', `must be a multiple of 4 for plot particles' times ${snapshots.join(', ')} (grid times k/K), or give --snapshots (got ${given.steps})`)
  const spec = withSnapshots(given, snapshots)
  checkPlot(spec.particles * spec.snapshots!.length, 'particles')
  return simulateWithProgress(spec)
}

/** The n of plot pca's --n list (each checked by simulate's rules when its simulation is specified). */
function pcaNs(a: Args): string[] {
  const ns = (single('n', a.n) ?? PCA_NS).split(',').map((n) => n.trim())
  if (ns.some((n) => n === '') || new Set(ns).size !== ns.length) throw new ParameterError('n', `must be distinct integers >= 2, comma-separated (got '${clip(String(a.n))}')`)
  return ns
}

/** The flags of plot compare's simulation crosses. */
export function compareSimulationOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('simulate-n', {
      type: 'string',
      describe:
        "also simulate the flow model at finite d at these n (comma-separated integers >= 2) and draw what it measures: compare, its mse and cosine at t = 1 as crosses; dae-compare, the trained denoiser's test error and cosine over t as points",
    })
    .option('d', { type: 'string', describe: `dimension of those simulations, integer >= 2 [default: ${COMPARE_SIMULATION.d}]` })
}

/** The settings of plot compare's simulations besides n, sigma, lambda, omega and d. */
export const COMPARE_SIMULATION = { d: '2000', particles: '200', steps: '100', engine: 'js', seed: '0' } as const

/** The simulations of plot compare --simulate-n: one per n and per σ (with one λ and one ω). */
export async function compareSimulations(a: Args, spec: SweepSpec): Promise<SimulationDocument[]> {
  const list = single('simulate-n', a['simulate-n'])
  if (list === undefined) {
    if (a.d !== undefined) throw new ParameterError('d', 'is the dimension of the simulations of --simulate-n, which is not given')
    return []
  }
  if (spec.architectures) throw new ParameterError('simulate-n', 'is not available with --architectures (the simulation draws the flow model with its skip connection)')
  if (spec.sampler) throw new ParameterError('simulate-n', `is not available with --steps (the crosses are simulated with ${COMPARE_SIMULATION.steps} Euler steps against the continuous flow)`)
  for (const name of ['lambda', 'omega'] as const) {
    const axis = spec.axes.find((x) => x.name === name)
    if (axis && axisLength(axis) > 1) throw new ParameterError('simulate-n', `needs a single --${name} (a simulation per n and per sigma)`)
  }
  const ns = list.split(',').map((n) => n.trim())
  if (ns.some((n) => n === '') || new Set(ns).size !== ns.length) throw new ParameterError('simulate-n', `must be distinct integers >= 2, comma-separated (got '${clip(list)}')`)
  const sigma = spec.axes.find((x) => x.name === 'sigma')!
  const sigmas = Array.from({ length: axisLength(sigma) }, (_, j) => axisText(sigma, j))
  const base = { ...COMPARE_SIMULATION, lambda: a.lambda, omega: a.omega, schedule: a.schedule, alpha: a.alpha, beta: a.beta, ...(a.d === undefined ? {} : { d: a.d }) }
  const specs = []
  for (const s of sigmas) for (const n of ns) specs.push(await simulationSpecFrom({ ...base, sigma: s, n }).catch(renamed('n', 'simulate-n')))
  const docs: SimulationDocument[] = []
  for (const spec of specs) docs.push(await simulateWithProgress(spec))
  return docs
}

/** A refusal naming `from` re-addressed to the flag the user wrote (`to`). */
const renamed =
  (from: string, to: string) =>
  (e: unknown): never => {
    if (e instanceof ParameterError && e.parameter === from) throw new ParameterError(to, e.rule)
    throw e
  }

/** The defaults of plot draws: the n grid and the k of shared noise (fresh noise at every t is drawn at k = 1). */
const DRAWS_DEFAULTS = { nRange: '2:4096:log', kList: '1,2,4,16,inf' } as const

/** The flags of plot draws: the common ones (n, --draws and --noise are its own), the n grid and the k list. */
export function drawsOptions<T>(y: Argv<T>): Argv<T> {
  return commonOptions(y)
    .option('n-range', { type: 'string', describe: `the n grid START:STOP:lin|log[:POINTS] [default: ${DRAWS_DEFAULTS.nRange}]` })
    .option('k-list', { type: 'string', describe: `the noise draws per sample drawn with shared noise, comma-separated positive integers or inf [default: ${DRAWS_DEFAULTS.kList}]` })
}

/** The protocols and n grid of plot draws' flags (validated). */
function drawsRequest(a: Args): Parameters<typeof drawsFigure> {
  for (const flag of ['draws', 'noise', 'n'] as const) {
    if (a[flag] !== undefined) throw new ParameterError(flag, `is not read by plot draws: it draws every k of --k-list with shared noise, fresh noise at k = 1, over --n-range`)
  }
  const axis = readAxis(
    'n',
    undefined,
    a['n-range'],
    { integer: true, min: 2, max: DOUBLE_N_MAX - 1, phrase: 'an integer in [2, 1e15) (plot draws computes in double precision)' },
    DRAWS_DEFAULTS.nRange,
  )
  const ns = Array.from({ length: axisLength(axis) }, (_, j) => axisValue(axis, j))
  const ks = (single('k-list', a['k-list']) ?? DRAWS_DEFAULTS.kList).split(',').map((k) => drawsOf(k, 'k-list'))
  if (ks.some((k) => k === undefined) || new Set(ks).size !== ks.length)
    throw new ParameterError('k-list', `must be distinct positive integers up to ${MAX_DRAWS} or inf, comma-separated (got '${clip(String(a['k-list']))}')`)
  const protocols = [...ks.map((draws) => ({ draws: draws!, noise: 'shared' as const })), { draws: 1, noise: 'per-time' as const }]
  checkPlot(ns.length * protocols.length, 'n-range')
  return [problemFrom({ ...a, n: String(ns[0]) }, { sampler: false }), protocols, ns]
}

/** Flags of every plot kind (after the command's own). */
export function plotOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('out', { type: 'string', describe: 'write the chart to FILE.svg or FILE.png (complete or not at all) [default: SVG on stdout, when stdout is not a terminal]' })
    .option('spec', { type: 'string', describe: 'also write the vega-lite specification, data included, to this JSON file (to restyle the chart)' })
    .option('csv', { type: 'string', describe: 'also write the table behind the chart to this CSV file' })
    .hide('format')
    .hide('json')
    .hide('digits')
}

/** Refuse a chart of `rows` rows beyond LIMITS (src/limits.ts), naming the flag that sets them. */
function checkPlot(rows: number, flag: string): void {
  checkCost(plotCost(rows), flag, `${countText(rows)} points`, 'plot', flag === 'points' || flag === 'steps' ? `lower --${flag}` : `give --${flag} fewer values`)
}

/** A sweep's spec, refused if computing it or drawing it is beyond LIMITS. */
function plotted(spec: SweepSpec): SweepSpec {
  checkSweep(spec)
  checkPlot(new Grid(spec.axes).size, longestAxisFlag(spec))
  return spec
}

/** The figure of a kind from the command's flags (validated, its cost too, before anything is computed). */
export async function plotFigure(kind: PlotKind, a: Args): Promise<Figure> {
  switch (kind) {
    case 'dae':
    case 'curves': {
      const spec = plotted(plotGrid(a))
      return kind === 'dae' ? daeFigure(spec) : curvesFigure(spec)
    }
    case 'compare': {
      const spec = plotted(specFrom('compare', a))
      return compareFigure(spec, await compareSimulations(a, spec))
    }
    case 'distances':
      return distancesFigure(plotted(specFrom('compare', a)))
    case 'dae-compare': {
      const spec = plotted(specFrom('dae-compare', a))
      return daeCompareFigure(spec, await compareSimulations(a, spec))
    }
    case 'rate': {
      const nMax = nMaxFrom(a)
      const problem = problemFrom(a)
      checkRate(a, CHART_RATE_DIGITS, nMax)
      return rateFigure(await rateInWorker(a, CHART_RATE_DIGITS, nMax), problem)
    }
    case 'steps': {
      const q = stepsRequest(a)
      const schemes = q.scheme ? [q.scheme] : SCHEMES.filter((s) => q.problem.skip || !reachesEnd(s))
      if (q.mode === 'table') {
        const ks = q.ks ?? DEFAULT_KS
        checkKs(ks)
        return stepsFigure(q.problem, schemes, ks)
      }
      return stepsNeededFigure(q.problem, q.ns, q.criterion ? [q.criterion] : STEP_CRITERIA, q.tol, schemes)
    }
    case 'simulate': {
      const spec = await simulationSpecFrom(a)
      // A row per step and t = 1.
      checkPlot(spec.steps + 1, 'steps')
      return simulateFigure(await simulateWithProgress(spec))
    }
    case 'draws':
      return drawsFigure(...drawsRequest(a))
    case 'particles':
      return particlesFigure(await particleRun(a, PARTICLE_SNAPSHOTS))
    case 'pca': {
      const ns = pcaNs(a)
      // Every simulation is specified (its flags checked) before any runs.
      const specs = await Promise.all(ns.map(async (n) => withSnapshots(await simulationSpecFrom({ ...a, n }), [1])))
      checkPlot(
        specs.reduce((sum, s) => sum + s.particles, 0),
        'particles',
      )
      const docs: SimulationDocument[] = []
      for (const spec of specs) docs.push(await simulateWithProgress(spec))
      return pcaFigure(docs)
    }
    case 'components': {
      const spec = await simulationSpecFrom(a)
      checkPlot(spec.steps + 1, 'steps')
      // The theory lines on plot curves' grid of the continuous flow: --steps and --scheme are the simulation's.
      const grid = plotted(plotGrid({ ...a, steps: undefined, scheme: undefined, points: undefined }))
      return componentsFigure(grid, await simulateWithProgress(spec))
    }
  }
}

/** Digits of the rate sequence behind its chart (printed to 8 in the subtitle, 15 in the CSV). */
const CHART_RATE_DIGITS = 20

const IMAGE_TYPES = ['.svg', '.png'] as const

export async function plotCommand(kind: PlotKind, a: Args): Promise<void> {
  for (const flag of ['format', 'json'] as const) {
    if (a[flag] !== undefined)
      throw new ParameterError(
        flag,
        `is not used by plot: the chart goes to --out FILE.svg|FILE.png and its table to --csv FILE${kind === 'draws' ? '' : ` (flowgm ${kind} --${flag} prints the table)`}`,
      )
  }
  if (a['particles-out'] !== undefined)
    throw new ParameterError('particles-out', 'is not used by plot: flowgm simulate --particles-out FILE.csv writes the particles; plot --csv FILE.csv writes the table behind the chart')
  if (a.snapshots !== undefined && kind !== 'particles' && kind !== 'simulate') throw new ParameterError('snapshots', `is read by plot particles only (plot ${kind} draws no snapshot)`)
  if (a.digits !== undefined)
    throw new ParameterError('digits', `is not used by plot: a chart shows a few digits${kind === 'simulate' || kind === 'draws' ? '' : ` (flowgm ${kind} --digits D prints precise values)`}`)
  const out = single('out', a.out)
  const spec = single('spec', a.spec)
  const csv = single('csv', a.csv)
  const type = out === undefined ? '.svg' : extname(out).toLowerCase()
  if (!(IMAGE_TYPES as readonly string[]).includes(type)) throw new ParameterError('out', `must name a .svg or .png file (got '${clip(out ?? '')}')`)
  if (out === undefined && spec === undefined && csv === undefined && process.stdout.isTTY) {
    // An SVG document on a terminal helps no one: say how to get a file.
    throw new ParameterError('out', 'is required on a terminal (an SVG or PNG file; or redirect stdout to a file for SVG)')
  }
  for (const [flag, ext] of [
    ['spec', '.json'],
    ['csv', '.csv'],
  ] as const) {
    const path = flag === 'spec' ? spec : csv
    if (path !== undefined && extname(path).toLowerCase() !== ext) throw new ParameterError(flag, `must name a ${ext} file (got '${clip(path)}')`)
  }
  // Without --out the chart goes to stdout, unless that is a terminal (then only --spec and --csv).
  const stdout = out === undefined && !process.stdout.isTTY ? await openSink(undefined) : undefined
  await writeAll({ out, spec, csv }, async () => {
    const figure = await plotFigure(kind, a)
    const svg = out !== undefined || stdout ? await toSvgInWorker(figure.spec) : undefined
    const image = svg !== undefined && type === '.png' ? await toPng(svg) : svg
    if (stdout && image !== undefined) await stdout.write(image)
    return { out: image, spec: JSON.stringify(figure.spec, null, 2) + '\n', csv: csvOf(figure.table) }
  })
}
