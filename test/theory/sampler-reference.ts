// The independent reference of the K-step sampler tests: src/tools/sampler-by-hand.ts (Result A
// in closed form, the 1/alpha velocity, the schedules and the tableaux typed by hand, decimal.js
// at 80 digits), memoised so that each (schedule, scheme, K, skip) runs once per test file.
import { CUSTOM, observablesByHand, samplerByHand, type Dec, type HandProblem, type HandSchedule, type HandScheme } from '../../src/tools/sampler-by-hand.js'
import type { ProblemOptions } from '../../src/theory/problem.js'

export { CUSTOM, type Dec, type HandSchedule, type HandScheme }

/** The CLI defaults (n = 8, sigma = 1.5, lambda = 0.1, omega = 1), as exact text and as numbers. */
export const PARAMS = { n: '8', sigma: '1.5', lambda: '0.1', omega: '1' } as const
export const SCHEDULES: readonly HandSchedule[] = ['linear', 'trig', 'custom']
export const SCHEMES: readonly HandScheme[] = ['euler', 'heun', 'midpoint', 'rk4']
export const KEYS = ['M', 'Q_xi', 'P', 'mse', 'cos'] as const
export type Key = (typeof KEYS)[number]

const memo = new Map<string, Dec[][]>()

/** The reference states at every grid time k/K (80 digits, error ~1e-78). */
export function referenceStates(schedule: HandSchedule, scheme: HandScheme, steps: number, skip = true): Dec[][] {
  const id = `${schedule} ${scheme} ${steps} ${skip}`
  if (!memo.has(id)) memo.set(id, samplerByHand({ ...PARAMS, schedule, skip }, scheme, steps))
  return memo.get(id)!
}

/**
 * The reference stats keys at grid index k of the K-step sampler. A state below 1e-60 in magnitude
 * is 0: a stage at t = 1 is taken at 1 - 1e-80, which leaves O(1e-80) where the limit is exactly 0
 * (M after one Heun step of the custom schedule, whose zeta m vanishes at t = 1), while every
 * nonzero state here is of order 1. cos is left out where the mean is 0 (M = Q_xi = 0: no
 * direction; the library prints its t -> 0+ limit there).
 */
export function referenceStats(schedule: HandSchedule, scheme: HandScheme, steps: number, k: number, skip = true): Partial<Record<Key, Dec>> {
  const p: HandProblem = { ...PARAMS, schedule, skip }
  const state = referenceStates(schedule, scheme, steps, skip)[k].map((x) => (x.abs().lt(1e-60) ? x.times(0) : x))
  const out: Partial<Record<Key, Dec>> = observablesByHand(p, state)
  if (state[0].isZero() && state[1].isZero()) delete out.cos
  return out
}

/** The same problem for the library (flowProblem) and as CLI flags. */
export function problemOptions(schedule: HandSchedule, scheme: HandScheme, steps: number, skip = true): ProblemOptions {
  return { n: 8, sigma: 1.5, lambda: 0.1, omega: 1, schedule: schedule === 'custom' ? CUSTOM : schedule, skip, steps, scheme }
}
export function cliFlags(schedule: HandSchedule, scheme: HandScheme, steps: number, skip = true): string[] {
  const s = schedule === 'custom' ? ['--alpha', CUSTOM.alpha, '--beta', CUSTOM.beta] : ['--schedule', schedule]
  return [...s, '--steps', String(steps), '--scheme', scheme, ...(skip ? [] : ['--no-skip'])]
}
