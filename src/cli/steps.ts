/**
 * `flowgm steps`: how a K-step sampler converges to the continuous flow (a table over K, the
 * measured order, the Richardson constant of d_K ~ E / K^p), and with several n how many steps
 * they need (K*(n) per scheme and its exponent). The numbers come from src/theory/steps.ts.
 */
import type { Argv } from 'yargs'
import { ParameterError } from '../errors.js'
import type { Decimal } from '../hp/arith.js'
import { preciseText, rounded } from '../printing.js'
import { readAxis, axisLength, axisValue } from '../sweep/grid.js'
import { writer, alignedText } from '../sweep/writers.js'
import { SCHEMES, MAX_STEPS, type Scheme } from '../theory/discrete.js'
import type { FlowProblem } from '../theory/problem.js'
import { DOUBLE_N_MAX } from '../theory/problem.js'
import { STEP_CRITERIA, STEPS_DIGITS, STEPS_KEYS, stepsNeeded, stepsTable, type StepCriterion, type StepsNeededResult, type StepsResult } from '../theory/steps.js'
import { number, single } from '../text.js'
import { minOf } from '../extent.js'
import { numberList, oneOf } from './args.js'
import { commonOptions, DEFAULTS, problemFrom, type Args } from './common.js'
import type { Format } from './format.js'

/** The flags of steps: the common ones, the scheme, the K list and those of K*(n). */
export function stepsOptions<T>(y: Argv<T>): Argv<T> {
  return commonOptions(y, ['n'])
    .option('scheme', { type: 'string', describe: `the K-step scheme: ${SCHEMES.join(', ')} (heun and rk4 evaluate t = 1: skip connection only) [default: euler; with several n: every scheme]` })
    .option('k-list', { type: 'string', describe: `the numbers of steps, comma-separated positive integers at most ${MAX_STEPS} [default: 1,2,4,...,4096]` })
    .option('n-range', { type: 'string', describe: 'n grid START:STOP:lin|log[:POINTS] for K*(n), instead of a --n list' })
    .option('tol', { type: 'string', describe: 'K*(n): the discretisation error must fall below tol times the statistical error, a number in (0, 1) [default: 0.1]' })
    .option('criterion', {
      type: 'string',
      describe: `K*(n): ${STEP_CRITERIA.join(' or ')} (mse: |mse_K - mse| against mse; var: |var_K - var| against |var - sigma^2|; w2: |w2_K - w2| against w2) [default: mse]`,
    })
}

/** K*(n) is searched in double precision, which answers n below DOUBLE_N_MAX faithfully. */
const N_RULE = { integer: true, min: 2, max: DOUBLE_N_MAX - 1, phrase: 'an integer in [2, 1e15) (steps computes in double precision)' } as const

/** What the flags of steps ask for: the convergence table at one n, or K*(n) over several. */
export type StepsRequest =
  | { readonly mode: 'table'; readonly problem: FlowProblem & { digits?: number }; readonly scheme?: Scheme; readonly ks?: readonly number[] }
  | { readonly mode: 'needed'; readonly problem: FlowProblem; readonly ns: readonly number[]; readonly tol: number; readonly criterion?: StepCriterion; readonly scheme?: Scheme }

/** The request of steps' flags (validated; shared with plot steps). */
export function stepsRequest(a: Args): StepsRequest {
  const axis = readAxis('n', a.n, a['n-range'], N_RULE, String(DEFAULTS.n))
  const scheme = oneOf('scheme', a.scheme, SCHEMES)
  if (axisLength(axis) > 1) {
    for (const flag of ['k-list', 'digits'] as const) {
      if (a[flag] !== undefined) throw new ParameterError(flag, 'is not read with several n: K*(n) searches K itself, in double precision')
    }
    const ns = Array.from({ length: axisLength(axis) }, (_, j) => axisValue(axis, j))
    const problem = problemFrom({ ...a, n: String(minOf(ns)), 'n-range': undefined }, { sampler: false })
    const tol = number('tol', a.tol) ?? 0.1
    const criterion = oneOf('criterion', single('criterion', a.criterion), STEP_CRITERIA)
    return { mode: 'needed', problem, ns, tol, criterion, scheme }
  }
  for (const flag of ['tol', 'criterion'] as const) {
    if (a[flag] !== undefined) throw new ParameterError(flag, 'is read only with several n (--n-range or a --n list): it sets K*(n)')
  }
  const problem = problemFrom({ ...a, n: String(axisValue(axis, 0)), 'n-range': undefined }, { sampler: false })
  const ks = numberList('k-list', a['k-list'])
  return { mode: 'table', problem, scheme, ...(ks ? { ks } : {}) }
}

/** steps: the convergence table for one n, or K*(n) for several (--n-range or a --n list). */
export function stepsCommand(a: Args, format: Format): string {
  const q = stepsRequest(a)
  if (q.mode === 'needed') {
    const criterion = q.criterion ?? 'mse'
    const r = stepsNeeded(q.problem, { ns: q.ns, tol: q.tol, criterion, ...(q.scheme ? { schemes: [q.scheme] } : {}) })
    return neededOutput(r, criterion, q.tol, format)
  }
  const { problem } = q
  const r = stepsTable(problem, { scheme: q.scheme ?? 'euler', ...(q.ks ? { ks: q.ks } : {}), ...(problem.digits !== undefined ? { digits: problem.digits } : {}) })
  return tableText(r, problem.digits, format)
}

const cell = (x: number | Decimal, digits: number | undefined): string => (typeof x === 'number' ? String(rounded(x)) : preciseText(x, digits!))

/** The rows of the convergence table, as text cells. */
function rowCells(r: StepsResult, digits: number | undefined): Array<Record<string, string>> {
  const want = digits ?? STEPS_DIGITS
  return r.rows.map((row) => ({
    K: String(row.K),
    ...Object.fromEntries(STEPS_KEYS.map((k) => [k, cell(row.values[k], digits)])),
    ...Object.fromEntries(STEPS_KEYS.map((k) => [`d_${k}`, preciseText(row.diffs[k], want)])),
    order: row.order === undefined ? '-' : row.order.toFixed(4),
  }))
}

const ROW_KEYS = ['K', ...STEPS_KEYS, ...STEPS_KEYS.map((k) => `d_${k}`), 'order']

function tableText(r: StepsResult, digits: number | undefined, format: Format): string {
  const rows = rowCells(r, digits)
  const c = r.constant
  // E to the digits its two estimates agree on only (none: not printed).
  const E = c && c.digitsAgree > 0 ? c.E.toPrecision(c.digitsAgree) : undefined
  if (format === 'json') {
    const constant = c && { p: c.p, E: E ?? null, digits_agree: c.digitsAgree, richardson_k: c.ks }
    // K and the order as numbers; the values as decimal text (their digits, as stats --digits prints them).
    const json = rows.map((row, i) => ({ ...row, K: r.rows[i].K, order: r.rows[i].order ?? null }))
    return (
      JSON.stringify({ scheme: r.scheme, continuous: Object.fromEntries(STEPS_KEYS.map((k) => [k, cell(r.continuous[k], digits)])), rows: json, constant: constant ?? null, notes: r.notes }, null, 2) +
      '\n'
    )
  }
  const w = writer(format, ROW_KEYS)
  const body = w.start() + rows.map((row, i) => w.row(i, row)).join('') + w.end()
  if (format === 'csv') return body
  const lines = [`continuous flow: ${STEPS_KEYS.map((k) => `${k} ${cell(r.continuous[k], digits)}`).join(', ')}`]
  if (c) lines.push(`mse_K - mse ~ E / K^${c.p}: E = ${E ?? '-'}  digits_agree ${c.digitsAgree}  (Richardson in 1/K over K = ${c.ks[0]}..${c.ks[c.ks.length - 1]}, with and without the largest K)`)
  for (const note of r.notes) lines.push(`note: ${note}`)
  return body + lines.join('\n') + '\n'
}

/** Where MAX_STEPS steps do not suffice. */
const BEYOND = `>${MAX_STEPS}`

function neededOutput(r: StepsNeededResult, criterion: string, tol: number, format: Format): string {
  if (format === 'json') {
    return JSON.stringify({ criterion, tol, n: r.ns, k_star: r.kStar, exponents: r.exponents, max_steps: MAX_STEPS }, (_k, v) => (v === undefined ? null : v), 2) + '\n'
  }
  const rows = r.ns.map((n, i) => [String(n), ...r.schemes.map((s) => (r.kStar[s][i] === undefined ? BEYOND : String(r.kStar[s][i])))])
  if (format === 'csv') return [['n', ...r.schemes].join(','), ...rows.map((row) => row.join(','))].join('\n') + '\n'
  const exponent = (s: string) => (r.exponents[s] === undefined ? '-' : r.exponents[s]!.toFixed(3))
  return (
    alignedText([['n', ...r.schemes], ...rows]) +
    `K* ~ n^a (least squares of log K* on log n, criterion ${criterion}, tol ${tol}): ${r.schemes.map((s) => `${s} a = ${exponent(s)}`).join(', ')}\n` +
    `K*: the smallest K with discretisation error <= tol x statistical error (doubling K, then bisection)\n`
  )
}
