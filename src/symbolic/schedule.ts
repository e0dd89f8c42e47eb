/**
 * Schedules alpha(t), beta(t): parse (whitelisted), differentiate symbolically, compile to a
 * double-precision function t -> [alpha, beta, alphadot, betadot], and check the conditions of
 * THEORY.md section 1. Named schedules come from equations/schedules.eq.
 */
import { InputError } from '../errors.js'
import { FactoryBuilder, instantiate } from './codegen.js'
import type { MathNode } from './mathjs.js'
import { ExpressionError, parseWhitelisted } from './whitelist.js'

/** Compiled form of a schedule, storable as JSON. */
export interface ScheduleSource {
  readonly name: string
  readonly alpha: string
  readonly beta: string
  readonly alphadot: string
  readonly betadot: string
  /** Source of `() => (t) => [alpha, beta, alphadot, betadot]` in double precision. */
  readonly source: string
  /** Sources of `(F) => () => (t) => [alpha, beta]` and `... => [alphadot, betadot]` over an Arith F. */
  readonly values: string
  readonly slopes: string
}

/** A schedule ready to evaluate; `at(t)` is exact at the endpoints (alpha, beta snapped to 0/1). */
export interface Schedule {
  readonly name: string
  readonly alpha: string
  readonly beta: string
  readonly alphadot: string
  readonly betadot: string
  at(t: number): [number, number, number, number]
  /** Sources over an arithmetic object (see ScheduleSource), for high precision. */
  readonly values: string
  readonly slopes: string
}

const T = new Set(['t'])

/**
 * Parse (whitelisted), differentiate and compile. The derivative is taken by the chain rule once
 * per node (FactoryBuilder.dual), so compiling takes time linear in the expression for every input
 * the whitelist lets through; mathjs' derivative is not used: it copies the inner expression at
 * every level (80 000 nodes for a 400-node tower t^t^...^t) and its simplification can take
 * minutes for a 40-node nest of sqrt.
 */
export function compileSchedule(name: string, alphaText: string, betaText: string): ScheduleSource {
  const nodes: Record<'alpha' | 'beta', MathNode> = {
    alpha: parseFlag('alpha', alphaText),
    beta: parseFlag('beta', betaText),
  }
  // alpha, beta and their slopes, once for both number systems.
  const b = new FactoryBuilder(new Set())
  const alpha = b.dual(nodes.alpha, 't')
  const beta = b.dual(nodes.beta, 't')
  const results = { alpha: alpha.value, beta: beta.value, alphadot: alpha.slope, betadot: beta.slope }
  for (const [key, expr] of Object.entries(results)) b.define(key, expr)
  const text = (key: 'alphadot' | 'betadot', of: string) => b.text(results[key]) ?? `d/dt (${of})`
  // The values alone, for power series (no slope computed on the way).
  const values = new FactoryBuilder(new Set())
  for (const [key, node] of Object.entries(nodes)) values.define(key, values.node(node))
  return {
    name, alpha: alphaText, beta: betaText, alphadot: text('alphadot', alphaText), betadot: text('betadot', betaText),
    source: b.source(['t'], Object.keys(results), 'double', true),
    values: values.source(['t'], Object.keys(nodes), 'functional'),
    // (the slopes only: the locals they do not use are left out)
    slopes: b.source(['t'], ['alphadot', 'betadot'], 'functional', true),
  }
}

function parseFlag(flag: 'alpha' | 'beta', text: string): MathNode {
  try {
    return parseWhitelisted(text, T)
  } catch (e) {
    if (e instanceof ExpressionError) throw new InputError(flag, e.message)
    throw e
  }
}

/** Build the evaluator of a compiled schedule. */
export function loadSchedule(src: ScheduleSource): Schedule {
  const raw = instantiate<() => (t: number) => [number, number, number, number]>(src.source)()
  return {
    name: src.name, alpha: src.alpha, beta: src.beta, alphadot: src.alphadot, betadot: src.betadot,
    values: src.values, slopes: src.slopes,
    at(t: number) {
      const v = raw(t)
      // The boundary values are part of the definition (checked below); transcendental schedules
      // miss them by a rounding error (cos(pi/2) = 6e-17 in double), which would leave a spurious
      // 1/alpha at t = 1.
      if (t === 0) { v[0] = 1; v[1] = 0 }
      if (t === 1) { v[0] = 0; v[1] = 1 }
      return v
    },
  }
}

/** Points of (0, 1) on which the schedule conditions are checked. */
export const CHECK_POINTS = 4000
const BOUNDARY_TOLERANCE = 1e-12

/**
 * Check alpha(0) = 1, beta(0) = 0, alpha(1) = 0, beta(1) = 1, alpha, beta >= 0 and
 * W = alpha betadot - alphadot beta > 0 on a fine grid of (0, 1), and that every value and
 * derivative is finite on [0, 1]. Throws InputError naming --alpha or --beta.
 */
export function checkSchedule(src: ScheduleSource): Schedule {
  const raw = instantiate<() => (t: number) => number[]>(src.source)()
  const expect: Array<[number, 0 | 1, number]> = [[0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 1]]
  for (const [t, i, want] of expect) {
    const got = raw(t)[i]
    const flag = i === 0 ? 'alpha' : 'beta'
    if (!(Math.abs(got - want) <= BOUNDARY_TOLERANCE)) {
      throw new InputError(flag, `the schedule must satisfy ${flag}(${t}) = ${want}, but ${flag}(${t}) = ${fmt(got)}`)
    }
  }
  for (let k = 0; k <= CHECK_POINTS; k++) {
    const t = k / CHECK_POINTS
    const [a, b, ad, bd] = raw(t)
    const names = ['alpha', 'beta', "alpha'", "beta'"]
    const bad = [a, b, ad, bd].findIndex((x) => !Number.isFinite(x))
    if (bad >= 0) throw new InputError(bad % 2 === 0 ? 'alpha' : 'beta', `${names[bad]} must be finite on [0, 1], but ${names[bad]}(${t}) = ${fmt([a, b, ad, bd][bad])}`)
    if (k === 0 || k === CHECK_POINTS) continue
    if (a < 0) throw new InputError('alpha', `alpha must be >= 0 on [0, 1], but alpha(${t}) = ${fmt(a)}`)
    if (b < 0) throw new InputError('beta', `beta must be >= 0 on [0, 1], but beta(${t}) = ${fmt(b)}`)
    const w = a * bd - ad * b
    if (!(w > 0)) throw new InputError('alpha', `W = alpha*beta' - alpha'*beta must be > 0 on (0, 1) (beta/alpha increasing), but W(${t}) = ${fmt(w)}`)
  }
  return loadSchedule(src)
}

const fmt = (x: number): string => (Number.isFinite(x) ? Number(x.toPrecision(6)).toString() : String(x))
