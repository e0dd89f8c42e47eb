/**
 * Sweep grids: the axes a command iterates over, each a list (`--sigma 0.5,1,1.5`) or a range
 * (`--n-range 2:1024:log`), their row order (the first axis outermost, the last fastest), and the
 * deterministic partition of the rows into shards (`--shard k/K`: rows i with i mod K = k - 1).
 *
 * Every value is validated when the grid is read, so a sweep never fails part-way on bad input.
 */
import { Decimal } from 'decimal.js'
import { ParameterError } from '../errors.js'
import { clip, decimal, single } from '../text.js'

/**
 * One axis: its values and their exact decimal text (what high precision computes with), and its
 * definition as the user wrote it. A `uniform` axis (the t grid of curves, k/(K-1)) computes them
 * on demand: its text has more digits than any working precision. A range's texts are those of
 * its values (`texts` absent): 10^7 strings held for nothing would take half a gigabyte.
 */
export type Axis =
  | { readonly name: string; readonly kind: 'values'; readonly values: readonly number[]; readonly texts?: readonly string[]; readonly definition: string }
  | { readonly name: string; readonly kind: 'uniform'; readonly points: number; readonly definition: string }

export const axisLength = (a: Axis): number => (a.kind === 'values' ? a.values.length : a.points)

export function axisValue(a: Axis, j: number): number {
  return a.kind === 'values' ? a.values[j] : j === a.points - 1 ? 1 : j / (a.points - 1)
}

const Grid1100 = Decimal.clone({ precision: 1100 })

export function axisText(a: Axis, j: number): string {
  if (a.kind === 'uniform') return new Grid1100(j).div(a.points - 1).toString()
  return a.texts?.[j] ?? String(a.values[j])
}

/** The uniform grid k/(K-1), k = 0..K-1, of [0, 1]. */
export const uniformAxis = (name: string, points: number): Axis => ({ name, kind: 'uniform', points, definition: `${points} points in [0, 1]` })

/** What values an axis admits. */
export interface AxisRule {
  readonly integer?: boolean
  /** Lower bound, inclusive unless `open`. */
  readonly min: number
  readonly open?: boolean
  readonly max?: number
  /** The rule as a phrase, for messages ("an integer >= 2"). */
  readonly phrase: string
}

/** Most values one axis may hold (a 10^7-point axis is already a large sweep). */
export const AXIS_MAX = 10_000_000

const RANGE_FORM = 'START:STOP:lin|log[:POINTS]'

/**
 * The axis of parameter `name` from `--name LIST` or `--name-range RANGE` (not both); `fallback`
 * (a list, or a range if it holds a colon) when neither is given.
 */
export function readAxis(name: string, list: unknown, range: unknown, rule: AxisRule, fallback: string): Axis {
  const l = single(name, list)
  const r = single(`${name}-range`, range)
  if (l !== undefined && r !== undefined) throw new ParameterError(`${name}-range`, `cannot be combined with --${name}`)
  if (r !== undefined) return rangeAxis(name, r, rule)
  if (l === undefined && fallback.includes(':')) return rangeAxis(name, fallback, rule)
  const text = l ?? fallback
  const parts = text.split(',').map((p) => p.trim())
  if (parts.some((p) => p === '')) throw new ParameterError(name, `must be a number or a comma-separated list of numbers (got '${clip(text)}')`)
  if (parts.length > AXIS_MAX) throw new ParameterError(name, `lists at most ${AXIS_MAX} values (got ${parts.length})`)
  const values = parts.map((p) => check(name, decimal(name, p), rule))
  const seen = new Set<number>()
  values.forEach((v) => {
    if (seen.has(v)) throw new ParameterError(name, `lists ${v} twice (each grid point once)`)
    seen.add(v)
  })
  return { name, kind: 'values', values, texts: parts.map((p) => new Decimal(p).toString()), definition: parts.join(',') }
}

/**
 * START:STOP:lin is every START + k (step 1), START:STOP:log every START * 2^k, up to STOP;
 * with :POINTS, that many points evenly spaced (lin) or geometrically spaced (log), STOP
 * included. Integer axes round the values and drop repeats.
 */
function rangeAxis(name: string, text: string, rule: AxisRule): Axis {
  const flag = `${name}-range`
  const parts = text.split(':').map((p) => p.trim())
  if (parts.length < 3 || parts.length > 4 || (parts[2] !== 'lin' && parts[2] !== 'log')) {
    throw new ParameterError(flag, `must be ${RANGE_FORM}, e.g. 2:1024:log (got '${clip(text)}')`)
  }
  const start = check(flag, decimal(flag, parts[0]), rule)
  const stop = check(flag, decimal(flag, parts[1]), rule)
  const log = parts[2] === 'log'
  if (start > stop) throw new ParameterError(flag, `is empty: START ${start} exceeds STOP ${stop}`)
  if (log && !(start > 0)) throw new ParameterError(flag, `a log range needs START > 0 (got ${start})`)
  let values: number[]
  if (parts.length === 4) {
    const points = decimal(flag, parts[3])
    if (!Number.isInteger(points) || points < 1 || points > AXIS_MAX) throw new ParameterError(flag, `POINTS must be an integer in [1, ${AXIS_MAX}] (got ${clip(parts[3])})`)
    if (points === 1 && start !== stop) throw new ParameterError(flag, `POINTS = 1 needs START = STOP (got ${start}:${stop})`)
    values = Array.from({ length: points }, (_, k) => {
      if (k === points - 1) return stop
      const f = k / (points - 1)
      return log ? start * (stop / start) ** f : start + (stop - start) * f
    })
  } else {
    const count = log ? Math.floor(Math.log2(stop / start) + 1e-12) + 1 : Math.floor(stop - start + 1e-12) + 1
    if (count > AXIS_MAX) throw new ParameterError(flag, `holds ${count} points, more than ${AXIS_MAX}`)
    values = Array.from({ length: count }, (_, k) => (log ? start * 2 ** k : start + k))
  }
  if (rule.integer) values = roundedOnce(values)
  values.forEach((v) => check(flag, v, rule))
  return { name, kind: 'values', values, definition: parts.join(':') }
}

/** Increasing values rounded to integers, each once (rounding keeps the order: repeats are neighbours). */
function roundedOnce(values: readonly number[]): number[] {
  const out: number[] = []
  for (const v of values) {
    const r = Math.round(v)
    if (out.length === 0 || out[out.length - 1] !== r) out.push(r)
  }
  return out
}

function check(flag: string, x: number, rule: AxisRule): number {
  const low = rule.open ? x > rule.min : x >= rule.min
  if (!low || (rule.max !== undefined && x > rule.max) || (rule.integer && !Number.isInteger(x))) {
    throw new ParameterError(flag, `must be ${rule.phrase} (got ${x})`)
  }
  return x + 0
}

/** The rows of a grid, in order: index i <-> one value on each axis (the last axis fastest). */
export class Grid {
  readonly size: number

  constructor(readonly axes: readonly Axis[]) {
    this.size = axes.reduce((s, a) => s * axisLength(a), 1)
    if (this.size === 0) throw new ParameterError(axes.find((a) => axisLength(a) === 0)!.name, 'gives an empty grid')
  }

  /** The axis positions of row i. */
  position(i: number): number[] {
    const pos = new Array<number>(this.axes.length)
    for (let j = this.axes.length - 1; j >= 0; j--) {
      const len = axisLength(this.axes[j])
      pos[j] = i % len
      i = Math.floor(i / len)
    }
    return pos
  }
}

/** A shard k/K of a sweep (1 <= k <= K). */
export interface Shard {
  readonly k: number
  readonly K: number
}

export const WHOLE: Shard = { k: 1, K: 1 }

export function readShard(raw: unknown): Shard {
  const s = single('shard', raw)
  if (s === undefined) return WHOLE
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(s)
  const k = m ? Number(m[1]) : NaN
  const K = m ? Number(m[2]) : NaN
  if (!m || !Number.isSafeInteger(k) || !Number.isSafeInteger(K) || K < 1 || k < 1 || k > K) {
    throw new ParameterError('shard', `must be k/K with integers 1 <= k <= K, e.g. 2/4 (got '${clip(s)}')`)
  }
  return { k, K }
}

export const shardText = (s: Shard): string => `${s.k}/${s.K}`

/** The rows of shard s of a grid of `size` rows: i = k - 1, k - 1 + K, ... */
export function shardRows(size: number, s: Shard): number {
  return s.k - 1 < size ? Math.floor((size - s.k) / s.K) + 1 : 0
}

/** The j-th row index of shard s. */
export const shardIndex = (s: Shard, j: number): number => s.k - 1 + j * s.K
