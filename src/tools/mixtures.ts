/**
 * Numerical routes to the distances between the generated law and the target at finite d, built
 * from actual vectors in R^d, independent of the closed forms of the theory (docs/theory.md, the
 * keys w2, kl, kl_reverse, dist_train, dist_fresh, mem_gap of `flowgm stats`):
 *  - KL by Monte Carlo on the exact log-densities of the two Gaussian mixtures;
 *  - W2 squeezed between an upper bound (a coupling: Gaussian pairs glued by the discrete transport
 *    of the cluster weights) and a proven lower bound, plus an empirical assignment on the exact
 *    rotation-reduced problem;
 *  - the distances of generated samples to the training set and to fresh target samples, on a
 *    simulated training set.
 * A mixture here is w N(c, s^2 I) + (1 - w) N(-c, s^2 I): `weight` is the weight of +c.
 * Distances are divided by d (per dimension), as the theory's limits are.
 */
import { rng, type Random } from '../random.js'
import { drawTrainingSet } from '../simulate/data.js'
import { dot } from '../simulate/vector.js'

/** w N(center, sd^2 I) + (1 - w) N(-center, sd^2 I) in R^d, d = center.length. */
export interface Mixture {
  readonly center: Float64Array
  /** >= 0. */
  readonly sd: number
  /** The weight of +center, in [0, 1]. */
  readonly weight: number
}

/** Cluster-mean coefficients of the generated law, mean = M_mu mu + Q_eta eta + Q_xi xi. */
export interface Geometry {
  readonly d: number
  readonly omega: number
  readonly n: number
  readonly M_mu: number
  readonly Q_eta: number
  readonly Q_xi: number
}

/**
 * mu and the generated cluster mean with the limit overlaps exactly: random orthonormal directions
 * e1, e2, e3 (Gram-Schmidt on Gaussian vectors), mu = sqrt(omega d) e1, eta = sqrt(n d) e2,
 * xi = sqrt(n d) e3. The O(1/sqrt d) overlap noise of a real training set is left out so that what
 * remains at finite d is the finite-d behaviour of the distances themselves.
 */
export function exactGeometry(g: Geometry, random: Random): { mu: Float64Array; mean: Float64Array } {
  const [e1, e2, e3] = orthonormal(g.d, 3, random)
  const a = Math.sqrt(g.omega * g.d)
  const b = Math.sqrt(g.n * g.d)
  const mu = e1.map((x) => a * x)
  const mean = e1.map((x, i) => g.M_mu * a * x + g.Q_eta * b * e2[i] + g.Q_xi * b * e3[i])
  return { mu, mean }
}

/** k orthonormal vectors of R^d in random directions (modified Gram-Schmidt). */
export function orthonormal(d: number, k: number, random: Random): Float64Array[] {
  const out: Float64Array[] = []
  for (let j = 0; j < k; j++) {
    const v = random.fillNormals(new Float64Array(d))
    for (const e of out) axpy(-dot(v, e), e, v)
    const s = 1 / Math.sqrt(dot(v, v))
    for (let i = 0; i < d; i++) v[i] *= s
    out.push(v)
  }
  return out
}

/** y += a x. */
function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += a * x[i]
}

/** |a - sign b|^2 without a temporary vector; b may be a row of a row-major matrix starting at `offset`. */
function squaredDistance(a: Float64Array, b: Float64Array, sign = 1, offset = 0): number {
  let s = 0
  for (let i = 0; i < a.length; i++) {
    const t = a[i] - sign * b[offset + i]
    s += t * t
  }
  return s
}

/** log(e^x + e^y) without overflow. */
export function logAddExp(x: number, y: number): number {
  const m = Math.max(x, y)
  return m === Number.NEGATIVE_INFINITY ? m : m + Math.log(Math.exp(x - m) + Math.exp(y - m))
}

/** The exact log-density of the mixture at x (both components, combined by log-sum-exp). */
export function logDensity(mix: Mixture, x: Float64Array): number {
  const d = x.length
  const v = mix.sd * mix.sd
  const base = -0.5 * d * Math.log(2 * Math.PI * v)
  const plus = Math.log(mix.weight) + base - squaredDistance(x, mix.center, 1) / (2 * v)
  const minus = Math.log(1 - mix.weight) + base - squaredDistance(x, mix.center, -1) / (2 * v)
  return logAddExp(plus, minus)
}

/** One draw of the mixture into `out`: a cluster sign(weight), then center sign + sd z. */
export function drawMixture(mix: Mixture, random: Random, out: Float64Array): Float64Array {
  const s = random.sign(mix.weight)
  random.fillNormals(out)
  for (let i = 0; i < out.length; i++) out[i] = s * mix.center[i] + mix.sd * out[i]
  return out
}

/** A Monte Carlo mean with its standard error (sample standard deviation / sqrt N). */
export interface Estimate {
  readonly value: number
  readonly se: number
  /** The sample standard deviation of one value. */
  readonly sd: number
}

/** The mean and standard error of some values. */
export function estimate(xs: readonly number[]): Estimate {
  const N = xs.length
  const mean = xs.reduce((a, x) => a + x, 0) / N
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (N - 1)
  return { value: mean, se: Math.sqrt(variance / N), sd: Math.sqrt(variance) }
}

/** KL(p || q) / d = E_p[log p - log q] / d by Monte Carlo with `samples` draws of p. */
export function klPerDimension(p: Mixture, q: Mixture, samples: number, random: Random): Estimate {
  const d = p.center.length
  const x = new Float64Array(d)
  const terms: number[] = []
  for (let k = 0; k < samples; k++) {
    drawMixture(p, random, x)
    terms.push((logDensity(p, x) - logDensity(q, x)) / d)
  }
  return estimate(terms)
}

/** KL(Bernoulli(w) || Bernoulli(v)): the cluster weights' share of KL(p || q) when the clusters are matched. */
export function bernoulliKl(w: number, v: number): number {
  const term = (a: number, b: number): number => (a === 0 ? 0 : a * Math.log(a / b))
  return term(w, v) + term(1 - w, 1 - v)
}

/**
 * The least cost of moving the weights (w, 1 - w) onto (v, 1 - v) with cost[i][j] per unit mass
 * from cluster i to cluster j (index 0 = +, 1 = -). The plans form the segment pi_00 = t in
 * [max(0, w + v - 1), min(w, v)] and the cost is linear in t, so the least is at an end.
 */
export function transport2(w: number, v: number, cost: readonly [readonly [number, number], readonly [number, number]]): number {
  const total = (t: number): number => t * cost[0][0] + (w - t) * cost[0][1] + (v - t) * cost[1][0] + (1 - w - v + t) * cost[1][1]
  return Math.min(total(Math.max(0, w + v - 1)), total(Math.min(w, v)))
}

/** Squared distances between the signed centers, [i][j] = |s_i c_p - s_j c_q|^2 with s = (+1, -1). */
function centerCosts(p: Mixture, q: Mixture): [[number, number], [number, number]] {
  const pp = dot(p.center, p.center)
  const qq = dot(q.center, q.center)
  const pq = dot(p.center, q.center)
  const same = pp + qq - 2 * pq
  const crossed = pp + qq + 2 * pq
  return [
    [same, crossed],
    [crossed, same],
  ]
}

/** Finite-d bounds on W2^2(p, q), both divided by d. */
export interface W2Bounds {
  readonly lower: number
  readonly upper: number
}

/**
 * upper: the cost of an actual coupling, each pair of components joined by its optimal Gaussian
 * coupling (isotropic Bures: W2^2 = |c - c'|^2 + d (s - s')^2) and the pairs weighted by the optimal
 * transport of the cluster weights. lower: for any coupling of X ~ p, Y ~ q, split R^d into
 * S = span(c_p, c_q) and its complement. The complement parts are N(0, s_p^2 I_{d-2}) and
 * N(0, s_q^2 I_{d-2}) whatever the cluster, so they cost at least (d - 2)(s_p - s_q)^2. In S write
 * X = e c_p + s_p g, Y = f c_q + s_q h with the cluster signs e, f (drawn given X and Y, so that
 * (e, f) is a coupling of the weights); Minkowski in L^2 gives
 * ||X_S - Y_S|| >= ||e c_p - f c_q|| - ||s_p g - s_q h|| >= sqrt(T) - sqrt(2)(s_p + s_q), T the
 * weight transport with the center costs.
 */
export function w2Bounds(p: Mixture, q: Mixture): W2Bounds {
  const d = p.center.length
  const spread = d * (p.sd - q.sd) ** 2
  const centers = centerCosts(p, q)
  const upper = transport2(p.weight, q.weight, [
    [centers[0][0] + spread, centers[0][1] + spread],
    [centers[1][0] + spread, centers[1][1] + spread],
  ])
  const inPlane = Math.max(0, Math.sqrt(transport2(p.weight, q.weight, centers)) - Math.SQRT2 * (p.sd + q.sd))
  const lower = (d - 2) * (p.sd - q.sd) ** 2 + inPlane * inPlane
  return { lower: lower / d, upper: upper / d }
}

/**
 * Both mixtures are invariant under the rotations fixing S = span(c_p, c_q), so W2 equals the W2
 * of the laws of (in-plane coordinates u, radius r = |complement part|) with cost |u - u'|^2 +
 * (r - r')^2 (>= by the reverse triangle inequality; <= by giving both complement parts the same
 * uniform direction). Points: actual draws in R^d projected on S, with the cluster sizes fixed at
 * round(N w) so that the weights carry no sampling error.
 */
export function reducedDraws(mix: Mixture, basis: readonly Float64Array[], N: number, random: Random): Float64Array {
  const d = mix.center.length
  const x = new Float64Array(d)
  const out = new Float64Array(3 * N)
  const plus = Math.round(N * mix.weight)
  for (let k = 0; k < N; k++) {
    random.fillNormals(x)
    const s = k < plus ? 1 : -1
    for (let i = 0; i < d; i++) x[i] = s * mix.center[i] + mix.sd * x[i]
    const u1 = dot(x, basis[0])
    const u2 = dot(x, basis[1])
    out[3 * k] = u1
    out[3 * k + 1] = u2
    out[3 * k + 2] = Math.sqrt(Math.max(0, dot(x, x) - u1 * u1 - u2 * u2))
  }
  return out
}

/** An orthonormal basis (two vectors) of a plane containing a and b (b's direction is random if a, b are parallel). */
export function planeBasis(a: Float64Array, b: Float64Array, random: Random): Float64Array[] {
  const e1 = a.map((x) => x / Math.sqrt(dot(a, a)))
  const e2 = Float64Array.from(b)
  axpy(-dot(e2, e1), e1, e2)
  let norm = Math.sqrt(dot(e2, e2))
  if (!(norm > 1e-12 * Math.sqrt(dot(b, b)))) {
    random.fillNormals(e2)
    axpy(-dot(e2, e1), e1, e2)
    norm = Math.sqrt(dot(e2, e2))
  }
  for (let i = 0; i < e2.length; i++) e2[i] /= norm
  return [e1, e2]
}

/**
 * The empirical W2^2 / d between N reduced draws of p and of q (the optimal assignment). It is an
 * estimate, not a bound: W2^2 is jointly convex, so its expectation is >= the true W2^2 (Jensen).
 */
export function w2Empirical(p: Mixture, q: Mixture, N: number, random: Random): number {
  const d = p.center.length
  const basis = planeBasis(p.center, q.center, random)
  const a = reducedDraws(p, basis, N, random)
  const b = reducedDraws(q, basis, N, random)
  const cost = new Float64Array(N * N)
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const du = a[3 * i] - b[3 * j]
      const dv = a[3 * i + 1] - b[3 * j + 1]
      const dr = a[3 * i + 2] - b[3 * j + 2]
      cost[i * N + j] = du * du + dv * dv + dr * dr
    }
  }
  return assignment(cost, N) / N / d
}

/**
 * The least total cost of a perfect matching of an N x N cost matrix (row-major): the Hungarian
 * method with potentials and shortest augmenting paths, O(N^3).
 */
export function assignment(cost: Float64Array, N: number): number {
  const u = new Float64Array(N + 1)
  const v = new Float64Array(N + 1)
  const match = new Int32Array(N + 1) // match[j] = the row assigned to column j (1-based; 0 = none)
  const way = new Int32Array(N + 1)
  const minv = new Float64Array(N + 1)
  const used = new Uint8Array(N + 1)
  for (let i = 1; i <= N; i++) {
    match[0] = i
    let j0 = 0
    minv.fill(Number.POSITIVE_INFINITY)
    used.fill(0)
    do {
      used[j0] = 1
      const i0 = match[j0]
      let delta = Number.POSITIVE_INFINITY
      let j1 = 0
      for (let j = 1; j <= N; j++) {
        if (used[j]) continue
        const cur = cost[(i0 - 1) * N + (j - 1)] - u[i0] - v[j]
        if (cur < minv[j]) {
          minv[j] = cur
          way[j] = j0
        }
        if (minv[j] < delta) {
          delta = minv[j]
          j1 = j
        }
      }
      for (let j = 0; j <= N; j++) {
        if (used[j]) {
          u[match[j]] += delta
          v[j] -= delta
        } else minv[j] -= delta
      }
      j0 = j1
    } while (match[j0] !== 0)
    do {
      const j1 = way[j0]
      match[j0] = match[j1]
      j0 = j1
    } while (j0 !== 0)
  }
  let total = 0
  for (let j = 1; j <= N; j++) total += cost[(match[j] - 1) * N + (j - 1)]
  return total
}

/** Parameters of a simulated training set and of the generated law X = P x0 + s (M mu_emp + Q_xi xi). */
export interface MemorisationCase {
  readonly d: number
  readonly n: number
  readonly sigma: number
  readonly omega: number
  readonly rho: number
  readonly M: number
  readonly Q_xi: number
  readonly P: number
}

/** Averages over the generated samples of one simulated training set. */
export interface MemorisationDistances {
  /** min over the training set of |X - x1^nu|^2 / d. */
  readonly distTrain: number
  /** |X - y|^2 / d, y a fresh target sample of X's cluster. */
  readonly distFresh: number
  /** The sample standard deviation of one same-cluster distance |X - x1^nu|^2 / d (sets the bias of the minimum). */
  readonly spread: number
  /**
   * Whether the training set has samples of both clusters. When one is empty (probability
   * rho^n + (1 - rho)^n) the generated points of that cluster are nearest to the other cluster's
   * samples, and dist_train is not the limit of docs/theory.md, which assumes both are present.
   */
  readonly bothClusters: boolean
}

/**
 * The distances of `samples` generated points to the training set and to fresh target samples, on
 * one training set drawn by drawTrainingSet from `seed`. The cluster of a generated point is
 * s = sign(mu_emp . x0), as in the flow (docs/theory.md section 4).
 */
export function memorisationDistances(c: MemorisationCase, samples: number, seed: number): MemorisationDistances {
  const { d, n, sigma } = c
  const random = rng(seed)
  const data = drawTrainingSet(c, random)
  const mean = data.A.map((a, i) => (c.M * a) / n + c.Q_xi * data.xi[i])
  const x0 = new Float64Array(d)
  const X = new Float64Array(d)
  const y = new Float64Array(d)
  let train = 0
  let fresh = 0
  const same: number[] = []
  for (let k = 0; k < samples; k++) {
    random.fillNormals(x0)
    const s = dot(data.A, x0) >= 0 ? 1 : -1
    for (let i = 0; i < d; i++) X[i] = c.P * x0[i] + s * mean[i]
    random.fillNormals(y)
    for (let i = 0; i < d; i++) y[i] = s * data.mu[i] + sigma * y[i]
    fresh += squaredDistance(X, y) / d
    let nearest = Number.POSITIVE_INFINITY
    for (let nu = 0; nu < n; nu++) {
      const dist = squaredDistance(X, data.x1, 1, nu * d) / d
      nearest = Math.min(nearest, dist)
      if (data.labels[nu] === s) same.push(dist)
    }
    train += nearest
  }
  const bothClusters = data.labels.includes(1) && data.labels.includes(-1)
  return { distTrain: train / samples, distFresh: fresh / samples, spread: same.length > 1 ? estimate(same).sd : 0, bothClusters }
}

/** The generated law at time t and the target, as mixtures over exactGeometry. */
export interface Pair {
  /** 1/2 N(mean, P^2 I) + 1/2 N(-mean, P^2 I): the learnt field is odd, so the weights are 1/2. */
  readonly generated: Mixture
  /** rho N(mu, sigma^2 I) + (1 - rho) N(-mu, sigma^2 I). */
  readonly target: Mixture
}

/** The two mixtures of one case: the geometry, the generated spread P, the target's sigma and rho. */
export function mixturePair(g: Geometry & { readonly P: number; readonly sigma: number; readonly rho: number }, random: Random): Pair {
  const { mu, mean } = exactGeometry(g, random)
  return { generated: { center: mean, sd: Math.abs(g.P), weight: 0.5 }, target: { center: mu, sd: g.sigma, weight: g.rho } }
}

/**
 * The weighted least-squares slope c of y = c x (no intercept) with the standard errors of y:
 * c = sum(x y / se^2) / sum(x^2 / se^2), se(c) = 1 / sqrt(sum(x^2 / se^2)). Fits the O(1/d)
 * correction y = estimate - limit against x = 1/d.
 */
export function slopeThroughOrigin(x: readonly number[], y: readonly Estimate[]): { value: number; se: number } {
  let sxy = 0
  let sxx = 0
  for (let i = 0; i < x.length; i++) {
    const w = 1 / y[i].se ** 2
    sxy += w * x[i] * y[i].value
    sxx += w * x[i] * x[i]
  }
  return { value: sxy / sxx, se: 1 / Math.sqrt(sxx) }
}

/**
 * The leading finite-d correction of W2^2 / d below the coupling of w2Bounds, -C / sqrt(d). With
 * unequal weights a mass delta = |w_q - 1/2| of the generated law must change cluster, and an
 * optimal plan picks which part: expanding |x - y|^2 for x = e c_p + s_p g, y = f c_q + s_q h, the
 * O(sqrt d) term 2 (e c_p - f c_q).(s_p g - s_q h) is separable in g and h, so the crossing part of
 * the generated cluster is its lowest fraction 2 delta along c_q and the receiving part of the
 * larger target cluster its highest fraction delta / max(w_q, 1 - w_q) along c_p. Their Gaussian
 * tail means give C sqrt(d) = 2 s_p |c_q| phi(z_a) + 4 s_q max(w_q, 1 - w_q) |c_p| phi(z_b), with
 * Phi(z_a) = 2 delta, Phi(z_b) = delta / max(w_q, 1 - w_q). Derived to first order (the O(1)
 * remainder is left out); checked against the empirical assignment in `npm run validate`.
 * Assumes the generated weights are 1/2.
 */
export function w2Correction(p: Mixture, q: Mixture): number {
  const d = p.center.length
  const delta = Math.abs(q.weight - 0.5)
  if (delta === 0) return 0
  const larger = Math.max(q.weight, 1 - q.weight)
  const tail = (f: number): number => normalDensity(normalQuantile(f))
  const root = 2 * p.sd * Math.sqrt(dot(q.center, q.center)) * tail(2 * delta) + 4 * q.sd * larger * Math.sqrt(dot(p.center, p.center)) * tail(delta / larger)
  return -root / d
}

const normalDensity = (z: number): number => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI)

/** The standard normal distribution function through erfc (Numerical Recipes' erfcc, relative error < 1.2e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2
  const t = 1 / (1 + 0.5 * x)
  const poly =
    -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
  const erfc = t * Math.exp(poly)
  return z >= 0 ? 1 - erfc / 2 : erfc / 2
}

/** Phi^-1(f) for f in (0, 1), by bisection on normalCdf (to ~1e-12 in z). */
export function normalQuantile(f: number): number {
  if (f >= 1) return Number.POSITIVE_INFINITY
  let lo = -40
  let hi = 40
  for (let k = 0; k < 80; k++) {
    const mid = (lo + hi) / 2
    if (normalCdf(mid) < f) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}
