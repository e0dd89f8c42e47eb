// The finite-d simulation (src/simulate) against identities that hold at every d, and against the
// theory with tolerances from the O(1/sqrt(d)) size of finite-d fluctuations.
import { describe, expect, it } from 'vitest'
import { rng } from '../../src/random.js'
import { drawTrainingSet, type TrainingSet } from '../../src/simulate/data.js'
import { tfjsAvailable } from '../../src/simulate/engine.js'
import { simulate, type SimulationSpec } from '../../src/simulate/simulate.js'
import { exactTrainer } from '../../src/simulate/train.js'
import { flowProblem } from '../../src/theory/problem.js'
import { learntDae, solve } from '../../src/theory/solve.js'
import { SCHEMES, type Scheme } from '../../src/theory/discrete.js'

const hasTfjs = await tfjsAvailable()
const problem = flowProblem({ n: 8, sigma: 1.5, lambda: 0.1 })
const spec = (o: Partial<SimulationSpec> = {}): SimulationSpec => ({
  problem,
  d: 1000,
  particles: 100,
  steps: 20,
  trainer: 'exact',
  lr: 1e-2,
  epochs: 2000,
  scheme: 'euler',
  seed: 1,
  engine: 'js',
  ...o,
})

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i] * b[i]
  return s
}
const row = (X: Float64Array, k: number, d: number) => X.subarray(k * d, (k + 1) * d)

describe('training set', () => {
  it('follows the documented order of draws from the seed', () => {
    const d = 50,
      n = 3,
      sigma = 0.7,
      omega = 2
    const data = drawTrainingSet({ d, n, sigma, omega, rho: 0.5 }, rng(9))
    // The same stream read by hand: d normals for mu, n signs, n*d normals for z, n*d for x0.
    const r = rng(9)
    const g = Array.from({ length: d }, () => r.normal())
    const scale = Math.sqrt((omega * d) / dot(g, g))
    const s = Array.from({ length: n }, () => r.sign(0.5))
    const z = Array.from({ length: n * d }, () => r.normal())
    const x0 = Array.from({ length: n * d }, () => r.normal())
    g.forEach((x, i) => expect(data.mu[i]).toBeCloseTo(x * scale, 14))
    expect([...data.labels]).toEqual(s)
    for (let k = 0; k < n; k++) for (let i = 0; i < d; i++) expect(data.x1[k * d + i]).toBeCloseTo(s[k] * data.mu[i] + sigma * z[k * d + i], 13)
    expect([...data.x0]).toEqual(x0)
    expect(dot(data.mu, data.mu)).toBeCloseTo(omega * d, 10)
  })
})

describe('exact trainer', () => {
  const data: TrainingSet = drawTrainingSet({ d: 400, n: 5, sigma: 1.2, omega: 1, rho: 0.5 }, rng(3))
  const { n, d, x0, x1, labels } = data
  const lambda = 0.3
  const trainer = exactTrainer(data, lambda, true)
  // The fixed-pattern risk, written out directly from docs/theory.md section 2.
  const risk = (alpha: number, beta: number, c: number, w: Float64Array) => {
    let r = (lambda / 2) * dot(w, w)
    for (let k = 0; k < n; k++)
      for (let i = 0; i < d; i++) {
        const xt = alpha * x0[k * d + i] + beta * x1[k * d + i]
        r += 0.5 * (x1[k * d + i] - c * xt - labels[k] * w[i]) ** 2
      }
    return r
  }
  const wOf = (alpha: number, beta: number, c: number) => {
    const w = new Float64Array(d)
    for (let k = 0; k < n; k++) for (let i = 0; i < d; i++) w[i] += (labels[k] * (x1[k * d + i] - c * (alpha * x0[k * d + i] + beta * x1[k * d + i]))) / (n + lambda)
    return w
  }

  it('minimises the fixed-pattern risk: w = (A - cB)/(n + lambda) and c at the minimum of R(c, w(c))', () => {
    for (const t of [0.1, 0.5, 0.9]) {
      const [alpha, beta, alphadot, betadot] = problem.schedule.at(t)
      const fit = trainer.fit([alpha, beta, alphadot, betadot])
      const w = wOf(alpha, beta, fit.c)
      for (let i = 0; i < d; i++) expect(fit.w[i]).toBeCloseTo(w[i], 12)
      const r0 = risk(alpha, beta, fit.c, w)
      for (const h of [1e-3, -1e-3]) expect(risk(alpha, beta, fit.c + h, wOf(alpha, beta, fit.c + h))).toBeGreaterThan(r0)
      expect(fit.gradNorm).toBeLessThan(1e-12)
      // The pole-free velocity equals alpha'/alpha x + zeta f(x) for t < 1.
      const zeta = betadot - (alphadot * beta) / alpha
      expect(fit.velocity.gamma).toBeCloseTo(alphadot / alpha + zeta * fit.c, 12)
      for (let i = 0; i < d; i += 37) expect(fit.velocity.v[i]).toBeCloseTo(zeta * w[i], 12)
      expect(dot(fit.velocity.u, w)).toBeGreaterThan(0)
    }
  })

  it('gives at t = 1 the limit of the velocity (c = 1, w = 0)', () => {
    const end = trainer.fit(problem.schedule.at(1))
    expect(end.c).toBe(1)
    expect(dot(end.w, end.w)).toBe(0)
    const near = trainer.fit(problem.schedule.at(1 - 1e-7))
    // The velocity is smooth in t, so the gap is O(1e-7).
    expect(Math.abs(near.velocity.gamma - end.velocity.gamma)).toBeLessThan(1e-5)
    for (let i = 0; i < d; i += 37) expect(Math.abs(near.velocity.v[i] - end.velocity.v[i])).toBeLessThan(1e-5)
  })
})

describe('simulate', () => {
  it('is reproducible from its seed, and another seed gives other numbers', async () => {
    const a = await simulate(spec({ steps: 5 }))
    const b = await simulate(spec({ steps: 5 }))
    const c = await simulate(spec({ steps: 5, seed: 2 }))
    expect(b.document).toEqual(a.document)
    expect(c.document.measured.final.M).not.toBe(a.document.measured.final.M)
  })

  it('scales the component of the particles off span(mu_emp, xi) exactly as the scheme scales P', async () => {
    // The exact trainer's velocity gamma x + v sign(u.x) moves particles off span(A, xi) only by
    // the factor in front of x, so P^2 = mean |X - projection|^2/d follows P' = gamma(t) P
    // discretised by the scheme, exactly at any d. Each scheme on that scalar ODE, written out
    // (g(t) = gamma of the exact fit at t; at t = 1 its limit):
    const schemes: Record<Scheme, (g: (t: number) => number, t: number, h: number) => number> = {
      euler: (g, t, h) => 1 + h * g(t),
      heun: (g, t, h) => 1 + (h / 2) * (g(t) + g(t + h) * (1 + h * g(t))),
      midpoint: (g, t, h) => 1 + h * g(t + h / 2) * (1 + (h / 2) * g(t)),
      rk4: (g, t, h) => {
        const k1 = g(t)
        const k2 = g(t + h / 2) * (1 + (h / 2) * k1)
        const k3 = g(t + h / 2) * (1 + (h / 2) * k2)
        const k4 = g(t + h) * (1 + h * k3)
        return 1 + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
      },
    }
    for (const scheme of SCHEMES) {
      const s = spec({ steps: 10, scheme })
      const { document } = await simulate(s)
      const data = drawTrainingSet({ d: s.d, n: problem.n, sigma: problem.sigma, omega: problem.omega, rho: problem.rho }, rng(s.seed))
      const trainer = exactTrainer(data, problem.lambda, true)
      const g = (t: number) => trainer.fit(problem.schedule.at(t)).velocity.gamma
      const h = 1 / s.steps
      let p = 1
      for (let k = 0; k < s.steps; k++) p *= schemes[scheme](g, k * h, h)
      const P = document.measured.steps.map((r) => r.P)
      expect(P[s.steps] / P[0], scheme).toBeCloseTo(p, 12)
    }
  })

  it('agrees with the theory of the same scheme within O(1/sqrt(d)), and the gap shrinks with d', async () => {
    // Overlaps normalised by d fluctuate by O(1/sqrt(d)); M-hat also has a positive bias of about
    // sqrt(2/pi) P/sqrt(d (omega + sigma^2/n)) from s_i = sign(X_i.mu_emp) (docs/simulation.md).
    // Tolerance 4/sqrt(d) on each of M, Q_xi, P, cos_sample at every step.
    const gap = async (d: number) => {
      const { document } = await simulate(spec({ d, particles: 200, steps: 25 }))
      let worst = 0
      document.measured.steps.forEach((m, k) => {
        const q = document.theory_discrete.steps[k]
        for (const key of ['M', 'Q_xi', 'P', 'cos_sample']) worst = Math.max(worst, Math.abs(m[key] - q[key]))
      })
      return worst
    }
    const small = await gap(1000)
    const large = await gap(16000)
    expect(small).toBeLessThan(4 / Math.sqrt(1000))
    expect(large).toBeLessThan(4 / Math.sqrt(16000))
    // sqrt(16) = 4 expected; 2 leaves room for the noise of one seed.
    expect(small / large).toBeGreaterThan(2)
  })

  it('measures the learnt DAE of Result A within O(1/sqrt(d)), whatever the class weight rho', async () => {
    // docs/theory.md section 3: Result A does not depend on rho. Tolerance 4/sqrt(d) on c, m, q_xi.
    const d = 4000
    const dae = learntDae(problem)
    for (const rho of [0.5, 0.8]) {
      const { document } = await simulate(spec({ d, problem: flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, rho }), particles: 10, steps: 10 }))
      document.measured.steps.slice(1, -1).forEach((m) => {
        const want = dae.at(m.t)
        for (const key of ['c', 'm', 'q_xi']) expect(Math.abs(m[key] - want[key]), `${key} at t = ${m.t}, rho = ${rho}`).toBeLessThan(4 / Math.sqrt(d))
        expect(m.self_consistent).toBe(1)
      })
    }
  })

  it('at t = 1: mse, cos and var near the theory, and the finite-d baselines near theirs', async () => {
    const d = 8000
    const { document } = await simulate(spec({ d, particles: 300, steps: 50 }))
    const m = document.measured.final,
      q = document.theory_discrete.final,
      th = document.theory.final
    for (const key of ['mse', 'cos', 'var']) expect(Math.abs(m[key] - q[key]), key).toBeLessThan(6 / Math.sqrt(d))
    for (const key of ['bo_mse', 'bo_cos', 'pca_mse', 'pca_cos']) expect(Math.abs(m[key] - th[key]), key).toBeLessThan(4 / Math.sqrt(d))
    expect(m.label_agreement).toBe(1)
  })

  it('heun and no-skip runs follow their own discrete theory', async () => {
    // Two Heun steps: far from Euler's two steps (P(1) = 1.30 against 0.69), so the test tells the
    // schemes apart. Tolerance 4/sqrt(d) as above.
    const d = 16000
    const runs = [spec({ d, particles: 200, steps: 2, scheme: 'heun' }), spec({ d: 4000, problem: flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, skip: false }) })]
    for (const s of runs) {
      const { document } = await simulate(s)
      document.measured.steps.forEach((m, k) => {
        for (const key of ['M', 'Q_xi', 'P']) expect(Math.abs(m[key] - document.theory_discrete.steps[k][key]), `${s.scheme} ${key}`).toBeLessThan(4 / Math.sqrt(s.d))
      })
    }
  })

  it('rk4 follows its own discrete theory within 4/sqrt(d): M, Q_xi, P at every step, mse at t = 1', async () => {
    // Four rk4 steps, whose P(1) = 1.5044 is far from four Euler steps' 1.0635 (so a run of the
    // wrong scheme fails). Measured |simulation - theory_discrete| over seeds 1-5 at this size, in
    // units of 1/sqrt(d): at most 1.59 (M), 0.50 (Q_xi), 1.24 (P), 0.88 (mse); tolerance 4/sqrt(d).
    const s = spec({ d: 16000, particles: 200, steps: 4, scheme: 'rk4' })
    const { document } = await simulate(s)
    const tol = 4 / Math.sqrt(s.d)
    document.measured.steps.forEach((m, k) => {
      for (const key of ['M', 'Q_xi', 'P']) expect(Math.abs(m[key] - document.theory_discrete.steps[k][key]), `${key} at t = ${m.t}`).toBeLessThan(tol)
    })
    expect(Math.abs(document.measured.final.mse - document.theory_discrete.final.mse)).toBeLessThan(tol)
  })

  it("theory_discrete is flowgm stats --steps K --scheme S: solve()'s K-step states, to the bit", async () => {
    // The same stage recurrence (src/theory/discrete.ts) reached by two entries: the document
    // and a problem carrying the sampler. Any other route (another evaluation order, another
    // grid, the continuous flow) differs in the last bits at least.
    for (const scheme of SCHEMES) {
      const s = spec({ d: 40, particles: 4, steps: 7, scheme })
      const { document } = await simulate(s)
      const stats = solve(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, steps: 7, scheme })).stats(1)
      // weight is no key of stats: the generated weight is 1/2 by symmetry (docs/simulation.md section 5).
      const { weight, ...keys } = document.theory_discrete.final
      for (const [key, value] of Object.entries(keys)) expect(value, `${scheme} ${key}`).toBe(stats[key])
      expect(weight).toBe(0.5)
    }
  })

  it('adam reaches the exact trainer at small d', async () => {
    const { document } = await simulate(spec({ d: 500, particles: 20, steps: 10, trainer: 'adam', epochs: 1500 }))
    const steps = document.measured.steps.slice(0, -1)
    const sorted = (key: string) => steps.map((s) => s[key]).sort((a, b) => a - b)
    const median = (xs: number[]) => xs[xs.length >> 1]
    // exact_distance = sqrt(|w - w_exact|^2/d + (c - c_exact)^2); the weights are O(1).
    expect(median(sorted('exact_distance'))).toBeLessThan(1e-3)
    expect(median(sorted('grad_norm'))).toBeLessThan(1e-3)
  })

  it.skipIf(!hasTfjs)('gives the same results with the tfjs engine, up to float32 rounding', async () => {
    const js = await simulate(spec({ d: 2000, particles: 100 }))
    const tf = await simulate(spec({ d: 2000, particles: 100, engine: 'tfjs' }))
    // float32 carries 7 digits; 20 steps of O(d) sums lose about two.
    for (const key of Object.keys(js.document.measured.final)) {
      expect(Math.abs(tf.document.measured.final[key] - js.document.measured.final[key]), key).toBeLessThan(1e-4)
    }
    expect(tf.document.theory).toEqual(js.document.theory)
  })
})
