/**
 * The single-point commands, dae (Result A) and stats (Result B): flags -> problem -> solve ->
 * format, in double precision or, with --digits, by the two high-precision routes. main.ts loads
 * this module only when one of them runs.
 */
import { ParameterError } from '../errors.js'
import { Decimal } from '../hp/arith.js'
import { daeHp, statsHp, type HpResult } from '../theory/hp.js'
import { learntDae, solve, type PrecisionNote } from '../theory/solve.js'
import { numberList, time } from './args.js'
import { single } from '../text.js'
import { render, renderPrecise, type Format } from './format.js'
import { DEFAULTS, formatFrom, problemFrom, scheduleFrom, warn, type Args } from './common.js'
import { checkHp, transcendentalSchedule } from '../limits.js'
import { stageCount } from '../theory/discrete.js'
import type { FlowProblem } from '../theory/problem.js'

function times(a: Args, fallback?: number): number[] {
  return timeTexts(a, fallback).map(Number)
}

/** The --t values as exact decimal text (validated). */
function timeTexts(a: Args, fallback?: number): string[] {
  const raw = single('t', a.t)
  if (raw === undefined && fallback === undefined) throw new ParameterError('t', 'is required (a time in [0, 1], or a comma-separated list)')
  if (raw === undefined) return [String(fallback)]
  const ts = numberList('t', raw)!
  ts.forEach((t) => time('t', t))
  return raw.split(',').map((x) => {
    const d = new Decimal(x.trim())
    if (d.lt(0) || d.gt(1)) throw new ParameterError('t', `must lie in [0, 1] (got ${x.trim()})`)
    return d.toString()
  })
}

/** Refuse a high-precision stats or dae beyond its time limit (src/limits.ts), before computing it. */
function checkPrecise(command: 'stats' | 'dae', a: Args, problem: FlowProblem & { digits?: number }, ts: readonly string[]): void {
  const stages = problem.sampler && command === 'stats' ? { stages: stageCount(problem.sampler) } : {}
  checkHp({ command, digits: problem.digits!, n: Number(problem.text.n), transcendental: transcendentalSchedule(scheduleFrom(a)), times: ts.length, ...stages })
}

const precise = (r: HpResult, ts: readonly string[], format: Format, digits: number) => renderPrecise(r.keys, r.rows, ts, digits, r.digitsVerified, format, ts.length === 1)

/** The warnings of rows double precision could not guarantee (src/theory/solve.ts), one line each kind. */
function precisionWarnings(notes: readonly PrecisionNote[]): void {
  const escalated = new Set(notes.filter((n) => n.escalated).map((n) => n.t))
  const unsure = new Set(notes.filter((n) => !n.escalated).map((n) => n.t))
  const list = (ts: ReadonlySet<number>) => {
    const sorted = [...ts].sort((a, b) => a - b)
    return sorted.slice(0, 6).join(', ') + (sorted.length > 6 ? `, ... (${sorted.length} rows)` : '')
  }
  if (escalated.size) warn(`double precision cannot guarantee 12 digits at t = ${list(escalated)}; computed in high precision instead`)
  if (unsure.size) warn(`double precision cannot guarantee 12 digits at t = ${list(unsure)}, and high precision does not converge there: the last digits may be wrong`)
}

/** `flowgm dae`: Result A at the --t times. */
export function daeCommand(a: Args): string {
  const format = formatFrom(a)
  const problem = problemFrom(a)
  if (problem.digits !== undefined) {
    const ts = timeTexts(a)
    checkPrecise('dae', a, problem, ts)
    return precise(daeHp(problem, ts, { digits: problem.digits }), ts, format, problem.digits)
  }
  const ts = times(a)
  // Result A alone: the flow ODE is not integrated (a problem whose flow cannot be is still answered).
  const learnt = learntDae(problem)
  const out = render(
    ['t', ...learnt.keys],
    ts.map((t) => learnt.at(t)),
    format,
    ts.length === 1,
  )
  precisionWarnings(learnt.notes)
  return out
}

/** `flowgm stats`: Result B at the --t times (default t = 1). */
export function statsCommand(a: Args): string {
  const format = formatFrom(a)
  const problem = problemFrom(a)
  if (problem.digits !== undefined) {
    const ts = timeTexts(a, DEFAULTS.statsT)
    checkPrecise('stats', a, problem, ts)
    return precise(statsHp(problem, ts, { digits: problem.digits }), ts, format, problem.digits)
  }
  const ts = times(a, DEFAULTS.statsT)
  const sol = solve(problem)
  const out = render(['t', ...sol.statsKeys], sol.statsGrid(ts), format, ts.length === 1)
  precisionWarnings(sol.notes)
  return out
}
