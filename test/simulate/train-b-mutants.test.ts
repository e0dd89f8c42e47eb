// The Adam trainer of src/simulate/train.ts against Kingma & Ba's Algorithm 1 written out by hand:
// bias-corrected moments m/(1 - beta1^t), v/(1 - beta2^t) and the step lr m_hat/(sqrt(v_hat) + eps)
// (the trainer folds the corrections into one step size), on the gradient of the risk of
// docs/theory.md section 2 summed point by point from the residuals x1 - c x_t - phi w (the trainer
// keeps running sums over the sign pattern and updates them on sign flips). The learnt velocity is
// b(x) = alpha'/alpha x + zeta f(x), zeta = beta' - alpha' beta/alpha (docs/theory.md section 2:
// x0 = (x - beta x1)/alpha eliminated from alpha' E[x0|x] + beta' E[x1|x]).
import { afterEach, describe, expect, it, vi } from 'vitest'
import { rng } from '../../src/random.js'
import { drawTrainingSet, type TrainingSet } from '../../src/simulate/data.js'
import { adamTrainer, type Fit, type ScheduleValues } from '../../src/simulate/train.js'
import { flowProblem } from '../../src/theory/problem.js'

const sum = (n: number, f: (k: number) => number) => {
  let s = 0
  for (let k = 0; k < n; k++) s += f(k)
  return s
}

interface ByHand {
  c: number
  w: number[]
  phi: number[]
  flips: number
  oriented: boolean
}

/**
 * E epochs of full-batch Adam on R_t(c, w) = 1/2 sum |x1 - c x_t - phi w|^2 + lambda/2 |w|^2 from
 * (c, w), with fresh moments; phi = the labels at beta = 0, else sign(w.x_t) (+1 at 0) re-read every
 * epoch; at the end w (and the last pattern) turned to w.A >= 0.
 */
function adamByHand(data: TrainingSet, lambda: number, skip: boolean, lr: number, epochs: number, at: ScheduleValues, start: { c: number; w: number[] }): ByHand {
  const { n, d, x0, x1, labels } = data
  const [alpha, beta] = at
  const xt = (k: number, i: number) => alpha * x0[k * d + i] + beta * x1[k * d + i]
  const [b1, b2, eps] = [0.9, 0.999, 1e-8]
  let c = start.c
  const w = [...start.w]
  // Moments of the d weights, then of c.
  const m = new Array<number>(d + 1).fill(0),
    v = new Array<number>(d + 1).fill(0)
  let phi: number[] = []
  let flips = 0
  for (let t = 1; t <= epochs; t++) {
    const next = Array.from({ length: n }, (_, k) => (beta === 0 ? labels[k] : sum(d, (i) => w[i] * xt(k, i)) >= 0 ? 1 : -1))
    flips += next.filter((s, k) => phi.length > 0 && s !== phi[k]).length
    phi = next
    const g = [...w.map((x) => lambda * x), 0]
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < d; i++) {
        const r = x1[k * d + i] - c * xt(k, i) - phi[k] * w[i]
        g[i] -= phi[k] * r
        g[d] -= xt(k, i) * r
      }
    }
    const theta = [...w, c]
    for (let j = 0; j < (skip ? d + 1 : d); j++) {
      m[j] = b1 * m[j] + (1 - b1) * g[j]
      v[j] = b2 * v[j] + (1 - b2) * g[j] ** 2
      theta[j] -= (lr * (m[j] / (1 - b1 ** t))) / (Math.sqrt(v[j] / (1 - b2 ** t)) + eps)
    }
    theta.slice(0, d).forEach((x, i) => {
      w[i] = x
    })
    c = theta[d]
  }
  const A = Array.from({ length: d }, (_, i) => sum(n, (k) => labels[k] * x1[k * d + i]))
  const oriented = sum(d, (i) => w[i] * A[i]) < 0
  return oriented ? { c, w: w.map((x) => -x), phi: phi.map((s) => -s), flips, oriented } : { c, w, phi, flips, oriented }
}

/** The normalised stationarity residual of Fit.gradNorm at (c, w) for the pattern phi, from R_t's gradient. */
function residualByHand(data: TrainingSet, lambda: number, skip: boolean, at: ScheduleValues, c: number, w: number[], phi: number[]): number {
  const { n, d, x0, x1 } = data
  const [alpha, beta] = at
  const gw = w.map((x) => lambda * x)
  let gc = 0
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < d; i++) {
      const xt = alpha * x0[k * d + i] + beta * x1[k * d + i]
      const r = x1[k * d + i] - c * xt - phi[k] * w[i]
      gw[i] -= phi[k] * r
      gc -= xt * r
    }
  }
  return Math.sqrt(sum(d, (i) => gw[i] ** 2) / d + (skip ? (gc / d) ** 2 : 0)) / n
}

/** Largest gap between the fit and the hand-written run, relative to the size of each quantity. */
function gap(fit: Fit, ref: ByHand, data: TrainingSet, lambda: number, skip: boolean, at: ScheduleValues): number {
  const { n, d, x0, x1, labels } = data
  const [alpha, beta, alphadot, betadot] = at
  const zeta = betadot - (alphadot * beta) / alpha
  const wScale = Math.max(...ref.w.map(Math.abs))
  const rel = (x: number, want: number, scale = Math.abs(want)) => Math.abs(x - want) / scale
  const consistent = sum(n, (k) => (Math.sign(sum(d, (i) => ref.w[i] * (alpha * x0[k * d + i] + beta * x1[k * d + i]))) === labels[k] ? 1 : 0)) / n
  return Math.max(
    rel(fit.c, ref.c, Math.max(Math.abs(ref.c), 1e-300)),
    ...ref.w.map((x, i) => rel(fit.w[i], x, wScale)),
    ...ref.w.map((x, i) => rel(fit.velocity.u[i], x, wScale)),
    ...ref.w.map((x, i) => rel(fit.velocity.v[i], zeta * x, Math.abs(zeta) * wScale)),
    rel(fit.velocity.gamma, alphadot / alpha + zeta * ref.c, Math.abs(alphadot / alpha) + Math.abs(zeta * ref.c)),
    rel(fit.gradNorm, residualByHand(data, lambda, skip, at, ref.c, ref.w, ref.phi)),
    Math.abs(fit.selfConsistent - consistent),
  )
}

const linear = flowProblem({ n: 6, sigma: 1.2, lambda: 0.3 }).schedule
const trig = flowProblem({ n: 6, sigma: 1.2, lambda: 0.3, schedule: 'trig' }).schedule

describe('adam trainer: Kingma & Ba by hand', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  // Rounding: both routes take the same steps up to a few ulps per operation (the step is
  // homogeneous of degree 0 in the gradient, so relative errors do not grow with its size); over 30
  // epochs of O(n d) sums the largest relative gap observed over the cases below is 1.3e-14.
  const TOL = 1e-13

  it('pins the pattern to the labels at t = 0, then warm starts from the oriented fit at later t', async () => {
    const d = 7,
      lambda = 0.3,
      lr = 0.05,
      epochs = 30
    const data = drawTrainingSet({ d, n: 6, sigma: 1.2, omega: 1, rho: 0.5 }, rng(4))
    for (const [schedule, skip] of [
      [linear, true],
      [trig, true],
      [linear, false],
    ] as const) {
      const trainer = adamTrainer(data, lambda, skip, { lr, epochs })
      let start = { c: 0, w: new Array<number>(d).fill(0) }
      const fits: Array<{ fit: Fit; ref: ByHand; at: ScheduleValues }> = []
      for (const t of [0, 0.3, 0.7]) {
        const at = schedule.at(t)
        const fit = await trainer.fit(at)
        const ref = adamByHand(data, lambda, skip, lr, epochs, at, start)
        fits.push({ fit, ref, at })
        start = { c: ref.c, w: ref.w }
      }
      // A returned fit is not the trainer's state, which the next time keeps training.
      for (const { fit, ref, at } of fits) expect(gap(fit, ref, data, lambda, skip, at), `skip ${skip}`).toBeLessThan(TOL)
      if (!skip) for (const { fit } of fits) expect(fit.c).toBe(0)
    }
  })

  it('starts from the pattern sign(0) = +1 away from t = 0, and turns w and its pattern to the labels side', async () => {
    // Mostly negative labels: from w = 0 the first pattern is all +1, so w first moves along
    // sum x1, about -A: the run ends with w.A < 0, turned, and signs flip on the way.
    const d = 7,
      lambda = 0.3,
      lr = 0.05,
      epochs = 30
    const data = drawTrainingSet({ d, n: 6, sigma: 1.2, omega: 1, rho: 0.2 }, rng(11))
    for (const t of [0.2, 0.6]) {
      const at = linear.at(t)
      const ref = adamByHand(data, lambda, true, lr, epochs, at, { c: 0, w: new Array<number>(d).fill(0) })
      expect(ref.oriented && ref.flips > 0, `the case turns w and flips signs at t = ${t}`).toBe(true)
      expect(gap(await adamTrainer(data, lambda, true, { lr, epochs }).fit(at), ref, data, lambda, true, at)).toBeLessThan(TOL)
    }
  })

  it('takes the epsilon of the step where gradients are as small as epsilon', async () => {
    // Data scaled by 1e-5: gradients in w of order 1e-5, in c of order 1e-10, so eps = 1e-8 in the
    // denominator changes the step of w by about 1e-3 and dominates that of c.
    const d = 7,
      lambda = 0.3,
      lr = 0.05,
      epochs = 30
    const drawn = drawTrainingSet({ d, n: 6, sigma: 1.2, omega: 1, rho: 0.5 }, rng(4))
    const scale = (x: Float64Array) => x.map((y) => y * 1e-5)
    const data: TrainingSet = { ...drawn, x0: scale(drawn.x0), x1: scale(drawn.x1), A: scale(drawn.A), xi: scale(drawn.xi), mu: scale(drawn.mu) }
    const at = linear.at(0.4)
    const ref = adamByHand(data, lambda, true, lr, epochs, at, { c: 0, w: new Array<number>(d).fill(0) })
    // gradNorm, a difference of O(1e-5) terms, loses a digit more than the rest: observed 1.2e-13.
    expect(gap(await adamTrainer(data, lambda, true, { lr, epochs }).fit(at), ref, data, lambda, true, at)).toBeLessThan(10 * TOL)
  })

  it('gives the event loop a turn during a long fit', async () => {
    // A clock that jumps a second at each reading: every epoch is past the breather's slice, so the
    // fit waits for a turn, where a callback queued before it runs first.
    let now = 0
    vi.spyOn(performance, 'now').mockImplementation(() => (now += 1000))
    const data = drawTrainingSet({ d: 3, n: 2, sigma: 1, omega: 1, rho: 0.5 }, rng(1))
    const order: string[] = []
    setImmediate(() => order.push('turn'))
    await adamTrainer(data, 0.1, true, { lr: 0.01, epochs: 3 }).fit(linear.at(0.5))
    order.push('fit')
    expect(order).toEqual(['turn', 'fit'])
  })
})
