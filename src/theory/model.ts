/**
 * The compiled model: the double-precision functions derived from equations/ (src/symbolic), from
 * the source model-file.ts loads (in a browser, model-file.browser.ts: package.json's `browser`
 * field swaps it in).
 */
import { compiled } from '../symbolic/codegen.js'
import type { ExactSource, ModelSource, VariantSource } from '../symbolic/derive.js'
import type { Variant } from '../symbolic/names.js'
import type { ScheduleSource } from '../symbolic/schedule.js'
import { loadSource } from './model-file.js'
import type { Noise } from './problem.js'

type Factory<A extends unknown[]> = (n: number, sigma: number, lambda: number, omega: number, rho: number, kinv: number) => (...args: A) => number[]

export interface CompiledVariant {
  readonly source: VariantSource
  readonly dae: Factory<[number, number]>
  readonly ode: Factory<[number, number, number, number]>
  readonly odeLimit?: Factory<[number, number, number, number]>
  readonly flow: Factory<[number, number, number]>
  readonly daeEndDirection: Factory<[number]>
  readonly daeAsWritten: Factory<[number, number, number, number, number]>
}

export interface Model {
  readonly source: ModelSource
  readonly schedules: ReadonlyMap<string, ScheduleSource>
  readonly variants: Readonly<Record<Variant, CompiledVariant>>
  /** The same compiled with kinv = 1 substituted first (ModelSource.oneDraw). */
  readonly oneDraw: Readonly<Record<Variant, CompiledVariant>>
  /** Fresh noise at every t, in general and at one draw (ModelSource.perTime, perTimeOne). */
  readonly perTime: Readonly<Record<Variant, CompiledVariant>>
  readonly perTimeOne: Readonly<Record<Variant, CompiledVariant>>
  /** The asymptotic baselines of equations/baselines.eq in double precision (keys in source.baselines.keys). */
  readonly baselines: Factory<[]>
}

let cached: Model | undefined

/** What picks a problem's variant. */
interface VariantKey {
  readonly skip: boolean
  readonly draws: number
  /** Default shared. */
  readonly noise?: Noise
  /** A K-step sampler: with fresh noise it keeps the memorised noise's source (src/theory/discrete.ts sums its squares). */
  readonly sampler?: unknown
}

/** Whether the continuous flow of fresh noise at every t applies (not a K-step sampler). */
const continuousPerTime = (p: VariantKey): boolean => p.noise === 'per-time' && p.sampler === undefined

/**
 * The compiled variant a problem uses: with skip connection or without, at one draw per sample
 * the forms derived there (kinv = 1 substituted before compiling), and with fresh noise at every t
 * (the continuous flow) those of flow.eq's [ode per-time].
 */
export function variantOf(p: VariantKey): CompiledVariant {
  const m = model()
  const set = continuousPerTime(p) ? (p.draws === 1 ? m.perTimeOne : m.perTime) : p.draws === 1 ? m.oneDraw : m.variants
  return set[p.skip ? 'skip' : 'noskip']
}

/**
 * The exact solutions a problem's listings and rate print: at one draw per sample and in the limit
 * of infinitely many, those derived there (no kinv in them); for another k the general ones.
 */
export function exactOf(p: VariantKey): ExactSource {
  const v = p.skip ? 'skip' : 'noskip'
  const s = (continuousPerTime(p) ? model().perTime : model().variants)[v].source
  return (p.draws === 1 ? s.exactOne : p.draws === Infinity ? s.exactInfinite : s.exact)!
}

/** An exact expression of the general solutions written in k (kinv = 1/k), for symbolic k. */
export const inDraws = (text: string): string => text.replace(/\bkinv\b/g, '(1/k)')

/** The compiled model (built once per process). */
export function model(): Model {
  if (!cached) cached = compile(loadSource())
  return cached
}

function compile(source: ModelSource): Model {
  const variant = (v: VariantSource): CompiledVariant => ({
    source: v,
    dae: compiled(v.dae),
    ode: compiled(v.ode),
    odeLimit: v.odeLimit ? compiled(v.odeLimit) : undefined,
    flow: compiled(v.flow),
    daeEndDirection: compiled(v.daeEndDirection),
    daeAsWritten: compiled(v.daeAsWritten),
  })
  return {
    source,
    schedules: new Map(source.schedules.map((s) => [s.name, s])),
    variants: { skip: variant(source.variants.skip), noskip: variant(source.variants.noskip) },
    oneDraw: { skip: variant(source.oneDraw.skip), noskip: variant(source.oneDraw.noskip) },
    perTime: { skip: variant(source.perTime.skip), noskip: variant(source.perTime.noskip) },
    perTimeOne: { skip: variant(source.perTimeOne.skip), noskip: variant(source.perTimeOne.noskip) },
    baselines: compiled(source.baselines.double),
  }
}
