/**
 * What each observable means, checked against how it is written. An equation file that has
 * [observables] also says what they are in terms of vectors, in the limit d -> infinity:
 *  - [directions]: mutually orthogonal directions, each with its squared norm per dimension
 *    (e.g. mu = omega, xi = n);
 *  - [vectors]: linear combinations of them, with scalar coefficients (e.g. mu_emp = mu + sigma / n * eta);
 *  - [meaning]: each observable from the vectors (with sqrt, log and abs of numbers): `dot(u, v)` is u.v/d, `minimise(kappa, f)` the
 *    least value of f over the scalar kappa (f must be a quadratic in kappa that opens upwards,
 *    as the risk of an estimator linear in kappa is).
 * The written observable (the form the code computes, often rearranged so that nothing cancels in
 * floating point) must equal its meaning. Both are rational functions of the parameters when no
 * square root is involved, and then equality is decided exactly; otherwise it is tested at random
 * points at 60 significant digits (a wrong factor changes the value at almost every point). A
 * failure names the observable: nothing is compiled from an observable that is not what it says.
 */
import { Decimal } from 'decimal.js'
import type { Arith } from '../hp/arith.js'
import { splitmix32 } from '../random.js'
import { BOUND_SCALAR, section, type Entry, type Section } from './eqfile.js'
import type { MathNode } from './mathjs.js'
import { NotRational, ratFromNumber, rfAdd, rfConst, rfDiv, rfEqual, rfMul, rfNeg, rfPow, rfSub, rfVar, type RF } from './rational.js'

/** The arithmetic a meaning is evaluated in: exact rational functions, or decimals at random points. */
type Field<T> = Pick<Arith<T>, 'add' | 'sub' | 'mul' | 'div' | 'neg' | 'powInt' | UnaryName> & {
  num(x: number): T
  /** A free symbol's value (the symbol itself, or its value at the point). */
  symbol(name: string): T
  /** Whether two values are equal: exactly, or to AGREE relative at the point. */
  equal(a: T, b: T): boolean
}

/** A scalar, or a vector as its coefficients on the directions. */
type Value<T> = { readonly s: T } | { readonly v: ReadonlyMap<string, T> }

const RATIONAL: Field<RF> = {
  num: (x) => rfConst(ratFromNumber(x)),
  symbol: (name) => rfVar(name),
  add: rfAdd,
  sub: rfSub,
  mul: rfMul,
  div: rfDiv,
  neg: rfNeg,
  powInt: rfPow,
  sqrt: () => {
    throw new NotRational('sqrt')
  },
  log: () => {
    throw new NotRational('log')
  },
  abs: () => {
    throw new NotRational('abs')
  },
  equal: rfEqual,
}

/** The functions a meaning may apply to a number (all but sqrt leave the rational functions). */
const UNARY = ['sqrt', 'log', 'abs'] as const
type UnaryName = (typeof UNARY)[number]
const isUnary = (name: string): name is UnaryName => (UNARY as readonly string[]).includes(name)

/** Digits of the randomised test, and how close the two sides must be (relative). */
const DIGITS = 60
const AGREE = new Decimal('1e-45')
const POINTS = 8

/** Symbols that are probabilities, drawn in (0.05, 0.95). */
const PROBABILITIES: ReadonlySet<string> = new Set(['rho'])

/** Decimals at one point: every free symbol gets its own value in (0.2, 3.2), drawn from `seed`. */
function decimalField(seed: number): Field<Decimal> {
  const D = Decimal.clone({ precision: DIGITS })
  const draw = splitmix32(seed)
  const values = new Map<string, Decimal>()
  return {
    num: (x) => new D(x),
    symbol: (name) => {
      // A probability (rho, a class weight) in (0.05, 0.95): a transport plan's vertices hold only there.
      if (!values.has(name)) {
        const u = draw() / 2 ** 32
        values.set(name, PROBABILITIES.has(name) ? new D(Math.round(u * 9e5) + 5e4).div(1e6) : new D(Math.round(u * 3e6) + 2e5).div(1e6))
      }
      return values.get(name)!
    },
    add: (a, b) => a.plus(b),
    sub: (a, b) => a.minus(b),
    mul: (a, b) => a.times(b),
    div: (a, b) => a.div(b),
    neg: (a) => a.neg(),
    powInt: (a, k) => a.pow(k),
    sqrt: (a) => {
      if (a.isNeg()) throw new UndefinedHere('square root of a negative number')
      return a.sqrt()
    },
    log: (a) => {
      if (!a.gt(0)) throw new UndefinedHere('logarithm of a number <= 0')
      return a.ln()
    },
    abs: (a) => a.abs(),
    equal: (a, b) =>
      a
        .minus(b)
        .abs()
        .lte(AGREE.times(a.abs().plus(b.abs()).plus(1))),
  }
}

/**
 * Where the evaluator looks names up: scalars and vectors defined so far (null: not expressible in
 * this field), the Gram diagonal, and the [vectors] entries (re-evaluated by minimise, as they may
 * use kappa).
 */
interface Scope<T> {
  readonly names: ReadonlyMap<string, Value<T> | null>
  readonly gram: ReadonlyMap<string, T>
  readonly vectors: readonly Entry[]
}

const isScalar = <T>(x: Value<T>): x is { readonly s: T } => 's' in x
const vec = <T>(x: Value<T>): ReadonlyMap<string, T> => (x as { readonly v: ReadonlyMap<string, T> }).v

function scalar<T>(x: Value<T>, what: string): T {
  if (!isScalar(x)) throw new Error(`${what} is a vector where a number is needed`)
  return x.s
}

function combine<T>(F: Field<T>, a: ReadonlyMap<string, T>, b: ReadonlyMap<string, T>, op: (x: T, y: T) => T): Map<string, T> {
  const out = new Map<string, T>()
  for (const k of new Set([...a.keys(), ...b.keys()])) out.set(k, op(a.get(k) ?? F.num(0), b.get(k) ?? F.num(0)))
  return out
}

const scale = <T>(F: Field<T>, v: ReadonlyMap<string, T>, k: T): Map<string, T> => new Map([...v].map(([d, c]) => [d, F.mul(c, k)]))

function evaluate<T>(F: Field<T>, node: MathNode, scope: Scope<T>): Value<T> {
  const n = node as MathNode & Record<string, unknown>
  const args = (n.args as MathNode[] | undefined) ?? []
  switch (node.type) {
    case 'ConstantNode':
      return { s: F.num(n.value as number) }
    case 'SymbolNode': {
      const name = n.name as string
      const value = scope.names.get(name)
      if (value === null) throw new NotRational(name)
      return value ?? { s: F.symbol(name) }
    }
    case 'ParenthesisNode':
      return evaluate(F, n.content as MathNode, scope)
    case 'OperatorNode': {
      const fn = n.fn as string
      const [a, b] = args.map((x) => evaluate(F, x, scope))
      if (fn === 'unaryPlus') return a
      if (fn === 'unaryMinus') return isScalar(a) ? { s: F.neg(a.s) } : { v: scale(F, vec(a), F.num(-1)) }
      if (fn === 'add' || fn === 'subtract') {
        const op = fn === 'add' ? F.add : F.sub
        if (isScalar(a) && isScalar(b)) return { s: op(a.s, b.s) }
        if (isScalar(a) || isScalar(b)) throw new Error(`${node.toString()}: a number ${fn === 'add' ? 'added to' : 'subtracted from'} a vector`)
        return { v: combine(F, vec(a), vec(b), op) }
      }
      if (fn === 'multiply') {
        if (isScalar(a) && isScalar(b)) return { s: F.mul(a.s, b.s) }
        if (isScalar(a)) return { v: scale(F, vec(b), a.s) }
        if (isScalar(b)) return { v: scale(F, vec(a), b.s) }
        throw new Error(`${node.toString()}: write the product of two vectors as dot(u, v)`)
      }
      if (fn === 'divide') {
        const d = scalar(b, node.toString())
        return isScalar(a) ? { s: F.div(a.s, d) } : { v: scale(F, vec(a), F.div(F.num(1), d)) }
      }
      if (fn === 'pow') {
        const k = (args[1] as MathNode & { value?: unknown }).value
        if (args[1].type !== 'ConstantNode' || !Number.isInteger(k)) throw new Error(`${node.toString()}: only integer powers`)
        return { s: F.powInt(scalar(a, node.toString()), k as number) }
      }
      throw new Error(`${node.toString()}: operator ${fn}`)
    }
    case 'FunctionNode': {
      const name = (n.fn as unknown as { name: string }).name
      if (isUnary(name)) return { s: F[name](scalar(evaluate(F, args[0], scope), node.toString())) }
      if (name === 'dot')
        return {
          s: dot(
            F,
            args.map((x) => evaluate(F, x, scope)),
            scope,
            node.toString(),
          ),
        }
      if (name === 'minimise') return { s: minimise(F, args, scope, node.toString()) }
      throw new Error(`${node.toString()}: ${name} has no meaning here`)
    }
    default:
      throw new Error(`${node.toString()}: ${node.type}`)
  }
}

/** u.v/d: the directions are orthogonal, with squared norms per dimension in the Gram diagonal. */
function dot<T>(F: Field<T>, [u, v]: Array<Value<T>>, scope: Scope<T>, what: string): T {
  if (isScalar(u) || isScalar(v)) throw new Error(`${what}: dot takes two vectors`)
  let sum = F.num(0)
  for (const [d, c] of vec(u)) {
    const other = vec(v).get(d)
    if (other !== undefined) sum = F.add(sum, F.mul(F.mul(c, other), scope.gram.get(d)!))
  }
  return sum
}

/**
 * The least value over kappa of a quadratic f(kappa) = a kappa^2 + b kappa + f(0) with a > 0:
 * f(0) - b^2/(4a), from f at -1, 0, 1. That f is a quadratic is checked at kappa = 2.
 */
function minimise<T>(F: Field<T>, [bound, body]: MathNode[], scope: Scope<T>, what: string): T {
  if (bound.type !== 'SymbolNode' || (bound as MathNode & { name: string }).name !== BOUND_SCALAR) throw new Error(`${what}: minimise over ${BOUND_SCALAR}`)
  const at = (k: number) => {
    const names = new Map(scope.names).set(BOUND_SCALAR, { s: F.num(k) })
    define(F, scope.vectors, { ...scope, names })
    return scalar(evaluate(F, body, { ...scope, names }), what)
  }
  const [fm, f0, f1, f2] = [-1, 0, 1, 2].map(at)
  const half = F.num(0.5)
  const a = F.sub(F.mul(F.add(f1, fm), half), f0)
  const b = F.mul(F.sub(f1, fm), half)
  const quadratic = F.add(F.add(f0, F.mul(b, F.num(2))), F.mul(a, F.num(4)))
  if (!F.equal(quadratic, f2)) throw new Error(`${what}: not a quadratic in ${BOUND_SCALAR}`)
  return F.sub(f0, F.div(F.mul(b, b), F.mul(a, F.num(4))))
}

/** The scope of a file's geometry: Gram diagonal and vectors, in the field F. */
function geometry<T>(F: Field<T>, sections: readonly Section[]): Scope<T> {
  const names = new Map<string, Value<T> | null>()
  const gram = new Map<string, T>()
  const vectors = section(sections, 'vectors').entries
  const scope = { names, gram, vectors }
  for (const e of section(sections, 'directions').entries) {
    gram.set(e.name, scalar(evaluate(F, e.node, scope), e.name))
    names.set(e.name, { v: new Map([[e.name, F.num(1)]]) })
  }
  define(F, vectors, scope)
  return scope
}

/** Evaluate entries in order into the scope's names; null for those the field cannot express (or not at this point). */
function define<T>(F: Field<T>, entries: readonly Entry[], scope: Scope<T> & { readonly names: Map<string, Value<T> | null> }): void {
  for (const e of entries) {
    try {
      scope.names.set(e.name, evaluate(F, e.node, scope))
    } catch (err) {
      if (!(err instanceof NotRational || err instanceof UndefinedHere)) throw err
      scope.names.set(e.name, null)
    }
  }
}

/** The written observables (and the definitions they use) in the field F; null where F cannot express one. */
function written<T>(F: Field<T>, sections: readonly Section[]): Map<string, Value<T> | null> {
  const names = new Map<string, Value<T> | null>()
  const scope = { names, gram: new Map<string, T>(), vectors: [] }
  const definitions = sections.some((s) => s.kind === 'definitions') ? section(sections, 'definitions').entries : []
  define(F, [...definitions, ...section(sections, 'observables').entries], scope)
  return names
}

/** One random point: its field, the written observables there and the geometry there. */
interface Point {
  readonly F: Field<Decimal>
  readonly written: Map<string, Value<Decimal> | null>
  readonly geometry: Scope<Decimal>
}

function pointAt(seed: number, sections: readonly Section[]): Point {
  const F = decimalField(seed)
  return { F, written: written(F, sections), geometry: geometry(F, sections) }
}

/** Whether the written observable and its meaning agree at one random point (false where either is undefined). */
function agreeAt({ F, written, geometry }: Point, name: string, meaning: MathNode): boolean {
  try {
    const value = written.get(name)
    return !!value && F.equal(scalar(value, name), scalar(evaluate(F, meaning, geometry), name))
  } catch (e) {
    if (e instanceof UndefinedHere || e instanceof NotRational) return false
    throw e
  }
}

/** A square root of a negative number, at a point where an identity was to be tested. */
class UndefinedHere extends Error {}

export interface Checked {
  readonly name: string
  readonly route: 'exact' | 'random points'
}

/**
 * Check every observable of a file against its [meaning]; returns how each was decided. Throws an
 * Error naming the file and the observable when one is not what it means.
 */
export function checkMeaning(sections: readonly Section[], file: string): Checked[] {
  const observables = section(sections, 'observables').entries
  const meanings = new Map(section(sections, 'meaning').entries.map((e) => [e.name, e]))
  for (const name of meanings.keys()) {
    if (!observables.some((o) => o.name === name)) throw new Error(`${file}: [meaning] of ${name}, which is not an observable`)
  }
  const exact = { written: written(RATIONAL, sections), geometry: geometry(RATIONAL, sections) }
  const checked: Checked[] = []
  let points: Point[] | undefined
  for (const o of observables) {
    const meaning = meanings.get(o.name)
    if (!meaning) throw new Error(`${file}: observable ${o.name} has no [meaning]`)
    const wrong = new Error(`${file}: observable ${o.name} = ${o.text} is not what it means, ${meaning.text}`)
    const w = exact.written.get(o.name)
    let m: RF | undefined
    try {
      m = scalar(evaluate(RATIONAL, meaning.node, exact.geometry), meaning.text)
    } catch (e) {
      if (!(e instanceof NotRational)) throw e
    }
    if (w && m) {
      if (!rfEqual(scalar(w, o.name), m)) throw wrong
      checked.push({ name: o.name, route: 'exact' })
      continue
    }
    points ??= Array.from({ length: POINTS }, (_, i) => pointAt(i + 1, sections))
    if (!points.every((p) => agreeAt(p, o.name, meaning.node))) throw wrong
    checked.push({ name: o.name, route: 'random points' })
  }
  return checked
}
