/**
 * The particle cloud at chosen grid times (docs/simulation.md section 10): each particle's
 * coordinates on span(mu_emp, xi), and at t = 1 on the generated sample's top two principal axes,
 * beside the theory's cluster means in the same coordinates. Every coordinate is divided by
 * sqrt d (so that it is O(1)). Only the projections are kept: 2 numbers per particle per snapshot.
 */
import { eigenvector, symmetricEigen } from '../linalg/eigen.js'
import type { Engine } from './engine.js'
import { dot } from './vector.js'

export interface ParticleRow {
  readonly t: number
  readonly particle: number
  readonly u: number
  readonly v: number
}

export interface ParticleCloud {
  readonly snapshots: number[]
  readonly rows: ParticleRow[]
  /** The theory's cluster mean of s = +1 at each snapshot (the other is its mirror image). */
  readonly theory: Array<{ t: number; u: number; v: number }>
  readonly pca: {
    readonly rows: Array<{ particle: number; pc1: number; pc2: number }>
    readonly theory: Array<{ cluster: 1 | -1; pc1: number; pc2: number }>
  }
}

/**
 * The orthonormal frame e1 = mu_emp/|mu_emp|, e2 = (xi - (xi.e1) e1)/|...| (A = n mu_emp has
 * mu_emp's direction), and a vector M mu_emp + Q_xi xi in it: (M |mu_emp| + Q_xi xi.e1, Q_xi |xi_perp|).
 */
export function frame(A: Float64Array, xi: Float64Array, n: number) {
  const norm = Math.sqrt(dot(A, A))
  const e1 = A.map((x) => x / norm)
  const along = dot(xi, e1)
  const perp = xi.map((x, i) => x - along * e1[i])
  const perpNorm = Math.sqrt(dot(perp, perp))
  const e2 = perp.map((x) => x / perpNorm)
  return {
    e1,
    e2,
    /** The absolute coordinates (not divided by sqrt d) of M mu_emp + Q_xi xi on (e1, e2). */
    mean: (M: number, Q_xi: number): [number, number] => [(M * norm) / n + Q_xi * along, Q_xi * perpNorm],
  }
}

/** The rows of one snapshot from the particles' dots with (e1, e2), P x 2 row-major. */
export function snapshotRows(t: number, dots: Float64Array, d: number): ParticleRow[] {
  const root = Math.sqrt(d)
  return Array.from({ length: dots.length / 2 }, (_, i) => ({ t, particle: i, u: dots[2 * i] / root, v: dots[2 * i + 1] / root }))
}

/**
 * The sample's top two principal axes from the N x N Gram matrix G of the particles (the d x d
 * covariance has the same nonzero spectrum): with Gc = H G H, H = I - 11^T/N, and its
 * eigenpairs (l_k, a_k), the centred sample is X_c = sum_k sqrt(l_k) a_k v_k^T, so a particle's
 * score on axis k is sqrt(l_k) a_k[i], and a point y's is (y - xbar).v_k = sum_i a_k[i] (X_i.y -
 * X_i.xbar)/sqrt(l_k) (sum_i a_k[i] = 0). `pointDots[j]`: the N dots X_i.y_j of each point.
 * Scores are divided by sqrt d; each axis is oriented so that the first point has a score >= 0
 * (an eigenvector's sign is arbitrary).
 */
export function principalScores(G: Float64Array, N: number, d: number, pointDots: readonly Float64Array[]) {
  // A diverged run (Adam at too large a rate) has no spectrum: its scores are NaN, as its
  // measurements, which the CLI refuses naming --lr.
  if (!G.every(Number.isFinite)) return { rows: Array.from({ length: N }, (_, i) => ({ particle: i, pc1: NaN, pc2: NaN })), points: pointDots.map((): [number, number] => [NaN, NaN]) }
  const r = new Float64Array(N)
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) r[i] += G[i * N + j] / N
  let g = 0
  for (let i = 0; i < N; i++) g += r[i] / N
  const Gc = new Float64Array(N * N)
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) Gc[i * N + j] = G[i * N + j] - r[i] - r[j] + g
  const eig = symmetricEigen(Gc, N)
  const root = Math.sqrt(d)
  const axes = [0, 1].map((k) => {
    const l = Math.max(eig.values[k], 0)
    const a = eigenvector(eig, k)
    const scale = Math.sqrt(l)
    const point = (y: Float64Array) => (scale > 0 ? a.reduce((sum, ak, i) => sum + ak * (y[i] - r[i]), 0) / scale / root : 0)
    const sign = pointDots.length && point(pointDots[0]) < 0 ? -1 : 1
    return { particles: Array.from(a, (ak) => (sign * scale * ak) / root), points: pointDots.map((y) => sign * point(y)) }
  })
  return {
    rows: axes[0].particles.map((pc1, i) => ({ particle: i, pc1, pc2: axes[1].particles[i] })),
    points: pointDots.map((_, j) => [axes[0].points[j], axes[1].points[j]] as [number, number]),
  }
}

/** The PCA view at t = 1: the particles, and the theory's two cluster means +-(a e1 + b e2). */
export function pcaView(engine: Engine, N: number, d: number, frameDots: Float64Array, mean: [number, number]): ParticleCloud['pca'] {
  const plus = new Float64Array(N)
  for (let i = 0; i < N; i++) plus[i] = mean[0] * frameDots[2 * i] + mean[1] * frameDots[2 * i + 1]
  const minus = plus.map((x) => -x)
  const { rows, points } = principalScores(engine.gram(), N, d, [plus, minus])
  return {
    rows,
    theory: [
      { cluster: 1, pc1: points[0][0], pc2: points[0][1] },
      { cluster: -1, pc1: points[1][0], pc2: points[1][1] },
    ],
  }
}
