// The particle cloud (src/simulate/particles.ts) and the cluster mean's components
// (src/simulate/measure.ts): coordinates of particles built from known coefficients, the PCA
// against the d x d covariance's eigenvectors (another matrix, another route), and a run's cloud
// against its own particles redrawn from the seed.
import { describe, expect, it } from 'vitest'
import { rng } from '../../src/random.js'
import { symmetricEigen, eigenvector } from '../../src/linalg/eigen.js'
import { drawTrainingSet } from '../../src/simulate/data.js'
import { measurement } from '../../src/simulate/measure.js'
import { frame, principalScores, snapshotRows } from '../../src/simulate/particles.js'
import { simulate } from '../../src/simulate/simulate.js'
import { flowProblem } from '../../src/theory/problem.js'

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i] * b[i]
  return s
}
const combo = (terms: Array<[number, ArrayLike<number>]>, d: number) => {
  const out = new Float64Array(d)
  for (const [c, v] of terms) for (let i = 0; i < d; i++) out[i] += c * v[i]
  return out
}

describe('coordinates on span(mu_emp, xi)', () => {
  const d = 300,
    n = 5
  const data = drawTrainingSet({ d, n, sigma: 1.2, omega: 1, rho: 0.5 }, rng(3))
  const { A, xi } = data
  // The frame by Gram-Schmidt, written here.
  const e1 = combo([[1 / Math.sqrt(dot(A, A)), A]], d)
  const p = combo(
    [
      [1, xi],
      [-dot(xi, e1), e1],
    ],
    d,
  )
  const e2 = combo([[1 / Math.sqrt(dot(p, p)), p]], d)
  const f = frame(A, xi, n)

  it('gives each particle the coefficients it was built with (a part orthogonal to the frame aside)', () => {
    // X_i = sqrt(d) (u_i e1 + v_i e2) + z_i with z_i orthogonal to e1, e2: u_i, v_i come back
    // to rounding (1e-12 on O(1) values).
    const random = rng(5)
    const P = 7
    const coefficients = Array.from({ length: P }, () => [random.normal(), random.normal()])
    const dots = new Float64Array(2 * P)
    coefficients.forEach(([u, v], i) => {
      const g = random.fillNormals(new Float64Array(d))
      const z = combo(
        [
          [1, g],
          [-dot(g, e1), e1],
          [-dot(g, e2), e2],
        ],
        d,
      )
      const X = combo(
        [
          [Math.sqrt(d) * u, e1],
          [Math.sqrt(d) * v, e2],
          [1, z],
        ],
        d,
      )
      dots[2 * i] = dot(X, f.e1)
      dots[2 * i + 1] = dot(X, f.e2)
    })
    const rows = snapshotRows(0.5, dots, d)
    rows.forEach((r, i) => {
      expect(r).toMatchObject({ t: 0.5, particle: i })
      expect(Math.abs(r.u - coefficients[i][0])).toBeLessThan(1e-12)
      expect(Math.abs(r.v - coefficients[i][1])).toBeLessThan(1e-12)
    })
  })

  it("places the theory's cluster mean M mu_emp + Q_xi xi on the same axes", () => {
    const [M, Q] = [0.8, -0.3]
    const mean = combo(
      [
        [M / n, A],
        [Q, xi],
      ],
      d,
    )
    const [u, v] = f.mean(M, Q)
    expect(Math.abs(u - dot(mean, e1))).toBeLessThan(1e-10 * Math.sqrt(d))
    expect(Math.abs(v - dot(mean, e2))).toBeLessThan(1e-10 * Math.sqrt(d))
  })
})

describe('principal axes of a two-cluster cloud', () => {
  it('scores the particles and two points as the d x d covariance does', () => {
    // The reference: eigenvectors v_k of the d x d covariance (1/N) sum (X_i - xbar)(X_i - xbar)^T
    // and scores (y - xbar).v_k/sqrt d, up to each axis's sign. Both are exact linear algebra on
    // a 40-dimensional cloud: they agree to rounding (1e-9 on O(1) scores).
    const d = 40,
      N = 60
    const random = rng(11)
    const c = random.fillNormals(new Float64Array(d))
    const X = new Float64Array(N * d)
    for (let i = 0; i < N; i++) {
      const s = i % 2 ? 1 : -1
      for (let k = 0; k < d; k++) X[i * d + k] = s * c[k] + 0.5 * random.normal()
    }
    const row = (i: number) => X.subarray(i * d, (i + 1) * d)
    const G = new Float64Array(N * N)
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) G[i * N + j] = dot(row(i), row(j))
    const points = [c, c.map((x) => -x)]
    const pointDots = points.map((y) => Float64Array.from({ length: N }, (_, i) => dot(row(i), y)))
    const ours = principalScores(G, N, d, pointDots)

    const mean = new Float64Array(d)
    for (let i = 0; i < N; i++) for (let k = 0; k < d; k++) mean[k] += X[i * d + k] / N
    const C = new Float64Array(d * d)
    for (let i = 0; i < N; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) C[a * d + b] += ((X[i * d + a] - mean[a]) * (X[i * d + b] - mean[b])) / N
    const eig = symmetricEigen(C, d)
    const root = Math.sqrt(d)
    for (const k of [0, 1]) {
      const v = eigenvector(eig, k)
      const score = (y: ArrayLike<number>) => (dot(y, v) - dot(mean, v)) / root
      const sign = Math.sign(score(points[0]))
      const key = k === 0 ? 'pc1' : 'pc2'
      ours.rows.forEach((r, i) => expect(Math.abs(r[key] - sign * score(row(i)))).toBeLessThan(1e-9))
      points.forEach((y, j) => expect(Math.abs(ours.points[j][k] - sign * score(y))).toBeLessThan(1e-9))
    }
    // The first axis separates the clusters: the first point scores >= 0 on it, by the orientation rule.
    expect(ours.points[0][0]).toBeGreaterThan(0)
  })
})

describe('the cluster mean components M_mu, Q_eta, cos', () => {
  it('returns the coefficients the particles were built with', () => {
    // Particles X_i = s_i (a mu + b eta + q xi), eta = sum s z = (A - n mu)/sigma: the cluster
    // mean is exactly that vector, so M_mu = a, Q_eta = b and cos its cosine with mu, computed
    // here from the vector, to rounding (1e-9).
    const d = 400,
      n = 6,
      sigma = 0.7
    const data = drawTrainingSet({ d, n, sigma, omega: 1, rho: 0.5 }, rng(8))
    const { A, xi, mu } = data
    const eta = combo(
      [
        [1 / sigma, A],
        [-n / sigma, mu],
      ],
      d,
    )
    const [a, b, q] = [0.9, 0.15, -0.2]
    const m = combo(
      [
        [a, mu],
        [b, eta],
        [q, xi],
      ],
      d,
    )
    const P = 4
    const dots = new Float64Array(3 * P),
      norms = new Float64Array(P)
    for (let i = 0; i < P; i++) {
      const s = i % 2 ? 1 : -1
      const X = m.map((x) => s * x)
      ;[A, xi, mu].forEach((v, j) => (dots[3 * i + j] = dot(X, v)))
      norms[i] = dot(X, X)
    }
    const row = measurement(data, P, sigma).row(0.5, dots, norms, 3, 0)
    expect(Math.abs(row.M_mu - a)).toBeLessThan(1e-9)
    expect(Math.abs(row.Q_eta - b)).toBeLessThan(1e-9)
    expect(Math.abs(row.cos - dot(m, mu) / Math.sqrt(dot(m, m) * dot(mu, mu)))).toBeLessThan(1e-9)
  })
})

describe('a run with snapshots', async () => {
  const problem = flowProblem({ n: 4, sigma: 2, lambda: 0.1 })
  const d = 1000,
    P = 60,
    K = 4,
    seed = 3
  const { document } = await simulate({ problem, d, particles: P, steps: K, trainer: 'exact', lr: 0.01, epochs: 1, scheme: 'euler', seed, engine: 'js', snapshots: [0, 0.5, 1] })
  const cloud = document.particles!
  // The run's data and initial particles, redrawn from the seed in the documented order (data.ts).
  const random = rng(seed)
  const data = drawTrainingSet({ d, n: 4, sigma: 2, omega: 1, rho: 0.5 }, random)
  const f = frame(data.A, data.xi, 4)
  const root = Math.sqrt(d)

  it('records every particle at every snapshot, the initial ones as drawn', () => {
    expect(cloud.snapshots).toEqual([0, 0.5, 1])
    expect(cloud.rows).toHaveLength(3 * P)
    for (let i = 0; i < P; i++) {
      const X = random.fillNormals(new Float64Array(d))
      const r = cloud.rows[i]
      expect(r.t).toBe(0)
      expect(Math.abs(r.u - dot(X, f.e1) / root)).toBeLessThan(1e-12)
      expect(Math.abs(r.v - dot(X, f.e2) / root)).toBeLessThan(1e-12)
    }
  })

  it("agrees with the measured M at t = 1 and sets the theory's means at its M, Q_xi", () => {
    // mean_i s_i u_i = mean_i s_i X_i.A/(|A| sqrt d) = M |A|/(n sqrt d) for the measured M: the
    // same sum by two routes (rounding, 1e-10).
    const last = cloud.rows.filter((r) => r.t === 1)
    const su = last.reduce((s, r) => s + Math.sign(r.u) * r.u, 0) / P
    const M = document.measured.steps[K].M
    expect(Math.abs(su - (M * Math.sqrt(dot(data.A, data.A))) / 4 / root)).toBeLessThan(1e-10)
    cloud.theory.forEach((r, j) => {
      const { M: Mt, Q_xi } = document.theory.steps[[0, 2, 4][j]]
      const [u, v] = f.mean(Mt, Q_xi)
      expect(r).toEqual({ t: cloud.snapshots[j], u: u / root, v: v / root })
    })
  })

  it("puts the PCA's crosses at the particles' cluster means on the first axis", () => {
    // With N = 60 particles the cluster separation (N |m|^2/d against the noise's largest
    // eigenvalue, about P^2 (1 + sqrt(N/d))^2) makes the first axis the clusters' direction; the
    // particles' mean score per cluster then differs from the cross by the finite-d deviation of
    // the cluster mean (3/sqrt(d) as for M) and the noise's share along the axis (~P/sqrt(N) / sqrt(d)).
    const rows = cloud.pca.rows
    expect(rows).toHaveLength(P)
    const plus = rows.filter((r) => r.pc1 > 0)
    const mean = plus.reduce((s, r) => s + r.pc1, 0) / plus.length
    const cross = cloud.pca.theory.find((x) => x.cluster === 1)!
    expect(cross.pc1).toBeGreaterThan(0)
    expect(Math.abs(mean - cross.pc1)).toBeLessThan(3 / root + document.measured.steps[K].P / Math.sqrt(P * d))
    expect(rows.reduce((s, r) => s + r.pc1, 0)).toBeCloseTo(0, 9)
  })
})
