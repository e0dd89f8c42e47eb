/**
 * K-step samplers of the flow, by hand: an independent route for the tests and `npm run validate`.
 * It uses neither src/theory/discrete.ts nor the compiled model: the learnt denoiser is Result A in
 * closed form (docs/theory.md section 3, typed here from the doc), the velocity acts on a particle
 * P x0 + s (M mu_emp + Q xi) as in section 4 (the 1/alpha form, not the cancelled one),
 *   gamma = alphadot/alpha + zeta c, zeta = betadot - alphadot beta/alpha,
 *   M' = gamma M + zeta m, Q' = gamma Q + zeta q_xi, P' = gamma P,
 * the schedules and their derivatives are typed by hand, and each scheme's Butcher tableau is
 * written out as its own stage formulas (no table shared with the code under test).
 */
import { Decimal } from 'decimal.js'

export type Dec = Decimal
type DecCtor = typeof Decimal

export type HandSchedule = 'linear' | 'trig' | 'custom'
export type HandScheme = 'euler' | 'heun' | 'midpoint' | 'rk4'

/** The custom schedule of the tests: W = alpha betadot - alphadot beta = 2t (1 - t^2) + 2t^3 = 2t > 0 on (0, 1]. */
export const CUSTOM = { alpha: '1 - t^2', beta: 't^2' } as const

/** Parameters as exact decimal text. */
export interface HandProblem {
  readonly n: string
  readonly sigma: string
  readonly lambda: string
  readonly omega: string
  readonly schedule: HandSchedule
  readonly skip: boolean
}

/** [alpha, beta, alphadot, betadot] at t. */
function schedule(D: DecCtor, name: HandSchedule, t: Dec): [Dec, Dec, Dec, Dec] {
  const one = new D(1)
  if (name === 'linear') return [one.minus(t), t, one.neg(), one]
  if (name === 'custom') return [one.minus(t.pow(2)), t.pow(2), t.times(-2), t.times(2)]
  const halfPi = halfPiOf(D)
  const cos = D.cos(halfPi.times(t))
  const sin = D.sin(halfPi.times(t))
  return [cos, sin, halfPi.times(sin).neg(), halfPi.times(cos)]
}

// pi/2 per arithmetic: computing it at every stage would dominate the trig schedule's cost.
const HALF_PI = new WeakMap<DecCtor, Dec>()
function halfPiOf(D: DecCtor): Dec {
  if (!HALF_PI.has(D)) HALF_PI.set(D, D.acos(-1).div(2))
  return HALF_PI.get(D)!
}

/** Result A (docs/theory.md section 3): c, m, q_xi; without skip connection c = q_xi = 0. */
function denoiser(D: DecCtor, p: HandProblem, alpha: Dec, beta: Dec): [Dec, Dec, Dec] {
  const n = new D(p.n)
  const s2 = new D(p.sigma).pow(2)
  const l = new D(p.lambda)
  const w = new D(p.omega)
  if (!p.skip) return [new D(0), n.div(n.plus(l)), new D(0)]
  const K = n.plus(l).minus(1)
  const Lambda = l.times(w.plus(s2)).plus(n.minus(1).times(s2))
  const Dd = alpha.pow(2).times(K).plus(beta.pow(2).times(Lambda))
  return [beta.times(Lambda).div(Dd), n.times(alpha.pow(2)).times(K).div(n.plus(l).times(Dd)), alpha.times(beta).times(Lambda).neg().div(n.plus(l).times(Dd))]
}

/**
 * The velocity's coefficients at t: [gamma, zeta m, zeta q_xi]. At t = 1 alpha = 0 and the 1/alpha
 * form cannot be evaluated; the limit (with skip connection) is taken as the value at
 * t = 1 - 1e-80 at precision 250: the O(1/alpha) = O(1e80) terms of gamma cancel and lose ~80
 * digits, leaving ~170, and the coefficients are smooth in t, so the offset costs O(1e-80).
 */
export function velocity(D: DecCtor, p: HandProblem, t: Dec): [Dec, Dec, Dec] {
  if (t.eq(1)) {
    const W = D.clone({ precision: 250 })
    return velocity(W, p, new W(1).minus(new W(10).pow(-80))).map((x) => new D(x)) as [Dec, Dec, Dec]
  }
  const [alpha, beta, alphadot, betadot] = schedule(D, p.schedule, t)
  const [c, m, q] = denoiser(D, p, alpha, beta)
  const zeta = betadot.minus(alphadot.times(beta).div(alpha))
  return [alphadot.div(alpha).plus(zeta.times(c)), zeta.times(m), zeta.times(q)]
}

/** The state X = [M, Q_xi, P] and its slope F(t, X) = gamma X + (zeta m, zeta q_xi, 0). */
type State = Dec[]
const slope = (D: DecCtor, p: HandProblem, t: Dec, x: State): State => {
  const [g, zm, zq] = velocity(D, p, t)
  return [g.times(x[0]).plus(zm), g.times(x[1]).plus(zq), g.times(x[2])]
}
const axpy = (x: State, h: Dec, f: State): State => x.map((xi, i) => xi.plus(h.times(f[i])))

/**
 * One step from grid time k/K, each scheme's tableau written out. Stage times are exact fractions
 * (2k + j)/(2K), so the last step's end is exactly t = 1 (the limit above), never 1 +- an ulp.
 */
function step(D: DecCtor, p: HandProblem, scheme: HandScheme, k: number, steps: number, x: State): State {
  const at = (j: number) => new D(2 * k + j).div(2 * steps)
  const F = (j: number, y: State) => slope(D, p, at(j), y)
  const h = new D(1).div(steps)
  const half = h.div(2)
  const k1 = F(0, x)
  if (scheme === 'euler') return axpy(x, h, k1)
  if (scheme === 'heun') {
    // c = (0, 1), a21 = 1, b = (1/2, 1/2)
    const k2 = F(2, axpy(x, h, k1))
    return axpy(axpy(x, half, k1), half, k2)
  }
  if (scheme === 'midpoint') {
    // c = (0, 1/2), a21 = 1/2, b = (0, 1)
    return axpy(x, h, F(1, axpy(x, half, k1)))
  }
  // rk4: c = (0, 1/2, 1/2, 1), a21 = a32 = 1/2, a43 = 1, b = (1/6, 1/3, 1/3, 1/6)
  const k2 = F(1, axpy(x, half, k1))
  const k3 = F(1, axpy(x, half, k2))
  const k4 = F(2, axpy(x, h, k3))
  const sixth = h.div(6)
  const third = h.div(3)
  return axpy(axpy(axpy(axpy(x, sixth, k1), third, k2), third, k3), sixth, k4)
}

/**
 * The states [M, Q_xi, P] at every grid time k/K, k = 0..K, of the K-step `scheme` from
 * (M, Q_xi, P)(0) = (0, 0, 1), in decimal.js at `precision` digits.
 */
export function samplerByHand(p: HandProblem, scheme: HandScheme, steps: number, precision = 80): Dec[][] {
  const D = Decimal.clone({ precision, rounding: Decimal.ROUND_HALF_EVEN })
  const out: Dec[][] = [[new D(0), new D(0), new D(1)]]
  for (let k = 0; k < steps; k++) out.push(step(D, p, scheme, k, steps, out[k]))
  return out
}

/**
 * Euler steps of size num/den from (0, 0, 1), step k with the velocity of `times[k]` (num/den),
 * which need not be the particle's own time k h: a protocol that steps by 1/100 with the velocity
 * trained at k/99 (docs/theory.md, K-step samplers). The states after each step.
 */
export function eulerByHand(p: HandProblem, times: ReadonlyArray<readonly [number, number]>, [num, den]: readonly [number, number], precision = 80): Dec[][] {
  const D = Decimal.clone({ precision, rounding: Decimal.ROUND_HALF_EVEN })
  const h = new D(num).div(den)
  const out: Dec[][] = [[new D(0), new D(0), new D(1)]]
  times.forEach(([a, b], k) => out.push(axpy(out[k], h, slope(D, p, new D(a).div(b), out[k]))))
  return out
}

/** The stats keys M, Q_xi, P, mse, cos of a state (docs/theory.md section 4, flow observables); M > 0. */
export function observablesByHand(p: HandProblem, [M, Q, P]: readonly Dec[]): Record<'M' | 'Q_xi' | 'P' | 'mse' | 'cos', Dec> {
  const D = M.constructor as DecCtor
  const n = new D(p.n)
  const s2 = new D(p.sigma).pow(2)
  const w = new D(p.omega)
  const mean2 = M.pow(2)
    .times(w.plus(s2.div(n)))
    .plus(n.times(Q.pow(2)))
  return {
    M,
    Q_xi: Q,
    P,
    mse: w
      .times(M.minus(1).pow(2))
      .plus(M.pow(2).times(s2).div(n))
      .plus(n.times(Q.pow(2))),
    cos: M.times(w).div(w.times(mean2).sqrt()),
  }
}
