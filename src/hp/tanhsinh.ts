/**
 * Tanh-sinh (double-exponential) quadrature in decimal.js, for integrals of integrands analytic
 * on a finite interval to 20-1000 significant digits.
 *
 * Method. On [-1, 1], x = tanh(π/2 sinh τ) maps τ ∈ ℝ onto (-1, 1) and
 *   ∫_{-1}^{1} g(x) dx = ∫ g(x(τ)) x'(τ) dτ ≈ h Σ_k w_k g(x_k),
 *   x_k = tanh(u_k), u_k = π/2 sinh(kh), w_k = (π/2) cosh(kh) / cosh²(u_k),
 * the trapezoidal rule in τ. The transformed integrand decays double-exponentially, so the error
 * falls like exp(-c/h): halving h roughly squares it (doubles the digits), as long as the integrand
 * is analytic in a strip around the real τ axis. A pole at distance δ outside [a, b] narrows the
 * strip (its width shrinks like 1/ln(1/δ)), costing a constant factor in levels, not convergence.
 *
 * Endpoints. Nodes are stored as the distance to the end, d = 1 - |x| = 2/(1 + exp(2u)), and the
 * weight as w = (π/2) cosh(kh) d (2 - d) (since sech²u = 1 - x²), never as 1 - x, which cancels.
 * With half = (b - a)/2 the two nodes are a + half·d and b - half·d, so a point 1e-40 from b is
 * one rounding away from its true place, not 1e-40 away. f is never evaluated at a or b: a side
 * stops when its next node would round onto the endpoint.
 *
 * Levels. Level L uses h = 2^-L. Its nodes are the previous level's plus the odd multiples of h,
 * so each level evaluates only the new nodes and the running sum is shared. Each side walks
 * outwards until a term w_k f(x_k) is below 10^-(digits + GUARD) of Σ|w f| for every component
 * (and never short of where the previous level reached). Node tables depend only on the working
 * precision and are cached (bounded to MAX_TABLES precisions).
 *
 * Error estimate (Bailey; as in mpmath): with D1 = log10 of the relative difference between the
 * last two levels and D2 between the last and the one before, the error of the last level is
 * 10^max(D1²/D2, 2 D1, rounding floor, truncated tail): quadratic convergence makes the error of
 * level L about the square of the difference to level L-1. Relative means relative to ∫|f_i|,
 * which is |∫f_i| for an integrand of one sign; for a cancelling integrand it is the accuracy
 * the working precision can give anyway.
 *
 * Precision. All arithmetic is at the precision of D; `digits` must be below it, and the caller
 * adds guard digits (about 10; more if f is huge near an end: a node near b is rounded to the
 * working precision, so f ~ 1/(c - s)² with c - b = ε loses log10(1/ε) digits).
 */
import type { Decimal, DecimalConstructor } from './arith.js'

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

/** d = 1 - |x| and the weight w (without the factor h) of the node at τ = kh. */
interface Node { d: Decimal; w: Decimal }

interface Table {
  halfPi: Decimal
  /** Weights below this are not tabulated: no sensible integrand needs them. */
  tiny: Decimal
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
export function tanhSinh(
  D: DecimalConstructor,
  f: (t: Decimal) => Decimal[],
  a: Decimal,
  b: Decimal,
  options: TanhSinhOptions,
): TanhSinhResult {
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
  const negligible = new D(10).pow(-(digits + GUARD))
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
      const term = fs[i].times(w), size = term.abs()
      sums[i] = sums[i].plus(term)
      abs[i] = abs[i].plus(size)
      if (!size.isZero()) largest = Math.max(largest, log10Abs(size) - log10Abs(abs[i]))
    }
    return largest
  }

  // Per side (0: near a, 1: near b): the farthest k reached, in units of the current level, and
  // log10 of the relative size of the last term when the side stopped before it was negligible.
  const reach = [0, 0]
  const cutTail = [-Infinity, -Infinity]

  const walk = (level: number, side: 0 | 1): void => {
    const previous = reach[side]
    let reached = 0
    let last = -Infinity
    cutTail[side] = -Infinity
    for (let k = 1; ; k++) {
      if (k <= previous && k % 2 === 0) continue
      const node = nodeAt(D, table, level, k)
      const s = node && (side === 0 ? a.plus(half.times(node.d)) : b.minus(half.times(node.d)))
      if (!node || !s || s.eq(a) || s.eq(b)) {
        cutTail[side] = last
        break
      }
      last = add(s, node.w)
      reached = k
      if (k >= previous && last <= -(digits + GUARD)) break
    }
    reach[side] = reached
  }

  add(a.plus(half), table.halfPi)
  const history: Decimal[][] = []
  for (let level = 0; ; level++) {
    reach[0] *= 2
    reach[1] *= 2
    walk(level, 0)
    walk(level, 1)
    const h = new D(2).pow(-level)
    history.push(sums.map((s) => s.times(half).times(h)))
    if (level < MIN_LEVEL) continue
    const scales = abs.map((x) => x.times(half.abs()).times(h))
    const estimate = errorEstimate(history, scales, D.precision, Math.max(...cutTail))
    if (estimate <= -digits) {
      return { values: history[level], levels: level, evaluations, error: pow10(D, estimate) }
    }
    if (level === maxLevel) {
      throw new Error(`tanhSinh: no convergence to ${digits} digits by level ${maxLevel} (h = 2^-${maxLevel}, ${evaluations} evaluations); estimated relative error 1e${Math.ceil(estimate)}`)
    }
  }
}

/**
 * log10 of the estimated relative error of the last level (Bailey's estimate), the largest over
 * components; -Infinity if every component is identically zero.
 */
function errorEstimate(history: Decimal[][], scales: Decimal[], precision: number, cutTail: number): number {
  const [s2, s1, s0] = history.slice(-3)
  const floor = 1 - precision
  let worst = -Infinity
  for (let i = 0; i < s0.length; i++) {
    if (scales[i].isZero()) continue
    const logScale = log10Abs(scales[i])
    const d1 = Math.max(log10Abs(s0[i].minus(s1[i])) - logScale, floor)
    const d2 = Math.max(log10Abs(s0[i].minus(s2[i])) - logScale, floor)
    const e = d1 >= 0 || d2 >= 0 ? 0 : Math.min(0, Math.max((d1 * d1) / d2, 2 * d1, floor, cutTail))
    worst = Math.max(worst, e)
  }
  return worst
}

/** The node at τ = k·2^-level, from the cache or computed; null past the tail limit. */
function nodeAt(D: DecimalConstructor, table: Table, level: number, k: number): Node | null {
  while (level > 0 && k % 2 === 0) { k /= 2; level-- }
  const key = k * 2 ** (KEY_LEVEL - level)
  const cached = table.nodes.get(key)
  if (cached !== undefined) return cached
  const tau = new D(k).div(2 ** level)
  const q = tau.exp(), qInv = new D(1).div(q)
  const u = table.halfPi.times(q.minus(qInv).div(2))
  const d = new D(2).div(u.times(2).exp().plus(1))
  const w = table.halfPi.times(q.plus(qInv).div(2)).times(d).times(new D(2).minus(d))
  const node = w.lt(table.tiny) ? null : { d, w }
  table.nodes.set(key, node)
  return node
}

/** The node table for D's precision and rounding, most recently used last (bounded LRU). */
function tableFor(D: DecimalConstructor): Table {
  const key = `${D.precision}/${D.rounding}`
  let table = TABLES.get(key)
  if (table) {
    TABLES.delete(key)
  } else {
    table = { halfPi: D.acos(-1).div(2), tiny: new D(10).pow(-2 * D.precision), nodes: new Map() }
    if (TABLES.size >= MAX_TABLES) TABLES.delete(TABLES.keys().next().value as string)
  }
  TABLES.set(key, table)
  return table
}

/** log10 |x| as a double (-Infinity for 0), without a full-precision logarithm. */
function log10Abs(x: Decimal): number {
  if (x.isZero()) return -Infinity
  const [mantissa, exponent] = x.abs().toExponential(16).split('e')
  return Math.log10(Number(mantissa)) + Number(exponent)
}

/** 10^e as a Decimal of D (0 for e = -Infinity). */
function pow10(D: DecimalConstructor, e: number): Decimal {
  if (e === -Infinity) return new D(0)
  const whole = Math.floor(e)
  return new D(10 ** (e - whole)).times(`1e${whole}`)
}
