// The trainers of src/simulate/train.ts in-process, on training sets small enough that every
// expected number has a route of its own: the exact fit against a direct solve of the normal
// equations (Gaussian elimination instead of the trainer's closed form), a hand-solved integer set,
// one Adam epoch (whose step is lr g/(|g| + epsilon) in closed form), and the refusals of --lr
// written from docs/cli.md.
import { describe, expect, it } from 'vitest'
import { ParameterError } from '../../src/errors.js'
import { rng } from '../../src/random.js'
import { drawTrainingSet, type TrainingSet } from '../../src/simulate/data.js'
import { adamTrainer, checkLr, exactTrainer, MIN_LR, type Fit, type ScheduleValues } from '../../src/simulate/train.js'
import { dotv, inputsOf, leastSquares, maxRel, rms, rows, signedSum, sumDots, worst, type Vec } from './least-squares.js'

/** A training set given by its rows; A and xi summed here, not by src/simulate/data.ts. */
function handSet(x0: Vec[], x1: Vec[], labels: Array<1 | -1>): TrainingSet {
  const d = x0[0].length
  return {
    d,
    n: labels.length,
    draws: 1,
    mu: new Float64Array(d),
    labels: Int8Array.from(labels),
    x0: Float64Array.from(x0.flat()),
    x1: Float64Array.from(x1.flat()),
    A: Float64Array.from(signedSum(x1, labels)),
    xi: Float64Array.from(signedSum(x0, labels)),
  }
}

/** alpha, beta, alpha', beta' of the two schedules of equations/schedules.eq, differentiated by hand. */
const SCHEDULES: Record<string, (t: number) => ScheduleValues> = {
  linear: (t) => [1 - t, t, -1, 1],
  trig: (t) => [Math.cos((Math.PI * t) / 2), Math.sin((Math.PI * t) / 2), (-Math.PI / 2) * Math.sin((Math.PI * t) / 2), (Math.PI / 2) * Math.cos((Math.PI * t) / 2)],
}

/**
 * The stationarity residual as Fit.gradNorm defines it, sqrt(|dR/dw|^2/d + (dR/dc/d)^2)/n, at
 * (c, w) for the sign pattern phi, from sums over the set: dR/dw = (n + lambda) w - A_phi + c B_phi
 * and dR/dc = c sum|x_t|^2 - sum x_t.x1 + w.B_phi (no dR/dc without skip connection).
 */
function residual(data: TrainingSet, lambda: number, skip: boolean, [alpha, beta]: ScheduleValues, phi: ArrayLike<number>, c: number, w: ArrayLike<number>): number {
  const { d, n } = data
  const xt = inputsOf(data, alpha, beta)
  const x1 = rows(data.x1, d)
  const Aphi = signedSum(x1, phi),
    Bphi = signedSum(xt, phi)
  const gw = Aphi.map((a, i) => (n + lambda) * w[i] - a + c * Bphi[i])
  const gc = skip ? c * sumDots(xt, xt) - sumDots(xt, x1) + dotv(w, Bphi) : 0
  return Math.sqrt(dotv(gw, gw) / d + (gc / d) ** 2) / n
}

/** Fraction of mu with sign(w.x_t^mu) = s^mu. */
const consistencyOf = (data: TrainingSet, [alpha, beta]: ScheduleValues, w: ArrayLike<number>): number =>
  inputsOf(data, alpha, beta).filter((x, k) => Math.sign(dotv(w, x)) === data.labels[k]).length / data.n

/** The learnt velocity b(x) = alpha'/alpha x + zeta f(x), zeta = beta' - alpha' beta/alpha, for t < 1 (docs/theory.md section 2). */
function velocityOf([alpha, beta, alphadot, betadot]: ScheduleValues, c: number, w: ArrayLike<number>): { gamma: number; v: Vec } {
  const zeta = betadot - (alphadot * beta) / alpha
  return { gamma: alphadot / alpha + zeta * c, v: Array.from(w, (x) => zeta * x) }
}

describe('exact trainer', () => {
  it('is the least-squares fit of a direct normal-equation solve, with its velocity, sign agreement and residual', () => {
    // Errors are measured against the size of the terms that cancel: near t = 1, w = (A - c B)/(n +
    // lambda) is O(alpha) while A/(n + lambda) and c B/(n + lambda) are O(1), so the reference (and
    // the unit vector of u) carries rounding of that O(1) size; likewise gamma = alpha'/alpha +
    // zeta c. Observed over these 96 fits, in those units: at most 1.3e-15; tolerance 5e-15.
    // gradNorm of the exact minimiser is rounding of O(1) terms: observed <= 4.3e-16, bound 2e-15.
    const TOL = 5e-15
    const unit = (x: ArrayLike<number>) => Array.from(x, (y) => y / Math.sqrt(dotv(x, x)))
    const agreement = new Set<number>()
    for (const seed of [1, 2, 3]) {
      const data = drawTrainingSet({ d: 4, n: 7, sigma: 1.3, omega: 1, rho: 0.5 }, rng(seed))
      for (const skip of [true, false])
        for (const lambda of [0.1, 2])
          for (const [name, schedule] of Object.entries(SCHEDULES)) {
            for (const t of [1e-3, 0.3, 0.7, 0.999]) {
              const at = schedule(t)
              const fit = exactTrainer(data, lambda, skip).fit(at)
              const want = leastSquares(data, lambda, skip, at[0], at[1])
              const vel = velocityOf(at, want.c, want.w)
              const zeta = at[3] - (at[2] * at[1]) / at[0]
              const scale = rms(data.A) / (data.n + lambda)
              const label = `seed ${seed}, skip ${skip}, lambda ${lambda}, ${name}, t = ${t}`
              const errors = {
                c: Math.abs(fit.c - want.c) / Math.max(1, Math.abs(want.c)),
                w: worst(fit.w, want.w) / scale,
                gamma: Math.abs(fit.velocity.gamma - vel.gamma) / Math.max(Math.abs(at[2] / at[0]), Math.abs(zeta * want.c)),
                v: worst(fit.velocity.v, vel.v) / (Math.abs(zeta) * scale),
                // u is w up to a positive factor: the same unit vector.
                u: worst(unit(fit.velocity.u), unit(want.w)) * (rms(want.w) / scale),
              }
              for (const [key, err] of Object.entries(errors)) expect(err, `${key}: ${label}`).toBeLessThan(TOL)
              const share = consistencyOf(data, at, want.w)
              expect(fit.selfConsistent, label).toBe(share)
              agreement.add(share)
              expect(fit.gradNorm, label).toBeLessThan(2e-15)
            }
          }
    }
    // The sign agreement is checked where it is not trivially 1.
    expect(Math.min(...agreement)).toBeLessThan(0.75)
  })

  // Rows mu = 1, 2, 3 of a hand-solved set: x0 = (0, 1), (-3, 0), (1, 0); x1 = (2, 0), (0, 1), (1, 1);
  // s = +1, +1, -1; lambda = 1, so n + lambda = 4. Then A = (1, 0), xi = (-4, 1), S00 = 11, S01 = 1,
  // S11 = 7, A.xi = -4, and with alpha = beta = 1/2, x_t = (1, 1/2), (-3/2, 1/2), (1, 1/2).
  // Every number below is a short binary fraction, so the trainer must reproduce it to the bit.
  const hand = handSet(
    [
      [0, 1],
      [-3, 0],
      [1, 0],
    ],
    [
      [2, 0],
      [0, 1],
      [1, 1],
    ],
    [1, 1, -1],
  )
  // alpha' = -1, beta' = 3: the trainer takes any four values; beta' != 1 tells alpha beta' from alpha / beta'.
  const at: ScheduleValues = [0.5, 0.5, -1, 3]

  it('solves a hand-solved set with skip connection exactly', () => {
    // a = 11 - 17/4 = 27/4, b = 1 + 4/4 = 2, e = 7 - 1/4 = 27/4, Den = (a + 2b + e)/4 = 35/8,
    // c = (b + e)/2/Den = 1, r = (a + b)/2/Den = 1, u = A - xi = (5, -1), w = u/8;
    // zeta = 3 + 1 = 4: gamma = -2 + 4 = 2, v = 4 w = (5/2, -1/2). u.x_t = 9/2, -8, 9/2 against
    // s = +1, +1, -1: one sign of three agrees. The residual is 0: all arithmetic is exact.
    const fit = exactTrainer(hand, 1, true).fit(at)
    expect({ c: fit.c, w: [...fit.w], gamma: fit.velocity.gamma, v: [...fit.velocity.v], u: [...fit.velocity.u] }).toEqual({ c: 1, w: [0.625, -0.125], gamma: 2, v: [2.5, -0.5], u: [5, -1] })
    expect(fit.selfConsistent).toBe(1 / 3)
    expect(fit.gradNorm).toBe(0)
  })

  it('solves the hand-solved set without skip connection exactly, with no dR/dc in its residual', () => {
    // c = 0, w = A/4 = (1/4, 0); gamma = alpha'/alpha = -2, v = zeta w = (1, 0), u = w; w.x_t = 1/4,
    // -3/8, 1/4: one sign of three agrees. dR/dw = 4 w - A = 0 exactly, while dR/dc = -35/8 would
    // be the derivative in a parameter the network does not have.
    const fit = exactTrainer(hand, 1, false).fit(at)
    expect({ c: fit.c, w: [...fit.w], gamma: fit.velocity.gamma, v: [...fit.velocity.v], u: [...fit.velocity.u] }).toEqual({ c: 0, w: [0.25, 0], gamma: -2, v: [1, 0], u: [0.25, 0] })
    expect(fit.selfConsistent).toBe(1 / 3)
    expect(fit.gradNorm).toBe(0)
  })
})

describe('adam trainer', () => {
  // At t = 0 (beta = 0) the pattern is pinned to the labels, and the first epoch starts from c = 0,
  // w = 0: g_w = -A, g_c = -sum x_t.x1. With the bias corrections after one epoch (b1 = 0.9,
  // b2 = 0.999), m = (1 - b1) g and v = (1 - b2) g^2, so the step is
  //   lr sqrt(1 - b2)/(1 - b1) (1 - b1) g / (sqrt(1 - b2) |g| + 1e-8 sqrt(1 - b2)) = lr g/(|g| + 1e-8).
  // The trainer takes a few roundings to it (sqrt, the products): observed <= 3.6e-16 relative;
  // tolerance 1e-15.
  const data = drawTrainingSet({ d: 6, n: 4, sigma: 1.2, omega: 1, rho: 0.5 }, rng(5))
  const lambda = 0.3
  const oneEpoch = (at: ScheduleValues, lr: number, skip: boolean) => {
    const step = (g: number) => (-lr * g) / (Math.abs(g) + 1e-8)
    const w = Array.from(data.A, (a) => step(-a))
    const c = skip ? step(-sumDots(inputsOf(data, at[0], at[1]), rows(data.x1, data.d))) : 0
    return { c, w }
  }
  const check = (fit: Fit, at: ScheduleValues, lr: number, skip: boolean, label: string) => {
    const want = oneEpoch(at, lr, skip)
    expect(Math.abs(fit.c - want.c), label).toBeLessThanOrEqual(1e-15 * Math.abs(want.c))
    expect(maxRel(fit.w, want.w), label).toBeLessThan(1e-15)
    const vel = velocityOf(at, want.c, want.w)
    expect(Math.abs(fit.velocity.gamma - vel.gamma), label).toBeLessThan(1e-15 * Math.max(1, Math.abs(vel.gamma)))
    expect(maxRel(fit.velocity.v, vel.v), label).toBeLessThan(1e-15)
    expect(fit.selfConsistent, label).toBe(consistencyOf(data, at, want.w))
    // Far from the minimiser the residual is O(1) and its relative rounding alike: observed <= 2.2e-16.
    const r = residual(data, lambda, skip, at, data.labels, want.c, want.w)
    expect(Math.abs(fit.gradNorm / r - 1), label).toBeLessThan(1e-15)
    return r
  }

  it('takes one epoch of lr g/(|g| + epsilon) from 0 at t = 0, with its residual and sign agreement', async () => {
    const shares = new Set<number>()
    for (const [name, schedule] of Object.entries(SCHEDULES))
      for (const skip of [true, false]) {
        const at = schedule(0)
        const fit = await adamTrainer(data, lambda, skip, { lr: 0.05, epochs: 1 }).fit(at)
        expect(check(fit, at, 0.05, skip, `${name}, skip ${skip}`)).toBeGreaterThan(0.1)
        shares.add(fit.selfConsistent)
      }
    expect(Math.min(...shares)).toBeLessThan(1)
  })

  it('defaults to lr = 1e-2 and 2000 epochs (docs/cli.md)', async () => {
    const at = SCHEDULES.linear(0)
    check(await adamTrainer(data, lambda, true, { epochs: 1 }).fit(at), at, 1e-2, true, 'lr default')
    const byDefault = await adamTrainer(data, lambda, true).fit(at)
    const stated = await adamTrainer(data, lambda, true, { lr: 1e-2, epochs: 2000 }).fit(at)
    expect(byDefault).toEqual(stated)
    // At t = 0 the pattern is the labels', so 2000 epochs reach the normal-equation solve: observed
    // 5.8e-16 on w (relative) and 0 on c, after 0.014 of residual at 200 epochs; tolerance 2e-15.
    const want = leastSquares(data, lambda, true, 1, 0)
    expect(Math.abs(byDefault.c - want.c)).toBeLessThan(2e-15)
    expect(maxRel(byDefault.w, want.w)).toBeLessThan(2e-15)
  })
})

describe('checkLr', () => {
  // docs/cli.md: "lr: must be a finite number >= 1e-200: a smaller Adam step underflows double
  // precision (got 1e-320)", the value as written.
  const refusal = (shown: string) => `lr: must be a finite number >= 1e-200: a smaller Adam step underflows double precision (got ${shown})`
  const thrown = (f: () => void): unknown => {
    try {
      f()
    } catch (e) {
      return e
    }
    return undefined
  }

  it('accepts MIN_LR itself and larger finite rates', () => {
    expect(MIN_LR).toBe(1e-200)
    for (const lr of [1e-200, 1e-2, 1e300])
      expect(
        thrown(() => checkLr(lr)),
        String(lr),
      ).toBeUndefined()
  })

  it('refuses rates below 1e-200, infinite and NaN ones, naming --lr and showing the value as written', () => {
    const cases: Array<[number, string | undefined, string]> = [
      [1e-320, '1e-320', '1e-320'],
      [0, '0.0', '0.0'],
      [1e-201, undefined, '1e-201'],
      [-1, undefined, '-1'],
      [Infinity, '1e999', '1e999'],
      [NaN, undefined, 'NaN'],
    ]
    for (const [lr, shown, printed] of cases) {
      const e = thrown(() => checkLr(lr, shown))
      expect(e, printed).toBeInstanceOf(ParameterError)
      expect((e as ParameterError).parameter).toBe('lr')
      expect((e as Error).message).toBe(refusal(printed))
    }
  })
})
