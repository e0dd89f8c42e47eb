/**
 * Sweeps for the library: a grid given by values (`{ command: 'compare', n: [2, 4, 8], sigma: 1.5 }`),
 * its rows as an async iterable, typed by command. The rows are those `flowgm compare`,
 * `dae-compare` and `curves` print (src/sweep/sweeps.ts): in double precision numbers rounded to
 * the 12 digits the solver guarantees, under `digits` decimal strings with that many digits.
 */
import type { DaeKey, StatsKey } from '../generated/keys.js'
import { ParameterError } from '../errors.js'
import { nextTurn } from '../limits.js'
import { integer } from '../text.js'
import { DOUBLE_N_MAX, samplerOf, type Noise, type ScheduleSpec } from '../theory/problem.js'
import type { Scheme } from '../theory/discrete.js'
import { sweepSpec } from './spec.js'
import { prepareSweep, SWEEP_COMMANDS, type COMPARE_KEYS, type DAE_COMPARE_KEYS, type SweepCommand, type SweepSpec } from './sweeps.js'

/** One value, a list, or a range `START:STOP:lin|log[:POINTS]` (docs/cli.md, grids). */
export type AxisValues = number | readonly number[] | string

export interface SweepOptions<C extends SweepCommand = SweepCommand> {
  readonly command: C
  /** compare and dae-compare sweep every parameter; curves takes one value of each. */
  readonly n?: AxisValues
  readonly sigma?: AxisValues
  readonly lambda?: AxisValues
  readonly omega?: AxisValues
  /** dae-compare: the times (default: `points` uniform times in [0, 1]). */
  readonly t?: AxisValues
  /** dae-compare and curves: the number of uniform times in [0, 1]. */
  readonly points?: number
  readonly schedule?: ScheduleSpec
  readonly skip?: boolean
  /** The target's class weight P(s = +1), in (0, 1) (default 1/2; only w2 and weight_error depend on it). */
  readonly rho?: number
  /** Base-noise draws per training sample, a positive integer or Infinity (default 1). */
  readonly draws?: number
  /** The training pairs' base noise: the same at every t (`shared`, default) or drawn afresh for every t (`per-time`). */
  readonly noise?: Noise
  /** compare and curves: sample with K steps of `scheme` instead of the continuous flow (curves: the grid times k/K). */
  readonly steps?: number
  readonly scheme?: Scheme
  /** Significant digits, verified (high precision); absent: double precision. */
  readonly digits?: number
  /** Stops the sweep between rows (the iterator throws the signal's reason). */
  readonly signal?: AbortSignal
}

type GridKey = 'n' | 'sigma' | 'lambda' | 'omega' | 't'
type ColumnsOf<C extends SweepCommand> = C extends 'compare' ? (typeof COMPARE_KEYS)[number] : C extends 'dae-compare' ? (typeof DAE_COMPARE_KEYS)[number] : DaeKey | StatsKey

/**
 * A row of a sweep: its grid coordinates (n always, t for dae-compare and curves, the other
 * parameters where swept) and the command's columns, of type V (number, or string under digits).
 */
export type SweepRow<C extends SweepCommand, V> = Readonly<Partial<Record<GridKey, V>> & Record<ColumnsOf<C>, V> & { digits_verified?: number }>

const AXES = ['n', 'sigma', 'lambda', 'omega', 't'] as const
const KNOWN = new Set<string>(['command', ...AXES, 'points', 'schedule', 'skip', 'rho', 'draws', 'noise', 'steps', 'scheme', 'digits', 'signal'])
/** Rows computed between two turns of the event loop. */
const BATCH = 64

/** The options as the text sweepSpec reads (a list joined by commas, a range under NAME-range). */
function textOf(o: SweepOptions): Record<string, string> {
  const text: Record<string, string> = {}
  for (const name of AXES) {
    const v = o[name]
    if (v === undefined) continue
    if (typeof v === 'string') text[v.includes(':') ? `${name}-range` : name] = v
    else if (typeof v === 'number') text[name] = String(v)
    else if (Array.isArray(v)) text[name] = v.map(String).join(',')
    else throw new ParameterError(name, `must be a number, an array of numbers or a range START:STOP:lin|log[:POINTS] (got ${typeof v})`)
  }
  if (o.points !== undefined) text.points = String(o.points)
  // The training protocol and the target's weight as the flags read them (Infinity draws: inf).
  if (o.rho !== undefined) text.rho = String(o.rho)
  if (o.draws !== undefined) text.draws = o.draws === Infinity ? 'inf' : String(o.draws)
  if (o.noise !== undefined) text.noise = String(o.noise)
  return text
}

/**
 * The specification of a sweep from values, validated (a ParameterError names the first value
 * out of its domain); for the figures of src/plot/figures.ts and for sweep().
 */
export function sweepSpecOf(o: SweepOptions): SweepSpec {
  if (!(SWEEP_COMMANDS as readonly string[]).includes(o.command)) throw new ParameterError('command', `must be one of ${SWEEP_COMMANDS.join(', ')} (got '${String(o.command)}')`)
  const unknown = Object.keys(o).find((k) => !KNOWN.has(k))
  if (unknown !== undefined) throw new ParameterError(unknown, `is not an option of sweep (options: ${[...KNOWN].join(', ')})`)
  const digits = integer('digits', o.digits, 1, 1000)
  return sweepSpec(o.command, textOf(o), {
    schedule: o.schedule ?? 'linear',
    skip: o.skip ?? true,
    sampler: samplerOf(o.steps, o.scheme, o.skip ?? true),
    digitsFor: (nMax) => {
      if (digits === undefined && nMax >= DOUBLE_N_MAX) throw new ParameterError('digits', `is needed for n >= 1e15 (got n = ${nMax}): double precision answers n < 1e15 faithfully`)
      return digits
    },
  })
}

/** The rows of a sweep, in grid order (the first axis outermost), computed a batch at a time. */
export function sweep<C extends SweepCommand>(o: SweepOptions<C> & { readonly digits: number }): AsyncGenerator<SweepRow<C, string>>
export function sweep<C extends SweepCommand>(o: SweepOptions<C> & { readonly digits?: undefined }): AsyncGenerator<SweepRow<C, number>>
export async function* sweep<C extends SweepCommand>(o: SweepOptions<C>): AsyncGenerator<SweepRow<C, number | string>> {
  const prepared = prepareSweep(sweepSpecOf(o))
  for (let from = 0; from < prepared.grid.size; from += BATCH) {
    o.signal?.throwIfAborted()
    const indices = Array.from({ length: Math.min(BATCH, prepared.grid.size - from) }, (_, j) => from + j)
    for (const row of prepared.rows(indices)) yield row as SweepRow<C, number | string>
    await nextTurn()
  }
}
