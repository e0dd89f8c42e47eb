/**
 * The particles' statistics of docs/simulation.md section 4, at every t_k and at t = 1, from the
 * engine's dots of the particles with the probes (A, xi, mu; A, mu under fresh noise at every t)
 * and their squared norms. Each measurement keeps the signs s_i = sign(X_i . A) of its last row,
 * the clusters of the final keys.
 */
import type { Engine } from './engine.js'
import type { TrainingSet } from './data.js'
import { dot } from './vector.js'

/** A row of keys and values (simulate.ts's document). */
export type Row = Record<string, number>

const sgn = (x: number): 1 | -1 => (x >= 0 ? 1 : -1)

/** Per-particle sums over the dots with A (index `at`) and mu (`at + 2`, or `at + 1` without xi), and the signs s_i. */
function particleSums(dots: Float64Array, norms: Float64Array, J: number, at: number, muAt: number, mumu: number, signs: Float64Array) {
  const P = signs.length
  let M = 0,
    norm = 0,
    cosSample = 0,
    plus = 0,
    aa = 0
  for (let i = 0; i < P; i++) {
    const a = dots[i * J + at],
      m = dots[i * J + muAt]
    const s = sgn(a)
    signs[i] = s
    M += s * a
    aa += a * a
    norm += norms[i]
    cosSample += (s * m) / Math.sqrt(norms[i] * mumu)
    if (m > 0) plus++
  }
  return { M, aa, norm, cosSample, plus }
}

/**
 * The measurements of docs/simulation.md section 4 from the dots of the particles with A = n mu_emp, xi and
 * mu, with s_i = sign(X_i . mu_emp): M = mean s_i X_i.mu_emp/|mu_emp|^2, Q_xi = mean s_i X_i.xi/|xi|^2,
 * P^2 = mean |X_i - its projection on span(mu_emp, xi)|^2/d, norm = mean |X_i|^2/d,
 * cos_sample = mean s_i cos(X_i, mu), weight = the fraction of particles with X_i.mu > 0 (the
 * generated weight of the cluster around +mu).
 */
export function measurement(data: TrainingSet, P: number, sigma: number) {
  const { d, n, A, xi, mu } = data
  const AA = dot(A, A),
    Axi = dot(A, xi),
    xixi = dot(xi, xi),
    mumu = dot(mu, mu)
  const det = AA * xixi - Axi * Axi
  const vectors = [A, xi, mu]
  const onSpan = components([A, xi, mu], n, sigma)
  const signs = new Float64Array(P)
  let pSquared = 0
  return {
    vectors,
    /** The row at t from project(directions..., A, xi, mu): J dots per particle, the probes from `skip` on. */
    row(t: number, dots: Float64Array, norms: Float64Array, J: number, skip: number): Row {
      const sums = particleSums(dots, norms, J, skip, skip + 2, mumu, signs)
      let Q = 0,
        rest = 0
      for (let i = 0; i < P; i++) {
        const a = dots[i * J + skip],
          b = dots[i * J + skip + 1]
        Q += signs[i] * b
        // |projection|^2 = [a b] G^-1 [a b]^T with G the Gram matrix of (A, xi).
        rest += norms[i] - (xixi * a * a - 2 * Axi * a * b + AA * b * b) / det
      }
      // When the x0 part vanishes (P -> 0, as at t = 1 without skip connection) the difference
      // above is a cancellation of rounding errors, which can come out negative: that P is 0.
      pSquared = Math.max(0, rest / (P * d))
      return {
        t,
        M: ((sums.M / P) * n) / AA,
        Q_xi: Q / P / xixi,
        P: Math.sqrt(pSquared),
        norm: sums.norm / (P * d),
        cos_sample: sums.cosSample / P,
        weight: sums.plus / P,
        ...onSpan(signedMeans(dots, J, skip, 3, signs), 0),
      }
    },
    /** At t = 1: the generated cluster mean mean_i s_i X_i against mu (signs of the last row). */
    final: (engine: Engine, last: Row): Row => finalRow(engine.combine(signs.map((s) => s / P)), mu, pSquared, P, last),
  }
}

/**
 * The measurements under fresh noise at every t (docs/simulation.md section 4), where the
 * memorised part of the cluster mean is sum_tau Q_tau xi_tau over the times trained at, with no
 * single xi to project on. From the dots with A and mu and the cluster mean
 * mbar = mean_i s_i X_i (one combine of the particles): with X_i = s_i c + P z_i, c the cluster
 * centre, and perpendicular to A,
 *   V = mean |X_i,perp|^2 = |c_perp|^2 + P^2 (d - 1),   B = |mbar_perp|^2 = |c_perp|^2 + P^2 (d - 1)/N,
 * up to O(sqrt d) cross terms, so P^2 = (V - B)/(d (1 - 1/N)) and the memorised part's squared norm
 * per dimension is B/d - P^2/N, which is Q_xi^2 |xi|^2/d = Q_xi^2 n/k: Q_xi = -sqrt((B/d - P^2/N) k/n),
 * the coefficient of one direction of that norm, with the shared noise's sign. M, norm, cos_sample
 * and weight are measured as with shared noise.
 */
export function perTimeMeasurement(data: TrainingSet, P: number, sigma: number) {
  const { d, n, draws, A, mu } = data
  const AA = dot(A, A),
    mumu = dot(mu, mu)
  const onSpan = components([A, mu], n, sigma)
  const signs = new Float64Array(P)
  let pSquared = 0
  let mean: Float64Array = new Float64Array(0)
  return {
    vectors: [A, mu],
    row(t: number, dots: Float64Array, norms: Float64Array, J: number, skip: number, engine: Engine): Row {
      const sums = particleSums(dots, norms, J, skip, skip + 1, mumu, signs)
      mean = engine.combine(signs.map((s) => s / P))
      const V = (sums.norm - sums.aa / AA) / P
      const B = dot(mean, mean) - dot(mean, A) ** 2 / AA
      // Both differences cancel to rounding where their parts vanish (P -> 0; no memorised part at t = 0).
      pSquared = Math.max(0, (V - B) / (d * (1 - 1 / P)))
      const memorised = Math.max(0, B / d - pSquared / P)
      return {
        t,
        M: ((sums.M / P) * n) / AA,
        Q_xi: 0 - Math.sqrt((memorised * draws) / n),
        P: Math.sqrt(pSquared),
        norm: sums.norm / (P * d),
        cos_sample: sums.cosSample / P,
        weight: sums.plus / P,
        ...onSpan(signedMeans(dots, J, skip, 2, signs), memorised * d),
      }
    },
    final: (_engine: Engine, last: Row): Row => finalRow(mean, mu, pSquared, P, last),
  }
}

/** mean_i s_i X_i . p for the `count` probes p from `skip` on (the dots of the cluster mean mbar). */
function signedMeans(dots: Float64Array, J: number, skip: number, count: number, signs: Float64Array): Float64Array {
  const P = signs.length
  const out = new Float64Array(count)
  for (let i = 0; i < P; i++) for (let j = 0; j < count; j++) out[j] += (signs[i] * dots[i * J + skip + j]) / P
  return out
}

/**
 * The cluster mean's components M_mu, Q_eta (docs/theory.md: mean = M_mu mu + Q_eta eta + Q_xi xi,
 * eta = sum s z) and its cosine with mu, from its dots with the probes (A, xi, mu) or (A, mu):
 * least squares on the probes' span, mbar ~ c_A A + c_xi xi + c_mu mu, and A = n mu + sigma eta
 * gives M_mu = n c_A + c_mu, Q_eta = sigma c_A. The cosine is that of the projection on the span
 * (the theory's mean has no other part; mbar's other part is the particles' spread over N, noise
 * of squared norm P^2 d/N), with `hidden`, a squared norm orthogonal to the span (the memorised
 * part under fresh noise at every t), added to its norm. The probes' Gram matrix is computed once.
 */
function components(probes: readonly Float64Array[], n: number, sigma: number): (b: Float64Array, hidden: number) => Row {
  const J = probes.length
  const G = new Float64Array(J * J)
  for (let i = 0; i < J; i++) for (let j = 0; j < J; j++) G[i * J + j] = dot(probes[i], probes[j])
  const mu = J - 1
  return (b, hidden) => {
    const c = solveSmall(G, b)
    // |projection|^2 = c . b (b = G c).
    let norm2 = hidden
    for (let j = 0; j < J; j++) norm2 += c[j] * b[j]
    return { M_mu: n * c[0] + c[mu], Q_eta: sigma * c[0], cos: b[mu] / Math.sqrt(norm2 * G[mu * J + mu]) }
  }
}

/** G x = b for a small symmetric positive definite G (Gaussian elimination without pivoting). */
function solveSmall(G: Float64Array, b: Float64Array): Float64Array {
  const J = b.length
  const a = G.slice(),
    x = b.slice()
  for (let k = 0; k < J; k++)
    for (let i = k + 1; i < J; i++) {
      const f = a[i * J + k] / a[k * J + k]
      for (let j = k; j < J; j++) a[i * J + j] -= f * a[k * J + j]
      x[i] -= f * x[k]
    }
  for (let i = J - 1; i >= 0; i--) {
    for (let j = i + 1; j < J; j++) x[i] -= a[i * J + j] * x[j]
    x[i] /= a[i * J + i]
  }
  return x
}

/** The keys at t = 1 from the generated cluster mean `mean` = mean_i s_i X_i and the last row. */
function finalRow(mean: Float64Array, mu: Float64Array, pSquared: number, P: number, last: Row): Row {
  const d = mu.length
  let err = 0
  for (let i = 0; i < d; i++) err += (mean[i] - mu[i]) ** 2
  const mse = err / d - pSquared / P
  const cos = dot(mean, mu) / Math.sqrt(dot(mean, mean) * dot(mu, mu))
  return { M: last.M, Q_xi: last.Q_xi, P: last.P, norm: last.norm, cos, cos_sample: last.cos_sample, mse, var: pSquared, weight: last.weight }
}
