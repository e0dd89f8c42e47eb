/**
 * `flowgm report` (what `npm start` runs): the published study reproduced from the theory. Each
 * figure is a `flowgm plot` command with fixed flags (printed in the report, so anyone can rerun
 * it); the report writes each chart as SVG, the table behind it as CSV, the rate constants, and
 * one self-contained report.html, every file whole or not at all.
 */
import { mkdir, rmdir, stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { ParameterError } from '../errors.js'
import { plotFigure } from './plot.js'
import { plotGrid, problemFrom, REPORT_DIR, type Args } from './common.js'
import { simulationSpecFrom } from './simulate.js'
import { single } from '../text.js'
import { csvOf, curvesFigure, daeFigure, rateConstants, rateFigure, type Figure, type PlotKind, type Table } from '../plot/figures.js'
import { toSvg } from '../plot/render.js'
import { simulate } from '../simulate/simulate.js'
import { ioReason, writeAll } from '../sweep/sink.js'
import { RATE_KEYS, rate, type RateResult } from '../theory/rate.js'
import { tableText } from '../sweep/writers.js'
import { VERSION } from '../version.js'
import { reportHtml, type ReportSection } from '../report/html.js'
import { explorerHtml, explorerScript } from '../explorer/html.js'

/** A figure of the report: a plot command with its flags, and what it shows. */
export interface ReportFigure {
  readonly name: string
  readonly title: string
  readonly kind: PlotKind
  readonly flags: Readonly<Record<string, string>>
  /** The simulation drawn as points on the theory (flags of `flowgm simulate`). */
  readonly simulation?: Readonly<Record<string, string>>
  readonly caption: string
}

/** The published figures' parameters (Cui et al., ICLR 2024; the published code SPOC-group/Diffusion_GMM). */
export const REPORT_FIGURES: readonly ReportFigure[] = [
  {
    name: 'dae-weights',
    title: 'Fig. 1: the learnt denoiser over t',
    kind: 'dae',
    flags: { n: '4', sigma: '0.9', lambda: '0.1', schedule: 'linear' },
    simulation: { n: '4', sigma: '0.9', lambda: '0.1', schedule: 'linear', d: '2000', particles: '20', steps: '20', trainer: 'adam', activation: 'tanh', engine: 'js', seed: '0' },
    caption:
      'Published figure 1. Result A: the skip-connection weight ĉ_t and the components of ŵ = m μ_emp + q ξ (|q_t| is plotted; q is negative with this sign of ξ), ‖ŵ‖²/d, and the cosine of ŵ with μ (right). Points: the network f(x) = c x + w tanh(w·x/√d) trained by Adam at d = 2000, as the published points (docs/simulation.md: tanh acts as sign where |w·x|/√d is large, which fails near t = 1 where ŵ → 0).',
  },
  {
    name: 'summary-statistics',
    title: 'Fig. 2 (left): summary statistics of the generated samples over t',
    kind: 'curves',
    flags: { n: '8', sigma: '1.5', lambda: '0.1' },
    simulation: { n: '8', sigma: '1.5', lambda: '0.1', d: '5000', particles: '500', steps: '100', engine: 'js', seed: '0' },
    caption:
      'Published figure 2, left. Result B: a generated sample is X_t = P_t x₀ + s (M_t μ_emp + Q^ξ_t ξ); right, its squared norm per dimension and its cosine with μ. Lines: the d → ∞ theory; points: a finite-d simulation (exact trainer, Euler steps), whose deviations are O(1/√d).',
  },
  {
    name: 'particles',
    title: 'Fig. 2 (middle): the generated particles on span(μ_emp, ξ)',
    kind: 'particles',
    flags: { n: '16', sigma: '2', lambda: '0.1', d: '2000', particles: '200', steps: '100', engine: 'js', seed: '0' },
    caption:
      'Published figure 2, middle. The particles X_t of one simulation (d = 2000, 200 particles) on the plane of μ_emp and ξ at t = 0, 0.25, 0.5, 0.75 and 1: they leave the origin in two clouds that follow the theory’s cluster means ±(M_t μ_emp + Q^ξ_t ξ) (line, marked at each t), tilted towards ξ, the training noise the DAE memorised.',
  },
  {
    name: 'pca',
    title: 'Fig. 2 (right): the generated samples on their principal axes',
    kind: 'pca',
    flags: { n: '4,8,16,32,64', sigma: '2', lambda: '0.1', d: '2000', particles: '200', steps: '100', engine: 'js', seed: '0' },
    caption:
      'Published figure 2, right. The generated samples at t = 1 (one simulation per n, d = 2000, 200 particles) on their top two principal axes, with the theory’s cluster means ±(M μ_emp + Q^ξ ξ) projected on the same axes (crosses): the two clusters sit where the theory puts them, for every n.',
  },
  {
    name: 'mse-against-n',
    title: 'Fig. 3: the generated cluster mean against n',
    kind: 'compare',
    flags: { 'n-range': '2:1024:log', sigma: '0.5,1,1.5,2', lambda: '0.1', 'simulate-n': '4,16,64', d: '1000' },
    caption:
      'Published figure 3. Error ‖μ̂ − μ‖²/d and cosine of the generated cluster mean at t = 1, against the Bayes-optimal estimator and PCA. The error decays like 1/n, the Bayes-optimal rate. Crosses: the flow model simulated at d = 1000 (200 particles, 100 Euler steps, exact trainer) at n = 4, 16, 64.',
  },
  {
    name: 'denoiser-error',
    title: 'Fig. 4: the single-time denoiser against the oracle',
    kind: 'dae-compare',
    flags: { schedule: 'trig', sigma: '0.3', lambda: '0.1', n: '2,8,32,128', points: '101', 'simulate-n': '2,8,32,128', d: '2000' },
    caption:
      'Published figure 4. Test error E‖x₁ − f̂(x_t)‖²/d of the denoiser learnt from n samples, for the trig schedule, against the oracle that knows μ and σ (left), and the cosine of the learnt ŵ with μ (right). Points: the denoiser trained at d = 2000 (exact trainer) at each n, its test error on fresh pairs and its cosine computed from its trained weights.',
  },
  {
    name: 'imbalanced-components',
    title: 'Fig. 5: imbalanced clusters, the components of the generated cluster mean',
    kind: 'components',
    flags: { n: '4', sigma: '0.9', lambda: '0.1', rho: '0.24', d: '2000', particles: '400', steps: '100', engine: 'js', seed: '0' },
    caption:
      'Published figure 5. Training data with ρ = 0.24 of its samples around +μ: the generated cluster mean M^μ μ + Q^η η + Q^ξ ξ (η = Σ s^μ z^μ, the training noise along the labels) over t, lines from the theory, points from a simulation at d = 2000 (400 particles). The learnt field is odd, so the generated clusters have weight 1/2 whatever ρ (right): the flow does not learn the imbalance.',
  },
  {
    name: 'rate',
    title: 'The 1/n rate constant',
    kind: 'rate',
    flags: { sigma: '1.5', lambda: '0.1' },
    caption: 'n · mse(n) at t = 1 converges to C (left), and the gap closes like 1/n (right); the Bayes-optimal estimator converges to C_bo.',
  },
  {
    name: 'skip-connection',
    title: 'When the skip connection pays',
    kind: 'compare',
    flags: { 'n-range': '2:1024:log', architectures: 'skip,no-skip', sigma: '1.5', lambda: '0.1' },
    caption:
      'The trade-off the paper names but does not draw (issue 19): W₂²/d from the generated mixture to the target at t = 1 (left) and the error of the generated cluster mean (right), with and without the skip connection. Without it the mean is better (n · mse → σ² instead of 2σ²), but the generated clusters collapse to points (P(1) = 0): W₂²/d stays above σ² = 2.25 and KL is infinite. With it W₂²/d closes like C_w2/n = 4.5/n, below the collapsed model at every n here; with narrower, farther clusters (ω/σ² large) and a larger λ its spread overshoots at small n, and there the collapsed model is closer up to some n (docs/theory.md).',
  },
  {
    name: 'discretisation-error',
    title: 'K-step samplers: how far K steps land from the continuous flow',
    kind: 'steps',
    flags: { n: '8', sigma: '1.5', lambda: '0.1' },
    caption:
      'Not in the paper (its experiments use 100 Euler steps): the d → ∞ theory of the sampler itself. The error of the generated cluster mean and of the generated variance after K steps of Euler, Heun, the explicit midpoint rule and classical Runge–Kutta, against K, beside the statistical errors of the continuous flow (grey). The slopes are the orders 1, 2, 2 (3 on this schedule) and 4.',
  },
  {
    name: 'steps-needed',
    title: 'Steps needed as n grows',
    kind: 'steps',
    flags: { n: '2,8,32,128', sigma: '1.5', lambda: '0.1' },
    caption:
      'K*(n), the fewest steps whose discretisation error is at most a tenth of the statistical error. For the mean (mse) on this schedule both errors shrink like 1/n, so K* does not grow; for the variance the discretisation error of P stays O(K^−p) while the statistical one is O(1/n), so K* ∝ n^(1/p): Euler needs about n thousand steps.',
  },
  {
    name: 'noise-draws',
    title: 'Noise draws per sample, and fresh noise at every t',
    kind: 'draws',
    flags: { sigma: '1.5', lambda: '0.1' },
    caption:
      'Not in the paper (issue 20): the published model pairs each training sample with one base-noise draw, reused at every t, and its DAE memorises that noise (Q^ξ). With k draws per sample n · mse(n) → C = σ²(1 + 1/k), from 2σ² at k = 1 down to the Bayes-optimal σ² as k → ∞; with noise drawn afresh at every t (as practical training does) the memorised part vanishes and C = σ² already at k = 1. The generated variance P(1)² (right) does not depend on how the noise is drawn over t (the line of fresh noise lies on k = 1) and tends to σ² for every k.',
  },
]

/** The rate-constant table: these σ at λ = 0.1 (ω = 1, linear schedule, skip connection). */
export const REPORT_RATE_SIGMAS = ['0.5', '1', '1.5', '2'] as const
const RATE_LAMBDA = '0.1'
/** Digits of the rate table. */
const RATE_DIGITS = 12

/** The command line that draws a figure. */
export const commandOf = (kind: string, flags: Readonly<Record<string, string>>): string =>
  `flowgm ${kind} ${Object.entries(flags)
    .map(([k, v]) => `--${k} ${v}`)
    .join(' ')}`

export interface ReportFile {
  readonly name: string
  readonly content: string
}

/** Everything the report computes: the figures (SVG and table), the rate constants, the page. */
export async function buildReport(onFigure: (name: string, seconds: number) => void = () => {}): Promise<{ files: ReportFile[]; rates: Table; sections: ReportSection[] }> {
  const rates = new Map<string, RateResult>()
  const rateOf = (sigma: string): RateResult => {
    let r = rates.get(sigma)
    if (!r) {
      r = rate(problemFrom({ sigma, lambda: RATE_LAMBDA, skip: true }), { digits: RATE_DIGITS })
      rates.set(sigma, r)
    }
    return r
  }
  const sections: ReportSection[] = []
  const files: ReportFile[] = []
  for (const f of REPORT_FIGURES) {
    const start = performance.now()
    const figure = await reportFigure(f, rateOf)
    const svg = await toSvg(figure.spec)
    files.push({ name: `${f.name}.svg`, content: svg }, { name: `${f.name}.csv`, content: csvOf(figure.table) })
    const commands = [`${commandOf(`plot ${f.kind}`, f.flags)} --out ${f.name}.svg --csv ${f.name}.csv`]
    if (f.simulation) commands.push(`${commandOf('simulate', f.simulation)} --format csv`)
    sections.push({ kind: 'figure', name: f.name, title: f.title, caption: f.caption, svg, commands })
    onFigure(f.name, (performance.now() - start) / 1000)
  }
  const table = rateTable(REPORT_RATE_SIGMAS.map((s) => [s, rateOf(s)]))
  files.push({ name: 'rate-constants.csv', content: csvOf(table) })
  sections.push({
    kind: 'table',
    name: 'rate-constants',
    title: 'Rate constants',
    table,
    caption: `C = lim n · mse(n) of the flow model and C_bo of the Bayes-optimal estimator at λ = ${RATE_LAMBDA}, ω = 1 (linear schedule, skip connection), with the next coefficients of the 1/n expansion (mse = C/n + C1/n² + …): the exact expression found by the symbolic layer, and the digits on which Richardson extrapolation of high-precision values agrees with it.`,
    commands: REPORT_RATE_SIGMAS.map((s) => commandOf('rate', { sigma: s, lambda: RATE_LAMBDA })),
  })
  return { files, rates: table, sections }
}

async function reportFigure(f: ReportFigure, rateOf: (sigma: string) => RateResult): Promise<Figure> {
  const args: Args = { ...f.flags, skip: true }
  if (f.kind === 'rate') {
    const problem = problemFrom(args)
    return rateFigure(rateOf(problem.text.sigma), problem)
  }
  if ((f.kind === 'curves' || f.kind === 'dae') && f.simulation) {
    const { document } = await simulate(await simulationSpecFrom({ ...f.simulation, skip: true }))
    return (f.kind === 'curves' ? curvesFigure : daeFigure)(plotGrid(args), document)
  }
  return plotFigure(f.kind, args)
}

/** The rate constants, one row per σ. */
function rateTable(results: readonly [string, RateResult][]): Table {
  return { keys: ['sigma', ...RATE_KEYS, 'C_exact', 'digits_agree'], rows: results.map(([sigma, r]) => ({ sigma, ...rateConstants(r, RATE_DIGITS) })) }
}

/** flowgm report [--out DIR]: write the report, print a summary. */
export const reportCommand = (a: Readonly<Record<string, unknown>>): Promise<string> => report({ out: single('out', a.out) })

/**
 * Write the report (the published study from the theory: each figure as SVG and CSV, the rate
 * constants, report.html) into the directory `out` (default `out`), every file whole or none;
 * returns the summary `flowgm report` prints.
 */
export async function report(options: { readonly out?: string } = {}): Promise<string> {
  const dir = options.out ?? REPORT_DIR
  const created = await reportDirectory(dir)
  try {
    return await writeReport(dir)
  } catch (e) {
    // A failed report leaves nothing behind: not even the directory it created (if still empty).
    await removeEmpty(dir, created)
    throw e
  }
}

/** Make sure `dir` is a directory (created if missing); returns the first directory created, if any. */
async function reportDirectory(dir: string): Promise<string | undefined> {
  if (dir === '') throw new ParameterError('out', 'needs a directory name (got an empty one)')
  const stats = await stat(dir).catch(() => undefined)
  if (stats !== undefined && !stats.isDirectory()) throw new ParameterError('out', `cannot create the directory ${dir}: a file of that name exists (the report is a directory of files)`)
  try {
    return await mkdir(dir, { recursive: true })
  } catch (e) {
    throw new ParameterError('out', `cannot create the directory ${dir}: ${ioReason(e)}`)
  }
}

/** Remove `dir` and its parents up to `created`, those that are empty. */
async function removeEmpty(dir: string, created: string | undefined): Promise<void> {
  if (created === undefined) return
  const top = resolve(created)
  for (let at = resolve(dir); ; at = dirname(at)) {
    try {
      await rmdir(at)
    } catch {
      return
    }
    if (at === top || dirname(at) === at) return
  }
}

/** The page that computes the theory live (src/explorer), linked from report.html. */
const EXPLORER = 'explorer.html'

async function writeReport(dir: string): Promise<string> {
  const start = performance.now()
  const timings: [string, number][] = []
  const page = 'report.html'
  let summary: Table | undefined
  const paths: Record<string, string> = {}
  // The file names are known before anything is computed: every temporary file is opened first.
  for (const name of [...REPORT_FIGURES.flatMap((f) => [`${f.name}.svg`, `${f.name}.csv`]), 'rate-constants.csv', page, EXPLORER]) paths[name] = join(dir, name)
  await writeAll(
    paths,
    async () => {
      const script = await explorerScript()
      const { files, rates, sections } = await buildReport((name, s) => timings.push([name, s]))
      summary = rates
      const seconds = (performance.now() - start) / 1000
      const html = reportHtml({ version: VERSION, sections, seconds, generated: new Date().toISOString(), explorer: EXPLORER })
      return Object.fromEntries([...files.map((f) => [f.name, f.content]), [page, html], [EXPLORER, explorerHtml({ version: VERSION, script })]])
    },
    () => 'out',
  )
  return summaryText(dir, summary!, timings, (performance.now() - start) / 1000)
}

/** The summary printed on stdout: what was written, how long each figure took, the rate constants. */
function summaryText(dir: string, rates: Table, timings: readonly [string, number][], seconds: number): string {
  const lines = [`flowgm ${VERSION} report: ${join(dir, 'report.html')}, with each figure as SVG and CSV, and ${join(dir, EXPLORER)}, the theory live`, '']
  const block = (head: string[], rows: string[][]) => lines.push(tableText(head, rows))
  block(
    ['figure (.svg, .csv)', 'seconds'],
    timings.map(([name, s]) => [name, s.toFixed(2)]),
  )
  block(
    ['sigma', 'C', 'C_bo', 'C/C_bo', 'C exact'],
    rates.rows.map((r) => [String(r.sigma), String(r.C), String(r.C_bo), String(r.ratio), String(r.C_exact)]),
  )
  lines.push(`done in ${seconds.toFixed(1)} s`)
  return lines.join('\n') + '\n'
}
