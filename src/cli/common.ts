/**
 * The flags every model command shares: parameters, schedule, variant, precision, format; read
 * and validated into a problem (or its parts, for the grid commands).
 */
import type { Argv } from 'yargs'
import { ParameterError } from '../errors.js'
import { Decimal } from '../hp/arith.js'
import { DOUBLE_N_MAX, drawsOf, flowProblem, noiseOf, PROBLEM_DEFAULTS, samplerOf, type FlowProblem, type ScheduleSpec } from '../theory/problem.js'
import { MAX_STEPS, SCHEMES, type Sampler } from '../theory/discrete.js'
import { CURVE_POINTS, sweepSpec } from '../sweep/spec.js'
import type { SweepCommand, SweepSpec } from '../sweep/sweeps.js'
import { oneOf } from './args.js'
import { clip, integer, number, single } from '../text.js'
import { FORMATS, type Format } from './format.js'

/** Flag defaults: the problem's (PROBLEM_DEFAULTS), the points of curves, the t of stats. */
export const DEFAULTS = { ...PROBLEM_DEFAULTS, points: CURVE_POINTS, statsT: 1 } as const

export type Args = Record<string, unknown>

/** Where report writes unless told --out (in main's help, which loads report.ts only to run it). */
export const REPORT_DIR = 'out'

/**
 * The common flags. `lists`: parameters that take a comma-separated list (a grid axis); `defaults`
 * overrides the default shown for a parameter.
 */
export function commonOptions<T>(y: Argv<T>, lists: readonly string[] = [], defaults: Readonly<Record<string, string>> = {}): Argv<T> {
  const param = (name: 'n' | 'sigma' | 'lambda' | 'omega', what: string) => ({
    type: 'string' as const,
    describe: `${what}${lists.includes(name) ? ', or a comma-separated list' : ''} [default: ${defaults[name] ?? DEFAULTS[name]}]`,
  })
  return y
    .option('n', param('n', 'number of training samples, integer >= 2'))
    .option('sigma', param('sigma', 'cluster standard deviation, > 0'))
    .option('lambda', param('lambda', 'ridge penalty on w, >= 0'))
    .option('omega', param('omega', 'signal strength |mu|^2/d, > 0'))
    .option('draws', { type: 'string', describe: `base-noise draws per training sample, a positive integer or inf (the limit): the n k training pairs (x1, x0^j) [default: ${DEFAULTS.draws}]` })
    .option('noise', {
      type: 'string',
      describe: `the training pairs' base noise: shared (the same draws at every t, the published model) or per-time (drawn afresh for every t the DAE is trained at) [default: ${DEFAULTS.noise}]`,
    })
    .option('rho', { type: 'string', describe: `class weight P(s = +1) of the target, in (0, 1); only the distances to the target (w2, weight_error) depend on it [default: ${DEFAULTS.rho}]` })
    .option('schedule', { type: 'string', describe: `named schedule: linear (alpha = 1-t, beta = t) or trig (alpha = cos(pi t/2), beta = sin(pi t/2)) [default: ${DEFAULTS.schedule}]` })
    .option('alpha', { type: 'string', describe: 'custom alpha(t), coefficient of the base noise x0 (with --beta)' })
    .option('beta', { type: 'string', describe: 'custom beta(t), coefficient of the target x1 (with --alpha)' })
    .option('skip', { type: 'boolean', default: true, describe: 'DAE with skip connection c x; --no-skip sets c = 0' })
    .option('digits', {
      type: 'string',
      describe: 'significant digits, integer in [1, 1000]: arbitrary precision (decimal.js), every value computed by two independent routes [default: double precision, 12 digits printed]',
    })
    .option('format', { type: 'string', describe: `output format: ${FORMATS.join(', ')} [default: table]` })
    .option('json', { type: 'boolean', describe: 'shorthand for --format json' })
}

/** --steps and --scheme: a K-step sampler instead of the continuous flow (stats, curves, compare, rate, steps, plot). */
export function samplerOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('steps', {
      type: 'string',
      describe: `sample with K steps of --scheme on the grid t_k = k/K instead of the continuous flow (the d -> infinity theory of the K-step sampler), integer in [1, ${MAX_STEPS}] [default: the continuous flow]`,
    })
    .option('scheme', { type: 'string', describe: `the K-step scheme: ${SCHEMES.join(', ')} (heun and rk4 evaluate t = 1: skip connection only) [default: euler]` })
}

/** The sampler of --steps and --scheme (checked against --no-skip), or undefined for the continuous flow. */
export function samplerFrom(a: Args): Sampler | undefined {
  const steps = integer('steps', a.steps, 1, MAX_STEPS)
  const scheme = oneOf('scheme', a.scheme, SCHEMES)
  return samplerOf(steps, scheme, a.skip !== false)
}

/** Digits used when a request is switched to high precision without --digits. */
const FALLBACK_DIGITS = 12

/** The schedule of --schedule or --alpha/--beta (not yet compiled or checked). */
export function scheduleFrom(a: Args): ScheduleSpec {
  const alpha = single('alpha', a.alpha)
  const beta = single('beta', a.beta)
  const named = single('schedule', a.schedule)
  if ((alpha === undefined) !== (beta === undefined)) throw new ParameterError(alpha === undefined ? 'beta' : 'alpha', 'requires both --alpha and --beta')
  if (alpha !== undefined && named !== undefined) throw new ParameterError('schedule', 'cannot be combined with --alpha/--beta')
  return alpha !== undefined ? { alpha, beta: beta! } : (named ?? DEFAULTS.schedule)
}

/**
 * Warnings of the current run. main prints them once the command has succeeded: a flag read
 * after the warning may still be refused, and the refusal is then the one line on stderr.
 */
const warnings: string[] = []

/** A warning (`flowgm: warning: ...` on stderr if the command succeeds). */
export function warn(message: string): void {
  warnings.push(message)
}

/** The warnings so far, removed. */
export const takeWarnings = (): string[] => warnings.splice(0)

/** --digits, or the fallback precision (with a warning) when the largest n is beyond double. */
export function digitsFrom(a: Args, nMax: number): number | undefined {
  const digits = integer('digits', a.digits, 1, 1000)
  if (nMax >= DOUBLE_N_MAX && digits === undefined) {
    warn(`--n ${nMax} is beyond what double precision answers faithfully (n < 1e15); computing with --digits ${FALLBACK_DIGITS}`)
    return FALLBACK_DIGITS
  }
  return digits
}

/**
 * The problem the common flags describe, and the precision asked for (undefined: double). With
 * `sampler` false, --steps and --scheme are not read (simulate's own flags of the same names).
 */
export function problemFrom(a: Args, { sampler = true } = {}): FlowProblem & { digits?: number } {
  const schedule = scheduleFrom(a)
  const n = integer('n', a.n, 2, Number.MAX_VALUE) ?? DEFAULTS.n
  const digits = digitsFrom(a, n)
  const exact = (flag: string, fallback: number): string => {
    const s = single(flag, a[flag])
    return s === undefined ? String(fallback) : new Decimal(s.trim()).toString()
  }
  const problem = flowProblem({
    n,
    sigma: number('sigma', a.sigma) ?? DEFAULTS.sigma,
    lambda: number('lambda', a.lambda) ?? DEFAULTS.lambda,
    omega: number('omega', a.omega) ?? DEFAULTS.omega,
    rho: number('rho', a.rho) ?? DEFAULTS.rho,
    draws: drawsOf(a.draws),
    noise: noiseOf(a.noise),
    schedule,
    skip: a.skip !== false,
    text: { n: exact('n', DEFAULTS.n), sigma: exact('sigma', DEFAULTS.sigma), lambda: exact('lambda', DEFAULTS.lambda), omega: exact('omega', DEFAULTS.omega), rho: exact('rho', DEFAULTS.rho) },
    highPrecision: digits !== undefined,
    ...(sampler ? samplerFrom(a) : {}),
  })
  return { ...problem, digits }
}

/** --format (or --json) among `formats`, each of which includes table and json. */
export function formatFrom<F extends string = Format>(a: Args, formats: readonly F[] = FORMATS as readonly string[] as readonly F[]): F {
  const f = single('format', a.format)
  if (a.json === true) {
    if (f !== undefined && f !== 'json') throw new ParameterError('json', `conflicts with --format ${clip(f)}`)
    return 'json' as F
  }
  return oneOf('format', f, formats) ?? ('table' as F)
}

/** The specification of a grid command from its flags. */
export function specFrom(command: SweepCommand, a: Args): SweepSpec {
  return sweepSpec(command, a, { schedule: scheduleFrom(a), skip: a.skip !== false, digitsFor: (nMax) => digitsFrom(a, nMax), sampler: samplerFrom(a) })
}

/** The grid of t a dae or curves chart is drawn on. */
export const PLOT_POINTS = 101

/** The t grid of a dae or curves chart: that of curves, with PLOT_POINTS points unless --points. */
export const plotGrid = (a: Args): SweepSpec => specFrom('curves', { ...a, points: a.points ?? (a.steps === undefined ? String(PLOT_POINTS) : undefined) })
