/**
 * Tanh-sinh (double-exponential) quadrature in decimal.js, for integrals of integrands analytic
 * on a finite interval (integrable end singularities are fine too) to 20-1000 significant digits.
 *
 * Method. On [-1, 1], x = tanh(c sinh τ) with c = π/2 maps τ ∈ ℝ onto (-1, 1) and
 *   ∫_{-1}^{1} g(x) dx = ∫ g(x(τ)) x'(τ) dτ ≈ h Σ_k w_k g(x_k),
 *   x_k = tanh(u_k), u_k = c sinh(kh), w_k = c cosh(kh) / cosh²(u_k),
 * the trapezoidal rule in τ. The transformed integrand decays double-exponentially, so the error
 * falls like exp(-const/h): halving h roughly squares it (doubles the digits), as long as g is
 * analytic in a strip around the real τ axis. A pole at distance δ outside [a, b] narrows the
 * strip (its width shrinks like 1/ln(1/δ)), costing a constant factor in levels, not convergence.
 * [a, b] is mapped linearly: ∫_a^b f = half ∫_{-1}^{1} f(a + half (1 + x)) dx, half = (b - a)/2.
 *
 * Endpoints. Nodes are kept as the distance to the end, d = 1 - |x| = 2/(1 + e^{2u}), and the
 * weight as w = c cosh(kh) d (2 - d) (sech²u = 1 - x²), never through 1 - x, which cancels. The
 * two nodes of ±τ are a + half·d and b - half·d, so a point 1e-40 from b is one rounding of s
 * away from its true place. f is never evaluated at a or b: a side stops where its next node
 * would round onto the endpoint (or where weights fall below 10^-(2·precision)).
 *
 * Levels. Level L uses h = 2^-L. Its nodes are the previous level's plus the odd multiples of h,
 * so each level evaluates only the new nodes and the running sums carry over. Each side walks
 * outwards until a term w_k f(x_k) is below 10^-(digits + GUARD) of Σ|w f| for every component
 * and it has passed every node that was significant at an earlier level. Terms relative to the
 * sum, not weights, decide: an integrand of 1e16 at the end needs nodes 16 decades further out.
 *
 * Error estimate (Bailey's, as in mpmath): with D1 = log10 of the relative difference between
 * the last two levels and D2 between the last and the one before, the error of the last level is
 * 10^max(D1²/D2, 2 D1, rounding floor 10^(1-precision), last tail term): with quadratic
 * convergence the error of level L is about the square of its difference to level L-1, and
 * D1²/D2 is the more cautious when convergence is slower than that. Relative means relative to
 * ∫|f_i|, which is |∫f_i| for an integrand of one sign; for a cancelling integrand that is the
 * accuracy the working precision can give anyway. The first stop is at level MIN_LEVEL.
 *
 * Nodes depend only on the working precision: they are computed lazily, NODE_GUARD digits above
 * it, and cached for up to MAX_TABLES precisions. e^τ comes from the neighbouring node (one
 * product) and e^{2u} from expTaylor, because decimal.js's exp costs 80-350 ms at 1000 digits.
 *
 * Precision. The sums are formed at the precision of D; `digits` must be below it, and the caller
 * adds guard digits (about 10; more if f is huge near an end: a node s near b is rounded to the
 * working precision, so f ~ 1/(e - s)² with e - b = ε loses log10(1/ε) digits).
 */
import type { Decimal, DecimalConstructor } from './arith.js'
import { maxOf } from '../extent.js'
import { log10Abs } from './binary.js'

export interface TanhSinhOptions {
  /** Requested relative accuracy in significant digits (below the precision of D). */
  digits: number
  /** Finest level (h = 2^-maxLevel) before giving up; default 12, at most 30. */
  maxLevel?: number
}

export interface TanhSinhResult {
  /** ∫_a^b f_i for each component i of f (negated when a > b). */
  values: Decimal[]
  /** The level reached: the final step is h = 2^-levels. */
  levels: number
  /** Number of calls of f. */
  evaluations: number
  /** Estimated relative error, the largest over components, each relative to ∫|f_i|. */
  error: Decimal
}

/** Extra digits by which a tail term must be negligible before a side stops. */
const GUARD = 5
/** Levels needed before the error estimate (which uses three levels) may stop. */
const MIN_LEVEL = 2
/** Node keys are τ·2^KEY_LEVEL, integers for every level up to KEY_LEVEL. */
const KEY_LEVEL = 30
/** Distinct working precisions whose node tables are kept. */
const MAX_TABLES = 4
/** Digits above the working precision at which nodes are computed. */
const NODE_GUARD = 10
/**
 * The constant c of x = tanh(c sinh τ), w = c cosh τ / cosh²(c sinh τ). Any c > 0 gives an exact
 * change of variables, as long as nodes and weights share it; π/2 only makes the decay fastest,
 * so 17 digits of it are enough at every precision (decimal.js keeps π only to 1025 digits).
 */
const HALF_PI = '1.5707963267948966'
/** Halvings of the argument of expTaylor beyond those that bring it below 1. */
const EXP_HALVINGS = 8

/**
 * d = 1 - |x| and the weight w (without the factor h) of the node at τ = kh, and e^τ for the next
 * node's; all NODE_GUARD digits above the working precision (products with them round to it).
 */
interface Node {
  d: Decimal
  w: Decimal
  q: Decimal
}

interface Table {
  /** The constructor nodes are computed with (NODE_GUARD digits above the working precision). */
  W: DecimalConstructor
  /** HALF_PI, exactly. */
  halfPi: Decimal
  /** Weights below this are not tabulated: no integrand finite on [a, b] needs them. */
  tiny: Decimal
  /** By level: e^h, h = 2^-level, and the ratio of e^τ between neighbours on its grid. */
  steps: Map<number, { step: Decimal; stride: Decimal }>
  /** By τ·2^KEY_LEVEL; null past the tail limit. */
  nodes: Map<number, Node | null>
}

const TABLES = new Map<string, Table>()

/**
 * Integrates the vector-valued f over [a, b] by tanh-sinh quadrature, one integral per component
 * (f is evaluated once per node for all of them). a > b gives -∫_b^a. For a = b the result is
 * zeros, and f is called once, at a, only to learn the number of components.
 * Throws if the estimate has not reached `digits` by `maxLevel`.
 */
export function tanhSinh(D: DecimalConstructor, f: (t: Decimal) => Decimal[], a: Decimal, b: Decimal, options: TanhSinhOptions): TanhSinhResult {
  const { digits } = options
  const maxLevel = options.maxLevel ?? 12
  if (!Number.isInteger(digits) || digits < 1 || digits >= D.precision) {
    throw new Error(`tanhSinh: digits must be an integer in [1, ${D.precision - 1}] (below the working precision), got ${digits}`)
  }
  if (!Number.isInteger(maxLevel) || maxLevel < MIN_LEVEL || maxLevel > KEY_LEVEL) {
    throw new Error(`tanhSinh: maxLevel must be an integer in [${MIN_LEVEL}, ${KEY_LEVEL}], got ${maxLevel}`)
  }
  if (!a.isFinite() || !b.isFinite()) throw new Error('tanhSinh: the interval must be finite')
  if (a.eq(b)) return { values: f(a).map(() => new D(0)), levels: 0, evaluations: 1, error: new D(0) }

  const table = tableFor(D)
  const half = b.minus(a).div(2)
  let evaluations = 0
  let sums: Decimal[] = []
  let abs: Decimal[] = []

  /** Adds w·f(s) to the sums; returns log10 of the largest term relative to its Σ|w f|. */
  const add = (s: Decimal, w: Decimal): number => {
    const fs = f(s)
    evaluations++
    if (evaluations === 1) {
      sums = fs.map(() => new D(0))
      abs = fs.map(() => new D(0))
    } else if (fs.length !== sums.length) {
      throw new Error(`tanhSinh: f returned ${fs.length} components, earlier ${sums.length}`)
    }
    let largest = -Infinity
    for (let i = 0; i < fs.length; i++) {
      const term = fs[i].times(w),
        size = term.abs()
      sums[i] = sums[i].plus(term)
      abs[i] = abs[i].plus(size)
      if (!size.isZero()) largest = Math.max(largest, log10Abs(size) - log10Abs(abs[i]))
    }
    return largest
  }

  // Per side (0: near a, 1: near b), in units of the current level: reach, below which every
  // node has been evaluated or is negligible; significant, the farthest node whose term was not
  // negligible; tail, log10 of the relative size of the last term of the last walk, which bounds
  // the terms left out (it is not negligible only if the walk hit the endpoint or tail limit).
  const reach = [0, 0]
  const significant = [0, 0]
  const tail = [-Infinity, -Infinity]

  const walk = (level: number, side: 0 | 1): void => {
    const previous = reach[side]
    let last = -Infinity
    for (let k = 1; ; k++) {
      if (k <= previous && k % 2 === 0) continue
      const node = nodeAt(D, table, level, k)
      const s = node && (side === 0 ? a.plus(half.times(node.d)) : b.minus(half.times(node.d)))
      if (!node || !s || s.eq(a) || s.eq(b)) {
        // d falls with k, so every node beyond is cut too.
        tail[side] = last
        reach[side] = Math.max(previous, k - 1)
        return
      }
      last = add(s, node.w)
      if (last > -(digits + GUARD)) {
        significant[side] = Math.max(significant[side], k)
      } else if (k > significant[side]) {
        // Past every significant term of this and earlier levels: the rest decay double-exponentially.
        tail[side] = last
        reach[side] = Math.max(previous, k)
        return
      }
    }
  }

  add(a.plus(half), table.halfPi)
  const history: Decimal[][] = []
  for (let level = 0; ; level++) {
    for (const side of [0, 1]) {
      reach[side] *= 2
      significant[side] *= 2
    }
    walk(level, 0)
    walk(level, 1)
    const h = new D(2).pow(-level)
    history.push(sums.map((s) => s.times(half).times(h)))
    if (level < MIN_LEVEL) continue
    const scales = abs.map((x) => x.times(half.abs()).times(h))
    const estimate = errorEstimate(history, scales, D.precision, maxOf(tail))
    if (estimate <= -digits) {
      return { values: history[level], levels: level, evaluations, error: pow10(D, estimate) }
    }
    if (level === maxLevel) {
      const cut = maxOf(tail) > -digits ? '; the terms are not negligible where the nodes reach the endpoint at this precision (raise the working precision)' : ''
      throw new Error(`tanhSinh: no convergence to ${digits} digits by level ${maxLevel} (h = 2^-${maxLevel}, ${evaluations} evaluations); estimated relative error 1e${Math.ceil(estimate)}${cut}`)
    }
  }
}

/**
 * log10 of the estimated relative error of the last level (Bailey's estimate), the largest over
 * components; -Infinity if every component is identically zero.
 */
function errorEstimate(history: Decimal[][], scales: Decimal[], precision: number, tail: number): number {
  const [s2, s1, s0] = history.slice(-3)
  const floor = 1 - precision
  let worst = -Infinity
  for (let i = 0; i < s0.length; i++) {
    if (scales[i].isZero()) continue
    const logScale = log10Abs(scales[i])
    const d1 = Math.max(log10Abs(s0[i].minus(s1[i])) - logScale, floor)
    const d2 = Math.max(log10Abs(s0[i].minus(s2[i])) - logScale, floor)
    const e = d1 >= 0 || d2 >= 0 ? 0 : Math.min(0, Math.max((d1 * d1) / d2, 2 * d1, floor, tail))
    worst = Math.max(worst, e)
  }
  return worst
}

/** The node at τ = k·2^-level, from the cache or computed; null past the tail limit. */
function nodeAt(D: DecimalConstructor, table: Table, level: number, k: number): Node | null {
  while (level > 0 && k % 2 === 0) {
    k /= 2
    level--
  }
  const cached = table.nodes.get(nodeKey(level, k))
  if (cached !== undefined) return cached
  const { W, halfPi } = table
  let steps = table.steps.get(level)
  if (!steps) {
    const step = expTaylor(W, new W(2).pow(-level))
    table.steps.set(level, (steps = { step, stride: level === 0 ? step : step.times(step) }))
  }
  // e^τ from the previous node of this level's grid when it is known (one product), else by powering.
  const neighbour = level === 0 ? k - 1 : k - 2
  const previous = neighbour >= 1 ? table.nodes.get(nodeKey(level, neighbour)) : undefined
  const q = previous ? previous.q.times(steps.stride) : steps.step.pow(k)
  const qInv = new W(1).div(q)
  const u = halfPi.times(q.minus(qInv)).div(2)
  const d = new W(2).div(expTaylor(W, u.times(2)).plus(1))
  const w = halfPi.times(q.plus(qInv)).div(2).times(d).times(new W(2).minus(d))
  const node = w.lt(table.tiny) ? null : { d: new D(d), w: new D(w), q }
  table.nodes.set(nodeKey(level, k), node)
  return node
}

/** The cache key of τ = k·2^-level: τ·2^KEY_LEVEL, the same integer for every (level, k) naming τ. */
function nodeKey(level: number, k: number): number {
  return k * 2 ** (KEY_LEVEL - level)
}

/** The node table for D's precision and rounding, most recently used last (bounded LRU). */
function tableFor(D: DecimalConstructor): Table {
  const key = `${D.precision}/${D.rounding}`
  let table = TABLES.get(key)
  if (table) {
    TABLES.delete(key)
  } else {
    const W = D.clone({ precision: D.precision + NODE_GUARD })
    table = { W, halfPi: new W(HALF_PI), tiny: new W(10).pow(-2 * D.precision), steps: new Map(), nodes: new Map() }
    if (TABLES.size >= MAX_TABLES) TABLES.delete(TABLES.keys().next().value as string)
  }
  TABLES.set(key, table)
  return table
}

/**
 * e^x at the precision of W, for x >= 0. decimal.js's exp reduces its argument only below 0.01
 * and divides by a full-precision number at every term, which costs 100-350 ms at 1000 digits;
 * here y = x/2^s with s = EXP_HALVINGS + log2 x, the Taylor series of e^y by rectangular splitting
 * (about 2√N full products for N terms; the rest are products and quotients with small integers),
 * then s squarings, with extra digits for the error each squaring doubles.
 */
function expTaylor(W: DecimalConstructor, x: Decimal): Decimal {
  const shift = EXP_HALVINGS + Math.max(0, Math.ceil(Math.log2(x.toNumber() + 1)))
  const X = W.clone({ precision: W.precision + Math.ceil(shift * Math.LOG10E * Math.LN2) + 5 })
  const y = new X(x).div(new X(2).pow(shift))
  if (y.isZero()) return new W(1)
  // N: the last term needed, y^N/N! below 10^-precision.
  const log10y = log10Abs(y)
  let N = 1
  for (let size = log10y; size > -X.precision - 1;) size += log10y - Math.log10(++N)
  // Blocks of m terms, Horner from the last block: block j is Σ_{i<m} y^i/((jm+1)…(jm+i)), and
  // the series is block_0 + y^m/m! (block_1 + y^m m!/(2m)! (block_2 + …)).
  const m = Math.max(2, Math.round(Math.sqrt(N)))
  const powers = [new X(1), y]
  for (let i = 2; i <= m; i++) powers.push(powers[i - 1].times(y))
  let sum: Decimal | undefined
  for (let j = Math.ceil((N + 1) / m) - 1; j >= 0; j--) {
    // Σ_i y^i c_i with c_i = (jm+i+1)…(jm+m-1), exact integers, over c_0 = (jm+1)…(jm+m-1).
    let c = new X(1),
      block = powers[m - 1]
    for (let i = m - 2; i >= 0; i--) {
      c = c.times(j * m + i + 1)
      block = block.plus(powers[i].times(c))
    }
    const head = block.div(c)
    sum = sum ? head.plus(sum.times(powers[m]).div(c.times(j * m + m))) : head
  }
  let result = sum as Decimal
  for (let i = 0; i < shift; i++) result = result.times(result)
  return new W(result)
}

/** 10^e as a Decimal of D (0 for e = -Infinity). */
function pow10(D: DecimalConstructor, e: number): Decimal {
  if (e === -Infinity) return new D(0)
  const whole = Math.floor(e)
  return new D(10 ** (e - whole)).times(`1e${whole}`)
}
