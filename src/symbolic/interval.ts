/**
 * Interval enclosures of a whitelisted expression in t and of its slope d/dt over a range of t:
 * what lets the schedule check prove a condition between the points of any grid (a pole at
 * t = 1/3 + 1e-9, a kink of abs, a bump narrower than the grid's step). Bounds are widened by a
 * few ulps after every operation, so they hold despite rounding (subnormal underflow aside).
 */
import type { MathNode } from './mathjs.js'
import { maxOf, minOf } from '../extent.js'

/** A closed interval [lo, hi]. */
export type Interval = readonly [number, number]

/** Enclosures of an expression and of its slope over a range of t. */
export interface Enclosure {
  readonly value: Interval
  readonly slope: Interval
}

/**
 * A condition the expression needs (a denominator away from 0, ...) that the enclosure could not
 * establish on the range: true where the condition fails there, or where the range is too wide
 * to tell. `rule` says what fails, naming the subexpression.
 */
export interface Doubt {
  readonly rule: string
  /** The subexpression whose value decides it, for the message's value at a point. */
  readonly node: MathNode
  /** Only the slope is in doubt (a kink, an infinite slope): the value is finite. */
  readonly slopeOnly: boolean
}

const WIDEN = 4 * Number.EPSILON
const down = (x: number): number => x - Math.abs(x) * WIDEN
const up = (x: number): number => x + Math.abs(x) * WIDEN
const out = (lo: number, hi: number): Interval => [down(lo), up(hi)]
const point = (x: number): Interval => [x, x]
const ZERO = point(0)
const WHOLE: Interval = [-Infinity, Infinity]

const add = (a: Interval, b: Interval): Interval => out(a[0] + b[0], a[1] + b[1])
const sub = (a: Interval, b: Interval): Interval => out(a[0] - b[1], a[1] - b[0])
const neg = (a: Interval): Interval => [-a[1], -a[0]]
function mul(a: Interval, b: Interval): Interval {
  // 0 times an unbounded side is 0 here: an exact zero factor (a constant slope) stays exact.
  const p = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]].map((x) => (Number.isNaN(x) ? 0 : x))
  return out(minOf(p), maxOf(p))
}
const contains0 = (a: Interval): boolean => a[0] <= 0 && a[1] >= 0
/** a / b for b away from 0 (the caller checks). */
const div = (a: Interval, b: Interval): Interval => mul(a, out(1 / b[1], 1 / b[0]))
/** An increasing function, bounds widened. */
const rising = (f: (x: number) => number, a: Interval): Interval => out(f(a[0]), f(a[1]))
/** x^k for an integer k (k < 0: the caller checks that x stays away from 0). */
function powInt(a: Interval, k: number): Interval {
  if (k === 0) return point(1)
  if (k < 0) return div(point(1), powInt(a, -k))
  const [lo, hi] = [a[0] ** k, a[1] ** k]
  if (k % 2 === 1) return out(lo, hi)
  if (contains0(a)) return out(0, Math.max(lo, hi))
  return out(Math.min(lo, hi), Math.max(lo, hi))
}
/** sin over an interval: +-1 where it may pass pi/2 or -pi/2 (mod 2 pi), else its ends. */
function sin(a: Interval): Interval {
  if (!(a[1] - a[0] < 2 * Math.PI)) return [-1, 1]
  // Generous by 1e-9 turns: a doubtful pass only widens the enclosure.
  const passes = (phase: number): boolean => Math.ceil((a[0] - phase) / (2 * Math.PI) - 1e-9) <= (a[1] - phase) / (2 * Math.PI) + 1e-9
  const ends = [Math.sin(a[0]), Math.sin(a[1])]
  // Math.sin is within an ulp of the sine of its (double) argument, which out() covers
  // relatively: an absolute pad would swallow sin(pi t/2) = 1e-25 near t = 0.
  return out(passes(-Math.PI / 2) ? -1 : minOf(ends), passes(Math.PI / 2) ? 1 : maxOf(ends))
}
const cos = (a: Interval): Interval => sin(add(a, point(Math.PI / 2)))
function cosh(a: Interval): Interval {
  const ends = [Math.cosh(a[0]), Math.cosh(a[1])]
  return out(contains0(a) ? 1 : minOf(ends), maxOf(ends))
}

const finite = (a: Interval): boolean => Number.isFinite(a[0]) && Number.isFinite(a[1])

/** The expression's text for a message, at most 60 characters. */
export function nodeText(node: MathNode): string {
  const s = node.toString()
  return s.length > 60 ? `${s.slice(0, 57)}...` : s
}

const dependence = new WeakMap<MathNode, boolean>()
/** Whether a subtree depends on t (remembered per node: the check encloses a tree many times). */
function dependsOnT(node: MathNode): boolean {
  let known = dependence.get(node)
  if (known === undefined) {
    const n = node as MathNode & Record<string, unknown>
    if (node.type === 'SymbolNode') known = n.name === 't'
    else if (node.type === 'ParenthesisNode') known = dependsOnT(n.content as MathNode)
    else known = ((n.args as MathNode[] | undefined) ?? []).some(dependsOnT)
    dependence.set(node, known)
  }
  return known
}

/** The value of a whitelisted expression at t in double precision (as the compiled schedule computes it, up to rounding). */
export function evaluate(node: MathNode, t: number): number {
  const n = node as MathNode & Record<string, unknown>
  switch (node.type) {
    case 'ConstantNode':
      return n.value as number
    case 'SymbolNode':
      return n.name === 't' ? t : n.name === 'pi' ? Math.PI : Math.E
    case 'ParenthesisNode':
      return evaluate(n.content as MathNode, t)
    case 'OperatorNode': {
      const [a, b] = (n.args as MathNode[]).map((x) => evaluate(x, t))
      switch (n.fn as string) {
        case 'unaryPlus':
          return a
        case 'unaryMinus':
          return -a
        case 'add':
          return a + b
        case 'subtract':
          return a - b
        case 'multiply':
          return a * b
        case 'divide':
          return a / b
        case 'pow':
          return a ** b
      }
      break
    }
    case 'FunctionNode': {
      const f = Math[(n.fn as MathNode & { name: string }).name as 'sin']
      return f(evaluate((n.args as MathNode[])[0], t))
    }
  }
  throw new Error(`cannot evaluate ${node.type}`)
}

/**
 * Enclose `node` and its slope over t in `range`; every condition not established there is
 * pushed to `doubts` (where one is, the enclosure of the slope, or of both, is of no use). A
 * subtree without t is evaluated in double precision, as the compiled schedule does, with slope
 * exactly 0; so is the slope of 0 times anything (the compiled slope drops it: 0*log(t)).
 */
export function enclose(node: MathNode, range: Interval, doubts: Doubt[]): Enclosure {
  const doubt = (rule: string, at: MathNode, slopeOnly: boolean, value: Interval = WHOLE): Enclosure => {
    doubts.push({ rule, node: at, slopeOnly })
    return { value: slopeOnly ? value : WHOLE, slope: WHOLE }
  }
  if (!dependsOnT(node)) {
    const x = evaluate(node, 0)
    return Number.isFinite(x) ? { value: point(x), slope: ZERO } : doubt(`${nodeText(node)} is not finite`, node, false)
  }
  const n = node as MathNode & Record<string, unknown>
  const first = doubts.length
  const rec = (x: unknown): Enclosure => enclose(x as MathNode, range, doubts)
  /** Whether a value below this node is in doubt (its enclosure is then of no use either). */
  const valueInDoubt = () => doubts.slice(first).some((d) => !d.slopeOnly)
  let result: Enclosure
  switch (node.type) {
    case 'SymbolNode':
      return { value: range, slope: point(1) }
    case 'ParenthesisNode':
      return rec(n.content)
    case 'OperatorNode': {
      const args = n.args as MathNode[]
      const [a, b] = args.map(rec)
      if (valueInDoubt()) return { value: WHOLE, slope: WHOLE }
      switch (n.fn as string) {
        case 'unaryPlus':
          return a
        case 'unaryMinus':
          return { value: neg(a.value), slope: neg(a.slope) }
        case 'add':
          result = { value: add(a.value, b.value), slope: add(a.slope, b.slope) }
          break
        case 'subtract':
          result = { value: sub(a.value, b.value), slope: sub(a.slope, b.slope) }
          break
        case 'multiply': {
          if (isZero(a) || isZero(b)) {
            doubts.length = first
            return { value: ZERO, slope: ZERO }
          }
          result = { value: mul(a.value, b.value), slope: add(mul(a.slope, b.value), mul(a.value, b.slope)) }
          break
        }
        case 'divide': {
          if (contains0(b.value)) return doubt(`the denominator ${nodeText(args[1])} vanishes (a pole)`, args[1], false)
          const q = div(a.value, b.value)
          result = { value: q, slope: div(sub(a.slope, mul(q, b.slope)), b.value) }
          break
        }
        case 'pow': {
          const why = power(a, b)
          if (typeof why === 'string') return doubt(`${nodeText(args[0])} ^ ${nodeText(args[1])}: ${why}`, args[0], false)
          if ('slopeOnly' in why) return doubt(`${nodeText(args[0])} ^ ${nodeText(args[1])}: ${why.slopeOnly}`, args[0], true, why.value)
          result = why
          break
        }
        default:
          throw new Error(`cannot enclose operator ${String(n.fn)}`)
      }
      break
    }
    case 'FunctionNode': {
      const name = (n.fn as MathNode & { name: string }).name
      const arg = (n.args as MathNode[])[0]
      const u = rec(arg)
      if (valueInDoubt()) return { value: WHOLE, slope: WHOLE }
      const rule = FUNCTIONS[name]
      const why = rule.domain?.(u.value)
      if (why) return doubt(`${name}(${nodeText(arg)}) ${why.rule}`, arg, why.slopeOnly, why.slopeOnly ? rule.f(u.value)[0] : WHOLE)
      const [v, dv] = rule.f(u.value)
      result = { value: v, slope: mul(dv, u.slope) }
      break
    }
    default:
      throw new Error(`cannot enclose ${node.type}`)
  }
  if (!finite(result.value)) return doubt(`${nodeText(node)} overflows double precision`, node, false)
  // (a slope already in doubt below is not named again)
  if (!finite(result.slope) && doubts.length === first) return doubt(`the slope of ${nodeText(node)} overflows double precision`, node, true, result.value)
  return result
}

/** A constant 0: its product with anything is 0, with slope 0, as compiled. */
const isZero = (e: Enclosure): boolean => e.value[0] === 0 && e.value[1] === 0 && e.slope[0] === 0 && e.slope[1] === 0

/**
 * a^b: an integer constant exponent, another constant exponent (b a^(b-1) a'), or a^b (b' log a +
 * b a'/a); or why not (a string: the value is in doubt; slopeOnly: only the slope).
 */
function power(a: Enclosure, b: Enclosure): Enclosure | string | { slopeOnly: string; value: Interval } {
  // The compiled slope takes an exponent of slope exactly 0 for a constant (1 + 0*t^t: 1).
  if (b.slope[0] === 0 && b.slope[1] === 0) {
    const k = (b.value[0] + b.value[1]) / 2
    if (Number.isInteger(k)) {
      if (k === 0) return { value: point(1), slope: ZERO }
      if (k < 0 && contains0(a.value)) return 'the base vanishes (a pole)'
      return { value: powInt(a.value, k), slope: mul(mul(point(k), powInt(a.value, k - 1)), a.slope) }
    }
    if (a.value[0] < 0) return 'a fractional power needs a base >= 0'
    if (k < 0 && a.value[0] <= 0) return 'the base vanishes (a pole)'
    const ends = [a.value[0] ** k, a.value[1] ** k]
    const value = out(minOf(ends), maxOf(ends))
    // At a base of 0 a power below 1 has an infinite slope.
    if (k < 1 && a.value[0] <= 0) return { slopeOnly: 'the base reaches 0, where the slope is infinite', value }
    const lower = k > 1 ? out(a.value[0] ** (k - 1), a.value[1] ** (k - 1)) : out(a.value[1] ** (k - 1), a.value[0] ** (k - 1))
    return { value, slope: mul(mul(point(k), lower), a.slope) }
  }
  if (a.value[0] < 0) return 'a power with an exponent in t needs a base > 0'
  if (a.value[0] === 0) {
    if (b.value[0] < 0) return 'the base vanishes (a pole)'
    // 0^b is 0 (1 at b = 0), but the slope's log(a) is not finite.
    return { slopeOnly: 'a power with an exponent in t needs a base > 0 (its slope has log(base))', value: [0, Math.max(1, up(a.value[1] ** b.value[1]), up(a.value[1] ** b.value[0]))] }
  }
  const log = rising(Math.log, a.value)
  const value = rising(Math.exp, mul(b.value, log))
  // (a^b)' = a^b (b' log a + b a'/a)
  return { value, slope: mul(value, add(mul(b.slope, log), div(mul(b.value, a.slope), a.value))) }
}

/**
 * Each whitelisted function: why its argument's enclosure is outside the domain where it is
 * continuously differentiable (undefined: inside), and the enclosures of f(u) and f'(u).
 */
const FUNCTIONS: Record<string, { domain?: (u: Interval) => { rule: string; slopeOnly: boolean } | undefined; f: (u: Interval) => [Interval, Interval] }> = {
  sin: { f: (u) => [sin(u), cos(u)] },
  cos: { f: (u) => [cos(u), neg(sin(u))] },
  // A pole where cos u = 0.
  tan: {
    domain: (u) => (contains0(cos(u)) ? { rule: 'has a pole', slopeOnly: false } : undefined),
    f: (u) => {
      const c = cos(u)
      return [div(sin(u), c), div(point(1), powInt(c, 2))]
    },
  },
  asin: { domain: inUnit, f: (u) => [rising(Math.asin, u), div(point(1), rising(Math.sqrt, sub(point(1), powInt(u, 2))))] },
  acos: { domain: inUnit, f: (u) => [out(Math.acos(u[1]), Math.acos(u[0])), neg(div(point(1), rising(Math.sqrt, sub(point(1), powInt(u, 2)))))] },
  atan: { f: (u) => [rising(Math.atan, u), div(point(1), add(point(1), powInt(u, 2)))] },
  sinh: { f: (u) => [rising(Math.sinh, u), cosh(u)] },
  cosh: { f: (u) => [cosh(u), rising(Math.sinh, u)] },
  tanh: { f: (u) => [rising(Math.tanh, u), div(point(1), powInt(cosh(u), 2))] },
  exp: {
    f: (u) => {
      const e = rising(Math.exp, u)
      return [e, e]
    },
  },
  log: { domain: (u) => (u[0] <= 0 ? { rule: 'needs an argument > 0', slopeOnly: false } : undefined), f: (u) => [rising(Math.log, u), div(point(1), u)] },
  sqrt: {
    domain: (u) => (u[0] < 0 ? { rule: 'needs an argument >= 0', slopeOnly: false } : u[0] === 0 ? { rule: 'has an infinite slope where its argument is 0', slopeOnly: true } : undefined),
    f: (u) => {
      const r = rising(Math.sqrt, [Math.max(u[0], 0), u[1]])
      return [r, r[0] > 0 ? div(point(0.5), r) : WHOLE]
    },
  },
  abs: {
    domain: (u) => (contains0(u) ? { rule: 'has a kink where its argument changes sign', slopeOnly: true } : undefined),
    f: (u) => [u[0] >= 0 ? u : contains0(u) ? [0, Math.max(-u[0], u[1])] : neg(u), point(u[0] > 0 ? 1 : -1)],
  },
}

/** asin, acos: real on [-1, 1], with a finite slope inside only. */
function inUnit(u: Interval): { rule: string; slopeOnly: boolean } | undefined {
  if (u[0] < -1 || u[1] > 1) return { rule: 'needs an argument between -1 and 1', slopeOnly: false }
  return u[0] === -1 || u[1] === 1 ? { rule: 'has an infinite slope where its argument is -1 or 1', slopeOnly: true } : undefined
}
