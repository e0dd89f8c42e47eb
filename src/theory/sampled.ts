/**
 * The solution of a problem with a K-step sampler (problem.sampler) in double precision: the
 * states at the grid times t_k = k/K by the stage recurrence of src/theory/discrete.ts, with the
 * same guard as the continuous flow: a row whose printed digits double precision cannot guarantee
 * is computed in high precision instead (both evaluations of the recurrence, src/theory/hp.ts).
 */
import { doubleArith, gridIndex, samplerTimes, stageCount, stageRecurrence, TABLEAUX } from './discrete.js'
import { hpSeconds, transcendentalSchedule } from '../limits.js'
import { variantOf } from './model.js'
import type { FlowProblem } from './problem.js'
import {
  ESCALATED_DIGITS,
  ESCALATED_SECONDS,
  flowObservables,
  flowVerdict,
  guardRows,
  learntDae,
  SCHEDULE_KNOWN,
  type Verdict,
  statsKeysOf,
  type FlowSolution,
  type PrecisionNote,
  type SolveOptions,
  type StatsRow,
} from './solve.js'

export function sampledSolution(problem: FlowProblem, options: SolveOptions = {}): FlowSolution {
  const sampler = problem.sampler!
  const K = sampler.steps
  const notes: PrecisionNote[] = []
  const { keys: daeKeys, at: dae } = learntDae(problem, notes)
  const statsKeys = statsKeysOf(problem)
  const v = variantOf(problem)
  const states = stageRecurrence(doubleArith(problem), v.source.initial, sampler, problem.noise === 'per-time')
  // The largest |state| up to each step: the recurrence's error is relative to it (compensated
  // sums keep it near a few ulps of it whatever K, as the continuous integrator's).
  const peaks: number[][] = []
  states.forEach((y, k) => peaks.push(y.map((x, i) => Math.max(Math.abs(x), k ? peaks[k - 1][i] : 0))))
  const observables = flowObservables(problem)
  // No limit at the pole: the last steps without skip connection cancel (1 + h gamma -> 0 as
  // alpha -> 0), so rows near and at t = 1 are judged against the path's peak, or sent to high
  // precision. There the recurrence costs its stage times (no boundary layer to resolve, unlike
  // the continuous flow): a row is sent whenever that cost is bearable.
  const judge = flowVerdict(problem)
  const affordable = hpSeconds({ command: 'stats', digits: ESCALATED_DIGITS, n: problem.n, transcendental: transcendentalSchedule(problem.schedule), stages: stageCount(sampler) }) <= ESCALATED_SECONDS
  // Every stage's coefficients rest on alpha, beta at its time: a cancelling custom schedule can
  // lose their digits anywhere, and every later state inherits that (the rows then go to high precision).
  const scheduleKnown = problem.schedule.name !== 'custom' || samplerTimes(sampler).every(([p, q]) => problem.schedule.valueError(p / q) < SCHEDULE_KNOWN)
  const state = (t: number): [number, number, number] => states[gridIndex('t', t, K)].slice() as [number, number, number]
  const statsGrid = (ts: readonly number[]): StatsRow[] => {
    const ks = ts.map((t) => gridIndex('t', t, K))
    const out = ks.map((k, i) => observables(ts[i], states[k]))
    const verdicts = ks.map((k, i): Verdict => {
      const verdict = scheduleKnown ? judge(ts[i], states[k], peaks[k]) : 'doubtful'
      return verdict === 'trusted' ? verdict : affordable ? 'doubtful' : 'beyond'
    })
    guardRows(problem, ts, out, verdicts, notes, options)
    return out
  }
  return {
    problem,
    daeKeys,
    statsKeys,
    dae,
    state,
    stats: (t) => statsGrid([t])[0],
    statsGrid,
    diagnostics: { steps: K, rejected: 0, evaluations: K * TABLEAUX[sampler.scheme].c.length },
    notes,
  }
}
