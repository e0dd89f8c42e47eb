/**
 * A finite-d simulation of the whole pipeline (docs/simulation.md): draw a training set, train a
 * DAE at every stage time of the K-step scheme, transport P particles from N(0, I_d) with the
 * learnt velocities by that scheme (runge-kutta.ts), measure the summary statistics at the grid
 * times t_k = k/K, and set them beside the theory of the same K-step scheme
 * (src/theory/discrete.ts) and the continuous theory (src/theory/solve.ts).
 */
import { baselineErrors } from '../baselines/finite.js'
import { asymptoticBaselines } from '../baselines/asymptotic.js'
import { clip } from '../text.js'
import { ParameterError } from '../errors.js'
import { MAX_SEED, rng, type Random } from '../random.js'
import { checkSampler, discreteFlow, SCHEMES, type Scheme } from '../theory/discrete.js'
import type { FlowProblem } from '../theory/problem.js'
import { flowObservables, learntDae, solve } from '../theory/solve.js'
import { VERSION } from '../version.js'
import { nextTurn } from '../limits.js'
import { drawTrainingSet, initStream, noiseStream, withFreshNoise, type TrainingSet } from './data.js'
import { freshRows, meanNearest, rowsOf } from './distances.js'
import { dot, vectorPool } from './vector.js'
import { measurement, perTimeMeasurement, type Row } from './measure.js'
import { rungeKuttaStep, stageFits, stepWeights, type StepFits } from './runge-kutta.js'
import { createEngine, ENGINES, type Engine, type EngineName } from './engine.js'
import { ACTIVATIONS, adamTrainer, checkLr, exactTrainer, INITS, TRAINERS, type Activation, type Fit, type Init, type TrainerName } from './train.js'
import { frame, pcaView, snapshotRows, type ParticleCloud } from './particles.js'

export interface SimulationSpec {
  readonly problem: FlowProblem
  readonly d: number
  readonly particles: number
  readonly steps: number
  readonly trainer: TrainerName
  readonly lr: number
  readonly epochs: number
  readonly scheme: Scheme
  readonly seed: number
  readonly engine: EngineName
  /** The network's phi: sign (both trainers) or tanh (Adam only). */
  readonly activation?: Activation
  /** Adam's start at each time: the previous fit (warm) or c = 1 and a random w (fresh). */
  readonly init?: Init
  /** Grid times k/K at which the particle cloud is recorded (the document then has `particles`). */
  readonly snapshots?: readonly number[]
}

export type { Row }
export interface Series {
  readonly final: Row
  readonly steps: Row[]
}

export interface SimulationDocument {
  readonly params: Record<string, number | string | boolean>
  readonly measured: Series
  readonly theory: Series
  readonly theory_discrete: Series
  readonly particles?: ParticleCloud
}

export interface Timing {
  /** Seconds spent drawing the data and particles, training, and transporting and measuring. */
  readonly setup: number
  readonly training: number
  readonly transport: number
}

export interface SimulationHooks {
  /** Called after each time step (k = 1..K); the loop yields to the event loop in between. */
  onStep?(done: number, total: number): void
  /** Stops the simulation between two time steps: simulate rejects with the signal's reason. */
  readonly signal?: AbortSignal
}

/** Defaults: a run of a few seconds that shows the agreement (the published runs use d = 5e4). */
export const SIMULATE_DEFAULTS = { d: 5000, particles: 500, steps: 100, trainer: 'exact', lr: 1e-2, epochs: 2000, scheme: 'euler', seed: 0, engine: 'js', activation: 'sign', init: 'warm' } as const

/** A simulation's specification: the problem, and any setting other than the defaults. */
export const simulationSpec = (o: Partial<SimulationSpec> & Pick<SimulationSpec, 'problem'>): SimulationSpec => ({ ...SIMULATE_DEFAULTS, ...o })

/** Keys of the per-step rows. */
export const FLOW_STEP_KEYS = ['M', 'Q_xi', 'P', 'norm', 'cos_sample', 'weight', 'M_mu', 'Q_eta', 'cos'] as const
export const DAE_STEP_KEYS = ['c', 'm', 'q_xi', 'w_norm2', 'w_cos', 'test_mse'] as const

/** The simulation's checks on its own parameters (the problem, rho included, is checked by flowProblem). */
export function checkSpec(s: SimulationSpec): void {
  const int = (flag: string, x: number, min: number) => {
    if (!Number.isSafeInteger(x) || x < min) throw new ParameterError(flag, `must be an integer in [${min}, ${Number.MAX_SAFE_INTEGER}] (got ${x})`)
  }
  int('d', s.d, 2)
  int('particles', s.particles, 1)
  int('steps', s.steps, 1)
  int('epochs', s.epochs, 1)
  checkLr(s.lr)
  if (!Number.isInteger(s.seed) || s.seed < 0 || s.seed > MAX_SEED) throw new ParameterError('seed', `must be an integer in [0, ${MAX_SEED}] (got ${s.seed})`)
  const choice = (flag: string, x: string, options: readonly string[]) => {
    if (!options.includes(x)) throw new ParameterError(flag, `must be one of ${options.join(', ')} (got '${clip(String(x))}')`)
  }
  choice('trainer', s.trainer, TRAINERS)
  choice('scheme', s.scheme, SCHEMES)
  choice('engine', s.engine, ENGINES)
  checkSampler(s.problem, { steps: s.steps, scheme: s.scheme })
  if (s.problem.noise === 'per-time' && s.particles < 2)
    throw new ParameterError('particles', `must be at least 2 with --noise per-time: the spread P is measured against the particles' mean (got ${s.particles})`)
  const activation = s.activation ?? 'sign',
    init = s.init ?? 'warm'
  choice('activation', activation, ACTIVATIONS)
  choice('init', init, INITS)
  if (s.trainer === 'exact' && activation !== 'sign')
    throw new ParameterError('activation', `the exact trainer solves the sign network's stationarity only; use --trainer adam for ${clip(String(activation))}`)
  if (activation === 'tanh' && s.scheme !== 'euler')
    throw new ParameterError('activation', `tanh needs --scheme euler: ${s.scheme} evaluates the velocity at t = 1, which only the sign network's closed form gives`)
  if (s.trainer === 'exact' && init !== 'warm') throw new ParameterError('init', 'is a setting of --trainer adam (the exact trainer has no starting point)')
  if (s.snapshots !== undefined) checkSnapshots(s.snapshots, s.steps)
  if (s.snapshots !== undefined && s.particles > MAX_PCA_PARTICLES)
    throw new ParameterError(
      'particles',
      `must be at most ${MAX_PCA_PARTICLES} with --snapshots or --particles-out: the PCA at t = 1 diagonalises the particles' N x N Gram matrix (got ${s.particles})`,
    )
  if (!Number.isFinite(s.problem.draws)) throw new ParameterError('draws', 'must be a positive integer for simulate: a finite-d simulation draws k noise vectors per sample (got inf)')
}

/** Most particles of a particle export: the PCA's Gram matrix is N x N (5000: 200 MB, seconds). */
export const MAX_PCA_PARTICLES = 5000

/** Refuse snapshots that are not grid times k/K (their rows are measured there only), nor sorted, nor distinct. */
export function checkSnapshots(times: readonly number[], K: number): void {
  if (times.length === 0) throw new ParameterError('snapshots', 'must name at least one time')
  times.forEach((t, j) => {
    const k = Math.round(t * K)
    if (!Number.isFinite(t) || t < 0 || t > 1 || Math.abs(t - k / K) > 1e-9) throw new ParameterError('snapshots', `each must be a grid time k/K in [0, 1] with K = ${K} steps (got ${t})`)
    if (j > 0 && !(t > times[j - 1])) throw new ParameterError('snapshots', `must be increasing (got ${times[j - 1]} then ${t})`)
  })
}

export async function simulate(spec: SimulationSpec, hooks: SimulationHooks = {}): Promise<{ document: SimulationDocument; timing: Timing }> {
  checkSpec(spec)
  const { problem, d, particles: P, steps: K, scheme } = spec
  const { n, sigma, lambda, omega, rho, draws, schedule, skip } = problem
  let clock = performance.now()
  const lap = () => {
    const now = performance.now()
    const s = (now - clock) / 1000
    clock = now
    return s
  }

  const random = rng(spec.seed)
  const perTime = problem.noise === 'per-time'
  const { samples: data, setAt } = trainingSets(drawTrainingSet({ d, n, sigma, omega, rho, draws }, random), perTime, spec.seed)
  const engine = await createEngine(spec.engine, P, d, (row) => random.fillNormals(row))
  const timing = { setup: lap(), training: 0, transport: 0 }
  try {
    // The exact fits' vectors go back to the pool once no step uses them (vector.ts).
    const pool = vectorPool(d)
    const release = ({ fit }: TimeFit) => pool.give(fit.w, fit.velocity.u, fit.velocity.v)
    const shared = perTime ? undefined : exactTrainer(data, lambda, skip, pool.take)
    const exactOn = (set: TrainingSet) => shared ?? exactTrainer(set, lambda, skip, pool.take)
    const adam =
      spec.trainer === 'adam' ? adamTrainer(data, lambda, skip, { lr: spec.lr, epochs: spec.epochs, activation: spec.activation, init: spec.init, random: initStream(spec.seed) }) : undefined
    const probe = perTime ? perTimeMeasurement(data, P, sigma) : measurement(data, P, sigma)
    const cloud = spec.snapshots && cloudRecorder(spec.snapshots, K, data, engine)
    const weights = stepWeights(scheme, K)
    const fits = stageFits(scheme, K, async ([p, q]): Promise<TimeFit> => {
      const set = setAt()
      const at = schedule.at(p / q)
      // A stage at t = 1 (heun's, rk4's last) needs the velocity there, the limit of the learnt
      // field: only the exact trainer's closed form provides it (a network trained at t = 1 is c = 1, w = 0).
      const fit = p === q ? exactOn(set).fit(schedule.at(1)) : adam ? await adam.fit(at, set) : exactOn(set).fit(at)
      // The DAE row of a grid time, with that time's own xi; Adam's beside the exact fit on the same set.
      const grid = p < q && (p * K) % q === 0
      if (!grid) return { fit }
      const exact = adam ? exactOn(set).fit(at) : undefined
      const learnt = dae(fit, set, at, sigma, exact)
      if (exact) release({ fit: exact })
      return { fit, learnt }
    })
    // The training does not depend on the particles: step k + 1's fits are known before step k
    // moves the particles, so each step's update and the next step's projection are one pass.
    const probesOf = (step?: StepFits<TimeFit>) => [...(step?.fits.map((f) => f.fit.velocity.u) ?? []), ...probe.vectors]
    const measured: Row[] = []
    hooks.signal?.throwIfAborted()
    let step = await fits.step(0)
    timing.training += lap()
    let { dots, norms } = engine.project(probesOf(step))
    for (let k = 0; k < K; k++) {
      const F = step.fits.length,
        J = F + probe.vectors.length
      measured.push({ ...probe.row(k / K, dots, norms, J, F, engine), ...step.fits[0].learnt })
      cloud?.record(k)
      const velocities = step.fits.map((f) => f.fit.velocity)
      const { a, vectors, coefficients } = rungeKuttaStep(weights, velocities, step.stage, dots, J)
      timing.transport += lap()
      hooks.signal?.throwIfAborted()
      const next = k + 1 < K ? await fits.step(k + 1) : undefined
      timing.training += lap()
      // After the last step, the probes of the measurement at t = 1 alone.
      ;({ dots, norms } = engine.advance(a, vectors, coefficients, probesOf(next)))
      timing.transport += lap()
      if (next) {
        for (const f of step.fits) if (!next.fits.includes(f)) release(f)
        step = next
      }
      hooks.onStep?.(k + 1, K)
      await nextTurn()
    }
    const last = probe.row(1, dots, norms, probe.vectors.length, 0, engine)
    measured.push(last)
    cloud?.record(K)
    const final = { ...probe.final(engine, last), weight_error: Math.abs(last.weight - rho), ...(await distances(engine, data, sigma, random, hooks.signal)) }
    timing.transport += lap()

    const baselines = baselineErrors(data.x1, n, d, data.mu, sigma, omega, { labels: data.labels })
    const document: SimulationDocument = {
      params: params(spec),
      measured: {
        final: { ...final, bo_mse: baselines.bo_mse, bo_cos: baselines.bo_cos, pca_mse: baselines.pca_mse, pca_cos: baselines.pca_cos, label_agreement: baselines.label_agreement! },
        steps: measured,
      },
      ...theories(spec),
    }
    const withCloud = cloud ? { ...document, particles: cloud.finish(document.theory.steps) } : document
    return { document: withCloud, timing }
  } finally {
    engine.dispose()
  }
}

/**
 * Records the cloud (particles.ts) at the snapshots among the grid times k = 0..K it is shown, and at
 * t = 1 the frame's dots the PCA needs; `finish` adds the theory's cluster means (the continuous
 * theory's M, Q_xi at each snapshot).
 */
function cloudRecorder(snapshots: readonly number[], K: number, data: TrainingSet, engine: Engine) {
  const { d, n } = data
  const f = frame(data.A, data.xi, n)
  const at = new Map(snapshots.map((t) => [Math.round(t * K), t]))
  const rows: ParticleCloud['rows'] = []
  let last: Float64Array = new Float64Array(0)
  return {
    record(k: number) {
      const t = at.get(k)
      if (t === undefined && k !== K) return
      const { dots } = engine.project([f.e1, f.e2])
      if (t !== undefined) for (const row of snapshotRows(t, dots, d)) rows.push(row)
      if (k === K) last = dots
    },
    finish(theory: readonly Row[]): ParticleCloud {
      const root = Math.sqrt(d)
      const means = snapshots.map((t) => {
        const { M, Q_xi } = theory[Math.round(t * K)]
        const [u, v] = f.mean(M, Q_xi)
        return { t, u: u / root, v: v / root }
      })
      const end = theory[K]
      return { snapshots: [...snapshots], rows, theory: means, pca: pcaView(engine, last.length / 2, d, last, f.mean(end.M, end.Q_xi)) }
    },
  }
}

/** A DAE trained at one stage time, and its row of DAE keys at a grid time. */
interface TimeFit {
  readonly fit: Fit
  readonly learnt?: Row
}

/**
 * The training set of each time the sampler trains at (`setAt`, asked for in increasing order of
 * time) and what the measurements read of it (`samples`: mu, the labels, x1, A, and xi when it is
 * the same at every t).
 */
function trainingSets(first: TrainingSet, perTime: boolean, seed: number): { samples: TrainingSet; setAt: () => TrainingSet } {
  return perTime ? freshEachTime(first, noiseStream(seed)) : { samples: first, setAt: () => first }
}

/**
 * Fresh noise at every t: `first` at the first time (t = 0), then the same samples with new noise
 * each time from `random`, the noise stream (data.ts). Nothing here holds a time's noise past it (`first` included), so
 * one time's n k d noise is in memory at a time.
 */
function freshEachTime(first: TrainingSet, random: Random): { samples: TrainingSet; setAt: () => TrainingSet } {
  const samples = { ...first, x0: new Float64Array(0) }
  let unused: TrainingSet | undefined = first
  return {
    samples,
    setAt() {
      const set = unused ?? withFreshNoise(samples, random)
      unused = undefined
      return set
    },
  }
}

/** The parameters as printed (everything that fixes the result). */
function params(spec: SimulationSpec): Record<string, number | string | boolean> {
  const { problem: p } = spec
  return {
    d: spec.d,
    n: p.n,
    sigma: p.sigma,
    lambda: p.lambda,
    omega: p.omega,
    rho: p.rho,
    // One draw, the default, is not printed: the documents of one draw read as before draws existed.
    ...(p.draws !== 1 ? { draws: p.draws } : {}),
    // Likewise shared noise, the default.
    ...(p.noise !== 'shared' ? { noise: p.noise } : {}),
    particles: spec.particles,
    steps: spec.steps,
    scheme: spec.scheme,
    trainer: spec.trainer,
    ...(spec.trainer === 'adam' ? { lr: spec.lr, epochs: spec.epochs } : {}),
    // The defaults (sign, warm) are not printed: those documents read as before the options existed.
    ...(spec.activation === 'tanh' ? { activation: spec.activation } : {}),
    ...(spec.init === 'fresh' ? { init: spec.init } : {}),
    schedule: p.schedule.name,
    alpha: p.schedule.alpha,
    beta: p.schedule.beta,
    skip: p.skip,
    seed: spec.seed,
    engine: spec.engine,
    version: VERSION,
  }
}

/**
 * The learnt DAE as overlaps: w = m mu_emp + q_xi xi + (a part orthogonal to both); its cosine with
 * mu; and its test error on fresh pairs at the time of [alpha, beta] = at, from the trained c and w:
 * for x1 = s mu + sigma z, x_t = alpha x0 + beta x1 and sign(w.x_t) = s (docs/theory.md section 3),
 * E|x1 - c x_t - s w|^2/d = (1 - c beta)^2 (|mu|^2/d + sigma^2) + c^2 alpha^2 + |w|^2/d - 2 (1 - c beta) w.mu/d
 * (the fresh z and x0 are independent of w: their overlaps with it average to 0).
 */
export function dae(fit: Fit, data: TrainingSet, at: readonly number[], sigma: number, exact?: Fit): Row {
  const { d, n, A, xi, mu } = data
  const [alpha, beta] = at
  const [ww, wmu, mumu] = [dot(fit.w, fit.w), dot(fit.w, mu), dot(mu, mu)]
  const keep = 1 - fit.c * beta
  // mu_emp = A/n; solve the 2 x 2 normal equations for (m, q_xi).
  const g11 = dot(A, A) / (n * n),
    g12 = dot(A, xi) / n,
    g22 = dot(xi, xi)
  const r1 = dot(fit.w, A) / n,
    r2 = dot(fit.w, xi)
  const det = g11 * g22 - g12 * g12
  const row: Row = {
    c: fit.c,
    m: (r1 * g22 - r2 * g12) / det,
    q_xi: (g11 * r2 - g12 * r1) / det,
    w_norm2: ww / d,
    // At w = 0 (t = 1, c = 1) the cosine is that of the limit direction, not measured.
    ...(ww > 0 ? { w_cos: wmu / Math.sqrt(ww * mumu) } : {}),
    test_mse: keep * keep * (mumu / d + sigma * sigma) + fit.c * fit.c * alpha * alpha + ww / d - (2 * keep * wmu) / d,
    self_consistent: fit.selfConsistent,
    grad_norm: fit.gradNorm,
  }
  if (exact) {
    let dw = 0
    for (let i = 0; i < d; i++) dw += (fit.w[i] - exact.w[i]) ** 2
    row.exact_distance = Math.sqrt(dw / d + (fit.c - exact.c) ** 2)
  }
  return row
}

/**
 * The particles' squared distances per dimension to the nearest training sample and to the
 * nearest of n fresh target samples (the training labels, new noise), and their difference.
 */
async function distances(engine: Engine, data: TrainingSet, sigma: number, random: Random, signal?: AbortSignal): Promise<Row> {
  const { n, d, x1 } = data
  const train = await meanNearest(engine, rowsOf(x1, d), n, d, signal)
  const fresh = await meanNearest(engine, freshRows(data, sigma, random), n, d, signal)
  return { dist_train: train, dist_fresh: fresh, mem_gap: train - fresh }
}

/**
 * The generated weight of each cluster, at every t and whatever rho: the learnt velocity field is
 * odd in x and rho_0 = N(0, I) is symmetric, so the law of X_t is symmetric (at any d, for a given
 * training set) and P(X_t.mu > 0) = 1/2.
 */
const GENERATED_WEIGHT = 0.5

/** The theory's keys at t = 1: those measured, and w2, which is not (docs/simulation.md section 4). */
const FINAL_KEYS = ['M', 'Q_xi', 'P', 'norm', 'cos', 'cos_sample', 'mse', 'var', 'weight', 'weight_error', 'w2', 'dist_train', 'dist_fresh', 'mem_gap']

/** The continuous theory and the theory of the same discrete scheme, at the same times. */
function theories(spec: SimulationSpec): Pick<SimulationDocument, 'theory' | 'theory_discrete'> {
  const { problem, steps: K, scheme } = spec
  const times = Array.from({ length: K + 1 }, (_, k) => (k === K ? 1 : k / K))
  const solution = solve(problem)
  const flow = solution.statsGrid(times)
  const learnt = learntDae(problem)
  const pick = (row: Readonly<Row>, keys: readonly string[]): Row => Object.fromEntries(keys.map((k) => [k, row[k]]))
  // As a problem of this sampler: fresh noise at every t then keeps the memorised directions of
  // the sampler's own times (without it, the continuous flow's, which has none).
  const sampled = { ...problem, sampler: { steps: K, scheme } }
  const observe = flowObservables(sampled)
  const discrete = discreteFlow(sampled, K, scheme).map((y, k) => observe(times[k], y))
  // weight is not a key of the library: it is 1/2 at every t (see GENERATED_WEIGHT).
  const withWeight = (row: Readonly<Row>): Row => ({ ...row, weight: GENERATED_WEIGHT })
  const { n, sigma, omega } = problem
  return {
    theory: {
      final: { ...pick(withWeight(flow[K]), FINAL_KEYS), ...asymptoticBaselines(n, sigma, omega) },
      steps: times.map((t, k) => ({ t, ...pick(withWeight(flow[k]), FLOW_STEP_KEYS), ...pick(learnt.at(t), DAE_STEP_KEYS) })),
    },
    theory_discrete: {
      final: pick(withWeight(discrete[K]), FINAL_KEYS),
      steps: discrete.map((row, k) => ({ t: times[k], ...pick(withWeight(row), FLOW_STEP_KEYS) })),
    },
  }
}
