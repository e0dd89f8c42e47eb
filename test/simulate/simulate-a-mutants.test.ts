// simulate() as an orchestration: the refusals of its own flags (docs/cli.md, `flowgm simulate`),
// the transport of the particles compared with a transport of the vectors written out by hand,
// the trainer and its options, the progress calls and the timing. Runs are tiny (d = 40, a few
// particles and steps): these are exact properties at any d, not statistics.
import { describe, expect, it } from 'vitest'
import { ParameterError } from '../../src/errors.js'
import { checkSpec, simulate, type Row, type SimulationSpec } from '../../src/simulate/simulate.js'
import { adamTrainer, exactTrainer, type Fit } from '../../src/simulate/train.js'
import type { TrainingSet } from '../../src/simulate/data.js'
import { dot } from '../../src/simulate/vector.js'
import { flowProblem } from '../../src/theory/problem.js'
import { smallSpec, trainingSet } from './finite-d.js'

const problem = flowProblem({ n: 8, sigma: 1.5, lambda: 0.1 })
const noSkip = flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, skip: false })
const spec = (o: Partial<SimulationSpec> = {}): SimulationSpec => smallSpec({ problem, ...o })

/** checkSpec's answer: the refusal's message, or 'accepted'. */
function verdict(s: SimulationSpec): string {
  try {
    checkSpec(s)
    return 'accepted'
  } catch (e) {
    return e instanceof ParameterError ? e.message : `not a ParameterError: ${String(e)}`
  }
}

describe('checkSpec: the refusals of docs/cli.md', () => {
  // The messages are written from docs/cli.md's list of refusals (one line naming the flag and
  // the rule); the accepted values are the ends of each documented range.
  const MAX = '9007199254740991'
  const cases: Array<[Partial<SimulationSpec>, string]> = [
    [{ d: 1 }, `d: must be an integer in [2, ${MAX}] (got 1)`],
    [{ d: 2.5 }, `d: must be an integer in [2, ${MAX}] (got 2.5)`],
    [{ d: 2 ** 53 }, `d: must be an integer in [2, ${MAX}] (got 9007199254740992)`],
    [{ d: 2 }, 'accepted'],
    [{ particles: 0 }, `particles: must be an integer in [1, ${MAX}] (got 0)`],
    [{ particles: 1 }, 'accepted'],
    [{ steps: 0 }, `steps: must be an integer in [1, ${MAX}] (got 0)`],
    [{ steps: 1 }, 'accepted'],
    [{ epochs: 0 }, `epochs: must be an integer in [1, ${MAX}] (got 0)`],
    [{ epochs: 1 }, 'accepted'],
    [{ lr: 1e-320 }, 'lr: must be a finite number >= 1e-200: a smaller Adam step underflows double precision (got 1e-320)'],
    [{ seed: -1 }, 'seed: must be an integer in [0, 4294967295] (got -1)'],
    [{ seed: 1.5 }, 'seed: must be an integer in [0, 4294967295] (got 1.5)'],
    [{ seed: 4294967296 }, 'seed: must be an integer in [0, 4294967295] (got 4294967296)'],
    [{ seed: 0 }, 'accepted'],
    [{ seed: 4294967295 }, 'accepted'],
    [{ trainer: 'sgd' as 'exact' }, "trainer: must be one of exact, adam (got 'sgd')"],
    [{ scheme: 'rk5' as 'euler' }, "scheme: must be one of euler, heun, midpoint, rk4 (got 'rk5')"],
    [{ scheme: 'rk4' }, 'accepted'],
    [{ scheme: 'midpoint' }, 'accepted'],
    [{ engine: 'gpu' as 'js' }, "engine: must be one of tfjs, js (got 'gpu')"],
    [{ trainer: 'adam', scheme: 'heun', engine: 'tfjs' }, 'accepted'],
    [
      { scheme: 'heun', problem: noSkip },
      'scheme: heun evaluates the velocity at t = 1 in its last step, a pole of the flow without skip connection (the learnt velocity is unbounded there); use euler or midpoint, or the skip connection',
    ],
    [
      { scheme: 'rk4', problem: noSkip },
      'scheme: rk4 evaluates the velocity at t = 1 in its last step, a pole of the flow without skip connection (the learnt velocity is unbounded there); use euler or midpoint, or the skip connection',
    ],
    [{ scheme: 'euler', problem: noSkip }, 'accepted'],
    // midpoint's stages are at t_k and t_k + h/2: it never evaluates the velocity at the pole t = 1.
    [{ scheme: 'midpoint', problem: noSkip }, 'accepted'],
  ]
  it('refuses each value outside its documented range with its one-line message, and accepts the ends', () => {
    expect(cases.map(([o]) => verdict(spec(o)))).toEqual(cases.map(([, want]) => want))
  })
})

/** The flow measurements of docs/cli.md from the particle vectors, with s_i = sign(X_i.A). */
function observe(X: Float64Array[], data: TrainingSet): Row {
  const { d, n, A, xi, mu } = data
  const N = X.length
  // An orthonormal basis of span(A, xi) by Gram-Schmidt: the projection without the Gram matrix.
  const e1 = A.map((a) => a / Math.sqrt(dot(A, A)))
  const r = xi.map((x, i) => x - dot(xi, e1) * e1[i])
  const e2 = r.map((x) => x / Math.sqrt(dot(r, r)))
  const row: Row = { M: 0, Q_xi: 0, P: 0, norm: 0, cos_sample: 0 }
  let rest = 0
  for (const x of X) {
    const s = dot(x, A) >= 0 ? 1 : -1
    // mu_emp = A/n, so X.mu_emp/|mu_emp|^2 = n X.A/|A|^2.
    row.M += (s * n * dot(x, A)) / dot(A, A) / N
    row.Q_xi += (s * dot(x, xi)) / dot(xi, xi) / N
    rest += dot(x, x) - dot(x, e1) ** 2 - dot(x, e2) ** 2
    row.norm += dot(x, x) / (N * d)
    row.cos_sample += (s * dot(x, mu)) / Math.sqrt(dot(x, x) * dot(mu, mu)) / N
  }
  row.P = Math.sqrt(Math.max(0, rest / (N * d)))
  return row
}

/**
 * The particles of `s` moved by the scheme on the full vectors, with b(t, x) = gamma x + v sign(u.x)
 * of the fit at t: Euler x + h b(t_k, x); Heun x~ = x + h b(t_k, x), x + h/2 (b(t_k, x) + b(t_k+1, x~));
 * rk4 x + h/6 (k1 + 2 k2 + 2 k3 + k4) with k2, k3 at t_k + h/2, k4 at t_k + h. b at t = 1 is
 * the exact trainer's limit t -> 1 (docs/simulation.md). The fits come from the trainer of `s`
 * called at each time the scheme uses, in increasing order, once each, as Adam's warm start
 * requires: Euler t_k (k < K), Heun t_k (k < K), rk4 t_k and t_k + h/2 (k < K). Returns the
 * measurements at every t_k.
 */
async function byHand(s: SimulationSpec): Promise<Row[]> {
  const { data, random } = trainingSet(s.problem, s.d, s.seed)
  const { lambda, skip, schedule } = s.problem
  const exact = exactTrainer(data, lambda, skip)
  const trainer = s.trainer === 'adam' ? adamTrainer(data, lambda, skip, { lr: s.lr, epochs: s.epochs }) : exact
  const X = Array.from({ length: s.particles }, () => random.fillNormals(new Float64Array(s.d)))
  const K = s.steps,
    h = 1 / K
  // fits[j]: the fit at t = j/(2K), j = 0..2K; half-times only for rk4.
  const fits: Fit[] = []
  for (let j = 0; j < 2 * K; j++) fits.push(j % 2 === 0 || s.scheme === 'rk4' ? await trainer.fit(schedule.at(j / (2 * K))) : fits[j - 1])
  fits.push(exact.fit(schedule.at(1)))
  const b = (t: number, x: Float64Array) => {
    const fit = fits[Math.round(2 * K * t)]
    const sign = dot(fit.velocity.u, x) >= 0 ? 1 : -1
    return x.map((xi, i) => fit.velocity.gamma * xi + sign * fit.velocity.v[i])
  }
  const plus = (x: Float64Array, a: number, y: Float64Array) => x.map((xi, i) => xi + a * y[i])
  const step: Record<string, (t: number, x: Float64Array) => Float64Array> = {
    euler: (t, x) => b(t, x),
    heun: (t, x) => {
      const b0 = b(t, x)
      return b(t + h, plus(x, h, b0)).map((b1, i) => (b0[i] + b1) / 2)
    },
    rk4: (t, x) => {
      const k1 = b(t, x)
      const k2 = b(t + h / 2, plus(x, h / 2, k1))
      const k3 = b(t + h / 2, plus(x, h / 2, k2))
      const k4 = b(t + h, plus(x, h, k3))
      return k1.map((_, i) => (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) / 6)
    },
  }
  const rows = [observe(X, data)]
  for (let k = 0; k < K; k++) {
    for (const x of X) {
      const next = step[s.scheme](k / K, x)
      for (let i = 0; i < s.d; i++) x[i] += h * next[i]
    }
    rows.push(observe(X, data))
  }
  return rows
}

describe('simulate: the transport against the particles moved by hand', () => {
  // The same arithmetic in another order (simulate moves X by a X + sum C_j V_j with Heun's
  // coefficients collected; the dots are summed in blocks): the rows agree to rounding, a few
  // ulps of O(1) values after 3 steps (observed at most 4.2e-16, relative to max(1, |value|)),
  // tolerance 4e-15, ten times that. A sign
  // sign(u.x) taken from a wrong direction, a wrong fit or a wrong scheme moves the values by O(h).
  const runs: Array<[string, Partial<SimulationSpec>]> = [
    ['euler, exact', {}],
    ['heun, exact', { scheme: 'heun' }],
    ['heun, adam', { scheme: 'heun', trainer: 'adam', lr: 0.05, epochs: 3 }],
    ['euler, adam', { trainer: 'adam', lr: 0.05, epochs: 3 }],
    ['euler, exact, no skip', { problem: noSkip }],
    // Adam's fits at the half-steps too, warm-started through them in time order.
    ['rk4, adam', { scheme: 'rk4', trainer: 'adam', lr: 0.05, epochs: 3 }],
  ]
  for (const [label, o] of runs) {
    it(`${label}: M, Q_xi, P, norm, cos_sample at every t_k`, async () => {
      const s = spec(o)
      const want = await byHand(s)
      const { document } = await simulate(s)
      const got = document.measured.steps
      expect(got.map((r) => r.t)).toEqual([0, 1 / 3, 2 / 3, 1])
      want.forEach((row, k) => {
        for (const [key, value] of Object.entries(row)) {
          // P is the root of a difference of squared norms, whose rounding is absolute (~1e-16
          // |X|^2/d): without skip connection P(1) = 0 and the root of the rounding is ~1e-8.
          const [a, b] = key === 'P' ? [got[k].P ** 2, value ** 2] : [got[k][key], value]
          expect(Math.abs(a - b), `${key} at k = ${k}`).toBeLessThan(4e-15 * Math.max(1, Math.abs(b)))
        }
      })
    })
  }
})

describe('simulate: trainer options, progress and timing', () => {
  it("adam's first epoch at t = 0 moves c and each w_i by lr times the sign of the gradient", async () => {
    // From c = 0, w = 0 with the signs pinned to the labels at t = 0 (x_t = x0), the gradients are
    // dR/dc = -sum x0.x1 and dR/dw = -A; Adam's first step with bias correction is
    // -lr g/(|g| + eps) per coordinate (Kingma & Ba, eps = 1e-8). Rounding, observed over seeds
    // 1-5: c within 1 ulp (6.9e-18), w_norm2 within 2.2e-16 relative; tolerances 5 and 10 times that.
    const lr = 0.05
    const s = spec({ trainer: 'adam', lr, epochs: 1 })
    const { document } = await simulate(s)
    const { data } = trainingSet(problem, s.d, s.seed)
    let S01 = 0
    for (let i = 0; i < data.x0.length; i++) S01 += data.x0[i] * data.x1[i]
    const wNorm2 = Array.from(data.A, (a) => ((lr * a) / (Math.abs(a) + 1e-8)) ** 2).reduce((x, y) => x + y) / s.d
    const first = document.measured.steps[0]
    expect(Math.abs(first.c - (lr * S01) / (Math.abs(S01) + 1e-8))).toBeLessThan(3.5e-17)
    expect(Math.abs(first.w_norm2 / wNorm2 - 1)).toBeLessThan(2.2e-15)
    expect(document.params.lr).toBe(lr)
    expect(document.params.epochs).toBe(1)
  })

  it('calls onStep once per step with (k, K), and its laps add up to no more than the wall time', async () => {
    const calls: Array<[number, number]> = []
    const start = performance.now()
    const { timing } = await simulate(spec(), { onStep: (done, total) => calls.push([done, total]) })
    const wall = (performance.now() - start) / 1000
    expect(calls).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ])
    // Laps of the same clock, in seconds, taken inside the call: each >= 0 and together within
    // the wall time of the call (plus rounding of the subtractions, far below 1e-9 s).
    const laps = [timing.setup, timing.training, timing.transport]
    for (const lap of laps) expect(lap).toBeGreaterThanOrEqual(0)
    expect(laps.reduce((x, y) => x + y)).toBeLessThanOrEqual(wall + 1e-9)
    expect(laps.reduce((x, y) => x + y)).toBeGreaterThan(0)
  })
})
