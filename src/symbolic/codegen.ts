/**
 * Compile expressions to JavaScript source, for two number systems from one description:
 *  - 'double': native operators and Math.*, the factory `(parameters) => (arguments) => number[]`;
 *  - 'functional': calls of an arithmetic object F (src/hp/arith.ts: decimal.js values or Taylor
 *    series), the factory `(F) => (parameters) => (arguments) => T[]`.
 * Input is a whitelisted expression tree (with its derivative, FactoryBuilder.dual) or an exact
 * rational function; both become a small expression language (Expr) first. Everything that
 * depends on the parameters only is computed once, in the factory; repeated function calls and
 * denominator factors are computed once per evaluation. Only our own trees reach this code
 * (users' expressions are whitelisted first) and every name is mangled, so the source cannot do
 * anything but arithmetic.
 */
import type { MathNode } from './mathjs.js'
import { polyTerms, rfParts, type Mono, type Poly, type RF } from './rational.js'

export type Target = 'double' | 'functional'

/** The expression language both targets are emitted from. */
export type Expr =
  | { readonly k: 'num'; readonly text: string }
  | { readonly k: 'rat'; readonly p: bigint; readonly q: bigint }
  | { readonly k: 'var'; readonly name: string }
  | { readonly k: 'pi' | 'e' }
  | { readonly k: 'add' | 'sub' | 'mul' | 'div' | 'pow'; readonly a: Expr; readonly b: Expr }
  | { readonly k: 'neg'; readonly a: Expr }
  | { readonly k: 'powInt'; readonly a: Expr; readonly e: number }
  | { readonly k: 'fn'; readonly name: string; readonly a: Expr }

/** Functions an expression may call (whitelist.ts, plus those mathjs' derivative used to introduce). */
const FUNCTIONS = new Set(['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'exp', 'log', 'sqrt', 'abs', 'sign', 'sec', 'csc', 'cot', 'sech', 'csch', 'coth'])
const RECIPROCALS: Record<string, string> = { sec: 'cos', csc: 'sin', cot: 'tan', sech: 'cosh', csch: 'sinh', coth: 'tanh' }
const BINARY: Record<string, Expr['k']> = { add: 'add', subtract: 'sub', multiply: 'mul', divide: 'div', pow: 'pow' }
const OPERATORS: Record<string, string> = { add: '+', sub: '-', mul: '*', div: '/', pow: '**' }

/** A JavaScript identifier for a model symbol (never a keyword, never a global). */
export const jsName = (symbol: string): string => `v_${symbol.replace(/[^A-Za-z0-9_]/g, '_')}`

/** A numeric literal that reads back to exactly `x`. */
export function jsNumber(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`cannot compile non-finite constant ${x}`)
  return Object.is(x, -0) ? '0' : `(${String(x)})`
}

export const variable = (name: string): Expr => ({ k: 'var', name })

/** The expression of a whitelisted tree; `call` may replace function calls (common subexpressions). */
export function fromNode(node: MathNode, call: (e: Expr) => Expr = (e) => e): Expr {
  const n = node as MathNode & Record<string, unknown>
  const rec = (x: unknown) => fromNode(x as MathNode, call)
  switch (node.type) {
    case 'ConstantNode': {
      const v = n.value as number
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`cannot compile constant ${String(v)}`)
      return { k: 'num', text: String(v) }
    }
    case 'SymbolNode': {
      const name = n.name as string
      return name === 'pi' || name === 'e' ? { k: name } : variable(name)
    }
    case 'ParenthesisNode':
      return rec(n.content)
    case 'OperatorNode': {
      const args = (n.args as MathNode[]).map(rec)
      const fn = n.fn as string
      if (fn === 'unaryMinus') return { k: 'neg', a: args[0] }
      if (fn === 'unaryPlus') return args[0]
      const k = BINARY[fn]
      if (!k || args.length !== 2) throw new Error(`cannot compile operator ${fn}`)
      const b = args[1]
      if (k === 'pow' && b.k === 'num' && Number.isInteger(Number(b.text)) && Math.abs(Number(b.text)) <= 64) return { k: 'powInt', a: args[0], e: Number(b.text) }
      return { k, a: args[0], b } as Expr
    }
    case 'FunctionNode': {
      const name = (n.fn as MathNode & { name?: string }).name ?? ''
      const args = (n.args as MathNode[]).map(rec)
      if (!FUNCTIONS.has(name) || args.length !== 1) throw new Error(`cannot compile function ${name}`)
      return call({ k: 'fn', name, a: args[0] })
    }
    default:
      throw new Error(`cannot compile ${node.type}`)
  }
}

/** Source text of an expression for a target. */
export function emit(e: Expr, target: Target): string {
  const r = (x: Expr) => emit(x, target)
  const f = target === 'functional'
  switch (e.k) {
    case 'num':
      return f ? `F.num(${JSON.stringify(e.text)})` : jsNumber(Number(e.text))
    case 'rat':
      return f ? (e.q === 1n ? `F.num("${e.p}")` : `F.rat("${e.p}", "${e.q}")`) : jsNumber(Number(e.p) / Number(e.q))
    case 'var':
      return jsName(e.name)
    case 'pi':
      return f ? 'F.pi()' : 'Math.PI'
    case 'e':
      return f ? 'F.e()' : 'Math.E'
    case 'neg':
      return f ? `F.neg(${r(e.a)})` : `(-${r(e.a)})`
    case 'powInt': {
      if (f) return `F.powInt(${r(e.a)}, ${e.e})`
      const a = r(e.a)
      return e.e >= 1 && e.e <= 4 ? `(${Array(e.e).fill(a).join(' * ')})` : `(${a} ** ${e.e})`
    }
    case 'fn': {
      if (f) return `F.${e.name}(${r(e.a)})`
      const reciprocal = RECIPROCALS[e.name]
      return reciprocal ? `(1 / Math.${reciprocal}(${r(e.a)}))` : `Math.${e.name}(${r(e.a)})`
    }
    default:
      return f ? `F.${e.k}(${r(e.a)}, ${r(e.b)})` : `(${r(e.a)} ${OPERATORS[e.k]} ${r(e.b)})`
  }
}

const sum = (xs: Expr[]): Expr => xs.reduce((a, b) => ({ k: 'add', a, b }))
const product = (xs: Expr[]): Expr => xs.reduce((a, b) => ({ k: 'mul', a, b }))
const power = (x: Expr, e: number): Expr => (e === 1 ? x : { k: 'powInt', a: x, e })

/** Collects the two levels of a compiled factory: constants of the parameters, and the body. */
export class FactoryBuilder {
  private readonly constants = new Map<string, { name: string; expr: Expr }>()
  private readonly locals = new Map<string, { name: string; expr: Expr }>()
  /** The expression of each local of the body by its name (to print expressions in full). */
  private readonly named = new Map<string, Expr>()
  private readonly body: Array<{ name: string; expr: Expr }> = []
  constructor(readonly parameters: ReadonlySet<string>) {}

  /** A name for a parameter-only expression, computed once in the factory. */
  hoist(expr: Expr): Expr {
    if (expr.k === 'num' || expr.k === 'rat' || expr.k === 'var') return expr
    return variable(this.remember(this.constants, 'k__', expr))
  }

  /** A name for a subexpression of the body, computed once per evaluation. */
  memo(expr: Expr): Expr {
    if (expr.k === 'num' || expr.k === 'rat' || expr.k === 'var') return expr
    const size = this.locals.size
    const name = this.remember(this.locals, 'c__', expr)
    // A new name is a new local (checked in O(1): the body may hold thousands of them).
    if (this.locals.size > size) {
      this.body.push({ name: jsName(name), expr })
      this.named.set(name, expr)
    }
    return variable(name)
  }

  /** The expression of a tree, repeated function calls computed once. */
  node(node: MathNode): Expr {
    return fromNode(node, (e) => this.memo(e))
  }

  /** Define a local of the evaluator. */
  define(symbol: string, expr: Expr): void {
    this.body.push({ name: jsName(symbol), expr })
  }

  /**
   * The value and the slope (derivative in `v`) of a whitelisted tree, by the chain rule applied
   * once per node: every intermediate value and slope is a local computed once, so the code is
   * linear in the size of the tree however deeply it nests (a tree derivative copies the inner
   * expression at every level, quadratic in the depth).
   */
  dual(node: MathNode, v: string): Dual {
    return dualOf(node, v, (e) => this.memo(e))
  }

  /**
   * Readable text of an expression, its locals written out in full; undefined when longer than
   * `max` characters (locals shared many times can make it exponentially long).
   */
  text(e: Expr, max = 2000): string | undefined {
    let budget = max
    const write = (x: Expr, min: number): string => {
      const local = x.k === 'var' ? this.named.get(x.name) : undefined
      if (local) return write(local, min)
      let operands = 0
      const [s, prec] = textOf(x, (y, m) => {
        const w = write(y, m)
        operands += w.length
        return w
      })
      // Each level pays for its own characters (at least one): the work stops within `max` steps.
      const text = prec < min ? `(${s})` : s
      budget -= text.length - operands
      if (budget < 0) throw new TextTooLong()
      return text
    }
    try {
      return write(e, 0)
    } catch (err) {
      if (err instanceof TextTooLong) return undefined
      throw err
    }
  }

  /**
   * Source of the factory (see the file comment for the two shapes). `prune`: leave out the
   * locals no result depends on.
   */
  source(args: readonly string[], results: readonly string[], target: Target = 'double', prune = false): string {
    const params = [...this.parameters].map(jsName).join(', ')
    const consts = [...this.constants.values()].map(({ name, expr }) => `  const ${jsName(name)} = ${emit(expr, target)};`).join('\n')
    const live = prune ? liveLocals(this.body, results.map(jsName)) : undefined
    const body = this.body
      .filter(({ name }) => !live || live.has(name))
      .map(({ name, expr }) => `const ${name} = ${emit(expr, target)};`)
      .join('\n    ')
    const inner = `function (${params}) {\n${consts}\n  return function (${args.map(jsName).join(', ')}) {\n    ${body}\n    return [${results.map(jsName).join(', ')}];\n  };\n}`
    return target === 'functional' ? `(function (F) { return ${inner}; })` : `(${inner})`
  }

  /** An exact rational function, parameter-dependent coefficients hoisted, factors computed once. */
  rational(a: RF): Expr {
    const { num, mono, factors } = rfParts(a)
    const den = [...this.monomial(mono), ...factors.map(({ poly, k }) => power(this.memo(this.polynomial(poly)), k))]
    const top = this.polynomial(num)
    return den.length === 0 ? top : { k: 'div', a: top, b: product(den) }
  }

  /** A polynomial, grouped by its non-parameter monomials with hoisted coefficients. */
  polynomial(p: Poly): Expr {
    const groups = new Map<string, { mono: Mono; terms: Expr[] }>()
    for (const { mono, c } of polyTerms(p)) {
      const inner = mono.filter(([v]) => !this.parameters.has(v))
      const outer = mono.filter(([v]) => this.parameters.has(v))
      const key = inner.map(([v, e]) => `${v}^${e}`).join('*')
      const g = groups.get(key) ?? { mono: inner, terms: [] }
      g.terms.push(product([{ k: 'rat', p: c.p, q: c.q }, ...outer.map(([v, e]) => power(variable(v), e))]))
      groups.set(key, g)
    }
    if (groups.size === 0) return { k: 'num', text: '0' }
    // Powers and products of the arguments recur across terms and entries: computed once each
    // (for Taylor series every product of two arguments is a convolution).
    return sum(
      [...groups.values()].map(({ mono, terms }) => {
        const k = this.hoist(sum(terms))
        if (!mono.length) return k
        const m = mono.map(([v, e]) => (e === 1 ? variable(v) : this.memo(power(variable(v), e)))).reduce((x, y) => this.memo({ k: 'mul', a: x, b: y }))
        return { k: 'mul', a: k, b: m }
      }),
    )
  }

  private monomial(m: Mono): Expr[] {
    const outer = m.filter(([v]) => this.parameters.has(v)).map(([v, e]) => power(variable(v), e))
    const inner = m.filter(([v]) => !this.parameters.has(v)).map(([v, e]) => power(variable(v), e))
    return [...(outer.length ? [this.hoist(product(outer))] : []), ...inner]
  }

  private remember(map: Map<string, { name: string; expr: Expr }>, prefix: string, expr: Expr): string {
    const key = emit(expr, 'functional')
    let entry = map.get(key)
    if (!entry) {
      entry = { name: `${prefix}${map.size}`, expr }
      map.set(key, entry)
    }
    return entry.name
  }
}

/** Names of the body's locals that the results depend on. */
function liveLocals(body: ReadonlyArray<{ name: string; expr: Expr }>, results: readonly string[]): Set<string> {
  const live = new Set(results)
  const visit = (e: Expr): void => {
    if (e.k === 'var') live.add(jsName(e.name))
    if ('a' in e) visit(e.a)
    if ('b' in e) visit(e.b)
  }
  for (let i = body.length - 1; i >= 0; i--) if (live.has(body[i].name)) visit(body[i].expr)
  return live
}

class TextTooLong extends Error {}

/** Text of one level of an expression and its precedence; `write(x, min)` writes an operand. */
function textOf(e: Expr, write: (x: Expr, min: number) => string): [string, number] {
  switch (e.k) {
    case 'num':
      return [e.text, e.text.startsWith('-') ? 3 : 5]
    case 'rat':
      return [e.q === 1n ? `${e.p}` : `${e.p}/${e.q}`, e.q === 1n && e.p >= 0n ? 5 : 2]
    case 'var':
      return [e.name, 5]
    case 'pi':
    case 'e':
      return [e.k, 5]
    case 'fn':
      return [`${e.name}(${write(e.a, 0)})`, 5]
    case 'neg':
      return [`-${write(e.a, 3)}`, 3]
    case 'powInt':
      return [`${write(e.a, 5)} ^ ${e.e < 0 ? `(${e.e})` : e.e}`, 4]
    case 'pow':
      return [`${write(e.a, 5)} ^ ${write(e.b, 4)}`, 4]
    case 'add':
      return [`${write(e.a, 1)} + ${write(e.b, 1)}`, 1]
    case 'sub':
      return [`${write(e.a, 1)} - ${write(e.b, 2)}`, 1]
    case 'mul':
      return [`${write(e.a, 2)} * ${write(e.b, 3)}`, 2]
    case 'div':
      return [`${write(e.a, 2)} / ${write(e.b, 3)}`, 2]
  }
}

/** An expression with its derivative in one variable. */
export interface Dual {
  readonly value: Expr
  readonly slope: Expr
}

const ZERO: Expr = { k: 'num', text: '0' }
const ONE: Expr = { k: 'num', text: '1' }
const isNum = (e: Expr, text: string): boolean => e.k === 'num' && e.text === text

// Slope arithmetic drops the exact zeros and ones of the chain rule: the slope of a constant is
// 0, not 0 times an expression that may be infinite somewhere (d/dt 0*log(t) is 0 at t = 0).
const dNeg = (a: Expr): Expr => (isNum(a, '0') ? ZERO : a.k === 'neg' ? a.a : { k: 'neg', a })
const dAdd = (a: Expr, b: Expr): Expr => (isNum(a, '0') ? b : isNum(b, '0') ? a : { k: 'add', a, b })
const dSub = (a: Expr, b: Expr): Expr => (isNum(b, '0') ? a : isNum(a, '0') ? dNeg(b) : { k: 'sub', a, b })
const dMul = (a: Expr, b: Expr): Expr => (isNum(a, '0') || isNum(b, '0') ? ZERO : isNum(a, '1') ? b : isNum(b, '1') ? a : { k: 'mul', a, b })
const dDiv = (a: Expr, b: Expr): Expr => (isNum(a, '0') ? ZERO : isNum(b, '1') ? a : { k: 'div', a, b })

/**
 * The slope of f(u) from u, y = f(u) and the slope du of u (never 0), for every function a
 * whitelisted expression may call; `call` is a (memoised) call of another function.
 */
const SLOPES: Record<string, (u: Expr, y: Expr, du: Expr, call: (name: string, a: Expr) => Expr, m: (e: Expr) => Expr) => Expr> = {
  sin: (u, _y, du, call) => dMul(call('cos', u), du),
  cos: (u, _y, du, call) => dMul(dNeg(call('sin', u)), du),
  tan: (u, _y, du, call, m) => dDiv(du, m({ k: 'powInt', a: call('cos', u), e: 2 })),
  asin: (u, _y, du, call, m) => dDiv(du, call('sqrt', m({ k: 'sub', a: ONE, b: m({ k: 'powInt', a: u, e: 2 }) }))),
  acos: (u, _y, du, call, m) => dNeg(dDiv(du, call('sqrt', m({ k: 'sub', a: ONE, b: m({ k: 'powInt', a: u, e: 2 }) })))),
  atan: (u, _y, du, _call, m) => dDiv(du, m({ k: 'add', a: ONE, b: m({ k: 'powInt', a: u, e: 2 }) })),
  sinh: (u, _y, du, call) => dMul(call('cosh', u), du),
  cosh: (u, _y, du, call) => dMul(call('sinh', u), du),
  tanh: (u, _y, du, call, m) => dDiv(du, m({ k: 'powInt', a: call('cosh', u), e: 2 })),
  exp: (_u, y, du) => dMul(y, du),
  log: (u, _y, du) => dDiv(du, u),
  sqrt: (_u, y, du, _call, m) => dDiv(du, m({ k: 'mul', a: { k: 'num', text: '2' }, b: y })),
  // u/|u|: undefined at u = 0, where |u| has no derivative.
  abs: (u, y, du, _call, m) => dMul(m({ k: 'div', a: u, b: y }), du),
}

/** Exponents written as integers this small become repeated products (as in fromNode). */
const smallInteger = (e: Expr): number | undefined => (e.k === 'num' && Number.isInteger(Number(e.text)) && Math.abs(Number(e.text)) <= 64 ? Number(e.text) : undefined)

/** FactoryBuilder.dual: value and slope of every node, bottom up, each through `memo`. */
function dualOf(node: MathNode, v: string, memo: (e: Expr) => Expr): Dual {
  const n = node as MathNode & Record<string, unknown>
  const rec = (x: unknown) => dualOf(x as MathNode, v, memo)
  const m = (e: Expr) => (e.k === 'pi' || e.k === 'e' ? e : memo(e))
  const dual = (value: Expr, slope: Expr): Dual => ({ value: m(value), slope: m(slope) })
  const call = (name: string, a: Expr) => m({ k: 'fn', name, a })
  switch (node.type) {
    case 'ConstantNode':
      return { value: fromNode(node), slope: ZERO }
    case 'SymbolNode': {
      const value = fromNode(node)
      return { value, slope: value.k === 'var' && value.name === v ? ONE : ZERO }
    }
    case 'ParenthesisNode':
      return rec(n.content)
    case 'OperatorNode': {
      const fn = n.fn as string
      const args = (n.args as MathNode[]).map(rec)
      const [a, b] = args
      if (fn === 'unaryPlus' && args.length === 1) return a
      if (fn === 'unaryMinus' && args.length === 1) return dual({ k: 'neg', a: a.value }, dNeg(a.slope))
      if (args.length !== 2) break
      switch (fn) {
        case 'add':
          return dual({ k: 'add', a: a.value, b: b.value }, dAdd(a.slope, b.slope))
        case 'subtract':
          return dual({ k: 'sub', a: a.value, b: b.value }, dSub(a.slope, b.slope))
        case 'multiply':
          return dual({ k: 'mul', a: a.value, b: b.value }, dAdd(dMul(a.slope, b.value), dMul(a.value, b.slope)))
        case 'divide': {
          // (a/b)' = (a' - (a/b) b')/b
          const value = m({ k: 'div', a: a.value, b: b.value })
          return { value, slope: m(dDiv(dSub(a.slope, dMul(value, b.slope)), b.value)) }
        }
        case 'pow': {
          const k = smallInteger(b.value)
          if (k !== undefined) {
            // (a^k)' = k a^(k-1) a'
            const value = m({ k: 'powInt', a: a.value, e: k })
            if (isNum(a.slope, '0') || k === 0) return { value, slope: ZERO }
            const lower = k === 1 ? ONE : k === 2 ? a.value : m({ k: 'powInt', a: a.value, e: k - 1 })
            return { value, slope: m(dMul(dMul({ k: 'num', text: String(k) }, lower), a.slope)) }
          }
          const value = m({ k: 'pow', a: a.value, b: b.value })
          if (isNum(b.slope, '0')) {
            // A constant exponent: (a^b)' = b a^(b-1) a'
            if (isNum(a.slope, '0')) return { value, slope: ZERO }
            const lower = m({ k: 'pow', a: a.value, b: m({ k: 'sub', a: b.value, b: ONE }) })
            return { value, slope: m(dMul(dMul(b.value, lower), a.slope)) }
          }
          // (a^b)' = a^b (b' log(a) + b a'/a)
          const inner = dAdd(dMul(b.slope, call('log', a.value)), dDiv(dMul(b.value, a.slope), a.value))
          return { value, slope: m(dMul(value, m(inner))) }
        }
      }
      break
    }
    case 'FunctionNode': {
      const name = (n.fn as MathNode & { name?: string }).name ?? ''
      const args = (n.args as MathNode[]).map(rec)
      const rule = SLOPES[name]
      if (!rule || args.length !== 1) break
      const [u] = args
      const value = call(name, u.value)
      return { value, slope: isNum(u.slope, '0') ? ZERO : m(rule(u.value, value, u.slope, call, m)) }
    }
  }
  throw new Error(`cannot differentiate ${node.type}`)
}

/** Turn generated factory source into a function. */
export function instantiate<T>(source: string): T {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function(`"use strict"; return ${source};`)() as T
}

/** The one cache of compiled code: each generated source turned into a function once per process. */
const compiledSources = new Map<string, unknown>()

/**
 * instantiate(source) as a factory, once per source text, turned into a function when first
 * called: the model holds dozens of factories (hundreds of kB of source) and a command calls few.
 */
export function compiled<T>(source: string): T {
  let f = compiledSources.get(source)
  if (f === undefined) {
    let factory: ((...args: unknown[]) => unknown) | undefined
    f = (...args: unknown[]) => (factory ??= instantiate<(...args: unknown[]) => unknown>(source))(...args)
    compiledSources.set(source, f)
  }
  return f as T
}
