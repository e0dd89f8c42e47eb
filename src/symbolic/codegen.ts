/**
 * Compile expressions to JavaScript source, for two number systems from one description:
 *  - 'double': native operators and Math.*, the factory `(parameters) => (arguments) => number[]`;
 *  - 'functional': calls of an arithmetic object F (src/hp/arith.ts: decimal.js values or Taylor
 *    series), the factory `(F) => (parameters) => (arguments) => T[]`.
 * Input is a whitelisted expression tree or an exact rational function; both become a small
 * expression language (Expr) first. Everything that depends on the parameters only is computed
 * once, in the factory; repeated function calls and denominator factors are computed once per
 * evaluation. Only our own trees reach this code (users' expressions are whitelisted first) and
 * every name is mangled, so the source cannot do anything but arithmetic.
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

/** Functions an expression may call (whitelist.ts, plus what mathjs' derivative introduces). */
const FUNCTIONS = new Set([
  'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'exp', 'log', 'sqrt', 'abs', 'sign',
  'sec', 'csc', 'cot', 'sech', 'csch', 'coth',
])
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
    case 'num': return f ? `F.num(${JSON.stringify(e.text)})` : jsNumber(Number(e.text))
    case 'rat': return f ? (e.q === 1n ? `F.num("${e.p}")` : `F.rat("${e.p}", "${e.q}")`) : jsNumber(Number(e.p) / Number(e.q))
    case 'var': return jsName(e.name)
    case 'pi': return f ? 'F.pi()' : 'Math.PI'
    case 'e': return f ? 'F.e()' : 'Math.E'
    case 'neg': return f ? `F.neg(${r(e.a)})` : `(-${r(e.a)})`
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
    default: return f ? `F.${e.k}(${r(e.a)}, ${r(e.b)})` : `(${r(e.a)} ${OPERATORS[e.k]} ${r(e.b)})`
  }
}

const sum = (xs: Expr[]): Expr => xs.reduce((a, b) => ({ k: 'add', a, b }))
const product = (xs: Expr[]): Expr => xs.reduce((a, b) => ({ k: 'mul', a, b }))
const power = (x: Expr, e: number): Expr => (e === 1 ? x : { k: 'powInt', a: x, e })

/** Collects the two levels of a compiled factory: constants of the parameters, and the body. */
export class FactoryBuilder {
  private readonly constants = new Map<string, { name: string; expr: Expr }>()
  private readonly locals = new Map<string, { name: string; expr: Expr }>()
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
    const name = this.remember(this.locals, 'c__', expr)
    if (!this.body.some((b) => b.name === jsName(name))) this.body.push({ name: jsName(name), expr })
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

  /** Source of the factory (see the file comment for the two shapes). */
  source(args: readonly string[], results: readonly string[], target: Target = 'double'): string {
    const params = [...this.parameters].map(jsName).join(', ')
    const consts = [...this.constants.values()].map(({ name, expr }) => `  const ${jsName(name)} = ${emit(expr, target)};`).join('\n')
    const body = this.body.map(({ name, expr }) => `const ${name} = ${emit(expr, target)};`).join('\n    ')
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
    return sum([...groups.values()].map(({ mono, terms }) => {
      const k = this.hoist(sum(terms))
      if (!mono.length) return k
      const m = mono.map(([v, e]) => (e === 1 ? variable(v) : this.memo(power(variable(v), e)))).reduce((x, y) => this.memo({ k: 'mul', a: x, b: y }))
      return { k: 'mul', a: k, b: m }
    }))
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

/** Turn generated factory source into a function. */
export function instantiate<T>(source: string): T {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function(`"use strict"; return ${source};`)() as T
}
