/**
 * Result B in closed form, derived by hand from docs/theory.md section 4 via the integrating factor
 * (and checked by differentiating back into the ODE), not taken from equations/ or the symbolic
 * layer: an independent route for the benchmarks and `npm run validate`.
 *   With skip connection, gamma = alphadot/alpha + zeta c = (alpha alphadot K + beta betadot Lambda)/D
 *   = D'/(2D), so P = sqrt(D/K) (D(0) = K); (M/P)' = zeta m/P gives M = n beta/(n+lambda); and
 *   Q_xi = (alpha - P)/(n+lambda) = -beta^2 Lambda / (K (n+lambda) (alpha + P)) (rationalised, so
 *   no cancellation near t = 0). Without skip, gamma = alphadot/alpha: P = alpha,
 *   M = n beta/(n+lambda), Q_xi = 0. Then mse = omega (M-1)^2 + M^2 sigma^2/n + n Q_xi^2.
 * With k noise draws per sample (kinv = 1/k, docs/theory.md, k draws) the same with
 * K = n + (lambda - 1) kinv, Lambda = lambda kinv (omega + sigma^2) + (n - 1) sigma^2 and
 * n + lambda kinv for n + lambda, xi weighing n kinv in mse; with fresh noise at every t the
 * memorised part vanishes (Q_xi = 0, docs/theory.md, fresh noise).
 */
export type NamedSchedule = 'linear' | 'trig'

/** alpha, beta of a named schedule, written out here (docs/theory.md section 1), exact at the ends. */
export function alphaBeta(schedule: NamedSchedule, t: number): [number, number] {
  if (t === 0) return [1, 0]
  if (t === 1) return [0, 1]
  return schedule === 'linear' ? [1 - t, t] : [Math.cos((Math.PI * t) / 2), Math.sin((Math.PI * t) / 2)]
}

export interface HandParams {
  readonly n: number
  readonly sigma: number
  readonly lambda: number
  readonly omega: number
  readonly skip: boolean
  /** 1/k for k noise draws per sample (default 1). */
  readonly kinv?: number
  /** Fresh noise at every t (default shared). */
  readonly noise?: 'shared' | 'per-time'
}

export function flowByHand(p: HandParams, schedule: NamedSchedule, t: number): { M: number; Q_xi: number; P: number; mse: number } {
  const { n, sigma, lambda, omega } = p
  const kinv = p.kinv ?? 1
  const [a, b] = alphaBeta(schedule, t)
  const K = n + (lambda - 1) * kinv
  const Lam = lambda * kinv * (omega + sigma ** 2) + (n - 1) * sigma ** 2
  const D = a * a * K + b * b * Lam
  const N = n + lambda * kinv
  const M = (n * b) / N
  const P = p.skip ? Math.sqrt(D / K) : a
  const Q_xi = p.skip && p.noise !== 'per-time' ? (-b * b * Lam) / (K * N * (a + P)) : 0
  return { M, Q_xi, P, mse: omega * (M - 1) ** 2 + (M * M * sigma ** 2) / n + n * kinv * Q_xi * Q_xi }
}
