// Shared by the schedule tests. An independent route for checking answers on any schedule: with the skip connection, Result A
// and the states of Result B are closed-form functions of (alpha(t), beta(t)) alone
// (docs/theory.md: 1 - c beta = alpha^2 K/D, (n+lambda) m = n (1 - c beta), (n+lambda) q_xi =
// -c alpha; section 4: M = n beta/(n+lambda), P = sqrt(D/K), Q_xi = (alpha - P)/(n+lambda)), with
// the schedule evaluated by mathjs' own evaluator, not by flowgm's compiled code.
import { math } from '../../src/symbolic/mathjs.js'

export interface Parameters {
  readonly n: number
  readonly sigma: number
  readonly lambda: number
  readonly omega: number
}

export const DEFAULT_PARAMETERS: Parameters = { n: 8, sigma: 1.5, lambda: 0.1, omega: 1 }

/** c, m, q_xi (dae) and M, Q_xi, P (stats) at t for the schedule's expressions. */
export function closedForm(alpha: string, beta: string, t: number, p: Parameters = DEFAULT_PARAMETERS): Record<string, number> {
  const a = Number(math().evaluate(alpha, { t }))
  const b = Number(math().evaluate(beta, { t }))
  const { n, sigma, lambda, omega } = p
  const K = n + lambda - 1
  const L = (n + lambda) * (omega + sigma ** 2) - n * omega - sigma ** 2
  const D = a * a * K + b * b * L
  const P = Math.sqrt(D / K)
  return { c: (b * L) / D, m: (n * a * a * K) / ((n + lambda) * D), q_xi: (-a * b * L) / ((n + lambda) * D), M: (n * b) / (n + lambda), Q_xi: (a - P) / (n + lambda), P }
}

/**
 * Where a printed row (12 significant digits) disagrees with the closed form: relative 1e-8 and
 * absolute 1e-12 allowed (the schedule evaluated in double by mathjs cancels where flowgm
 * evaluates it in decimal: alpha = 1 - tanh(...) near its plateau).
 */
export function disagreements(row: Record<string, number>, alpha: string, beta: string): string[] {
  const t = row.t
  // At the ends flowgm prints limits (directions of a vanishing w), not the quotient 0/0.
  if (t === 0 || t === 1) return []
  const want = closedForm(alpha, beta, t)
  return Object.entries(want)
    .filter(([k, x]) => k in row && !(Math.abs(row[k] - x) <= 1e-8 * Math.abs(x) + 1e-12))
    .map(([k, x]) => `${k}(${t}) = ${row[k]}, closed form ${x}`)
}

/**
 * Terms that make beta = t + eps t (1 - t) term(c) non-smooth or singular at c (a kink, a step, a
 * pole, an infinite slope, a removable singularity written as 0/0): each must be refused.
 */
export const BROKEN_TERMS: ReadonlyArray<(c: string) => string> = [
  (c) => `abs(t-${c})`,
  (c) => `(t-${c})/(abs(t-${c})+1e-300)`,
  (c) => `1/(t-${c})`,
  (c) => `1/(t-${c})^2`,
  (c) => `sqrt(abs(t-${c}))`,
  (c) => `log((t-${c})^2)`,
  (c) => `((t-${c})^2)^0.25`,
  (c) => `sin(t-${c})/(t-${c})`,
]
