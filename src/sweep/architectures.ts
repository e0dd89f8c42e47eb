/**
 * compare --architectures skip,no-skip: the learnt flow with and without skip connection side by
 * side at t = 1 (docs/theory.md, "When the skip connection pays"). Per architecture: the error of
 * the generated cluster mean (mse), the generated variance P(1)^2 (var, against the target's
 * sigma^2), the distances w2 and kl to the target, and the 1/n constants of rate() (C, floor_w2,
 * C_w2, C_kl). The constants depend on sigma, lambda, omega, rho and the schedule, not on n: every
 * row carries those of its own parameters, so a row is a function of its grid point alone (shards
 * and merge need nothing else) and a grid over sigma shows how they move with it.
 */
import { Decimal } from '../hp/arith.js'
import { ParameterError } from '../errors.js'
import { preciseText, preciseValueCell, rounded, valueCell } from '../printing.js'
import { statsHp } from '../theory/hp.js'
import type { FlowProblem } from '../theory/problem.js'
import { exactRate, rate } from '../theory/rate.js'
import { model } from '../theory/model.js'
import { solve } from '../theory/solve.js'
import { clip } from '../text.js'
import type { Value } from './writers.js'

export const ARCHITECTURES = ['skip', 'no-skip'] as const
export type Architecture = (typeof ARCHITECTURES)[number]

/** The suffix of an architecture's columns (mse_skip, mse_noskip). */
export const architectureSuffix = (a: Architecture): string => (a === 'skip' ? '_skip' : '_noskip')

/** The quantities at t = 1, each a column per architecture. */
const STATS = ['mse', 'var', 'w2', 'kl'] as const
/** The 1/n constants of rate(): n mse -> C, w2 = floor_w2 + C_w2/n + ..., kl = C_kl/n + ... */
export const ARCHITECTURE_RATE_KEYS = ['C', 'floor_w2', 'C_w2', 'C_kl'] as const
type RateColumn = (typeof ARCHITECTURE_RATE_KEYS)[number]

/** Digits of rate()'s sequence in double precision (what flowgm rate prints; the cells are rounded to 12 as every other). */
export const ARCHITECTURE_RATE_DIGITS = 12

/** --architectures: a comma-separated list of distinct architectures, in the order of their columns. */
export function readArchitectures(text: string): Architecture[] {
  const parts = text.split(',').map((p) => p.trim())
  const bad = parts.find((p) => !(ARCHITECTURES as readonly string[]).includes(p))
  if (bad !== undefined) throw new ParameterError('architectures', `must be a comma-separated list of ${ARCHITECTURES.join(', ')} (got '${clip(bad)}')`)
  if (new Set(parts).size !== parts.length) throw new ParameterError('architectures', `lists an architecture twice (got '${clip(text)}')`)
  return parts as Architecture[]
}

/** The columns after n (and the swept parameters): each quantity for every architecture, then sigma2 after var. */
export function architectureKeys(archs: readonly Architecture[]): string[] {
  const per = (k: string) => archs.map((a) => `${k}${architectureSuffix(a)}`)
  return [...per('mse'), ...per('var'), 'sigma2', ...per('w2'), ...per('kl'), ...ARCHITECTURE_RATE_KEYS.flatMap(per)]
}

/** The problem of one architecture. */
const withArchitecture = (p: FlowProblem, a: Architecture): FlowProblem => ({ ...p, skip: a === 'skip' })

/** The constants of one architecture at one (sigma, lambda, omega); `exact`: from the closed form. */
interface Constants {
  readonly values: Partial<Record<RateColumn, Decimal>>
  readonly exact: boolean
}

/** Whether an architecture's constants need rate()'s high-precision sequence (no closed form in flow.eq [rate]): what their cost is. */
export const needsSequence = (a: Architecture): boolean => model().variants[a === 'skip' ? 'skip' : 'noskip'].source.exact.rate === undefined

/**
 * The constants as `flowgm rate` prints them: exact where the symbolic layer found the series
 * (route (a) of rate.ts, cheap), else by rate()'s Richardson extrapolation (seconds: computed once
 * per (sigma, lambda, omega) and architecture, the same for every n of a grid). A key absent
 * does not exist (C_kl without skip connection: kl is infinite).
 */
export function rateCache(digits: number): (p: FlowProblem, a: Architecture) => Constants {
  const cache = new Map<string, Constants>()
  const pick = (all: Partial<Record<string, Decimal>>) => Object.fromEntries(ARCHITECTURE_RATE_KEYS.filter((k) => all[k] !== undefined).map((k) => [k, all[k]!]))
  return (p, a) => {
    const key = `${a} ${p.text.sigma} ${p.text.lambda} ${p.text.omega}`
    let c = cache.get(key)
    if (c === undefined) {
      const problem = withArchitecture(p, a)
      const exact = exactRate(problem, Decimal.clone({ precision: digits + 20 }))
      if (exact) c = { values: pick({ C: exact.values.C, ...exact.distances.values }), exact: true }
      else {
        const r = rate(problem, { digits })
        c = { values: pick({ C: r.numeric.C, ...r.distances.numeric }), exact: false }
      }
      cache.set(key, c)
    }
    return c
  }
}

/** The architecture columns of one grid point in double precision; a null where the value is infinite (kl, C_kl without skip). */
export function architectureCells(p: FlowProblem, archs: readonly Architecture[], rates: (p: FlowProblem, a: Architecture) => Constants): { [key: string]: Value } {
  const cells: { [key: string]: Value } = { sigma2: rounded(p.sigma * p.sigma) }
  for (const a of archs) {
    const s = solve(withArchitecture(p, a)).stats(1)
    for (const k of STATS) cells[`${k}${architectureSuffix(a)}`] = valueCell(k, s[k])
    const c = rates(p, a)
    for (const k of ARCHITECTURE_RATE_KEYS) cells[`${k}${architectureSuffix(a)}`] = c.values[k] === undefined ? null : rounded(c.values[k]!.toNumber())
  }
  return cells
}

/**
 * The architecture columns at high precision: the statistics verified by the two routes of hp.ts,
 * the constants to the same digits (rate() verifies its own); the least digits verified of the
 * statistics in digits_verified.
 */
export function architectureCellsHp(p: FlowProblem, archs: readonly Architecture[], digits: number, rates: (p: FlowProblem, a: Architecture) => Constants): { [key: string]: Value } {
  const sigma = new Decimal(p.text.sigma)
  const cells: { [key: string]: Value } = { sigma2: preciseText(sigma.times(sigma), digits) }
  let verified = Infinity
  for (const a of archs) {
    const r = statsHp(withArchitecture(p, a), ['1'], { digits })
    const [row] = r.rows
    verified = Math.min(verified, r.digitsVerified)
    for (const k of STATS) cells[`${k}${architectureSuffix(a)}`] = preciseValueCell(k, row[k], digits)
    const c = rates(p, a)
    // Extrapolated constants are printed to at most 15 digits, as flowgm rate prints them.
    for (const k of ARCHITECTURE_RATE_KEYS) cells[`${k}${architectureSuffix(a)}`] = c.values[k] === undefined ? null : preciseText(c.values[k]!, c.exact ? digits : Math.min(digits, 15))
  }
  return { ...cells, digits_verified: verified }
}
