// Finite-d measurements of the observables of `flowgm dae` and `flowgm stats`, made directly on
// d-vectors (the fitted c, w; fresh test samples; transported particles), never through the
// theory's formulas: the independent route the theory is checked against.
import { rng, type Random } from '../../src/random.js'
import { drawTrainingSet, type TrainingSet } from '../../src/simulate/data.js'
import { exactTrainer, type Fit } from '../../src/simulate/train.js'
import { dot } from '../../src/simulate/vector.js'
import type { SimulationSpec } from '../../src/simulate/simulate.js'
import { flowProblem, type FlowProblem } from '../../src/theory/problem.js'

export type Row = Record<string, number>

const sgn = (x: number): 1 | -1 => (x >= 0 ? 1 : -1)

/** The training set of `problem` in dimension d (rho = 1/2), and the stream that drew it. */
export function trainingSet(problem: FlowProblem, d: number, seed: number): { data: TrainingSet; random: Random } {
  const random = rng(seed)
  const { n, sigma, omega } = problem
  return { data: drawTrainingSet({ d, n, sigma, omega, rho: 0.5 }, random), random }
}

/** One fresh pair (x0, x1) of the model: x1 = s mu + sigma z, x0 ~ N(0, I). */
function freshPair(data: TrainingSet, sigma: number, random: Random) {
  const { d, mu } = data
  const s = random.sign(0.5)
  const x1 = random.fillNormals(new Float64Array(d))
  for (let i = 0; i < d; i++) x1[i] = s * mu[i] + sigma * x1[i]
  return { s, x0: random.fillNormals(new Float64Array(d)), x1 }
}

/**
 * The DAE observables of the exact fit at time t, measured:
 *  w_norm2 = |w|^2/d, w_cos = cos(w, mu), margin = mean over the training set of s w.x_t/d;
 *  test_mse = mean over `tests` fresh pairs of |f(x_t) - x1|^2/d, f(x) = c x + w sign(w.x);
 *  oracle_mse the same for the denoiser that knows mu and the cluster s: given s, x1 ~ N(s mu,
 *  sigma^2 I) and x_t | x1 ~ N(beta x1, alpha^2 I), so E[x1 | x_t, s] = s mu + g (x_t - beta s mu)
 *  with g = beta sigma^2/(alpha^2 + beta^2 sigma^2) (Gaussian conditioning, per coordinate).
 */
export function measureDae(problem: FlowProblem, d: number, t: number, seed: number, tests: number): Row {
  const { data, random } = trainingSet(problem, d, seed)
  const { n, x0, x1, labels, mu } = data
  const [alpha, beta] = problem.schedule.at(t)
  const fit: Fit = exactTrainer(data, problem.lambda, problem.skip).fit(problem.schedule.at(t))
  const { c, w } = fit
  const ww = dot(w, w)
  let margin = 0
  const xt = new Float64Array(d)
  for (let k = 0; k < n; k++) {
    for (let i = 0, o = k * d; i < d; i++) xt[i] = alpha * x0[o + i] + beta * x1[o + i]
    margin += (labels[k] * dot(w, xt)) / d
  }
  const { sigma } = problem
  const g = (beta * sigma ** 2) / (alpha ** 2 + beta ** 2 * sigma ** 2)
  let test = 0,
    oracle = 0
  for (let j = 0; j < tests; j++) {
    const p = freshPair(data, sigma, random)
    for (let i = 0; i < d; i++) xt[i] = alpha * p.x0[i] + beta * p.x1[i]
    const sw = sgn(dot(w, xt))
    for (let i = 0; i < d; i++) {
      test += (c * xt[i] + w[i] * sw - p.x1[i]) ** 2 / d
      oracle += (p.s * mu[i] + g * (xt[i] - beta * p.s * mu[i]) - p.x1[i]) ** 2 / d
    }
  }
  return { c, w_norm2: ww / d, w_cos: dot(w, mu) / Math.sqrt(ww * dot(mu, mu)), margin: margin / n, test_mse: test / tests, oracle_mse: oracle / tests }
}

/**
 * Transport N particles from N(0, I) by K Euler steps of the exact fits' velocity
 * b_k(X) = gamma X + v sign(u.X) and measure the flow observables after each step k = 0..K,
 * with s_i = sign(X_i.mu_emp) the cluster of particle i and mbar = mean_i s_i X_i:
 *  norm = mean |X_i|^2/d, cos_sample = mean s_i cos(X_i, mu);
 *  var = N/(N-1) mean |X_i - s_i mbar|^2/d: X_i = s_i mu_hat + P g_i with g_i ~ N(0, I), so
 *    X_i - s_i mbar = P (g_i - s_i gbar), gbar = mean s_j g_j, whose squared norm is P^2 d (1 - 1/N);
 *  mse = |mbar - mu|^2/d - var/N: mbar - mu = (mu_hat - mu) + P gbar, with |gbar|^2/d = 1/N and
 *    the cross term O(1/sqrt(d)), so the finite-N excess is P^2/N;
 *  cos = cos(mu_hat, mu) with mu_hat.mu = mbar.mu (up to O(1/sqrt(d))) and |mu_hat|^2 = |mbar|^2 - P^2 d/N.
 */
export function measureFlow(problem: FlowProblem, d: number, steps: number, particles: number, seed: number): Row[] {
  const { data, random } = trainingSet(problem, d, seed)
  const { A, mu } = data
  const trainer = exactTrainer(data, problem.lambda, problem.skip)
  const X = Array.from({ length: particles }, () => random.fillNormals(new Float64Array(d)))
  const rows: Row[] = []
  const h = 1 / steps
  for (let k = 0; ; k++) {
    rows.push({ t: k / steps, ...observe(X, A, mu) })
    if (k === steps) return rows
    const { gamma, v, u } = trainer.fit(problem.schedule.at(k / steps)).velocity
    for (const x of X) {
      const s = h * sgn(dot(u, x))
      for (let i = 0; i < d; i++) x[i] += h * gamma * x[i] + s * v[i]
    }
  }
}

function observe(X: Float64Array[], A: Float64Array, mu: Float64Array): Row {
  const N = X.length,
    d = mu.length
  const mumu = dot(mu, mu)
  const signs = X.map((x) => sgn(dot(x, A)))
  const mbar = new Float64Array(d)
  let norm = 0,
    cosSample = 0
  X.forEach((x, j) => {
    const xx = dot(x, x)
    norm += xx / (N * d)
    cosSample += (signs[j] * dot(x, mu)) / Math.sqrt(xx * mumu) / N
    for (let i = 0; i < d; i++) mbar[i] += (signs[j] * x[i]) / N
  })
  let spread = 0,
    err = 0
  X.forEach((x, j) => {
    for (let i = 0; i < d; i++) spread += (x[i] - signs[j] * mbar[i]) ** 2
  })
  for (let i = 0; i < d; i++) err += (mbar[i] - mu[i]) ** 2
  const variance = spread / ((N - 1) * d)
  const centre2 = dot(mbar, mbar) / d - variance / N
  return { norm, cos_sample: cosSample, var: variance, mse: err / d - variance / N, cos: dot(mbar, mu) / d / Math.sqrt(centre2 * (mumu / d)) }
}

/** A small simulation for the in-process tests: n = 8, sigma = 1.5, lambda = 0.1, d = 40, 12 particles, 3 Euler steps, exact trainer, js engine, seed 1; `o` overrides. */
export const smallSpec = (o: Partial<SimulationSpec> = {}): SimulationSpec => ({
  problem: flowProblem({ n: 8, sigma: 1.5, lambda: 0.1 }),
  d: 40,
  particles: 12,
  steps: 3,
  trainer: 'exact',
  lr: 1e-2,
  epochs: 1,
  scheme: 'euler',
  seed: 1,
  engine: 'js',
  ...o,
})
