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
import { reachesEnd, SCHEMES } from '../theory/discrete.js'
import { checkKs, DEFAULT_KS, STEP_CRITERIA } from '../theory/steps.js'
import { stepsRequest } from './steps.js'
import { toPng, toSvgInWorker } from '../plot/render-node.js'
import type { SweepSpec } from '../sweep/sweeps.js'
import { openSink, writeAll } from '../sweep/sink.js'
import { clip, integer, single } from '../text.js'
import { commonOptions, problemFrom, type Args } from './common.js'
import { DOUBLE_N_MAX, MAX_DRAWS } from '../theory/problem.js'
import { axisLength, axisValue, readAxis } from '../sweep/grid.js'
import { checkRate, nMaxFrom, rateInWorker } from './rate.js'
import { simulateWithProgress, simulationSpecFrom } from './simulate.js'
import { checkSweep, longestAxisFlag, specFrom } from './sweep.js'
import { checkCost, countText, plotCost } from '../limits.js'
import { Grid } from '../sweep/grid.js'

/** What each kind draws (the help line of `flowgm plot KIND`). */
export const PLOT_DESCRIPTIONS: Readonly<Record<PlotKind, string>> = {
  dae: 'the DAE weights c_t, m_t, |q_t|, |w|^2/d over t (Result A)',
  curves: 'the summary statistics M_t, Q^xi_t, P_t over t (Result B)',
  compare: 'error and cosine at t = 1 against n (log-log, with a 1/n guide), with the Bayes-optimal and PCA estimators; with --architectures, w2 and mse against n per architecture',
  'dae-compare': 'the denoiser test error over t for several n, with the oracle',
  rate: 'n mse(n) converging to C, and |n mse(n) - C| closing like 1/n',
  steps: 'K-step samplers: |mse_K - mse| and |var_K - var| against K beside the statistical errors (one n; every scheme unless --scheme), or K*(n) per criterion (several n)',
  simulate: 'a finite-d simulation (points) against the theory of the same scheme (lines)',
  draws: 'n mse(n) at t = 1 for k noise draws per sample (--k-list, shared over t) and for fresh noise at every t, beside the Bayes-optimal estimator; and the generated variance against sigma^2',
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
  const ks = (single('k-list', a['k-list']) ?? DRAWS_DEFAULTS.kList).split(',').map((k) => (/^\s*inf\s*$/i.test(k) ? Infinity : integer('k-list', k, 1, MAX_DRAWS)))
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

/** The grid of t a dae or curves chart is drawn on. */
export const PLOT_POINTS = 101

/** The t grid of a dae or curves chart: that of curves, with PLOT_POINTS points unless --points. */
export const plotGrid = (a: Args): SweepSpec => specFrom('curves', { ...a, points: a.points ?? (a.steps === undefined ? String(PLOT_POINTS) : undefined) })

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
    case 'compare':
      return compareFigure(plotted(specFrom('compare', a)))
    case 'dae-compare':
      return daeCompareFigure(plotted(specFrom('dae-compare', a)))
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
