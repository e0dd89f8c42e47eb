/**
 * The high-precision solution, for the library: `flowgm stats --digits D` and `dae --digits D`
 * as values. Every value is verified by two routes to `digits` significant digits (src/theory/hp.ts);
 * times are decimal text (a number is taken as its shortest decimal), kept exact.
 */
import type { Decimal } from '../hp/arith.js'
import type { DaeKey, StatsKey } from '../generated/keys.js'
import { daeHp, statsHp, type HpOptions, type HpResult } from './hp.js'
import type { FlowProblem } from './problem.js'

/** A row at high precision: t as given and each key, a decimal.js value rounded to `digits` digits. */
export type PreciseRow<K extends string> = Readonly<{ t: Decimal } & Record<K, Decimal>>

export interface PreciseRows<K extends string> {
  readonly keys: readonly ('t' | K)[]
  readonly rows: readonly PreciseRow<K>[]
  /** Significant digits on which the two routes agree, the least over every value (>= digits). */
  readonly digitsVerified: number
}

/** Times as the high-precision routes read them. */
export type Times = number | string | readonly (number | string)[]

export interface PreciseSolution {
  readonly problem: FlowProblem
  readonly digits: number
  /** Result B at each time: the states M, Q_xi, P and the observables. */
  stats(ts: Times): PreciseRows<StatsKey>
  /** Result A at each time: the DAE's weights and the observables. */
  dae(ts: Times): PreciseRows<DaeKey>
}

const texts = (ts: Times): string[] => (Array.isArray(ts) ? ts : [ts]).map((t: number | string) => String(t))

const typed = <K extends string>(r: HpResult): PreciseRows<K> => ({ keys: r.keys as PreciseRows<K>['keys'], rows: r.rows as PreciseRows<K>['rows'], digitsVerified: r.digitsVerified })

/**
 * The problem solved to `digits` significant digits (1 to 1000). `maxSeconds` bounds the time a
 * schedule that cancels may cost (default an hour), as in HpOptions.
 */
export function solvePrecise(problem: FlowProblem, options: Pick<HpOptions, 'digits' | 'maxSeconds'>): PreciseSolution {
  const o = { digits: options.digits, maxSeconds: options.maxSeconds }
  return {
    problem,
    digits: options.digits,
    stats: (ts) => typed<StatsKey>(statsHp(problem, texts(ts), o)),
    dae: (ts) => typed<DaeKey>(daeHp(problem, texts(ts), o)),
  }
}
