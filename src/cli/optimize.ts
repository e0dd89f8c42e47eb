/**
 * `flowgm optimize`: the best regularisation lambda* of an objective at t = 1, with the evidence
 * of its two methods; with --n-range, lambda*(n) and its large-n limit. The numbers come from
 * src/theory/optimize.ts.
 */
import type { Argv } from 'yargs'
import { ParameterError } from '../errors.js'
import type { Decimal } from '../hp/arith.js'
import { preciseText, rounded } from '../printing.js'
import { axisLength, axisValue, readAxis } from '../sweep/grid.js'
import { writer, type Cells } from '../sweep/writers.js'
import { OBJECTIVES, optimize, optimizeOverN, type LambdaStar, type Limit } from '../theory/optimize.js'
import { DOUBLE_N_MAX } from '../theory/problem.js'
import { oneOf } from './args.js'
import { beyondLimit, HP_LIMIT_SECONDS, hpSeconds, transcendentalSchedule } from '../limits.js'
import { stageCount } from '../theory/discrete.js'
import type { FlowProblem } from '../theory/problem.js'
import { commonOptions, DEFAULTS, problemFrom, samplerOptions, scheduleFrom, type Args } from './common.js'
import type { Format } from './format.js'

/** The flags of optimize: the common ones, the sampler's, the objective and the n grid. */
export function optimizeOptions<T>(y: Argv<T>): Argv<T> {
  return samplerOptions(commonOptions(y))
    .option('objective', { type: 'string', describe: `the stats key minimised at t = 1: ${OBJECTIVES.join(', ')} [default: mse]` })
    .option('n-range', { type: 'string', describe: 'n grid START:STOP:lin|log[:POINTS]: lambda*(n) at each n and its large-n limit, instead of --n' })
}

/** lambda*(n) is computed in decimal arithmetic from the double n of each grid point. */
const N_RULE = { integer: true, min: 2, max: DOUBLE_N_MAX - 1, phrase: 'an integer in [2, 1e15)' } as const

/** A value as printed: 12 significant digits as a number, or exactly `digits` as decimal text. */
const cell = (x: Decimal, digits: number | undefined): number | string => (digits === undefined ? rounded(x.toNumber()) : preciseText(x, digits))

/** The keys of one answer, in the order printed. */
const KEYS = ['minimised', 'lambda_star', 'boundary', 'objective', 'lambda', 'objective_at_lambda', 'bo_mse', 'ratio', 'digits_derivative', 'digits_agree', 'route'] as const

function cells(r: LambdaStar, lambda: string, digits: number | undefined): Cells {
  return {
    minimised: r.objective,
    lambda_star: cell(r.lambdaStar, digits),
    boundary: String(r.boundary),
    objective: cell(r.value, digits),
    lambda: digits === undefined ? Number(lambda) : lambda,
    objective_at_lambda: cell(r.valueAtLambda, digits),
    bo_mse: cell(r.boMse, digits),
    ratio: cell(r.ratio, digits),
    digits_derivative: r.digitsDerivative,
    digits_agree: r.digitsAgree,
    route: r.route,
  }
}

/** JSON keeps booleans as booleans; the table and CSV print them as words. */
const jsonOf = (c: Cells): Record<string, unknown> => ({ ...c, boundary: c.boundary === 'true' })

function table(keys: readonly string[], rows: readonly Cells[], format: Format): string {
  const w = writer(format, keys)
  return w.start() + rows.map((row, i) => w.row(i, row)).join('') + w.end()
}

/** A limit to the digits two extrapolations agree on ('-' when none). */
const limitText = (l: Limit): string => (l.diverges ? 'diverges' : l.digits === 0 ? '-' : l.value.isZero() ? '0' : l.value.toPrecision(l.digits))

/**
 * Evaluations of stats at 2D + 10 digits that lambda* of a K-step sampler costs, at most: counted
 * about 40 (Newton's at two precisions, Brent's), and src/limits.ts's estimate of each carries
 * its own margin.
 */
const SAMPLER_EVALUATIONS = 40

/** Refuse a K-step sampler's lambda* (at `ns` values of n) that would take beyond the hour. */
function checkSamplerCost(a: Args, problem: FlowProblem & { digits?: number }, ns: readonly number[]): void {
  if (!problem.sampler) return
  const digits = 2 * (problem.digits ?? 12) + 10
  const stages = stageCount(problem.sampler)
  const transcendental = transcendentalSchedule(scheduleFrom(a))
  const seconds = SAMPLER_EVALUATIONS * ns.reduce((sum, n) => sum + hpSeconds({ command: 'stats', digits, n, transcendental, stages }), 0)
  if (seconds > HP_LIMIT_SECONDS) {
    throw new ParameterError(
      'steps',
      `lambda* takes about ${SAMPLER_EVALUATIONS} evaluations of ${stages} stage times at ${digits} digits${ns.length > 1 ? ` at each of ${ns.length} n` : ''}: ${beyondLimit(seconds)}; lower --steps or --digits`,
    )
  }
}

/** optimize: lambda* at one n, or lambda*(n) over --n-range with the limits n -> infinity. */
export function optimizeCommand(a: Args, format: Format): string {
  const objective = oneOf('objective', a.objective, OBJECTIVES) ?? 'mse'
  if (a['n-range'] === undefined) {
    const problem = problemFrom(a)
    checkSamplerCost(a, problem, [problem.n])
    const r = optimize(problem, { objective, ...(problem.digits !== undefined ? { digits: problem.digits } : {}) })
    const c = cells(r, problem.text.lambda, problem.digits)
    return format === 'json' ? JSON.stringify(jsonOf(c), null, 2) + '\n' : table(KEYS, [c], format)
  }
  const axis = readAxis('n', a.n, a['n-range'], N_RULE, String(DEFAULTS.n))
  const ns = Array.from({ length: axisLength(axis) }, (_, j) => axisValue(axis, j))
  const problem = problemFrom({ ...a, n: String(ns[0]), 'n-range': undefined })
  checkSamplerCost(a, problem, ns)
  const r = optimizeOverN(problem, ns, { objective, ...(problem.digits !== undefined ? { digits: problem.digits } : {}) })
  const keys = ['n', ...KEYS.filter((k) => k !== 'minimised' && k !== 'lambda'), 'n_objective', 'n_objective_at_lambda']
  const rows = r.rows.map((row) => ({
    n: row.n,
    ...cells(row, problem.text.lambda, problem.digits),
    n_objective: cell(row.value.times(row.n), problem.digits),
    n_objective_at_lambda: cell(row.valueAtLambda.times(row.n), problem.digits),
  }))
  const limits = {
    limit_of: r.limitOf,
    limit: limitText(r.limit),
    limit_digits: r.limit.digits,
    C_at_lambda_star: limitText(r.constantAtStar),
    C_at_lambda_star_digits: r.constantAtStar.digits,
    C_at_lambda: limitText(r.constantAtLambda),
    C_at_lambda_digits: r.constantAtLambda.digits,
    limit_exact: r.exactLimit ? preciseText(r.exactLimit.value, r.rows[0].digits) : null,
    limit_exact_digits_agree: r.exactLimit?.digitsAgree ?? null,
  }
  if (format === 'json') return JSON.stringify({ minimised: objective, lambda: problem.digits === undefined ? problem.lambda : problem.text.lambda, rows: rows.map(jsonOf), ...limits }, null, 2) + '\n'
  const body = table(keys, rows, format)
  if (format === 'csv') return body
  return (
    body +
    `${r.limitOf} -> ${limits.limit} as n -> infinity (Richardson in 1/n on the largest n; ${limits.limit_digits} digits agree with one point fewer)\n` +
    `n ${objective} -> ${limits.C_at_lambda_star} at lambda*(n), ${limits.C_at_lambda} at lambda = ${problem.text.lambda}\n` +
    (limits.limit_exact === null ? '' : `exactly: lambda* -> ${limits.limit_exact} (the minimiser of C1, the 1/n coefficient of n mse; ${limits.limit_exact_digits_agree} digits agree)\n`)
  )
}
