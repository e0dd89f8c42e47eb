/**
 * `flowgm simulate`: the finite-d simulation (src/simulate) from the command line. Prints the
 * document { params, measured, theory, theory_discrete } as JSON, one row per step side by side
 * as CSV, or the summary at t = 1 as a table.
 */
import { totalmem } from 'node:os'
import type { Argv } from 'yargs'
import { ParameterError } from '../errors.js'
import { MAX_SEED } from '../random.js'
import { SCHEMES, type Scheme } from '../theory/discrete.js'
import { BYTES_PER_ENTRY, ENGINES, missingTfjs, tfjsAvailable, type EngineName } from '../simulate/engine.js'
import { checkSpec, MAX_PCA_PARTICLES, SIMULATE_DEFAULTS, simulate, type SimulationDocument, type SimulationSpec } from '../simulate/simulate.js'
import { ACTIVATIONS, checkLr, INITS, MIN_LR, TRAINERS, type TrainerName } from '../simulate/train.js'
import type { ParticleCloud } from '../simulate/particles.js'
import { SAMPLE_BLOCK } from '../simulate/distances.js'
import { checkCost, countText, simulationCost } from '../limits.js'
import { progressBar } from '../progress.js'
import { numberList, oneOf } from './args.js'
import { integer, number, single } from '../text.js'
import { rounded } from '../printing.js'
import { commonOptions, formatFrom, problemFrom, type Args } from './common.js'
import { DOUBLE_N_MAX, PROBLEM_DEFAULTS } from '../theory/problem.js'
import { writer } from '../sweep/writers.js'
import { csvOf, simulationTable } from '../plot/figures.js'
import { writeAll } from '../sweep/sink.js'
import { minOf } from '../extent.js'

const FORMATS = ['table', 'csv', 'json'] as const

/** The snapshots of --particles-out without --snapshots: the published figure's five times. */
const DEFAULT_SNAPSHOTS = [0, 0.25, 0.5, 0.75, 1]

/** Most time steps: the document holds a row per step in each of its three series (~1 KB a step). */
export const MAX_STEPS = 1_000_000

/** wasm32 addresses at most 4 GiB; the tfjs engine holds X three times over during an update. */
const WASM_BYTES = 4 * 2 ** 30

export function simulateOptions<T>(y: Argv<T>): Argv<T> {
  const D = SIMULATE_DEFAULTS
  return (
    commonOptions(y)
      .hide('digits')
      .option('d', { type: 'string', describe: `dimension, integer >= 2 [default: ${D.d}]` })
      .option('particles', { type: 'string', describe: `particles transported, integer >= 1 [default: ${D.particles}]` })
      .option('steps', { type: 'string', describe: `time steps K of the scheme (rows at t_k = k/K), integer in [1, ${MAX_STEPS}] [default: ${D.steps}]` })
      .option('trainer', { type: 'string', describe: `exact (closed-form minimiser for the label sign pattern) or adam (full-batch, warm-started) [default: ${D.trainer}]` })
      .option('lr', { type: 'string', describe: `Adam learning rate, >= ${MIN_LR} [default: ${D.lr}]` })
      .option('epochs', { type: 'string', describe: `Adam epochs per time step, integer >= 1 [default: ${D.epochs}]` })
      .option('scheme', {
        type: 'string',
        describe: `transport: ${SCHEMES.join(', ')}, on the grid t_k = k/K with a DAE trained at every stage time (heun and rk4 evaluate the velocity at t = 1: they need the skip connection) [default: ${D.scheme}]`,
      })
      // The common flag, described for what it does here besides the theory's distances.
      .option('rho', {
        type: 'string',
        describe: `class weight P(s = +1) of the target, in (0, 1): the training labels are drawn with it; the theory's w2 and weight_error depend on it [default: ${PROBLEM_DEFAULTS.rho}]`,
      })
      .option('activation', {
        type: 'string',
        describe: `the network's phi in f(x) = c x + w phi(w.x/sqrt d): ${ACTIVATIONS.join(' or ')}; tanh needs --trainer adam and --scheme euler [default: ${D.activation}]`,
      })
      .option('init', { type: 'string', describe: `Adam's start at each time: warm (the previous fit) or fresh (c = 1, w of N(0, 1) entries, as the published experiments) [default: ${D.init}]` })
      .option('snapshots', {
        type: 'string',
        describe: `grid times k/K, comma-separated and increasing, at which the particle cloud is recorded (the JSON gains particles) [default with --particles-out: ${DEFAULT_SNAPSHOTS.join(',')}]`,
      })
      .option('particles-out', { type: 'string', describe: `write the particle cloud to this CSV file (kind,t,particle,u,v; at most ${MAX_PCA_PARTICLES} particles), whole or not at all` })
      .option('seed', { type: 'string', describe: `seed of the random stream, integer in [0, 4294967295] [default: ${D.seed}]` })
      .option('engine', { type: 'string', describe: 'particle engine: js (float64, worker threads) or tfjs (float32, WebAssembly; optional dependency) [default: js]' })
      // plot simulate states its own --out (the chart) after these.
      .option('out', { type: 'string', describe: 'write the document to this file (complete or not at all) instead of stdout' })
  )
}

/** Read and check every flag, the memory need included, before anything is computed. */
export async function simulationSpecFrom(a: Args): Promise<SimulationSpec & { format: (typeof FORMATS)[number]; particlesOut?: string }> {
  const D = SIMULATE_DEFAULTS
  if (a.digits !== undefined) throw new ParameterError('digits', 'is not available for simulate (a simulation runs in double precision, or float32 with tfjs)')
  const format = formatFrom(a, FORMATS)
  // Before problemFrom, which would switch a huge n to high precision: a simulation holds n samples.
  if ((integer('n', a.n, 2, Number.MAX_VALUE) ?? 0) >= DOUBLE_N_MAX) throw new ParameterError('n', `must be below 1e15 for simulate (the n training samples are held in memory)`)
  const problem = problemFrom(a, { sampler: false })
  const trainer: TrainerName = oneOf('trainer', a.trainer, TRAINERS) ?? D.trainer
  const scheme: Scheme = oneOf('scheme', a.scheme, SCHEMES) ?? D.scheme
  const lr = number('lr', a.lr) ?? D.lr
  if (trainer !== 'adam') for (const flag of ['lr', 'epochs', 'init']) if (a[flag] !== undefined) throw new ParameterError(flag, 'is a setting of --trainer adam')
  // As written: 1e-400 reads as 0.
  checkLr(lr, single('lr', a.lr))
  const requested = oneOf('engine', a.engine, ENGINES)
  const sizes = {
    d: integer('d', a.d, 2) ?? D.d,
    particles: integer('particles', a.particles, 1) ?? D.particles,
    steps: integer('steps', a.steps, 1, MAX_STEPS) ?? D.steps,
    epochs: integer('epochs', a.epochs, 1) ?? D.epochs,
    seed: integer('seed', a.seed, 0, MAX_SEED) ?? D.seed,
  }
  const activation = oneOf('activation', a.activation, ACTIVATIONS) ?? D.activation
  const init = oneOf('init', a.init, INITS) ?? D.init
  const particlesOut = single('particles-out', a['particles-out'])
  const snapshots = numberList('snapshots', a.snapshots) ?? (particlesOut !== undefined ? DEFAULT_SNAPSHOTS : undefined)
  const options = { activation, init, ...(snapshots ? { snapshots } : {}) }
  checkSpec({ problem, lr, trainer, scheme, engine: 'js', ...options, ...sizes })
  // float32 particles overflow with large parameters: tfjs is then refused.
  const float32 = fitsFloat32(problem, sizes.d)
  if (requested === 'tfjs' && !float32) {
    throw new ParameterError(
      'engine',
      `tfjs computes in float32, which overflows at sigma = ${problem.sigma}, omega = ${problem.omega}, d = ${sizes.d} (squared norms of about d (sigma^2 + omega)); use --engine js`,
    )
  }
  // js unless tfjs is asked for: js is faster at every size measured and keeps float64
  // (docs/simulation.md). Loading tfjs takes a few tenths of a second: only once every other flag
  // is known to be good.
  const engine: EngineName = requested ?? 'js'
  if (engine === 'tfjs' && !(await tfjsAvailable())) throw missingTfjs()
  const spec = { problem, lr, trainer, scheme, engine, format, particlesOut, ...options, ...sizes }
  checkMemory(spec)
  checkTime(spec)
  return spec
}

/** The largest float32. */
const FLOAT32_MAX = 3.4028234663852886e38

/** Whether float32 holds the particles' squared norms, about d (sigma^2 + omega), with a factor 10 to spare. */
const fitsFloat32 = (p: { sigma: number; omega: number }, d: number): boolean => 10 * d * (p.sigma ** 2 + p.omega) < FLOAT32_MAX

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(bytes < 2 ** 30 ? 2 : 1)} GiB`

/**
 * Bytes of the training set and the d-vectors the trainers keep (x1: n rows; x0 and x_t: n k rows
 * each, k draws per sample), and of a block of the fresh samples the distances are measured
 * against at t = 1.
 */
const trainingBytes = (n: number, k: number, d: number) => (n + 2 * n * k + 16 + Math.min(n, SAMPLE_BLOCK)) * d * 8

/**
 * Refuse a run the machine cannot hold, naming the flag to lower: --d when even one particle and
 * n = 2 samples of one draw do not fit, --n when the training set of one draw alone does not,
 * --draws when its n k pairs do not, else --particles.
 */
function checkMemory(s: { particles: number; d: number; engine: EngineName; problem: { n: number; draws: number } }): void {
  const bytes = BYTES_PER_ENTRY[s.engine]
  const { n, draws } = s.problem
  const needOf = (particles: number, n: number, k: number) => particles * s.d * bytes + trainingBytes(n, k, s.d)
  const need = needOf(s.particles, n, draws)
  const have = totalmem()
  const pairs = draws === 1 ? '' : ` of ${countText(n * draws)} pairs (${draws} draws per sample)`
  const what = `${s.particles} particles x d = ${s.d} need about ${gib(need)} (${bytes} bytes per particle coordinate with --engine ${s.engine}, and the training set${pairs})`
  const beyond = (x: number) => x > 0.8 * have
  if (beyond(need)) {
    const flag = beyond(needOf(1, 2, 1)) ? 'd' : beyond(needOf(1, n, 1)) ? 'n' : beyond(needOf(1, n, draws)) ? 'draws' : 'particles'
    const lower = { d: 'lower --d', n: `lower --n (${n} training samples) or --d`, draws: 'lower --draws or --d', particles: 'lower --particles or --d' }[flag]
    throw new ParameterError(flag, `${what}, more than this machine can hold (${gib(have)} in all); ${lower}`)
  }
  if (s.engine === 'tfjs' && s.particles * s.d * bytes > WASM_BYTES) {
    const flag = s.d * bytes > WASM_BYTES ? 'd' : 'particles'
    throw new ParameterError(flag, `${what}, beyond the 4 GiB a WebAssembly engine can address; use --engine js or lower ${flag === 'd' ? '--d' : '--particles or --d'}`)
  }
}

/** The estimated cost of a simulation (src/limits.ts): what the refusals judge, and tests measure against. */
export function simulationEstimate(s: SimulationSpec): ReturnType<typeof simulationCost> {
  const { n, draws } = s.problem
  const held = s.particles * s.d * BYTES_PER_ENTRY[s.engine] + trainingBytes(n, draws, s.d)
  // A tanh epoch passes over the pairs three times (two dots and the gradient's sum) where the
  // sign network's passes once (its pattern's sums change only where a sign flips): measured 1.3
  // to 3 times as long at n = 4 to 32, d = 5000.
  const epochs = s.activation === 'tanh' ? 3 * s.epochs : s.epochs
  return simulationCost({ ...s, epochs, n, draws, adam: s.trainer === 'adam', held })
}

/**
 * Refuse a run beyond LIMITS (src/limits.ts): the rows of its steps, then its time, naming the
 * flag that lowers it most (--epochs when Adam's epochs dominate).
 */
function checkTime(s: SimulationSpec): void {
  const cost = simulationEstimate(s)
  checkCost({ ...cost.steps, seconds: 0 }, 'steps', `${countText(s.steps)} steps`, 'record', 'lower --steps')
  const run = `${countText(s.steps)} steps${s.trainer === 'adam' ? ` of ${countText(s.epochs)} Adam epochs` : ''} at n = ${s.problem.n}${s.problem.draws === 1 ? '' : `, ${s.problem.draws} draws`}, d = ${s.d}, ${s.particles} particles`
  const n = s.problem.draws === 1 ? '--n' : '--n, --draws'
  const lower = cost.slowest === 'epochs' ? `lower --epochs (or --steps, ${n}, --d)` : `lower --steps, --particles, ${n} or --d`
  checkCost({ bytes: 0, seconds: cost.seconds }, cost.slowest, run, 'simulate', lower)
}

/** Run a simulation with a progress bar on a terminal; refuse a result that is not finite. */
export async function simulateWithProgress(spec: SimulationSpec): Promise<SimulationDocument> {
  const progress = progressBar('simulate', spec.steps, 'steps')
  const { document } = await simulate(spec, { onStep: (done) => progress.update(done) })
  progress.end()
  const bad = nonFinite(document.measured) ?? (document.particles && nonFinite(document.particles, 'particles'))
  // Adam with too large a step overflows (e.g. --lr 1e300): the user's setting, not a defect.
  if (bad !== undefined && spec.trainer === 'adam') throw new ParameterError('lr', `Adam diverged with --lr ${spec.lr} (measured ${bad} is not finite); lower --lr`)
  return document
}

/** Where the first non-finite number of a document is (e.g. `steps[3].w_norm2`), if anywhere. */
function nonFinite(x: unknown, path = ''): string | undefined {
  if (typeof x === 'number') return Number.isFinite(x) ? undefined : path
  if (x === null || typeof x !== 'object') return undefined
  for (const [k, v] of Object.entries(x)) {
    const found = nonFinite(v, Array.isArray(x) ? `${path}[${k}]` : path ? `${path}.${k}` : k)
    if (found !== undefined) return found
  }
  return undefined
}

/** flowgm simulate: the document on stdout, or in --out FILE (whole or not at all; nothing on stdout). */
export async function simulateCommand(a: Args): Promise<string | undefined> {
  const out = single('out', a.out)
  const spec = await simulationSpecFrom(a)
  const { particlesOut } = spec
  if (out === undefined && particlesOut === undefined) return documentText(spec.format, await simulateWithProgress(spec))
  let text: string | undefined
  await writeAll(
    { out, particles: particlesOut },
    async () => {
      const document = await simulateWithProgress(spec)
      text = documentText(spec.format, document)
      // (--out alone asks for no cloud: the document has none then.)
      return { out: text, particles: particlesOut === undefined ? undefined : particlesCsv(document.particles!) }
    },
    (key) => (key === 'particles' ? 'particles-out' : key),
  )
  return out === undefined ? text : undefined
}

/**
 * The cloud as CSV rows kind,t,particle,u,v: `particle` (u, v on e1, e2), `theory` (the s = +1
 * cluster mean; no particle), `pca` (t = 1, u = pc1, v = pc2) and `pca-theory` (particle: the
 * cluster, 1 or -1).
 */
export function particlesCsv(cloud: ParticleCloud): string {
  const w = writer('csv', ['kind', 't', 'particle', 'u', 'v'])
  const rows = [
    ...cloud.rows.map((r) => ({ kind: 'particle', t: r.t, particle: r.particle, u: r.u, v: r.v })),
    ...cloud.theory.map((r) => ({ kind: 'theory', t: r.t, particle: '', u: r.u, v: r.v })),
    ...cloud.pca.rows.map((r) => ({ kind: 'pca', t: 1, particle: r.particle, u: r.pc1, v: r.pc2 })),
    ...cloud.pca.theory.map((r) => ({ kind: 'pca-theory', t: 1, particle: r.cluster, u: r.pc1, v: r.pc2 })),
  ]
  const cell = (x: number | string) => (typeof x === 'number' ? rounded(x) : x)
  return w.start() + rows.map((r, i) => w.row(i, { kind: r.kind, t: cell(r.t), particle: cell(r.particle), u: cell(r.u), v: cell(r.v) })).join('') + w.end()
}

function documentText(format: (typeof FORMATS)[number], document: SimulationDocument): string {
  if (format === 'json') return JSON.stringify(document, (_k, v: unknown) => (typeof v === 'number' ? rounded(v) : v), 2) + '\n'
  if (format === 'csv') return csvOf(simulationTable(document))
  return summaryTable(document)
}

/** Significant digits of the summary table (the statistical error is O(1/sqrt(d)) anyway). */
const TABLE_DIGITS = 6

/** At t = 1: each quantity measured, in the theory of the same scheme, in the continuous theory. */
function summaryTable(doc: SimulationDocument): string {
  // A non-finite value is an internal error, never printed (as rounded() does for JSON).
  const text = (x: number | undefined) => (x === undefined ? '' : String(rounded(Number(x.toPrecision(TABLE_DIGITS)))))
  const keys = ['quantity', 'measured', 'theory_discrete', 'theory']
  const w = writer('table', keys)
  // The theory's keys first, in their order (w2 is the theory's only: it is not measured), then
  // the measured-only ones (the baselines).
  const quantities = [...new Set([...Object.keys(doc.theory_discrete.final), ...Object.keys(doc.measured.final)])]
  const rows = quantities.map((q, i) => w.row(i, { quantity: q, measured: text(doc.measured.final[q]), theory_discrete: text(doc.theory_discrete.final[q]), theory: text(doc.theory.final[q]) }))
  const p = doc.params
  const inside = doc.measured.steps.slice(1, -1).map((s) => s.self_consistent)
  const consistent = inside.length ? text(minOf(inside)) : 'no such t_k with K = 1'
  const head =
    `simulate: d = ${p.d}, n = ${p.n}${p.draws === undefined ? '' : `, ${p.draws} draws`}${p.noise === undefined ? '' : `, ${p.noise} noise`}, sigma = ${p.sigma}, lambda = ${p.lambda}, ${p.particles} particles, ${p.steps} ${p.scheme} steps, trainer ${p.trainer}, engine ${p.engine}, seed ${p.seed}\n` +
    `fraction of training ${p.draws === undefined ? 'points' : 'pairs'} with self-consistent signs, lowest over 0 < t_k < 1: ${consistent}\n\n`
  return head + w.start() + rows.join('') + w.end()
}
