// The finite-d baselines (src/baselines/finite.ts) against
//  (1) exact identities at finite d: the Bayes-optimal estimator as the zero of the gradient of the
//      log-posterior; PCA's spectrum against tr G and vᵀGv; a hand-built sample whose Gram
//      matrix is exactly ω s sᵀ + σ² I (noise orthogonal to μ and to itself), on which every
//      error equals its closed form at any d;
//  (2) the asymptotic forms (src/baselines/asymptotic.ts, compiled from equations/baselines.eq)
//      on random samples at d = 500 … 32000, within a tolerance derived below.
//
// Tolerance of (2): measured here, over the seeds of the test itself (the root mean square of
// √d·(finite - limit)), never taken from src/baselines/spread.ts; spread.ts's derived spread is
// in turn checked against that Monte Carlo.
import { describe, expect, it } from 'vitest'
import { asymptoticBaselines } from '../../src/baselines/asymptotic.js'
import { agreement, alignedError, baselineErrors, bayesOptimal, gram, gramSpectrum, pca, type BaselineErrors } from '../../src/baselines/finite.js'
import { rng } from '../../src/random.js'
import { spreadOf } from '../../src/baselines/spread.js'

interface Params {
  n: number
  sigma: number
  omega: number
}
interface Sample {
  X: Float64Array
  mu: Float64Array
  labels: Int8Array
}

/** docs/simulation.md section 1: μ uniform on the sphere ‖μ‖² = ωd, labels ±1 with ρ = 1/2, x = s μ + σ z. */
function sample(seed: number, n: number, d: number, sigma: number, omega: number): Sample {
  const r = rng(seed)
  const mu = r.fillNormals(new Float64Array(d))
  const scale = Math.sqrt((omega * d) / dot(mu, mu))
  for (let k = 0; k < d; k++) mu[k] *= scale
  const labels = Int8Array.from({ length: n }, () => r.sign(0.5))
  const X = r.fillNormals(new Float64Array(n * d))
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) X[i * d + k] = labels[i] * mu[k] + sigma * X[i * d + k]
  return { X, mu, labels }
}

/**
 * A sample whose Gram matrix is exactly ω s sᵀ + σ² I: μ = √(ωd) e₀ and z^μ = √d e_{μ+1}
 * (needs d > n), so μ·z^μ = 0 and z^μ·z^ν = d δ_μν.
 */
function orthogonalSample(labels: readonly number[], d: number, sigma: number, omega: number): Sample {
  const n = labels.length
  const mu = new Float64Array(d)
  mu[0] = Math.sqrt(omega * d)
  const X = new Float64Array(n * d)
  for (let i = 0; i < n; i++) {
    X[i * d] = labels[i] * mu[0]
    X[i * d + i + 1] = sigma * Math.sqrt(d)
  }
  return { X, mu, labels: Int8Array.from(labels) }
}

/**
 * d × the variance of a component of P⊥(G - ω s sᵀ - σ² I) s (P⊥ ⟂ s), restated from the
 * derivation in src/baselines/spread.ts: n σ μ·z^μ/d contributes n²σ²ω, σ²(z^μ·η/d - s^μ) σ⁴(n+1).
 */
const tiltVariance = ({ n, sigma, omega }: Params) => n * n * sigma * sigma * omega + sigma ** 4 * (n + 1)

/**
 * |x - ref| within `eps` roundings of a number of ref's size (at least 1). The counts below are
 * 3-4x the measured difference (the largest: 8 eps, the trace route to sigma2_hat).
 */
function expectRounding(x: number, ref: number, eps: number, what = ''): void {
  expect(Math.abs(x - ref), `${what} ${x} vs ${ref}`).toBeLessThanOrEqual(eps * Number.EPSILON * Math.max(1, Math.abs(ref)))
}

function dot(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < x.length; i++) s += x[i] * y[i]
  return s
}

function cosine(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return dot(x, y) / Math.sqrt(dot(x, x) * dot(y, y))
}

/** Σ_μ c_μ x^μ, computed here independently of finite.ts. */
function rowCombination(X: Float64Array, n: number, d: number, c: ArrayLike<number>): Float64Array {
  const out = new Float64Array(d)
  for (let k = 0; k < d; k++) for (let i = 0; i < n; i++) out[k] += c[i] * X[i * d + k]
  return out
}

const STATS = ['bo_mse', 'bo_cos', 'pca_mse', 'pca_cos', 'omega_hat', 'sigma2_hat'] as const
type Stat = (typeof STATS)[number]

/** The asymptotic value of every statistic: asymptotic.ts, and ω̂ → ω, σ̂² → σ². */
function asymptote({ n, sigma, omega }: Params): Record<Stat, number> {
  return { ...asymptoticBaselines(n, sigma, omega), omega_hat: omega, sigma2_hat: sigma * sigma }
}

describe('exact identities at finite d', () => {
  it('gram: a 2×2 example by hand, X = [[1, 2], [3, 4]], d = 2 → [[5, 11], [11, 25]]/2', () => {
    expect(Array.from(gram(new Float64Array([1, 2, 3, 4]), 2, 2))).toEqual([2.5, 5.5, 5.5, 12.5])
  })

  it('on a sample with G = ω s sᵀ + σ² I exactly, every error equals its closed form', () => {
    // λ₁ = nω + σ² with v = s/√n, the others σ²: ω̂ = ω, σ̂² = σ²; Σ s x = nμ + σ Σ s z with
    // ‖Σ s z‖² = nd and (Σ s z)·μ = 0, so both cosines are √(nω/D) and bo_mse = ωσ²/D exactly.
    for (const [labels, sigma, omega] of [
      [[1, -1, -1, 1, 1], 1.5, 1],
      [[-1, -1, 1], 0.7, 3],
    ] as const) {
      const n = labels.length,
        d = 12
      const { X, mu } = orthogonalSample(labels, d, sigma, omega)
      const D = n * omega + sigma * sigma
      const cos = Math.sqrt((n * omega) / D)
      const hand = { bo_mse: (omega * sigma * sigma) / D, bo_cos: cos, pca_cos: cos, pca_mse: 2 * omega * (1 - cos), omega_hat: omega, sigma2_hat: sigma * sigma }
      const e = baselineErrors(X, n, d, mu, sigma, omega, { labels })
      const compiled = asymptote({ n, sigma, omega })
      for (const k of STATS) {
        expectRounding(e[k], hand[k], 32, k) // measured 8 eps
        expectRounding(compiled[k], hand[k], 4, `${k} from baselines.eq`) // measured 0.5 eps
      }
      expect(e.label_agreement).toBe(1)
      // Sign convention: ŝ^1 = +1, so ŝ = s·s^1.
      expect(Array.from(gramSpectrum(X, n, d).labels)).toEqual(labels.map((x) => x * labels[0]))
    }
  })

  it('BO with known labels is the zero of the log-posterior gradient, = ω n μ_emp/(nω + σ²)', () => {
    // log p(μ | X, s) = -‖μ‖²/(2ω) - Σ ‖x^μ - s^μ μ‖²/(2σ²) + const; its gradient
    // -μ/ω + Σ s^μ (x^μ - s^μ μ)/σ² vanishes at the posterior mean (the posterior is Gaussian).
    const [n, d, sigma, omega] = [6, 300, 1.3, 0.8]
    const { X, labels } = sample(17, n, d, sigma, omega)
    const bo = bayesOptimal(X, n, d, sigma, omega, labels)
    const sx = rowCombination(X, n, d, labels)
    const scale = Math.sqrt(dot(sx, sx)) / (sigma * sigma)
    let gradient = 0
    for (let k = 0; k < d; k++) {
      let g = -bo[k] / omega
      for (let i = 0; i < n; i++) g += (labels[i] * (X[i * d + k] - labels[i] * bo[k])) / (sigma * sigma)
      gradient = Math.max(gradient, Math.abs(g))
    }
    expect(gradient / scale).toBeLessThan(1e-14 * n)
    for (let k = 0; k < d; k++) expectRounding(bo[k], (omega * n * (sx[k] / n)) / (n * omega + sigma * sigma), 12, `bo[${k}]`) // measured 3 eps
    // Without labels it uses ŝ; flipping the labels flips the estimate.
    expect(bayesOptimal(X, n, d, sigma, omega)).toEqual(bayesOptimal(X, n, d, sigma, omega, gramSpectrum(X, n, d).labels))
    const flipped = bayesOptimal(
      X,
      n,
      d,
      sigma,
      omega,
      Array.from(labels, (s) => -s),
    )
    for (let k = 0; k < d; k++) expect(flipped[k]).toBe(-bo[k])
  })

  it('PCA: σ̂² = (tr G - λ₁)/(n-1), ω̂ = (λ₁ - σ̂²)/n, ‖Σ v x‖²/d = λ₁, ‖estimate‖² = ω̂ d', () => {
    // tr G = Σ ‖x^μ‖²/d is computed from the rows here; vᵀGv = λ₁ for the unit top eigenvector.
    for (const seed of [1, 2, 3]) {
      const [n, d, sigma, omega] = [7, 400, 1.8, 1.2]
      const { X } = sample(seed, n, d, sigma, omega)
      const p = pca(X, n, d)
      const lambda1 = p.spectrum.eigenvalues[0]
      let trace = 0
      for (let i = 0; i < n; i++) trace += dot(X.subarray(i * d, (i + 1) * d), X.subarray(i * d, (i + 1) * d)) / d
      expectRounding(p.sigma2_hat, (trace - lambda1) / (n - 1), 32, 'sigma2_hat') // measured 8 eps
      expectRounding(p.omega_hat, (lambda1 - p.sigma2_hat) / n, 4, 'omega_hat') // measured 0
      const u = rowCombination(X, n, d, p.spectrum.v)
      expectRounding(dot(u, u) / d / lambda1, 1, 16, '‖Σ v x‖²/(d λ₁)') // measured 4 eps
      expectRounding(cosine(u, p.direction), 1, 4, 'cos(Σ v x, direction)') // measured 1 eps
      expectRounding(dot(p.estimate, p.estimate) / (p.omega_hat * d), 1, 16, '‖estimate‖²/(ω̂ d)') // measured 5 eps
      // λ₁ is the largest eigenvalue, so λ₁ ≥ σ̂² and ω̂ ≥ 0: the clip at 0 never acts.
      expect(p.omega_hat).toBeGreaterThanOrEqual(0)
    }
  })

  it('sign convention ŝ^1 = +1 (v_1 ≥ 0) whatever the first true label', () => {
    let sawNegative = false
    for (let seed = 0; seed < 12; seed++) {
      const { X, labels } = sample(seed, 5, 200, 1, 1)
      const sp = gramSpectrum(X, 5, 200)
      expect(sp.labels[0]).toBe(1)
      expect(sp.v[0]).toBeGreaterThanOrEqual(0)
      // Labels are recovered here (margin derived in the convergence tests), so ŝ = s·s^1.
      expect(Array.from(sp.labels)).toEqual(Array.from(labels, (s) => s * labels[0]))
      if (labels[0] === -1) sawNegative = true
    }
    expect(sawNegative).toBe(true)
  })

  it('PCA direction tends to that of Σ ŝ x: 1 - cos = θ²/2 with E[θ²] = O(1/d) (header of spread.ts)', () => {
    const p = { n: 8, sigma: 1.5, omega: 1 }
    for (const d of [500, 8000]) {
      const D = p.n * p.omega + p.sigma ** 2
      const theta2 = (p.sigma ** 2 * (p.n - 1) * tiltVariance(p)) / (p.n ** 3 * p.omega ** 2 * D * d)
      const { X } = sample(d, p.n, d, p.sigma, p.omega)
      const est = pca(X, p.n, d)
      const gap = 1 - cosine(est.direction, rowCombination(X, p.n, d, est.spectrum.labels))
      // θ² is a sum of n - 1 = 7 squared Gaussians, so gap/(E[θ²]/2) ~ χ²₇/7: below 4 and above 0.1
      // with probability 1 - 2e-4 and 1 - 2e-3. Measured over 16 seeds: 0.26 to 1.72 (1.28 and 0.56
      // for the seeds used here).
      expect(gap / (theta2 / 2)).toBeLessThan(4)
      expect(gap / (theta2 / 2)).toBeGreaterThan(0.1)
    }
  })

  it('alignedError: the sign that brings μ̂ closer to μ, by hand', () => {
    const mu = new Float64Array([3, 4]) // ‖μ‖² = 25, d = 2
    expect(alignedError(new Float64Array([-3, -4]), mu)).toEqual({ mse: 0, cos: 1, sign: -1 })
    expect(alignedError(new Float64Array([1.5, 2]), mu)).toEqual({ mse: 6.25 / 2, cos: 1, sign: 1 })
    expect(alignedError(new Float64Array([4, -3]), mu)).toEqual({ mse: 50 / 2, cos: 0, sign: 1 })
    expect(alignedError(new Float64Array([-4, 3.5]), mu).sign).toBe(1) // μ̂·μ = 2 > 0
    expect(alignedError(new Float64Array(2), mu).cos).toBeNaN()
  })

  it('given labels: BO uses them unless estimateLabels; label_agreement counts up to the sign', () => {
    const [n, d, sigma, omega] = [10, 600, 1, 1]
    const { X, mu, labels } = sample(5, n, d, sigma, omega)
    const wrong = Int8Array.from(labels)
    wrong[3] = -wrong[3]
    const negated = Int8Array.from(labels, (s) => -s)
    const truth = baselineErrors(X, n, d, mu, sigma, omega, { labels })
    const withWrong = baselineErrors(X, n, d, mu, sigma, omega, { labels: wrong })
    const estimated = baselineErrors(X, n, d, mu, sigma, omega, { labels: wrong, estimateLabels: true })
    const withNegated = baselineErrors(X, n, d, mu, sigma, omega, { labels: negated })
    expect(withWrong.label_agreement).toBe((n - 1) / n)
    expect(withNegated.label_agreement).toBe(1)
    // One wrong label: Σ s' x = (n-2)μ + σ η', so bo_mse → ω²σ²n/D² + ω(1 - (n-2)ω/D)² = 0.157
    // against ωσ²/D = 0.091 (D = 11); fluctuations at d = 600 are about 0.005.
    expect(withWrong.bo_mse).toBeGreaterThan(truth.bo_mse + 0.03)
    expectRounding(estimated.bo_mse, truth.bo_mse, 4, 'bo_mse') // measured 0
    expect(withNegated.bo_sign).toBe(-truth.bo_sign)
    expect(withNegated.bo_mse).toBe(truth.bo_mse)
    for (const k of ['pca_mse', 'pca_cos', 'omega_hat', 'sigma2_hat', 'pca_sign'] as const) {
      expect(withWrong[k]).toBe(truth[k]) // PCA knows no labels
    }
    expect(baselineErrors(X, n, d, mu, sigma, omega).label_agreement).toBeUndefined()
    expect(agreement([1, 1, -1, -1], [-1, -1, 1, 1])).toBe(1)
    expect(agreement([1, 1, -1, -1], [1, -1, 1, -1])).toBe(0.5)
  })

  it('refuses inconsistent sizes, non-positive σ or ω, labels other than ±1, n < 2 for PCA', () => {
    const X = new Float64Array(12)
    const mu = new Float64Array(4)
    expect(() => gram(X, 3, 5)).toThrow(/n·d/)
    expect(() => baselineErrors(X, 3, 4, new Float64Array(5), 1, 1)).toThrow(/mu/)
    expect(() => bayesOptimal(X, 3, 4, 0, 1, [1, 1, 1])).toThrow(/sigma/)
    expect(() => bayesOptimal(X, 3, 4, 1, -1, [1, 1, 1])).toThrow(/omega/)
    expect(() => bayesOptimal(X, 3, 4, 1, 1, [1, 0, 1])).toThrow(/\+1 or -1/)
    expect(() => baselineErrors(X, 3, 4, mu, 1, 1, { labels: [1, 1] })).toThrow(/labels/)
    expect(() => pca(new Float64Array(4), 1, 4)).toThrow(/n >= 2/)
  })
})

describe('convergence to the asymptotic forms as d grows', () => {
  const PARAMS: Params[] = [
    { n: 8, sigma: 1.5, omega: 1 },
    { n: 4, sigma: 1, omega: 2 },
    { n: 16, sigma: 2, omega: 0.5 },
  ]
  const DIMS = [500, 2000, 8000, 32000]
  const SEEDS = 16

  interface Run {
    p: Params
    d: number
    known: BaselineErrors
    estimated: BaselineErrors
  }
  let cache: Run[] | undefined
  /** Every (params, d, seed) once, with BO fed the true labels and the spectral ŝ. */
  function runs(): Run[] {
    if (cache) return cache
    cache = []
    PARAMS.forEach((p, pi) =>
      DIMS.forEach((d) => {
        for (let seed = 0; seed < SEEDS; seed++) {
          const { X, mu, labels } = sample(1_000_000 * pi + 1000 * seed + d, p.n, d, p.sigma, p.omega)
          const known = baselineErrors(X, p.n, d, mu, p.sigma, p.omega, { labels })
          const estimated = baselineErrors(X, p.n, d, mu, p.sigma, p.omega, { labels, estimateLabels: true })
          cache!.push({ p, d, known, estimated })
        }
      }),
    )
    return cache
  }

  it('labels are recovered exactly (margin ≥ 6 standard deviations at d = 500, derived)', () => {
    // √n v_μ s^μ = 1 + s^μ (P⊥E s)_μ/(nω) to first order, with standard deviation √(V/d)/(nω).
    for (const p of PARAMS) expect((p.n * p.omega) / Math.sqrt(tiltVariance(p) / DIMS[0])).toBeGreaterThan(6)
    for (const r of runs()) expect(r.known.label_agreement).toBe(1)
  })

  it('BO with the spectral labels equals BO with the true labels (up to the global sign)', () => {
    for (const r of runs()) {
      expectRounding(r.estimated.bo_mse, r.known.bo_mse, 4, 'bo_mse') // measured 0
      expectRounding(r.estimated.bo_cos, r.known.bo_cos, 4, 'bo_cos')
    }
  })

  /** finite - limit for every seed of one parameter set at one d. */
  const deviations = (p: Params, d: number, k: Stat): number[] =>
    runs()
      .filter((r) => r.p === p && r.d === d)
      .map((r) => r.known[k] - asymptote(p)[k])
  /** The Monte Carlo spread: root mean square of √d (finite - limit) over every seed and d. */
  const measuredSpread = (p: Params, k: Stat): number => {
    const z2 = DIMS.flatMap((d) => deviations(p, d, k).map((x) => d * x * x))
    return Math.sqrt(z2.reduce((a, b) => a + b, 0) / z2.length)
  }
  const sampleDeviation = (xs: readonly number[]) => {
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length
    return Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1))
  }

  it('spread.ts: the derived c of every statistic is the measured spread within 30%', () => {
    // The root mean square of 64 standard Gaussians has relative standard deviation 1/√128 = 0.09;
    // the second-order bias β/d adds at most 2% here. Measured |c_mc/c - 1| <= 0.093 over the 18
    // (parameters, statistic) pairs; the bound 0.3 is 3.4 standard deviations and 3x that.
    for (const p of PARAMS) {
      const derived = spreadOf(p)
      for (const k of STATS) expect(Math.abs(measuredSpread(p, k) / derived[k].c - 1), `${k} at ${JSON.stringify(p)}`).toBeLessThan(0.3)
    }
  })

  it('every statistic is within 5 measured spreads of its limit at every d', () => {
    // 5 standard deviations: a Gaussian passes it with probability 1 - 6e-7, so all 1152 values
    // with probability 0.999. Measured: at most 3.0 measured spreads.
    for (const p of PARAMS)
      for (const k of STATS) {
        const c = measuredSpread(p, k)
        for (const d of DIMS) for (const x of deviations(p, d, k)) expect(Math.abs(x), `${k} at ${JSON.stringify(p)}, d = ${d}`).toBeLessThan((5 * c) / Math.sqrt(d))
      }
  })

  it('the limit is the large-d mean: at d = 8000 and 32000 the mean over 16 seeds is within 4 standard errors of it', () => {
    // A wrong asymptotic form is an offset the spread does not shrink. The standard error is the
    // sample standard deviation over the seeds / √16; the second-order bias β/d is at most 0.35 of
    // it at these d. Student's t with 15 degrees of freedom exceeds 4 with probability 1e-3;
    // measured: at most 2.2 standard errors.
    for (const p of PARAMS)
      for (const k of STATS)
        for (const d of DIMS.slice(2)) {
          const xs = deviations(p, d, k)
          const mean = xs.reduce((a, b) => a + b, 0) / xs.length
          expect(Math.abs(mean), `${k} at ${JSON.stringify(p)}, d = ${d}`).toBeLessThan((4 * sampleDeviation(xs)) / Math.sqrt(xs.length))
        }
  })

  it('the mean absolute error shrinks like 1/√d: ratio between d = 500 and 32000 within 8·[1/2, 2]', () => {
    // M(d) = mean over params, seeds and statistics of |finite - limit|/c ≈ E|N(0,1)|/√d, so
    // M(500)/M(32000) ≈ √64 = 8. Each M averages ≥ 48 independent |N(0,1)| (16 seeds × 3
    // parameter sets; the six statistics are functions of three independent overlaps), whose
    // mean has relative standard deviation ≤ √(π/2 - 1)/√48 = 0.11: ln of the ratio has
    // standard deviation ≤ 0.16, and the bounds ±ln 2 are more than 4 of them away.
    const mean = (d: number) => {
      const z = PARAMS.flatMap((p) =>
        STATS.flatMap((k) => {
          const c = measuredSpread(p, k)
          return deviations(p, d, k).map((x) => Math.abs(x) / c)
        }),
      )
      return z.reduce((a, b) => a + b, 0) / z.length
    }
    const ratio = mean(DIMS[0]) / mean(DIMS[DIMS.length - 1])
    const expected = Math.sqrt(DIMS[DIMS.length - 1] / DIMS[0])
    expect(ratio).toBeGreaterThan(expected / 2)
    expect(ratio).toBeLessThan(expected * 2)
  })
})
