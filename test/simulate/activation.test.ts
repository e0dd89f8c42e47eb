// The tanh network and Adam's fresh starts (src/simulate/train.ts): the gradient Adam descends
// against finite differences of the risk, and whole runs against the theory of the sign network
// (docs/simulation.md section 6, "tanh and fresh starts"), with tolerances derived below.
import { describe, expect, it } from 'vitest'
import { rng } from '../../src/random.js'
import { drawTrainingSet } from '../../src/simulate/data.js'
import { simulate, type SimulationSpec } from '../../src/simulate/simulate.js'
import { tfjsAvailable } from '../../src/simulate/engine.js'
import { adamTrainer, MIN_LR, pairsOf, tanhGradient } from '../../src/simulate/train.js'
import { breather } from '../../src/limits.js'
import { flowProblem } from '../../src/theory/problem.js'
import { learntDae } from '../../src/theory/solve.js'

describe('the tanh network', () => {
  it('descends the gradient of its risk: tanhGradient against central differences of R_t', () => {
    // R_t(c, w) = 1/2 sum_p |x1_p - c x_p - w tanh(w.x_p/sqrt d)|^2 + lambda/2 |w|^2, written here
    // from its definition. Central differences with step 1e-5 have error O(1e-10 R''') on an O(1)
    // risk per coordinate: 1e-6 relative to the gradient's scale is far above it and far below any
    // wrong term (a missing tanh' term is O(1) relative).
    const d = 12,
      lambda = 0.3
    const data = drawTrainingSet({ d, n: 3, sigma: 0.8, omega: 1, rho: 0.5 }, rng(4))
    const [alpha, beta] = [0.6, 0.4]
    const xt = new Float64Array(3 * d)
    for (let i = 0; i < 3 * d; i++) xt[i] = alpha * data.x0[i] + beta * data.x1[i]
    const risk = (c: number, w: Float64Array) => {
      let r = 0
      for (let p = 0; p < 3; p++) {
        let h = 0
        for (let i = 0; i < d; i++) h += w[i] * xt[p * d + i]
        const phi = Math.tanh(h / Math.sqrt(d))
        for (let i = 0; i < d; i++) r += 0.5 * (data.x1[p * d + i] - c * xt[p * d + i] - w[i] * phi) ** 2
      }
      for (let i = 0; i < d; i++) r += 0.5 * lambda * w[i] ** 2
      return r
    }
    let sxx = 0,
      sx1 = 0
    for (let i = 0; i < 3 * d; i++) {
      sxx += xt[i] * xt[i]
      sx1 += xt[i] * data.x1[i]
    }
    const w = rng(9)
      .fillNormals(new Float64Array(d))
      .map((x) => 0.7 * x)
    const c = 0.4
    const g = new Float64Array(d)
    const fit = { on: data, pairs: pairsOf(data), xt, lambda, skip: true, lr: 0, epochs: 0, pause: breather() }
    const gc = tanhGradient(fit, c, w, sxx, sx1, g)
    const e = 1e-5
    const scale = Math.max(...g.map(Math.abs), Math.abs(gc))
    for (let i = 0; i < d; i++) {
      const plus = w.slice(),
        minus = w.slice()
      plus[i] += e
      minus[i] -= e
      expect(Math.abs(g[i] - (risk(c, plus) - risk(c, minus)) / (2 * e))).toBeLessThan(1e-6 * scale)
    }
    expect(Math.abs(gc - (risk(c + e, w) - risk(c - e, w)) / (2 * e))).toBeLessThan(1e-6 * scale)
  })
})

// Fig. 1's parameters (n = 4, sigma = 0.9, lambda = 0.1) at d = 5000: Adam with the published
// rate 0.04 and 500 epochs (converged: grad_norm below 1e-3 inside the run).
const problem = flowProblem({ n: 4, sigma: 0.9, lambda: 0.1 })
const D = 5000,
  K = 10
const spec = (o: Partial<SimulationSpec>): SimulationSpec => ({ problem, d: D, particles: 100, steps: K, trainer: 'adam', lr: 0.04, epochs: 500, scheme: 'euler', seed: 0, engine: 'js', ...o })

/** E|tanh(g)|, g ~ N(0, s^2), by the trapezoid rule on [-10 s, 10 s] (the integrand is smooth; 4000 nodes give 1e-8). */
function meanAbsTanh(s: number): number {
  const N = 4000,
    a = 10 * s,
    h = (2 * a) / N
  let sum = 0
  for (let j = 0; j <= N; j++) {
    const x = -a + j * h
    const f = (Math.abs(Math.tanh(x)) * Math.exp(-(x * x) / (2 * s * s))) / (s * Math.sqrt(2 * Math.PI))
    sum += (j === 0 || j === N ? 0.5 : 1) * f
  }
  return sum * h
}

describe('Adam on the tanh network against the sign network theory', async () => {
  const { document } = await simulate(spec({ activation: 'tanh' }))
  const { measured, theory_discrete: discrete, theory } = document
  const root = Math.sqrt(D)

  it('follows theory_discrete within 3/sqrt(d), plus the unsaturated first step in M', () => {
    // Finite-d overlaps fluctuate by O(1/sqrt d) (docs/simulation.md section 6; the sign network's
    // runs stay within 1/sqrt d here): 3/sqrt(d) = 0.042. One deviation does not shrink with d: at
    // t = 0 the particles X_0 ~ N(0, I) are independent of w, so u.X_0 = w.X_0/sqrt d ~ N(0, w_norm2)
    // is O(1) and tanh is not saturated: the first step moves M by E|tanh(g)| times the sign
    // network's move, M_discrete(h). M carries that deficit (1 - E|tanh|) M_discrete(h) on, so its
    // tolerance adds it (0.036 here, with Result A's w_norm2(0)).
    const deficit = (1 - meanAbsTanh(Math.sqrt(theory.steps[0].w_norm2))) * discrete.steps[1].M
    for (const [k, row] of measured.steps.entries()) {
      expect(Math.abs(row.M - discrete.steps[k].M), `M at t = ${row.t}`).toBeLessThan(3 / root + deficit)
      for (const key of ['Q_xi', 'P', 'cos']) expect(Math.abs(row[key] - discrete.steps[k][key]), `${key} at t = ${row.t}`).toBeLessThan(3 / root)
    }
  })

  it('takes the first step with tanh, unsaturated: M(h) is low by the deficit above, less the sign bias', () => {
    // At t = h the deviation is predicted: -(1 - E|tanh|) M_discrete(h) from the first step, plus
    // the bias sqrt(2/pi) P/sqrt(d (omega + sigma^2/n)) every run has (docs/simulation.md section
    // 6). What is left is O(1/sqrt d) noise: within 1/sqrt(d) = 0.014. A flow that stepped with sign
    // (or with a saturated tanh) would be off by the whole deficit, 0.036.
    const deficit = (1 - meanAbsTanh(Math.sqrt(theory.steps[0].w_norm2))) * discrete.steps[1].M
    const { n, sigma, omega } = problem
    const bias = (Math.sqrt(2 / Math.PI) * discrete.steps[1].P) / Math.sqrt(D * (omega + sigma ** 2 / n))
    expect(Math.abs(measured.steps[1].M - discrete.steps[1].M - (bias - deficit))).toBeLessThan(1 / root)
  })

  it("learns Result A's weights within 3/sqrt(d) where its margin is large, not near t = 1", () => {
    // u.x_t^mu/sqrt d grows like sqrt(d) times the margin (docs/theory.md section 3) where tanh is
    // saturated and the tanh network is the sign network. The margin vanishes as t -> 1 (w -> 0):
    // at t = 0.9 u.x is O(1) at d = 5000, tanh is in its linear part and Adam's w is larger than
    // Result A's to make up for it (m = 0.020 against 0.014), so only t <= 0.8 is compared, and c.
    const learnt = learntDae(problem)
    for (const row of measured.steps.slice(1, -1)) {
      const a = learnt.at(row.t)
      expect(Math.abs(row.c - a.c), `c at t = ${row.t}`).toBeLessThan(3 / root)
      if (row.t > 0.8 + 1e-9) continue
      for (const key of ['m', 'q_xi']) expect(Math.abs(row[key] - a[key]), `${key} at t = ${row.t}`).toBeLessThan(3 / root)
      expect(row.self_consistent).toBe(1)
    }
  })

  it('prints the activation in params (and sign, the default, not at all)', () => {
    expect(document.params.activation).toBe('tanh')
    expect(document.params.init).toBeUndefined()
  })
})

describe('the starting point of each fit', () => {
  // With one epoch at the smallest rate a fit is its starting point (Adam moves each weight by about lr = 1e-200).
  const data = drawTrainingSet({ d: 4000, n: 4, sigma: 0.9, omega: 1, rho: 0.5 }, rng(2))
  const at = (t: number) => problem.schedule.at(t)
  const overlap = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i], 0) / a.length
  it('fresh: c = 1 and a new w of N(0, 1) entries at every time; warm: the previous fit', async () => {
    // |w|^2/d of d standard normals is 1 with standard deviation sqrt(2/d) = 0.022; the overlap
    // w1.w2/d of two independent draws is 0 with standard deviation 1/sqrt(d) = 0.016: 5 of each.
    const tol = 5 / Math.sqrt(4000)
    const fresh = adamTrainer(data, 0.1, true, { lr: MIN_LR, epochs: 1, init: 'fresh', random: rng(7) })
    const [f1, f2] = [await fresh.fit(at(0.3)), await fresh.fit(at(0.4))]
    for (const f of [f1, f2]) {
      expect(f.c).toBe(1)
      expect(Math.abs(overlap(f.w, f.w) - 1)).toBeLessThan(tol)
    }
    expect(Math.abs(overlap(f1.w, f2.w))).toBeLessThan(tol)
    const warm = adamTrainer(data, 0.1, true, { lr: MIN_LR, epochs: 1 })
    const [g1, g2] = [await warm.fit(at(0.3)), await warm.fit(at(0.4))]
    // Warm: c = 0, w = 0 carried on, moved by at most lr = 1e-200 per epoch.
    for (const g of [g1, g2]) expect(Math.abs(g.c)).toBeLessThan(1e-150)
    expect(overlap(g2.w, g2.w)).toBeLessThan(1e-300)
  })
})

describe('fresh starts against warm starts (sign network)', async () => {
  // Both fits converge to the same minimiser of the fixed-pattern risk wherever the pattern is
  // the labels' (self_consistent = 1), so the two runs' statistics agree to Adam's residual, far
  // below the 3/sqrt(d) both are asked to be within of the theory.
  const small = { d: 2000, steps: 5 }
  const [warm, fresh] = await Promise.all([simulate(spec({ ...small })), simulate(spec({ ...small, init: 'fresh' }))])
  it('both follow theory_discrete within 3/sqrt(d), and each other within 1e-3', () => {
    const tol = 3 / Math.sqrt(small.d)
    for (const run of [warm, fresh]) {
      const { measured, theory_discrete: discrete } = run.document
      for (const [k, row] of measured.steps.entries())
        for (const key of ['M', 'Q_xi', 'P', 'cos', 'M_mu', 'Q_eta']) expect(Math.abs(row[key] - discrete.steps[k][key]), `${key} at t = ${row.t}`).toBeLessThan(tol)
    }
    for (const [k, row] of fresh.document.measured.steps.entries()) expect(Math.abs(row.M - warm.document.measured.steps[k].M)).toBeLessThan(1e-3)
    expect(fresh.document.params.init).toBe('fresh')
  })
})

describe.skipIf(!(await tfjsAvailable()))('the tfjs engine with tanh and the particle cloud', () => {
  it('gives the js engine results up to float32 rounding, the cloud and its PCA included', async () => {
    // Adam runs in double in JavaScript with either engine; only the particles are float32 with
    // tfjs (7 digits; 4 steps of O(d) sums lose about two): 1e-4 on O(1) values. The PCA's
    // eigenvectors are as well conditioned as the gap of its top eigenvalues, which the two
    // clusters make large.
    const small = spec({ activation: 'tanh', d: 400, particles: 40, steps: 4, epochs: 100, snapshots: [0.5, 1] })
    const [js, tf] = await Promise.all([simulate(small), simulate({ ...small, engine: 'tfjs' })])
    for (const [k, row] of js.document.measured.steps.entries())
      for (const key of ['M', 'Q_xi', 'P', 'cos']) expect(Math.abs(tf.document.measured.steps[k][key] - row[key]), `${key} at ${row.t}`).toBeLessThan(1e-4)
    const [a, b] = [js.document.particles!, tf.document.particles!]
    a.rows.forEach((r, i) => expect(Math.abs(b.rows[i].u - r.u) + Math.abs(b.rows[i].v - r.v)).toBeLessThan(1e-4))
    a.pca.rows.forEach((r, i) => expect(Math.abs(b.pca.rows[i].pc1 - r.pc1)).toBeLessThan(1e-4))
    a.pca.theory.forEach((r, i) => expect(Math.abs(b.pca.theory[i].pc1 - r.pc1)).toBeLessThan(1e-4))
  })
})
