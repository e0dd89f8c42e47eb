/**
 * Schedules alpha(t), beta(t): parse (whitelisted), differentiate symbolically, compile to a
 * double-precision function t -> [alpha, beta, alphadot, betadot], and check the conditions of
 * docs/theory.md sections 1 and 7. Named schedules come from equations/schedules.eq.
 */
import { ParameterError } from '../errors.js'
import { compiled, FactoryBuilder } from './codegen.js'
import { enclose, evaluate, type Doubt, type Enclosure, type Interval } from './interval.js'
import type { MathNode } from './mathjs.js'
import { ExpressionError, parseWhitelisted } from './whitelist.js'
import { maxOf, minOf } from '../extent.js'

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
  /**
   * alpha and beta parsed (the model's named schedules): the guard of solve.ts encloses them
   * without loading mathjs, which takes longer than the rest of a command's start.
   */
  readonly trees?: readonly [ExpressionTree, ExpressionTree]
}

/** A whitelisted expression tree as data: what interval.ts reads of a mathjs node, and each node's text. */
export interface ExpressionTree {
  readonly type: string
  readonly text: string
  readonly name?: string
  readonly value?: number
  readonly fn?: string | { readonly name: string }
  readonly args?: readonly ExpressionTree[]
  readonly content?: ExpressionTree
}

/** A parsed expression as data (JSON). */
export function treeOf(node: MathNode): ExpressionTree {
  const n = node as MathNode & Record<string, unknown>
  const fn = n.fn as string | { name: string } | undefined
  return {
    type: node.type,
    text: node.toString(),
    ...(typeof n.name === 'string' ? { name: n.name } : {}),
    ...(typeof n.value === 'number' ? { value: n.value } : {}),
    ...(fn !== undefined ? { fn: typeof fn === 'string' ? fn : { name: fn.name } } : {}),
    ...(n.args ? { args: (n.args as MathNode[]).map(treeOf) } : {}),
    ...(n.content ? { content: treeOf(n.content as MathNode) } : {}),
  }
}

/** The tree as a node interval.ts encloses (its text as toString). */
function nodeOf(tree: ExpressionTree): MathNode {
  return {
    ...tree,
    ...(tree.args ? { args: tree.args.map(nodeOf) } : {}),
    ...(tree.content ? { content: nodeOf(tree.content) } : {}),
    toString: () => tree.text,
  } as unknown as MathNode
}

/** A schedule ready to evaluate; `at(t)` is exact at the endpoints (alpha, beta snapped to 0/1). */
export interface Schedule {
  readonly name: string
  readonly alpha: string
  readonly beta: string
  readonly alphadot: string
  readonly betadot: string
  at(t: number): [number, number, number, number]
  /**
   * A bound on the relative error of alpha(t) and beta(t) as `at` computes them in double, from an
   * interval enclosure of each expression at the point t (every rounding accounted for): a
   * cancelling expression ((t + 1e8) - 1e8) loses digits a fixed allowance would not see.
   * Infinity where a value's enclosure does not exclude 0 inside (0, 1), where both are positive
   * (docs/theory.md: beta/alpha increases from 0 to infinity): no digit of it is known. 0 at the
   * ends, whose values are set exactly.
   */
  valueError(t: number): number
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
    name,
    alpha: alphaText,
    beta: betaText,
    alphadot: text('alphadot', alphaText),
    betadot: text('betadot', betaText),
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
    if (e instanceof ExpressionError) throw new ParameterError(flag, e.message)
    throw e
  }
}

/** Build the evaluator of a compiled schedule. */
export function loadSchedule(src: ScheduleSource): Schedule {
  const raw = compiled<() => (t: number) => [number, number, number, number]>(src.source)()
  // Parsed when first needed (the guard of solve.ts), not for every schedule loaded; a named
  // schedule's come with it.
  let nodes: MathNode[] | undefined
  return {
    name: src.name,
    alpha: src.alpha,
    beta: src.beta,
    alphadot: src.alphadot,
    betadot: src.betadot,
    values: src.values,
    slopes: src.slopes,
    at(t: number) {
      const v = raw(t)
      // The boundary values are part of the definition (checked below); transcendental schedules
      // miss them by a rounding error (cos(pi/2) = 6e-17 in double), which would leave a spurious
      // 1/alpha at t = 1.
      if (t === 0) {
        v[0] = 1
        v[1] = 0
      }
      if (t === 1) {
        v[0] = 0
        v[1] = 1
      }
      return v
    },
    valueError(t: number) {
      if (t === 0 || t === 1) return 0
      nodes ??= src.trees?.map(nodeOf) ?? [parseWhitelisted(src.alpha, T), parseWhitelisted(src.beta, T)]
      let worst = 0
      for (const node of nodes) {
        const doubts: Doubt[] = []
        const [lo, hi] = enclose(node, [t, t], doubts).value
        if (doubts.some((d) => !d.slopeOnly) || !(lo > 0)) return Infinity
        worst = Math.max(worst, (hi - lo) / lo)
      }
      return worst
    },
  }
}

/** Points of [0, 1] at which the schedule conditions are checked first (the proof below covers the rest). */
export const CHECK_POINTS = 4000
const BOUNDARY_TOLERANCE = 1e-12

/**
 * Check alpha(0) = 1, beta(0) = 0, alpha(1) = 0, beta(1) = 1, then that alpha, beta and their
 * slopes are finite, alpha, beta >= 0 and W = alpha betadot - alphadot beta > 0: first on a grid
 * (quick, and the common refusals name a grid point), then on all of [0, 1] (proveSchedule).
 * Throws ParameterError naming --alpha or --beta.
 */
export function checkSchedule(src: ScheduleSource): Schedule {
  const raw = compiled<() => (t: number) => number[]>(src.source)()
  const expect: Array<[number, 0 | 1, number]> = [
    [0, 0, 1],
    [0, 1, 0],
    [1, 0, 0],
    [1, 1, 1],
  ]
  for (const [t, i, want] of expect) {
    const got = raw(t)[i]
    const flag = i === 0 ? 'alpha' : 'beta'
    if (!(Math.abs(got - want) <= BOUNDARY_TOLERANCE)) {
      throw new ParameterError(flag, `the schedule must satisfy ${flag}(${t}) = ${want}, but ${flag}(${t}) = ${distinct(got, want)}`)
    }
  }
  const largest = [0, 0, 0, 0]
  for (let k = 0; k <= CHECK_POINTS; k++) {
    const t = k / CHECK_POINTS
    const [a, b, ad, bd] = raw(t)
    ;[a, b, ad, bd].forEach((x, i) => {
      largest[i] = Math.max(largest[i], Math.abs(x))
    })
    const names = ['alpha', 'beta', "alpha'", "beta'"]
    const bad = [a, b, ad, bd].findIndex((x) => !Number.isFinite(x))
    if (bad >= 0) throw new ParameterError(bad % 2 === 0 ? 'alpha' : 'beta', `${names[bad]} must be finite on [0, 1], but ${names[bad]}(${t}) = ${fmt([a, b, ad, bd][bad])}`)
    if (k === 0 || k === CHECK_POINTS) continue
    const v = [a, b, ad, bd]
    for (const c of CONDITIONS) if (!c.holds(v)) throw c.refusal(t, v)
  }
  proveSchedule({ alpha: parseFlag('alpha', src.alpha), beta: parseFlag('beta', src.beta) }, raw, largest)
  return loadSchedule(src)
}

type Values = readonly number[]

/** A condition on the interior of [0, 1]: at a point, over enclosures, and its refusal. */
interface Condition {
  holds(v: Values): boolean
  /** An enclosure of the quantity that must be >= 0 (> 0 if strict) over a piece. */
  over(a: Enclosure, b: Enclosure): Interval
  readonly strict: boolean
  /** Size of the quantity's terms, from the largest |alpha|, |beta|, |alpha'|, |beta'| met. */
  size(largest: Values): number
  refusal(t: number, v: Values): ParameterError
}

const w = (v: Values): number => v[0] * v[3] - v[2] * v[1]
/** W over a range, from the enclosures of alpha, beta and their slopes. */
const wOver = (a: Enclosure, b: Enclosure): Interval => {
  const products = (x: Interval, y: Interval) => [x[0] * y[0], x[0] * y[1], x[1] * y[0], x[1] * y[1]].map((p) => (Number.isNaN(p) ? 0 : p))
  const p = products(a.value, b.slope),
    q = products(a.slope, b.value)
  // Widened by a relative 1e-15 of the largest term: the rounding of the two products and the difference.
  const room = 1e-15 * maxOf([...p, ...q].map(Math.abs))
  return [minOf(p) - maxOf(q) - room, maxOf(p) - minOf(q) + room]
}

const CONDITIONS: readonly Condition[] = [
  {
    holds: (v) => v[0] >= 0,
    over: (a) => a.value,
    strict: false,
    size: (m) => m[0],
    refusal: (t, v) => new ParameterError('alpha', `alpha must be >= 0 on [0, 1], but alpha(${t}) = ${fmt(v[0])}`),
  },
  {
    holds: (v) => v[1] >= 0,
    over: (_a, b) => b.value,
    strict: false,
    size: (m) => m[1],
    refusal: (t, v) => new ParameterError('beta', `beta must be >= 0 on [0, 1], but beta(${t}) = ${fmt(v[1])}`),
  },
  {
    holds: (v) => w(v) > 0,
    over: wOver,
    strict: true,
    size: (m) => m[0] * m[3] + m[2] * m[1],
    refusal: (t, v) => new ParameterError('alpha', `W = alpha*beta' - alpha'*beta must be > 0 on (0, 1) (beta/alpha increasing), but W(${t}) = ${fmt(w(v))}`),
  },
]

/**
 * Below this fraction of the size of its terms a quantity is rounding noise in double precision
 * (1 - tanh(50 t)/tanh(50) is 0 in double from t = 0.38 on): where its enclosure cannot go below
 * minus that, the condition is checked at a point of the piece instead of splitting it further.
 */
const NOISE = 1e-13

/**
 * Narrowest piece of [0, 1] the proof splits, about 3e-14 (a hundred ulps of t): on a piece this
 * narrow that the enclosures cannot decide, the conditions are checked at its middle.
 */
const FINEST = 2 ** -45
/**
 * Most pieces the proof encloses, and most nodes enclosed over all pieces (a second or two): a
 * schedule that needs more is refused as unverifiable.
 */
export const MAX_PIECES = 20_000
const MAX_WORK = 300_000

/**
 * Prove on all of [0, 1], not only at grid points, first that alpha and beta are continuously
 * differentiable (no pole, no kink of abs, no infinite slope of sqrt or log, nothing that
 * overflows), then that the sign conditions hold: interval enclosures over pieces of [0, 1],
 * split in two while they cannot decide. A grid misses a pole at 1/3 + 1e-9 or a bump between
 * its points; this does not. Regularity comes first so that a pole is named as such, not by the
 * W < 0 next to it.
 */
function proveSchedule(nodes: Readonly<Record<'alpha' | 'beta', MathNode>>, raw: (t: number) => Values, largest: Values): void {
  // (the second pass meets the pieces of the first again)
  const seen = new Map<string, ReturnType<typeof encloseBoth>>()
  const encloseBoth = (piece: Interval) => {
    const doubts = { alpha: [] as Doubt[], beta: [] as Doubt[] }
    const a = enclose(nodes.alpha, piece, doubts.alpha)
    const b = enclose(nodes.beta, piece, doubts.beta)
    return { a, b, doubtful: (['alpha', 'beta'] as const).find((flag) => doubts[flag].length), doubts }
  }
  const enclosed = (piece: Interval) => {
    const key = piece.join()
    if (!seen.has(key)) seen.set(key, encloseBoth(piece))
    return seen.get(key)!
  }
  let size = 0
  for (const node of [nodes.alpha, nodes.beta])
    node.traverse(() => {
      size++
    })
  const most = Math.max(100, Math.min(MAX_PIECES, Math.floor(MAX_WORK / size)))
  bisect(most, (piece, narrow) => {
    const { doubtful, doubts } = enclosed(piece)
    if (doubtful && narrow) throw irregular(doubtful, doubts[doubtful][0], piece)
    return doubtful
  })
  bisect(most, (piece, narrow) => {
    const { a, b, doubtful } = enclosed(piece)
    // (regular everywhere, as just proved: a doubt is the enclosure of a piece too wide)
    if (doubtful) return doubtful
    let undecided: 'alpha' | 'beta' | undefined
    for (const c of CONDITIONS) {
      const [lo, hi] = c.over(a, b)
      if (c.strict ? lo > 0 : lo >= 0) continue
      const t = Number(inside(piece))
      if (c.strict ? hi <= 0 : hi < 0) throw c.refusal(t, raw(t))
      if (narrow || lo >= -NOISE * c.size(largest)) {
        if (!c.holds(raw(t))) throw c.refusal(t, raw(t))
      } else undecided ??= c.refusal(t, raw(t)).parameter as 'alpha' | 'beta'
    }
    return undecided
  })
}

/**
 * Visit pieces of [0, 1], leftmost first (a refusal names the first failure), splitting in two
 * each piece `decide` cannot settle (it returns the flag the piece is undecided for), down to
 * FINEST, where `decide` must settle or throw; at most `most` pieces.
 */
function bisect(most: number, decide: (piece: Interval, narrow: boolean) => 'alpha' | 'beta' | undefined): void {
  const pieces: Interval[] = [[0, 1]]
  for (let visited = 0; pieces.length; visited++) {
    const piece = pieces.pop()!
    const narrow = piece[1] - piece[0] <= FINEST
    const undecided = decide(piece, narrow)
    if (!undecided || narrow) continue
    if (visited >= most)
      throw new ParameterError(
        undecided,
        `the schedule conditions could not be verified on all of [0, 1] within ${most} pieces (alpha or beta varies too fast for an expression this long); give a simpler schedule`,
      )
    const mid = (piece[0] + piece[1]) / 2
    pieces.push([mid, piece[1]], [piece[0], mid])
  }
}

/** Why a schedule is not continuously differentiable near a piece: the first doubt. */
function irregular(flag: 'alpha' | 'beta', doubt: Doubt, piece: Interval): ParameterError {
  const where = inside(piece)
  const value = evaluate(doubt.node, Number(where))
  const there = Number.isFinite(value) ? ` (it is ${fmt(value)} there)` : ''
  return new ParameterError(flag, `${flag} must be continuously differentiable on [0, 1], but ${doubt.rule} near t = ${where}${there}`)
}

/** The shortest decimal inside a piece and inside (0, 1) (at least 6 significant digits), as text. */
function inside(piece: Interval): string {
  const mid = (piece[0] + piece[1]) / 2
  for (let p = 6; p < 17; p++) {
    const x = Number(mid.toPrecision(p))
    if (x >= piece[0] && x <= piece[1] && x > 0 && x < 1) return x.toString()
  }
  return mid.toString()
}

const fmt = (x: number): string => (Number.isFinite(x) ? Number(x.toPrecision(6)).toString() : String(x))

/** x with at least 6 significant digits, and as many more as show its distance from `from` to two digits. */
function distinct(x: number, from: number): string {
  if (!Number.isFinite(x)) return String(x)
  for (let p = 6; p < 17; p++) {
    const shown = Number(x.toPrecision(p))
    if (shown !== from && Math.abs(shown - x) <= Math.abs(x - from) / 100) return shown.toString()
  }
  return x.toString()
}
