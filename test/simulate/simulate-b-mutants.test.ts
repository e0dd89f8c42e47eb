// simulate() at tiny d against a transport written out particle by particle in this file: the
// particles are moved by the velocity b_k(x) = gamma_k x + v_k sign(u_k.x) of the exact fits
// themselves as docs/simulation.md section 3 defines the steps (each scheme's stages evaluated
// as vectors, not through the coefficients on (X, v_1, ...) that src/simulate/runge-kutta.ts
// folds them into), and measured from their coordinates with the projection on span(mu_emp, xi)
// by Gram-Schmidt (not the Gram-matrix inverse). At d = 6 every particle is its own test: a wrong
// sign or a wrong stage coefficient moves M by O(1/P), while both routes agree to rounding.
import { describe, expect, it, vi } from 'vitest'
import { rng } from '../../src/random.js'
import { drawTrainingSet, type TrainingSet } from '../../src/simulate/data.js'
import { createEngine, missingTfjs, tfjsAvailable } from '../../src/simulate/engine.js'
import { simulate, type Row, type SimulationSpec } from '../../src/simulate/simulate.js'
import { adamTrainer, exactTrainer, type Fit } from '../../src/simulate/train.js'
import { dot } from '../../src/simulate/vector.js'
import { flowProblem } from '../../src/theory/problem.js'
import type { Scheme } from '../../src/theory/discrete.js'
import { VERSION } from '../../src/version.js'

const hasTfjs = await tfjsAvailable()
const problem = flowProblem({ n: 3, sigma: 0.8, lambda: 0.2 })
const spec = (o: Partial<SimulationSpec> = {}): SimulationSpec => ({
  problem,
  d: 6,
  particles: 40,
  steps: 2,
  trainer: 'exact',
  lr: 1e-2,
  epochs: 3,
  scheme: 'heun',
  seed: 5,
  engine: 'js',
  ...o,
})

const sgn = (x: number) => (x >= 0 ? 1 : -1)
const axpy = (a: number, x: Float64Array, y: Float64Array) => x.map((xi, i) => a * xi + y[i])

/** The velocity of one fit at x: gamma x + v sign(u.x). */
const velocity = (fit: Fit, x: Float64Array) =>
  axpy(
    fit.velocity.gamma,
    x,
    fit.velocity.v.map((vi) => vi * sgn(dot(fit.velocity.u, x))),
  )

/** The training set and the particles, drawn in the documented order from spec.seed. */
function draws(s: SimulationSpec): { data: TrainingSet; X: Float64Array[] } {
  const random = rng(s.seed)
  const { n, sigma, omega, rho } = s.problem
  const data = drawTrainingSet({ d: s.d, n, sigma, omega, rho }, random)
  return { data, X: Array.from({ length: s.particles }, () => random.fillNormals(new Float64Array(s.d))) }
}

/** Orthonormal basis of span(A, xi) by Gram-Schmidt. */
function basis(A: Float64Array, xi: Float64Array): [Float64Array, Float64Array] {
  const e1 = A.map((a) => a / Math.sqrt(dot(A, A)))
  const r = axpy(-dot(xi, e1), e1, xi)
  return [e1, r.map((x) => x / Math.sqrt(dot(r, r)))]
}

/** The measured row (docs/simulation.md section 4), straight from the particle coordinates. */
function measure(X: Float64Array[], data: TrainingSet): Row {
  const { d, n, A, xi, mu } = data
  const [e1, e2] = basis(A, xi)
  const N = X.length
  let M = 0,
    Q = 0,
    off = 0,
    norm = 0,
    cosSample = 0
  for (const x of X) {
    const s = sgn(dot(x, A))
    M += (s * dot(x, A) * n) / dot(A, A) / N
    Q += (s * dot(x, xi)) / dot(xi, xi) / N
    off += (dot(x, x) - dot(x, e1) ** 2 - dot(x, e2) ** 2) / (N * d)
    norm += dot(x, x) / (N * d)
    cosSample += (s * dot(x, mu)) / Math.sqrt(dot(x, x) * dot(mu, mu)) / N
  }
  return { M, Q_xi: Q, P: Math.sqrt(Math.max(0, off)), norm, cos_sample: cosSample }
}

/**
 * One step of each scheme from x at t_k, in its textbook form (Hairer, Norsett & Wanner, Solving ODEs I,
 * section II.1; not the tableaux of src/theory/discrete.ts), with b(t, y) the velocity of the exact fit at t.
 */
const schemes: Record<Scheme, (b: (t: number, y: Float64Array) => Float64Array, t: number, h: number, x: Float64Array) => Float64Array> = {
  euler: (b, t, h, x) => axpy(h, b(t, x), x),
  heun: (b, t, h, x) => {
    const k1 = b(t, x)
    const k2 = b(t + h, axpy(h, k1, x))
    return axpy(h / 2, axpy(1, k1, k2), x)
  },
  midpoint: (b, t, h, x) => axpy(h, b(t + h / 2, axpy(h / 2, b(t, x), x)), x),
  rk4: (b, t, h, x) => {
    const k1 = b(t, x)
    const k2 = b(t + h / 2, axpy(h / 2, k1, x))
    const k3 = b(t + h / 2, axpy(h / 2, k2, x))
    const k4 = b(t + h, axpy(h, k3, x))
    const sum = k1.map((_, i) => k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i])
    return axpy(h / 6, sum, x)
  },
}

/** Every step's measured row of a run with the exact trainer, transported here particle by particle. */
function transported(s: SimulationSpec): Row[] {
  const { data, X } = draws(s)
  const trainer = exactTrainer(data, s.problem.lambda, s.problem.skip)
  const K = s.steps,
    h = 1 / K
  // The stage times are t_k, (k + 1/2)/K and t_(k+1) = (k + 1)/K, each computed as the nearest double.
  const fits = new Map<number, Fit>()
  const b = (t: number, y: Float64Array) => {
    const time = Math.round(2 * K * t)
    if (!fits.has(time)) fits.set(time, trainer.fit(s.problem.schedule.at(time / (2 * K))))
    return velocity(fits.get(time)!, y)
  }
  const rows = [measure(X, data)]
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < X.length; i++) X[i] = schemes[s.scheme](b, k / K, h, X[i])
    rows.push(measure(X, data))
  }
  return rows
}

describe('simulate at d = 6 against the particles moved and measured by hand', () => {
  // Both routes sum the same O(d P) products in another order, so they differ by rounding only:
  // observed at most 8e-16 (on the scale max(1, norm)) over these runs and keys, the four
  // schemes; tolerance 4e-15.
  // A sign flipped for one particle moves M by 2|X.mu_emp| n/(P|A|^2) ~ 1e-2. P is compared
  // squared, on the scale of norm: P^2 is a difference of squared norms, and at t = 1 without skip
  // connection P -> 0, where its square root turns a rounding of 1e-16 into 1e-8.
  const TOL = 4e-15
  const squared = (r: Row): Row => ({ ...r, P: r.P ** 2 })
  const expectRows = (rows: Row[], want: Row[], tol: number) => {
    expect(rows).toHaveLength(want.length)
    rows.forEach((row, k) => {
      const got = squared(row),
        ref = squared(want[k])
      for (const key of Object.keys(ref)) expect(Math.abs(got[key] - ref[key]), `${key} at step ${k}`).toBeLessThan(tol * Math.max(1, ref.norm))
    })
  }
  const cases: Array<[string, Partial<SimulationSpec>]> = [
    ['heun, 2 steps', {}],
    ['heun, 1 step (a large h, where the predictor changes the signs most)', { steps: 1, particles: 80 }],
    ['heun, another seed and rho', { seed: 11, problem: flowProblem({ n: 3, sigma: 0.8, lambda: 0.2, rho: 0.7 }), steps: 3 }],
    ['euler without skip connection', { scheme: 'euler', problem: flowProblem({ n: 3, sigma: 0.8, lambda: 0.2, skip: false }), steps: 4 }],
    ['midpoint, 2 steps', { scheme: 'midpoint' }],
    ['midpoint without skip connection', { scheme: 'midpoint', problem: flowProblem({ n: 3, sigma: 0.8, lambda: 0.2, skip: false }), steps: 4 }],
    ['rk4, 2 steps', { scheme: 'rk4' }],
    ['rk4, 1 step', { scheme: 'rk4', steps: 1, particles: 80 }],
    ['rk4, another seed and rho', { scheme: 'rk4', seed: 11, problem: flowProblem({ n: 3, sigma: 0.8, lambda: 0.2, rho: 0.7 }), steps: 3 }],
    // alpha beta' - alpha' beta is 1 on the linear schedule and pi/2 on trig: v_t = W(t) u_t/(n + lambda)
    // then makes u_s.v_t and u_t.v_s equal. Here W = 2t - t^2 varies, and tells them apart.
    ['rk4, a schedule whose W(t) varies', { scheme: 'rk4', problem: flowProblem({ n: 3, sigma: 0.8, lambda: 0.2, schedule: { alpha: '1-t', beta: 't^2' } }), steps: 1, particles: 200 }],
  ]
  for (const [label, o] of cases) {
    it(`${label}: M, Q_xi, P, norm, cos_sample at every step`, async () => {
      const s = spec(o)
      const want = transported(s)
      expectRows((await simulate(s)).document.measured.steps, want, TOL)
    })
  }

  for (const scheme of ['heun', 'rk4'] as const) {
    it.skipIf(!hasTfjs)(`${scheme} with the tfjs engine: the same rows up to float32 rounding`, async () => {
      const s = spec({ engine: 'tfjs', scheme })
      const want = transported(s)
      // X is held in float32 (unit roundoff 6e-8): observed at most 1.1e-7 (P^2), tolerance 5e-7. Its
      // coefficients must come as exactly P rows of one per distinct fit, or tfjs refuses their shape.
      expectRows((await simulate(s)).document.measured.steps, want, 5e-7)
    })
  }

  it('m and q_xi are the coordinates of w on (mu_emp, xi): the exact w lies in that span', async () => {
    // w = alpha u/(n + lambda) with u = r A - c xi (src/simulate/train.ts), so
    // w - m A/n - q_xi xi vanishes up to the rounding of a 2 x 2 solve: observed at most 4.5e-16 of
    // |w|, tolerance 3e-15. A wrong Gram determinant or cross term leaves O(A.xi/|A||xi|) of |w|.
    const s = spec({ steps: 4 })
    const { data } = draws(s)
    const exact = exactTrainer(data, s.problem.lambda, true)
    const { document } = await simulate(s)
    document.measured.steps.slice(0, -1).forEach((row, k) => {
      const { w } = exact.fit(s.problem.schedule.at(k / s.steps))
      const rest = w.map((wi, i) => wi - (row.m * data.A[i]) / data.n - row.q_xi * data.xi[i])
      expect(Math.sqrt(dot(rest, rest) / dot(w, w)), `t = ${row.t}`).toBeLessThan(3e-15)
      // The same dot product of the same vector: equal to the bit.
      expect(row.w_norm2).toBe(dot(w, w) / s.d)
    })
  })
})

describe('simulate with adam', () => {
  it('exact_distance is sqrt(|w - w_exact|^2/d + (c - c_exact)^2) of the fits, and params carry lr and epochs', async () => {
    // Three epochs leave Adam far from the exact fit (distance O(1)), so both terms count. Adam
    // is warm-started, so the fits are taken here in the order simulate() takes them (Euler: one
    // per step, t = k/K, k < K). The same sums in the same order: observed equal to the bit;
    // tolerance 1e-15 relative, a few ulps, for a reordering of the sum.
    const s = spec({ trainer: 'adam', scheme: 'euler', steps: 3, lr: 0.05 })
    const { data } = draws(s)
    const adam = adamTrainer(data, s.problem.lambda, true, { lr: s.lr, epochs: s.epochs })
    const exact = exactTrainer(data, s.problem.lambda, true)
    const want: number[] = []
    for (let k = 0; k < s.steps; k++) {
      const at = s.problem.schedule.at(k / s.steps)
      const fit = await adam.fit(at)
      const e = exact.fit(at)
      let dw = 0
      fit.w.forEach((wi, i) => {
        dw += (wi - e.w[i]) ** 2
      })
      expect(Math.abs(fit.c - e.c)).toBeGreaterThan(1e-3)
      want.push(Math.sqrt(dw / s.d + (fit.c - e.c) ** 2))
    }
    const { document } = await simulate(s)
    want.forEach((x, k) => expect(Math.abs(document.measured.steps[k].exact_distance - x) / x, `step ${k}`).toBeLessThan(1e-15))
    const { schedule } = s.problem
    const common = {
      d: 6,
      n: 3,
      sigma: 0.8,
      lambda: 0.2,
      omega: 1,
      rho: 0.5,
      particles: 40,
      scheme: 'euler',
      schedule: schedule.name,
      alpha: schedule.alpha,
      beta: schedule.beta,
      skip: true,
      seed: 5,
      engine: 'js',
      version: VERSION,
    }
    expect(document.params).toEqual({ ...common, steps: 3, trainer: 'adam', lr: 0.05, epochs: 3 })
    // With the exact trainer lr and epochs fix nothing, and are not printed.
    const exactRun = await simulate(spec({ steps: 1, scheme: 'euler', lr: 0.05 }))
    expect(exactRun.document.params).toEqual({ ...common, steps: 1, trainer: 'exact' })
  })
})

describe('engines', () => {
  const third = (row: Float64Array) => row.fill(1 / 3)
  const e1 = Float64Array.of(1, 0, 0)

  // A coordinate 1/3 read back through the probe e_1: exactly 1/3 in double, fround(1/3) =
  // 0.3333333432674408 in float32 (docs/simulation.md section 7: tfjs keeps X in float32).
  it('js keeps the particles in double', async () => {
    const js = await createEngine('js', 2, 3, third)
    expect(js.name).toBe('js')
    expect([...js.project([e1]).dots]).toEqual([1 / 3, 1 / 3])
  })

  it.skipIf(!hasTfjs)('tfjs keeps the particles in float32', async () => {
    const tf = await createEngine('tfjs', 2, 3, third)
    expect(tf.name).toBe('tfjs')
    expect([...tf.project([e1]).dots]).toEqual([Math.fround(1 / 3), Math.fround(1 / 3)])
    tf.dispose()
  })

  it('without the optional tfjs packages: unavailable, and the error names --engine and the install command', async () => {
    // tfjs is installed here: its absence is a package that fails to load, as a missing one does.
    vi.resetModules()
    vi.doMock('@tensorflow/tfjs', () => {
      throw new Error("Cannot find package '@tensorflow/tfjs'")
    })
    try {
      const fresh = await import('../../src/simulate/engine.js')
      expect(await fresh.tfjsAvailable()).toBe(false)
    } finally {
      vi.doUnmock('@tensorflow/tfjs')
      vi.resetModules()
    }
    const e = missingTfjs()
    expect(e.parameter).toBe('engine')
    expect(e.message).toBe('engine: tfjs is not installed (it is an optional dependency); install it with `npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm` or use the js engine')
  })
})
