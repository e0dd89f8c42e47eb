/**
 * A sweep's specification from the values of its parameters as text: lists (`2,4,8`), ranges
 * (`2:1024:log`) or single values, each validated before anything is computed. The CLI gives it
 * its flags; the library gives it the values of a SweepOptions written out.
 */
import { ParameterError } from '../errors.js'
import { maxOf } from '../extent.js'
import { decimal, integer, single } from '../text.js'
import { Decimal } from 'decimal.js'
import { drawsOf, noiseOf, PARAMETER_RANGE, PROBLEM_DEFAULTS, type ScheduleSpec } from '../theory/problem.js'
import { readAxis, uniformAxis, type Axis, type AxisRule } from './grid.js'
import type { Sampler } from '../theory/discrete.js'
import type { SweepCommand, SweepSpec } from './sweeps.js'
import { readArchitectures } from './architectures.js'

/** Points of the uniform t grid of curves. */
export const CURVE_POINTS = 101

/** Default grids of the comparison commands. */
export const SWEEP_DEFAULTS = { compareN: '2:1024:log', daeCompareN: '2,8,32,128', daePoints: 11 } as const

const RULES: Readonly<Record<'n' | 'sigma' | 'lambda' | 'omega', AxisRule>> = {
  n: { integer: true, min: 2, max: Number.MAX_VALUE, phrase: 'an integer >= 2' },
  sigma: { min: PARAMETER_RANGE.sigma.min, max: PARAMETER_RANGE.sigma.max, phrase: `a number in ${PARAMETER_RANGE.sigma.phrase}` },
  lambda: { min: 0, max: PARAMETER_RANGE.lambda.max, phrase: `0 or a number in (0, ${PARAMETER_RANGE.lambda.max}]` },
  omega: { min: PARAMETER_RANGE.omega.min, max: PARAMETER_RANGE.omega.max, phrase: `a number in ${PARAMETER_RANGE.omega.phrase}` },
}

/** The values of a sweep's parameters as text (`n`, `n-range`, ..., `t`, `t-range`, `points`); absent: the default. */
export type SweepText = Readonly<Record<string, unknown>>

/** What a sweep is computed with besides its grid. */
export interface SweepSettings {
  readonly schedule: ScheduleSpec
  readonly skip: boolean
  /** The precision for a grid whose largest n is nMax: digits, or undefined for double precision. */
  digitsFor(nMax: number): number | undefined
  /** A K-step sampler instead of the continuous flow (compare and curves; dae-compare refuses it). */
  readonly sampler?: Sampler
}

/** The parameter axes (sigma, lambda, omega, n) of lists, ranges or defaults. */
function paramAxes(a: SweepText, nDefault: string, sweepable: boolean): Axis[] {
  const fallback = { n: nDefault, sigma: String(PROBLEM_DEFAULTS.sigma), lambda: String(PROBLEM_DEFAULTS.lambda), omega: String(PROBLEM_DEFAULTS.omega) }
  return (['sigma', 'lambda', 'omega', 'n'] as const).map((name) => {
    const axis = readAxis(name, a[name], a[`${name}-range`], RULES[name], fallback[name])
    if (!sweepable && (axis.kind !== 'values' || axis.values.length !== 1)) throw new ParameterError(name, 'takes one value here (sweep it with compare or dae-compare)')
    return axis
  })
}

/** The largest n of a grid's n axis (0 for a range, whose values are bounded by its rule). */
const largestN = (axes: readonly Axis[]): number => {
  const n = axes.find((x) => x.name === 'n')!
  return n.kind === 'values' ? maxOf(n.values) : 0
}

/**
 * compare --architectures (and the rho its w2 depends on), refused with --no-skip (the list says
 * which) and with --steps (the architectures are compared as continuous flows).
 */
function architecturesOf(a: SweepText, settings: SweepSettings): Pick<SweepSpec, 'architectures' | 'rho'> {
  const text = single('architectures', a.architectures)
  if (text === undefined) return {}
  if (!settings.skip) throw new ParameterError('architectures', 'cannot be combined with --no-skip (list the architectures instead: skip, no-skip)')
  if (settings.sampler)
    throw new ParameterError('architectures', 'compares the continuous flows and cannot be combined with --steps (compare one architecture with --steps, and --no-skip for the other)')
  return { architectures: readArchitectures(text), rho: rhoOf(a) ?? String(PROBLEM_DEFAULTS.rho) }
}

/**
 * --rho, the target's class weight the distances (w2) depend on, as exact text; undefined when not
 * given. Its range is checked with the problem (flowProblem); here, that it is a decimal.
 */
function rhoOf(a: SweepText): string | undefined {
  const rho = single('rho', a.rho)
  if (rho === undefined) return undefined
  decimal('rho', rho)
  return new Decimal(rho.trim()).toString()
}

/** The rho of curves and compare's rows, where given (compare --architectures keeps its own), --draws and --noise. */
const rhoSpec = (a: SweepText): Pick<SweepSpec, 'rho' | 'draws' | 'noise'> => {
  const rho = rhoOf(a)
  const draws = drawsOf(a.draws)
  const noise = noiseOf(a.noise)
  return { ...(rho === undefined ? {} : { rho }), ...(draws === undefined || draws === 1 ? {} : { draws }), ...(noise === undefined || noise === 'shared' ? {} : { noise }) }
}

/** The specification of a sweep from its parameters' text. */
export function sweepSpec(command: SweepCommand, a: SweepText, settings: SweepSettings): SweepSpec {
  const { schedule, skip, sampler } = settings
  const digitsOf = (axes: readonly Axis[]) => settings.digitsFor(largestN(axes))
  switch (command) {
    case 'compare': {
      const axes = paramAxes(a, SWEEP_DEFAULTS.compareN, true)
      return { command, axes, schedule, skip, digits: digitsOf(axes), ...(sampler ? { sampler } : {}), ...rhoSpec(a), ...architecturesOf(a, settings) }
    }
    case 'dae-compare': {
      if (sampler) throw new ParameterError('steps', 'does not apply to dae-compare (the denoiser at a time does not depend on the sampler)')
      const axes = paramAxes(a, SWEEP_DEFAULTS.daeCompareN, true)
      const points = integer('points', a.points, 2, 10_000_000)
      if (points !== undefined && (a.t !== undefined || a['t-range'] !== undefined)) throw new ParameterError('points', 'cannot be combined with --t or --t-range')
      const t =
        a.t !== undefined || a['t-range'] !== undefined ? readAxis('t', a.t, a['t-range'], { min: 0, max: 1, phrase: 'a time in [0, 1]' }, '') : uniformAxis('t', points ?? SWEEP_DEFAULTS.daePoints)
      return { command, axes: [...axes, t], schedule, skip, digits: digitsOf(axes) }
    }
    case 'curves': {
      const axes = paramAxes(a, String(PROBLEM_DEFAULTS.n), false)
      const points = integer('points', a.points, 2, 10_000_000) ?? (sampler ? sampler.steps + 1 : CURVE_POINTS)
      // A sampler's states exist at its grid times k/K only: the uniform t grid must be among them.
      if (sampler && sampler.steps % (points - 1) !== 0) {
        throw new ParameterError('points', `must be 1 + a divisor of --steps ${sampler.steps} (the sampler's states exist at the grid times k/${sampler.steps} only; got ${points})`)
      }
      return { command, axes: [...axes, uniformAxis('t', points)], schedule, skip, digits: digitsOf(axes), ...(sampler ? { sampler } : {}), ...rhoSpec(a) }
    }
  }
}
