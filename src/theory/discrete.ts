/**
 * The theory of the discrete sampler (docs/theory.md section 6): the same linear flow X' = a(t) X + g(t),
 * X = (M, Q_xi, P), advanced by K explicit steps of size 1/K from t_0 = 0, as the finite-d
 * simulation transports its particles:
 *  - euler: X_{k+1} = X_k + (a_k X_k + g_k)/K, with the coefficients at t_k = k/K, k = 0..K-1;
 *  - heun:  the trapezoidal predictor-corrector, which also needs the coefficients at t_{k+1}, so
 *           at t = 1, where they are the limit of the velocity field (regular with skip
 *           connection; without it t = 1 is a pole of the flow and Heun's last step is undefined).
 * The coefficients are the compiled ODE of the model (src/symbolic/derive.ts), with the removable
 * 1/alpha singularity already cancelled. The difference from the continuous solution is O(1/K)
 * (euler) and O(1/K^2) (heun); the rest of a simulation's gap to the theory is the finite-d effect.
 */
import { variantOf } from './model.js'
import type { FlowProblem } from './problem.js'
import { ParameterError } from '../errors.js'

export const SCHEMES = ['euler', 'heun'] as const
export type Scheme = (typeof SCHEMES)[number]

/** The states (M, Q_xi, P) at t_k = k/K, k = 0..K. */
export function discreteFlow(problem: FlowProblem, steps: number, scheme: Scheme = 'euler'): Array<[number, number, number]> {
  if (!Number.isInteger(steps) || steps < 1) throw new ParameterError('steps', `must be an integer >= 1 (got ${steps})`)
  const v = variantOf(problem)
  if (scheme === 'heun' && v.source.singular) {
    throw new ParameterError('scheme', 'heun needs the velocity at t = 1, a pole of the flow without skip connection (use euler without skip connection)')
  }
  const coefficients = v.ode(problem.n, problem.sigma, problem.lambda, problem.omega)
  const at = (t: number) => coefficients(...problem.schedule.at(t))
  const slope = (k: readonly number[], x: readonly number[]): number[] => [0, 1, 2].map((i) => k[2 * i] * x[i] + k[2 * i + 1])
  const h = 1 / steps
  const states: Array<[number, number, number]> = [v.source.initial.slice() as [number, number, number]]
  let next = at(0)
  for (let k = 0; k < steps; k++) {
    const x = states[k]
    const now = next
    const s0 = slope(now, x)
    if (scheme === 'euler') {
      if (k + 1 < steps) next = at((k + 1) / steps)
      states.push([0, 1, 2].map((i) => x[i] + h * s0[i]) as [number, number, number])
    } else {
      next = at(k + 1 === steps ? 1 : (k + 1) / steps)
      const predicted = [0, 1, 2].map((i) => x[i] + h * s0[i])
      const s1 = slope(next, predicted)
      states.push([0, 1, 2].map((i) => x[i] + (h / 2) * (s0[i] + s1[i])) as [number, number, number])
    }
  }
  return states
}
