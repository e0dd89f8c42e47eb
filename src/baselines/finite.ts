/**
 * The baselines at finite d (docs/theory.md section 5), acting on an actual sample matrix: estimators
 * of the cluster mean μ from the n training samples x₁^μ = s^μ μ + σ z^μ. Their d → ∞ limits are
 * in asymptotic.ts; docs/baselines.md derives both.
 *
 * Conventions. X is n rows × d columns, row-major (row μ is x₁^μ), as a Float64Array. The Gram
 * matrix is G = X Xᵀ / d (n×n). Its top eigenvector v gives the labels ŝ^μ = sign(v_μ) (0 counts
 * as +1); v, and with it ŝ, is flipped so that v_1 ≥ 0, i.e. ŝ^1 = +1: the first sample is
 * declared in the + cluster. The mixture is symmetric under (μ, s) → (-μ, -s), so no estimator
 * can know the global sign; errors are reported after aligning it (sign·μ̂ with sign = ±1
 * chosen so that sign·μ̂·μ ≥ 0, which minimises ‖sign·μ̂ - μ‖), and the sign used is returned.
 *
 * Cost O(n² d) for G and O(n³) for its eigen-decomposition; nothing of size d×d is formed.
 */
import { eigenvector, symmetricEigen } from '../linalg/eigen.js'

/** Labels s^μ = ±1, one per sample. */
export type Labels = Int8Array | readonly number[]

/** What the spectrum of G says about the sample: everything PCA and the label estimate use. */
export interface GramSpectrum {
  /** Eigenvalues of G = X Xᵀ/d, descending. */
  readonly eigenvalues: Float64Array
  /** Top unit eigenvector of G, with the sign convention v_1 ≥ 0. */
  readonly v: Float64Array
  /** Estimated labels ŝ^μ = sign(v_μ) (ŝ^1 = +1). */
  readonly labels: Int8Array
}

export interface PcaEstimate {
  /** The estimator √(max(ω̂, 0) d) · u, length d. */
  readonly estimate: Float64Array
  /** The unit direction u ∝ Σ_μ v_μ x₁^μ, length d. */
  readonly direction: Float64Array
  /** ω̂ = (λ₁ - σ̂²)/n, the estimated ‖μ‖²/d. */
  readonly omega_hat: number
  /** σ̂² = mean of the n - 1 eigenvalues of G below the top one. */
  readonly sigma2_hat: number
  /** The spectrum it was computed from. */
  readonly spectrum: GramSpectrum
}

export interface BaselineOptions {
  /**
   * Known labels (e.g. the true ones). The Bayes-optimal estimator then uses them instead of ŝ
   * (unless `estimateLabels`), and label_agreement measures how well ŝ recovers them.
   */
  labels?: Labels
  /** With `labels` given, still feed the spectral ŝ to the Bayes-optimal estimator. Default false. */
  estimateLabels?: boolean
}

/** Errors of one estimator against the true μ, after aligning the global sign. */
export interface AlignedError {
  /** ‖sign·μ̂ - μ‖²/d. */
  readonly mse: number
  /** cos∠(sign·μ̂, μ) ≥ 0 (NaN when μ̂ = 0). */
  readonly cos: number
  /** The global sign applied to μ̂, +1 or -1. */
  readonly sign: 1 | -1
}

export interface BaselineErrors {
  readonly bo_mse: number
  readonly bo_cos: number
  /** Global sign applied to μ̂_BO before measuring. */
  readonly bo_sign: 1 | -1
  readonly pca_mse: number
  readonly pca_cos: number
  /** Global sign applied to the PCA estimate before measuring. */
  readonly pca_sign: 1 | -1
  readonly omega_hat: number
  readonly sigma2_hat: number
  /** Fraction of ŝ equal to options.labels up to the global sign (in [1/2, 1]); absent without labels. */
  readonly label_agreement?: number
}

/** The Gram matrix G = X Xᵀ / d (n×n, row-major, exactly symmetric). */
export function gram(X: Float64Array, n: number, d: number): Float64Array {
  checkSample(X, n, d)
  const g = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    const xi = X.subarray(i * d, (i + 1) * d)
    for (let j = 0; j <= i; j++) g[i * n + j] = g[j * n + i] = dot(xi, X.subarray(j * d, (j + 1) * d)) / d
  }
  return g
}

/**
 * The eigenvalues of G, its top eigenvector and the labels ŝ it implies (sign convention: the first
 * nonzero entry of v is positive, so ŝ^1 = +1 also where v^1 = 0, a sample orthogonal to the rest).
 */
export function gramSpectrum(X: Float64Array, n: number, d: number): GramSpectrum {
  const eig = symmetricEigen(gram(X, n, d), n)
  const v = Float64Array.from(eigenvector(eig, 0))
  if ((v.find((x) => x !== 0) ?? 0) < 0) for (let i = 0; i < n; i++) v[i] = -v[i]
  const labels = Int8Array.from(v, (x) => (x >= 0 ? 1 : -1))
  return { eigenvalues: eig.values, v, labels }
}

/**
 * The Bayes-optimal estimator: the posterior mean of μ under the prior N(0, ω I_d) with σ known
 * and the labels taken as given, μ̂_BO = ω Σ_μ s^μ x₁^μ / (nω + σ²). Labels default to ŝ.
 */
export function bayesOptimal(X: Float64Array, n: number, d: number, sigma: number, omega: number, labels?: Labels): Float64Array {
  checkSample(X, n, d)
  checkPositive('sigma', sigma)
  checkPositive('omega', omega)
  const s = labels === undefined ? gramSpectrum(X, n, d).labels : checkLabels(labels, n)
  return combine(X, n, d, s, omega / (n * omega + sigma * sigma))
}

/**
 * PCA, knowing neither σ nor ω: the direction Σ_μ v_μ x₁^μ (normalised) with v the top
 * eigenvector of G, and the length √(ω̂ d) from the spectrum of G, which tends to
 * ω s sᵀ + σ² I: σ̂² = mean of the other n - 1 eigenvalues, ω̂ = (λ₁ - σ̂²)/n (clipped at 0 in
 * the estimator, reported unclipped). `spectrum` may be passed when already computed.
 */
export function pca(X: Float64Array, n: number, d: number, spectrum = gramSpectrum(X, n, d)): PcaEstimate {
  checkSample(X, n, d)
  if (n < 2) throw new Error('pca: needs n >= 2 samples (sigma2_hat is the mean of the other n - 1 eigenvalues)')
  const ev = spectrum.eigenvalues
  let rest = 0
  for (let i = 1; i < n; i++) rest += ev[i]
  const sigma2_hat = rest / (n - 1)
  const omega_hat = (ev[0] - sigma2_hat) / n
  const direction = combine(X, n, d, spectrum.v, 1)
  const norm = Math.sqrt(dot(direction, direction))
  for (let k = 0; k < d; k++) direction[k] /= norm
  const length = Math.sqrt(Math.max(omega_hat, 0) * d)
  const estimate = Float64Array.from(direction, (u) => length * u)
  return { estimate, direction, omega_hat, sigma2_hat, spectrum }
}

/**
 * mse = ‖sign·estimate - μ‖²/d and cos∠(sign·estimate, μ), with the global sign that brings the
 * estimate closer to μ. `direction` (default: the estimate) decides the sign and the cosine, for
 * an estimate that may be zero (PCA with ω̂ ≤ 0).
 */
export function alignedError(estimate: Float64Array, mu: Float64Array, direction = estimate): AlignedError {
  if (estimate.length !== mu.length || direction.length !== mu.length) {
    throw new Error(`alignedError: lengths differ (estimate ${estimate.length}, direction ${direction.length}, mu ${mu.length})`)
  }
  const d = mu.length
  const sign: 1 | -1 = dot(direction, mu) >= 0 ? 1 : -1
  let err = 0
  for (let k = 0; k < d; k++) err += (sign * estimate[k] - mu[k]) ** 2
  const denominator = Math.sqrt(dot(direction, direction) * dot(mu, mu))
  const cos = denominator > 0 ? Math.abs(dot(direction, mu)) / denominator : Number.NaN
  return { mse: err / d, cos, sign }
}

/**
 * Both baselines on one sample and their errors against the true μ (length d): the scalars of
 * asymptotic.ts at finite d, plus ω̂, σ̂² and, with options.labels, the label recovery.
 */
export function baselineErrors(X: Float64Array, n: number, d: number, mu: Float64Array, sigma: number, omega: number, options: BaselineOptions = {}): BaselineErrors {
  checkSample(X, n, d)
  if (mu.length !== d) throw new Error(`baselineErrors: mu has length ${mu.length}, expected d = ${d}`)
  const spectrum = gramSpectrum(X, n, d)
  const known = options.labels === undefined ? undefined : checkLabels(options.labels, n)
  const boLabels = known && !options.estimateLabels ? known : spectrum.labels
  const bo = alignedError(bayesOptimal(X, n, d, sigma, omega, boLabels), mu)
  const p = pca(X, n, d, spectrum)
  const pe = alignedError(p.estimate, mu, p.direction)
  return {
    bo_mse: bo.mse,
    bo_cos: bo.cos,
    bo_sign: bo.sign,
    pca_mse: pe.mse,
    pca_cos: pe.cos,
    pca_sign: pe.sign,
    omega_hat: p.omega_hat,
    sigma2_hat: p.sigma2_hat,
    ...(known ? { label_agreement: agreement(spectrum.labels, known) } : {}),
  }
}

/** Fraction of equal entries of two label vectors, up to a global sign: in [1/2, 1]. */
export function agreement(a: Labels, b: Labels): number {
  if (a.length !== b.length) throw new Error(`agreement: lengths differ (${a.length}, ${b.length})`)
  let same = 0
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++
  return Math.max(same, a.length - same) / a.length
}

/** scale · Σ_μ c_μ x₁^μ, a vector of length d. */
function combine(X: Float64Array, n: number, d: number, c: ArrayLike<number>, scale: number): Float64Array {
  const out = new Float64Array(d)
  for (let i = 0; i < n; i++) {
    const ci = c[i] * scale
    const row = i * d
    for (let k = 0; k < d; k++) out[k] += ci * X[row + k]
  }
  return out
}

function dot(x: Float64Array, y: Float64Array): number {
  let s = 0
  for (let k = 0; k < x.length; k++) s += x[k] * y[k]
  return s
}

function checkSample(X: Float64Array, n: number, d: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`n must be a positive integer, got ${n}`)
  if (!Number.isInteger(d) || d < 1) throw new Error(`d must be a positive integer, got ${d}`)
  if (X.length !== n * d) throw new Error(`X must hold n·d = ${n * d} entries (n rows of d), got ${X.length}`)
}

function checkPositive(name: string, x: number): void {
  if (!(x > 0 && Number.isFinite(x))) throw new Error(`${name} must be a finite number > 0, got ${x}`)
}

function checkLabels(labels: Labels, n: number): Labels {
  if (labels.length !== n) throw new Error(`labels must hold n = ${n} entries, got ${labels.length}`)
  for (let i = 0; i < n; i++) {
    if (labels[i] !== 1 && labels[i] !== -1) throw new Error(`labels must be +1 or -1, got ${labels[i]} at ${i}`)
  }
  return labels
}
