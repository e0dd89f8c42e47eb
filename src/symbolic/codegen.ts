/**
 * Compile expressions to JavaScript source for double precision. Input is either a whitelisted
 * expression tree or an exact rational function; the output is the source of a factory
 * `(parameters...) => (arguments...) => number[]`, in which everything that depends on the
 * parameters only is computed once, in the factory. Only our own trees reach this code (users'
 * expressions are whitelisted first), and every name is mangled, so the source cannot do anything
 * but arithmetic.
 */
import type { MathNode } from './mathjs.js'
import { polyTerms, rfParts, type Mono, type Poly, type RF } from './rational.js'

const FUNCTIONS: Record<string, string> = {
  sin: 'Math.sin', cos: 'Math.cos', tan: 'Math.tan', asin: 'Math.asin', acos: 'Math.acos', atan: 'Math.atan',
  sinh: 'Math.sinh', cosh: 'Math.cosh', tanh: 'Math.tanh', exp: 'Math.exp', log: 'Math.log', sqrt: 'Math.sqrt', abs: 'Math.abs',
  sign: 'Math.sign',
}
/** Functions that mathjs' derivative introduces (d tan = sec^2, d tanh = sech^2, ...). */
const RECIPROCALS: Record<string, string> = { sec: 'Math.cos', csc: 'Math.sin', cot: 'Math.tan', sech: 'Math.cosh', csch: 'Math.sinh', coth: 'Math.tanh' }
const BINARY: Record<string, string> = { add: '+', subtract: '-', multiply: '*', divide: '/', pow: '**' }

/** A JavaScript identifier for a model symbol (never a keyword, never a global). */
export const jsName = (symbol: string): string => `v_${symbol.replace(/[^A-Za-z0-9_]/g, '_')}`

/** A numeric literal that reads back to exactly `x`. */
export function jsNumber(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`cannot compile non-finite constant ${x}`)
  return Object.is(x, -0) ? '0' : `(${String(x)})`
}

/** JavaScript source of an expression tree; symbols become jsName(symbol). */
export function nodeToJs(node: MathNode): string {
  const n = node as MathNode & Record<string, unknown>
  switch (node.type) {
    case 'ConstantNode':
      return jsNumber(n.value as number)
    case 'SymbolNode': {
      const name = n.name as string
      if (name === 'pi') return 'Math.PI'
      if (name === 'e') return 'Math.E'
      return jsName(name)
    }
    case 'ParenthesisNode':
      return nodeToJs(n.content as MathNode)
    case 'OperatorNode': {
      const args = (n.args as MathNode[]).map(nodeToJs)
      const fn = n.fn as string
      if (fn === 'unaryMinus') return `(-${args[0]})`
      if (fn === 'unaryPlus') return `(+${args[0]})`
      const op = BINARY[fn]
      if (!op || args.length !== 2) throw new Error(`cannot compile operator ${fn}`)
      return `(${args[0]} ${op} ${args[1]})`
    }
    case 'FunctionNode': {
      const fn = n.fn as MathNode & { name?: string }
      const args = (n.args as MathNode[]).map(nodeToJs).join(', ')
      const reciprocal = RECIPROCALS[fn.name ?? '']
      if (reciprocal) return `(1 / ${reciprocal}(${args}))`
      const js = FUNCTIONS[fn.name ?? '']
      if (!js) throw new Error(`cannot compile function ${fn.name}`)
      return `${js}(${args})`
    }
    default:
      throw new Error(`cannot compile ${node.type}`)
  }
}

/** Collects the two levels of a compiled factory: constants of the parameters, and the body. */
export class FactoryBuilder {
  private readonly constants = new Map<string, string>()
  private readonly body: string[] = []
  constructor(readonly parameters: ReadonlySet<string>) {}

  /** A name for a parameter-only expression, computed once in the factory. */
  hoist(expr: string): string {
    if (/^\(-?[0-9.e+-]+\)$/.test(expr)) return expr
    let name = this.constants.get(expr)
    if (!name) {
      name = `k${this.constants.size}`
      this.constants.set(expr, name)
    }
    return name
  }

  /** Define a local of the evaluator. */
  define(symbol: string, expr: string): void {
    this.body.push(`const ${jsName(symbol)} = ${expr};`)
  }

  /** Source of `(parameters) => (args) => [results]`. */
  source(args: readonly string[], results: readonly string[]): string {
    const params = [...this.parameters].map(jsName).join(', ')
    const consts = [...this.constants].map(([expr, name]) => `  const ${name} = ${expr};`).join('\n')
    return `(function (${params}) {\n${consts}\n  return function (${args.map(jsName).join(', ')}) {\n    ${this.body.join('\n    ')}\n    return [${results.map(jsName).join(', ')}];\n  };\n})`
  }

  /** Source of an exact rational function, parameter-dependent coefficients hoisted. */
  rational(a: RF): string {
    const { num, mono, factors } = rfParts(a)
    const den = [this.monomial(mono), ...factors.map(({ poly, k }) => power(`(${this.polynomial(poly)})`, k))].filter((x) => x !== '')
    const top = this.polynomial(num)
    return den.length === 0 ? `(${top})` : `((${top}) / (${den.join(' * ')}))`
  }

  private polynomial(p: Poly): string {
    // Group the terms by their non-parameter monomial; the coefficient of each group is a
    // polynomial in the parameters, evaluated once.
    const groups = new Map<string, { mono: Mono; terms: string[] }>()
    for (const { mono, c } of polyTerms(p)) {
      const inner = mono.filter(([v]) => !this.parameters.has(v))
      const outer = mono.filter(([v]) => this.parameters.has(v))
      const key = inner.map(([v, e]) => `${v}^${e}`).join('*')
      const g = groups.get(key) ?? { mono: inner, terms: [] }
      const coef = Number(c.p) / Number(c.q)
      g.terms.push([jsNumber(coef), ...outer.map(([v, e]) => power(jsName(v), e))].join(' * '))
      groups.set(key, g)
    }
    if (groups.size === 0) return '0'
    return [...groups.values()].map(({ mono, terms }) => {
      const k = this.hoist(terms.length === 1 ? terms[0] : `(${terms.join(' + ')})`)
      const m = mono.map(([v, e]) => power(jsName(v), e)).join(' * ')
      return m ? `${k} * ${m}` : k
    }).join(' + ')
  }

  private monomial(m: Mono): string {
    const outer = m.filter(([v]) => this.parameters.has(v)).map(([v, e]) => power(jsName(v), e))
    const inner = m.filter(([v]) => !this.parameters.has(v)).map(([v, e]) => power(jsName(v), e))
    const parts = [...(outer.length ? [this.hoist(outer.join(' * '))] : []), ...inner]
    return parts.join(' * ')
  }
}

function power(x: string, e: number): string {
  if (e === 1) return x
  if (e <= 4) return Array(e).fill(x).join(' * ')
  return `${x} ** ${e}`
}

/** Turn generated factory source into a function. */
export function instantiate<T>(source: string): T {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function(`"use strict"; return ${source};`)() as T
}
