/**
 * The keys of the model's rows as TypeScript, for src/generated/keys.ts: the build writes that
 * file from the equations (src/tools/build-model.ts), so that a row's type has exactly the keys
 * the equations define and a misspelt key (`row.mes`) is a compile error.
 */
import { STATES, VARIANTS, type ModelSource } from './derive.js'

/** The key lists of a model, the same for both variants (refused otherwise: one row type each). */
export function modelKeys(source: ModelSource): { stats: string[]; dae: string[]; baselines: string[]; infinite: string[] } {
  const of = (pick: (v: ModelSource['variants'][(typeof VARIANTS)[number]]) => readonly string[]): string[] => {
    const [first, ...rest] = VARIANTS.map((v) => pick(source.variants[v]))
    if (rest.some((keys) => keys.join() !== first.join()))
      throw new Error(`the variants' keys differ (${VARIANTS.map((v) => pick(source.variants[v]).join(',')).join(' / ')}): one row type cannot describe both`)
    return [...first]
  }
  return {
    stats: [...STATES, ...of((v) => v.flowKeys)],
    dae: of((v) => v.daeKeys),
    baselines: [...source.baselines.keys],
    infinite: of((v) => v.infinite.map((x) => x.key)),
  }
}

const list = (keys: readonly string[]) => `[${keys.map((k) => `'${k}'`).join(', ')}] as const`

/** The text of src/generated/keys.ts for a model. */
export function keysModule(source: ModelSource): string {
  const keys = modelKeys(source)
  return `// Written by the build (src/tools/build-model.ts) from equations/; do not edit. A test checks
// that it matches the equations.

/** Keys of \`flowgm stats\` after t: the states (M, Q_xi, P), then flow.eq's observables. */
export const STATS_KEYS = ${list(keys.stats)}
/** Keys of \`flowgm dae\` after t: Result A's weights, then dae.eq's observables. */
export const DAE_KEYS = ${list(keys.dae)}
/** The asymptotic baselines of baselines.eq. */
export const BASELINE_EQUATION_KEYS = ${list(keys.baselines)}
/** Keys of STATS_KEYS that are +Infinity where a state vanishes (flow.eq [infinite]): printed as null with a note. */
export const INFINITE_KEYS = ${list(keys.infinite)}

export type StatsKey = (typeof STATS_KEYS)[number]
export type DaeKey = (typeof DAE_KEYS)[number]

/** A row of \`flowgm stats\`: t and every key of STATS_KEYS. */
export type StatsRow = Readonly<{ t: number } & Record<StatsKey, number>>
/** A row of \`flowgm dae\`: t and every key of DAE_KEYS. */
export type DaeRow = Readonly<{ t: number } & Record<DaeKey, number>>
`
}
