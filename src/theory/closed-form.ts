/**
 * The exact expressions the symbolic layer found (src/symbolic/exact.ts and Result A), as
 * functions of n, sigma, lambda, omega and of alpha, beta (the schedule at t), in mathjs syntax;
 * what was not found, with the reason. `flowgm closed-form` prints them as text, LaTeX or JSON.
 */
import { exactOf, inDraws } from './model.js'
import type { FlowProblem } from './problem.js'

/** One expression: its name and text, or the reason it was not found. */
export interface ClosedFormLine {
  readonly name: string
  readonly text?: string
  readonly reason?: string
}

/** The groups of closedForms, in the order `flowgm closed-form` prints them. */
export type ClosedFormGroup = 'schedule' | 'definitions' | 'flow' | 'dae' | 'rate'

/** Every closed form of the problem's variant, grouped. */
export function closedForms(problem: FlowProblem): Record<ClosedFormGroup, ClosedFormLine[]> {
  // The general solutions are written in kinv = 1/k: printed in k (symbolic k).
  const symbolic = problem.draws !== 1 && problem.draws !== Infinity
  const k = (text: string | undefined) => (text === undefined || !symbolic ? text : inDraws(text))
  const e = exactOf(problem)
  return {
    schedule: [
      { name: 'alpha', text: problem.schedule.alpha },
      { name: 'beta', text: problem.schedule.beta },
    ],
    // kinv = 1/k: its value where the solutions were derived at it (one draw, infinitely many).
    definitions: [
      ...(problem.draws === 1 || problem.draws === Infinity ? [{ name: 'kinv', text: problem.draws === 1 ? '1' : '0' }] : []),
      ...e.definitions.map((d) => ({ name: d.name, text: k(d.text) })),
    ],
    flow: [
      ...(e.phi ? [{ name: 'Phi', text: k(e.phi) }] : []),
      ...e.states.map((s) => ({ name: s.name, text: k(s.text), reason: s.reason })),
      { name: 'mse_1', text: k(e.mse1?.text), reason: e.mse1Reason },
    ],
    dae: e.dae.map((d) => ({ name: d.squared ? `${d.name}^2` : d.name, text: k(d.text) })),
    rate: e.rate ? Object.entries(e.rate.text).map(([name, text]) => ({ name, text: k(text) })) : [{ name: 'C', reason: e.rateReason }],
  }
}
