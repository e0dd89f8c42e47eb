/**
 * The training set and the initial particles of a finite-d simulation (docs/simulation.md section 1),
 * drawn from one seeded stream (src/random.ts), in this order, so that a seed fixes every number
 * on any machine and with either engine:
 *  1. mu: d normals g, rescaled to |mu|^2 = omega d exactly (mu = g sqrt(omega d) / |g|);
 *  2. the labels s^1..s^n, one sign(rho) each (P(s = +1) = rho);
 *  3. z^1..z^n, d normals each, row by row: x1^mu = s^mu mu + sigma z^mu;
 *  4. x0^{mu,j} for mu = 1..n and, within each mu, j = 1..k: d normals each (k noise draws per
 *     sample, the same at every t; with k = 1 the stream is the one-draw stream);
 *  5. the particles X_0^1..X_0^P, d normals each, drawn last so that P does not change the data;
 *  6. the fresh samples of the distances at t = 1 (distances.ts).
 * With fresh noise at every t (--noise per-time) step 4's draws are those of t = 0, and the x0 of
 * each later time the DAE is trained at come from a second stream (noiseStream), as in step 4, in
 * increasing order of time: the particles and everything on the first stream stay as they are.
 */
import { Random, splitmix32 } from '../random.js'
import { dot } from './vector.js'

export interface TrainingSet {
  readonly d: number
  readonly n: number
  /** k, the noise draws per sample: the trainers fit the n k pairs (x1^mu, x0^{mu,j}). */
  readonly draws: number
  readonly mu: Float64Array
  /** s^mu in {+1, -1}. */
  readonly labels: Int8Array
  /** n k x d, row-major: row mu k + j is x0^{mu,j}. */
  readonly x0: Float64Array
  /** n x d, row-major. */
  readonly x1: Float64Array
  /**
   * A = sum s^mu x1^mu (= n mu_emp) and xi = (1/k) sum_{mu,j} s^mu x0^{mu,j}: the draws' mean, so
   * that |xi|^2/d -> n/k as the theory's xi (docs/theory.md).
   */
  readonly A: Float64Array
  readonly xi: Float64Array
}

export interface DataOptions {
  readonly d: number
  readonly n: number
  readonly sigma: number
  readonly omega: number
  readonly rho: number
  /** k, a positive integer (default 1). */
  readonly draws?: number
}

/** Draw the training set from the start of the stream; the stream then continues with the particles. */
export function drawTrainingSet(o: DataOptions, random: Random): TrainingSet {
  const { d, n, sigma, omega, rho } = o
  const k = o.draws ?? 1
  const mu = new Float64Array(d)
  random.fillNormals(mu)
  const scale = Math.sqrt((omega * d) / dot(mu, mu))
  for (let i = 0; i < d; i++) mu[i] *= scale
  const labels = new Int8Array(n)
  for (let k = 0; k < n; k++) labels[k] = random.sign(rho)
  const x1 = new Float64Array(n * d)
  random.fillNormals(x1)
  for (let k = 0; k < n; k++) {
    const s = labels[k]
    for (let i = 0, o = k * d; i < d; i++) x1[o + i] = s * mu[i] + sigma * x1[o + i]
  }
  return { d, n, draws: k, mu, labels, x1, A: signedSum(x1, labels, d), ...drawNoise(labels, k, d, random) }
}

/** The n k base-noise draws x0^{mu,j} (row mu k + j) and their signed mean xi. */
function drawNoise(labels: Int8Array, k: number, d: number, random: Random): Pick<TrainingSet, 'x0' | 'xi'> {
  const x0 = new Float64Array(labels.length * k * d)
  random.fillNormals(x0)
  const xi = signedSum(x0, pairLabels(labels, k), d)
  // x / 1 is x to the bit: one draw keeps the one-draw sums.
  for (let i = 0; i < d; i++) xi[i] /= k
  return { x0, xi }
}

/**
 * The stream of the later times' noise under fresh noise at every t: xoshiro128** started from
 * the 5th to 8th outputs of splitmix32 at the seed (rng(seed) takes the first four; all eight are
 * distinct, so the state is not zero), so that N, K and the particles do not move it.
 */
export function noiseStream(seed: number): Random {
  const next = splitmix32(seed)
  for (let i = 0; i < 4; i++) next()
  return Random.fromState([next(), next(), next(), next()])
}

/**
 * The stream of Adam's fresh initial weights (--init fresh, train.ts): a third stream of the seed,
 * so that the data, the particles and the noise stay those of the warm-started run.
 */
export function initStream(seed: number): Random {
  const next = splitmix32(seed)
  for (let i = 0; i < 8; i++) next()
  return Random.fromState([next(), next(), next(), next()])
}

/**
 * The same samples with new base noise, drawn from `random` as step 4 draws it (the training set
 * of a later time under fresh noise at every t, docs/simulation.md section 2).
 */
export const withFreshNoise = (data: TrainingSet, random: Random): TrainingSet => ({ ...data, ...drawNoise(data.labels, data.draws, data.d, random) })

/** The label of each of the n k pairs, row mu k + j: s^mu. */
export function pairLabels(labels: Int8Array, k: number): Int8Array {
  if (k === 1) return labels
  const out = new Int8Array(labels.length * k)
  for (let p = 0; p < out.length; p++) out[p] = labels[Math.floor(p / k)]
  return out
}

/** sum_mu s^mu row^mu of an n x d matrix. */
export function signedSum(rows: Float64Array, signs: ArrayLike<number>, d: number): Float64Array {
  const out = new Float64Array(d)
  for (let k = 0; k < signs.length; k++) {
    const s = signs[k]
    for (let i = 0, o = k * d; i < d; i++) out[i] += s * rows[o + i]
  }
  return out
}
