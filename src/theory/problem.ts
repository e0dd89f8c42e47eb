/**
 * A flow problem: what to solve (parameters, schedule, variant), separate from how to solve it.
 * Validation happens here, at the edge, with errors naming the flag and the rule.
 */
import { clip, integer, isDecimal, single } from '../text.js'
import { ParameterError } from '../errors.js'
import { checkSchedule, compileSchedule, loadSchedule, type Schedule } from '../symbolic/schedule.js'
import { model } from './model.js'
import { checkSampler, type Sampler, type Scheme } from './discrete.js'
import { PARAMETERS, type Parameter } from '../symbolic/names.js'

export interface FlowProblem {
  /** Number of training samples (integer >= 2). */
  readonly n: number
  /** Cluster standard deviation (> 0). */
  readonly sigma: number
  /** Ridge penalty on w (>= 0); c is not penalised. */
  readonly lambda: number
  /** Signal strength |mu|^2/d (> 0). */
  readonly omega: number
  /** Class weight of the target, P(s = +1), in (0, 1) (default 1/2); only the distances to the target depend on it. */
  readonly rho: number
  /** 1/k for k base-noise draws per training sample (1: one draw; 0: k -> infinity, the limit). */
  readonly kinv: number
  /** k itself (Infinity for the limit), as asked. */
  readonly draws: number
  /**
   * The base noise of the training pairs: `shared`, the same draws at every t (the published
   * model), or `per-time`, drawn afresh for every t the DAE is trained at (docs/theory.md).
   */
  readonly noise: Noise
  readonly schedule: Schedule
  /** Whether the DAE has the skip connection c x (default true). */
  readonly skip: boolean
  /** The parameters as exact decimal text (what the user typed), for high precision. */
  readonly text: Readonly<Record<Parameter, string>>
  /** A K-step sampler (src/theory/discrete.ts) instead of the continuous flow; absent: the continuous flow. */
  readonly sampler?: Sampler
}

export const NOISES = ['shared', 'per-time'] as const
export type Noise = (typeof NOISES)[number]

export type ScheduleSpec = string | { readonly alpha: string; readonly beta: string }

export interface ProblemOptions {
  readonly n: number
  readonly sigma: number
  readonly lambda: number
  readonly omega?: number
  /** Class weight P(s = +1) of the target, in (0, 1); default 1/2. */
  readonly rho?: number
  /** Base-noise draws per training sample: a positive integer, or Infinity for the limit (default 1). */
  readonly draws?: number
  /** The training pairs' base noise: the same at every t (`shared`, default) or drawn afresh for every t (`per-time`). */
  readonly noise?: Noise
  /** A named schedule (`linear`, `trig`) or expressions in t; default `linear`. */
  readonly schedule?: ScheduleSpec
  readonly skip?: boolean
  /** Exact decimal text of the parameters (default: the shortest text of each number). */
  readonly text?: Partial<Record<Parameter, string>>
  /** Allow n beyond 2^53 (high precision only; `n` is then a rounded copy of text.n). */
  readonly highPrecision?: boolean
  /** Sample with K steps of a scheme instead of the continuous flow (docs/theory.md, K-step samplers). */
  readonly steps?: number
  /** The scheme of the K-step sampler (default euler; only with `steps`). */
  readonly scheme?: Scheme
}

/** Defaults of a problem's parameters: the published summary-statistics figure (n = 8, sigma = 1.5, lambda = 0.1). */
export const PROBLEM_DEFAULTS = { n: 8, sigma: 1.5, lambda: 0.1, omega: 1, rho: 0.5, draws: 1, noise: 'shared', schedule: 'linear' } as const

/** The most draws per sample taken as a number (beyond, `inf`: the limit). */
export const MAX_DRAWS = 1e15

/** Largest n answered in double precision; beyond it only high precision (digits) answers. */
export const DOUBLE_N_MAX = 1e15

/** The supported range of each parameter (docs/theory.md leaves them free; see docs/cli.md, accuracy). */
export const PARAMETER_RANGE = {
  sigma: { min: 1e-30, max: 1e30, phrase: '[1e-30, 1e30]' },
  omega: { min: 1e-30, max: 1e30, phrase: '[1e-30, 1e30]' },
  lambda: { min: 0, max: 1e30, phrase: '{0} or (0, 1e30]' },
} as const

/** Names of the built-in schedules. */
export const scheduleNames = (): string[] => [...model().schedules.keys()]

/**
 * Check the parameters against their domains and the supported range (PARAMETER_RANGE); n beyond
 * 2^53 only in high precision. Throws ParameterError naming the flag. (flowProblem, the baselines.)
 */
export function checkParameters(p: { readonly n: number; readonly sigma: number; readonly lambda: number; readonly omega: number; readonly rho?: number }, highPrecision = false): void {
  if (!Number.isFinite(p.n) || !Number.isInteger(p.n) || p.n < 2) throw new ParameterError('n', `must be an integer >= 2 (got ${p.n})`)
  if (p.n > Number.MAX_SAFE_INTEGER && !highPrecision) throw new ParameterError('n', `must be at most ${Number.MAX_SAFE_INTEGER} in double precision (got ${p.n})`)
  if (!Number.isFinite(p.sigma) || !(p.sigma > 0)) throw new ParameterError('sigma', `must be a finite number > 0 (got ${p.sigma})`)
  if (!Number.isFinite(p.lambda) || !(p.lambda >= 0)) throw new ParameterError('lambda', `must be a finite number >= 0 (got ${p.lambda})`)
  const { omega } = p
  if (!Number.isFinite(omega) || !(omega > 0)) throw new ParameterError('omega', `must be a finite number > 0 (got ${omega})`)
  if (p.rho !== undefined && !(Number.isFinite(p.rho) && p.rho > 0 && p.rho < 1)) throw new ParameterError('rho', `must be a number in (0, 1), the target's weight P(s = +1) (got ${p.rho})`)
  // The supported range: powers of sigma, omega, lambda up to the fourth stay within double
  // precision, and high precision (the reference and the guard's fallback) answers in seconds.
  for (const [flag, x, rule] of [
    ['sigma', p.sigma, PARAMETER_RANGE.sigma],
    ['omega', omega, PARAMETER_RANGE.omega],
    ['lambda', p.lambda, PARAMETER_RANGE.lambda],
  ] as const) {
    if (x > rule.max || (x > 0 && x < rule.min) || (x === 0 && rule.min > 0)) throw new ParameterError(flag, `must lie in ${rule.phrase} (got ${x}): the range flowgm answers faithfully`)
  }
}

/** Validate and build a problem. Throws ParameterError (flag and rule) on invalid values. */
export function flowProblem(o: ProblemOptions): FlowProblem {
  const omega = o.omega ?? 1
  const rho = o.rho ?? PROBLEM_DEFAULTS.rho
  const draws = o.draws ?? PROBLEM_DEFAULTS.draws
  if (!(draws === Infinity || (Number.isInteger(draws) && draws >= 1 && draws <= MAX_DRAWS)))
    throw new ParameterError('draws', `must be a positive integer up to ${MAX_DRAWS} or inf, the noise draws per training sample (got ${draws})`)
  const noise = noiseNamed(o.noise ?? PROBLEM_DEFAULTS.noise)
  checkParameters({ n: o.n, sigma: o.sigma, lambda: o.lambda, omega, rho }, o.highPrecision)
  const values = { n: o.n, sigma: o.sigma, lambda: o.lambda, omega, rho }
  for (const [key, t] of Object.entries(o.text ?? {}) as Array<[keyof typeof values, string | undefined]>) {
    // The exact text high precision computes with must be the value's own decimal.
    if (t !== undefined && !(typeof t === 'string' && isDecimal(t) && Number(t) === values[key])) {
      throw new ParameterError(key, `exact text '${clip(String(t))}' is not a decimal of the value ${values[key]}`)
    }
  }
  const given = Object.fromEntries(Object.entries(o.text ?? {}).filter(([, t]) => t !== undefined)) as Partial<Record<keyof typeof values, string>>
  // kinv = 1/k exactly: a fraction's text (high precision divides at its working precision).
  const kinvText = draws === Infinity ? '0' : draws === 1 ? '1' : `1/${draws}`
  const text = { n: String(o.n), sigma: String(o.sigma), lambda: String(o.lambda + 0), omega: String(omega), rho: String(rho), ...given, kinv: kinvText }
  const skip = o.skip ?? true
  const sampler = samplerOf(o.steps, o.scheme, skip)
  return { n: o.n, sigma: o.sigma, lambda: o.lambda + 0, omega, rho, kinv: 1 / draws, draws, noise, schedule: resolveSchedule(o.schedule ?? 'linear'), skip, text, ...(sampler ? { sampler } : {}) }
}

/** The sampler of `steps` and `scheme` (checked), or undefined for the continuous flow. */
export function samplerOf(steps: number | undefined, scheme: Scheme | undefined, skip: boolean): Sampler | undefined {
  if (steps === undefined) {
    if (scheme !== undefined) throw new ParameterError('scheme', 'needs --steps K (without it the continuous flow is computed)')
    return undefined
  }
  const sampler = { steps, scheme: scheme ?? 'euler' }
  checkSampler({ skip }, sampler)
  return sampler
}

function resolveSchedule(spec: ScheduleSpec): Schedule {
  if (typeof spec === 'string') {
    const src = model().schedules.get(spec)
    if (!src) throw new ParameterError('schedule', `must be one of ${scheduleNames().join(', ')} (got '${clip(spec)}')`)
    return loadSchedule(src)
  }
  for (const name of ['alpha', 'beta'] as const) {
    if (typeof spec[name] !== 'string') throw new ParameterError(name, `must be an expression in t (got ${typeof spec[name]})`)
  }
  return checkSchedule(compileSchedule('custom', spec.alpha, spec.beta))
}

/** A parameter's exact text as a decimal of D: a decimal, or a fraction p/q (kinv = 1/k) divided at D's precision. */
export function parameterDecimal<T extends { div(x: T | string): T }>(text: string, make: (x: string) => T): T {
  const slash = text.indexOf('/')
  return slash < 0 ? make(text) : make(text.slice(0, slash)).div(make(text.slice(slash + 1)))
}

/** The parameters' exact values in the compiled factories' order, as decimals of `make`. */
export const exactParameters = <T extends { div(x: T | string): T }>(problem: FlowProblem, make: (x: string) => T): T[] => PARAMETERS.map((k) => parameterDecimal(problem.text[k], make))

/** --draws (or an element of `flag`'s list) as text: a positive integer or `inf` (Infinity, the limit k -> infinity); undefined when absent. */
export function drawsOf(value: unknown, flag = 'draws'): number | undefined {
  const text = single(flag, value)
  if (text === undefined) return undefined
  if (/^\s*inf\s*$/i.test(text)) return Infinity
  return integer(flag, text, 1, MAX_DRAWS)
}

/** --noise as text: `shared` or `per-time`; undefined when absent. */
export function noiseOf(value: unknown): Noise | undefined {
  const text = single('noise', value)?.trim()
  return text === undefined ? undefined : noiseNamed(text)
}

/** A noise of NOISES, or the refusal naming --noise (the library's option and the flag alike). */
function noiseNamed(value: unknown): Noise {
  if (!(NOISES as readonly unknown[]).includes(value)) throw new ParameterError('noise', `must be one of ${NOISES.join(', ')} (got '${clip(String(value))}')`)
  return value as Noise
}
