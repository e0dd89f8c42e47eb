// The code generator (src/symbolic/codegen.ts) from outside: the double and decimal code it emits,
// evaluated and compared with mathjs at 60 digits (and mathjs' own derivative for the slopes of
// FactoryBuilder.dual); the readable text it writes, against texts derived by hand; and what it
// must refuse, by its messages.
import { describe, expect, it } from 'vitest'
import { Decimal, decimalArith } from '../../src/hp/arith.js'
import { emit, FactoryBuilder, fromNode, instantiate, jsName, jsNumber, variable, type Expr } from '../../src/symbolic/codegen.js'
import { math, type MathNode } from '../../src/symbolic/mathjs.js'
import { bigMath, rfFromNode } from './helpers.js'

const m = math()
const big = bigMath()
const parse = (text: string): MathNode => m.parse(text)
// mathjs' node constructors, to build trees its parser never makes.
const nodes = m as unknown as Record<'ConstantNode' | 'FunctionNode' | 'OperatorNode', new (...args: unknown[]) => MathNode>

// Decimal code runs at 40 digits; references at 60 so that their own rounding is negligible.
const D = Decimal.clone({ precision: 40 })
const Ref = Decimal.clone({ precision: 60 })
const F = decimalArith(D)

type Scope = Record<string, number>
const EPS = 2 ** -52
// A double's own binary value to 60 digits (mathjs and decimal.js read a number by its shortest
// decimal, 0.15 for 0.1499999999999999944..., an error x^64 magnifies 64 times).
const exact = (x: number): string => x.toPrecision(60)

/** The value of code emitted for one expression, with its variables bound under their mangled names. */
function run(e: Expr, scope: Scope, target: 'double' | 'functional'): unknown {
  const names = Object.keys(scope)
  const values = target === 'double' ? names.map((k) => scope[k]) : names.map((k) => new D(exact(scope[k])))
  return new Function('F', ...names.map(jsName), `"use strict"; return ${emit(e, target)};`)(F, ...values)
}

const rat = (p: bigint, q: bigint): Expr => ({ k: 'rat', p, q })

/** mathjs' value of a text at 60 digits. */
function reference(text: string, scope: Scope): Decimal {
  const bigScope = Object.fromEntries(Object.entries(scope).map(([k, x]) => [k, big.bignumber(exact(x))]))
  return new Ref(String(big.evaluate(text, bigScope)))
}

/** Relative error, absolute where the reference is 0. */
const relative = (x: number | Decimal, ref: Decimal): number =>
  new Ref(typeof x === 'number' ? exact(x) : x)
    .minus(ref)
    .abs()
    .div(ref.isZero() ? 1 : ref.abs())
    .toNumber()

describe('jsName and jsNumber', () => {
  it('every character of a symbol outside [A-Za-z0-9_] becomes _ (by hand: x-y.z -> v_x_y_z)', () => {
    expect(jsName('x-y.z')).toBe('v_x_y_z')
    expect(jsName('q_xi')).toBe('v_q_xi')
  })
  it('refuses non-finite constants, naming them', () => {
    expect(() => jsNumber(Infinity)).toThrow(/^cannot compile non-finite constant Infinity$/)
    expect(() => jsNumber(NaN)).toThrow(/^cannot compile non-finite constant NaN$/)
  })
  it('writes -0 as 0 and other numbers as literals that read back exactly', () => {
    expect(jsNumber(-0)).toBe('0')
    for (const x of [0.1, -2.5, 1e-300, 2 ** 60 + 2 ** 8]) expect(Object.is(new Function(`return ${jsNumber(x)}`)(), x)).toBe(true)
  })
})

describe('fromNode refuses what it cannot compile, naming it', () => {
  const cases: Array<[string, MathNode, RegExp]> = [
    ['a string constant', parse('"abc"'), /^cannot compile constant abc$/],
    ['an infinite constant', new nodes.ConstantNode(Infinity), /^cannot compile constant Infinity$/],
    ['an operator outside + - * / ^', parse('a mod b'), /^cannot compile operator mod$/],
    ['an unknown function', parse('foo(x)'), /^cannot compile function foo$/],
    ['a known function with two arguments', parse('sin(x, y)'), /^cannot compile function sin$/],
    // Binary operators with three operands or one (the parser never makes them): none is dropped silently.
    ['an addition of three operands', new nodes.OperatorNode('+', 'add', [parse('x'), parse('y'), parse('z')]), /^cannot compile operator add$/],
    ['a product of one operand', new nodes.OperatorNode('*', 'multiply', [parse('x')]), /^cannot compile operator multiply$/],
    // A called expression that is no symbol has no name: the message must not invent one.
    ['a call of a non-symbol', new nodes.FunctionNode(new nodes.ConstantNode(2), [parse('x')]), /^cannot compile function $/],
    ['a matrix', parse('[1, 2]'), /^cannot compile ArrayNode$/],
  ]
  it.each(cases)('%s', (_what, node, message) => expect(() => fromNode(node)).toThrow(message))
})

describe('emitted code against mathjs at 60 digits', () => {
  const x = variable('x')
  // [expression, the same written for mathjs by hand]; powers x^k with an integer k become powInt
  // (fromNode), those with a negative k are written as Exprs directly (the parser makes x^-3 a
  // power of a negation).
  // Expressions are built inside each test (a thunk per case): code run while the file is
  // collected runs before a mutation run activates its mutant, so fromNode's mutants would not
  // reach them.
  const cases: Array<[() => Expr, string]> = [
    [() => fromNode(parse('+x')), 'x'],
    [() => fromNode(parse('e * x')), 'e * x'],
    [() => fromNode(parse('pi * x')), 'pi * x'],
    [() => fromNode(parse('x^0')), '1'],
    [() => fromNode(parse('x^3')), 'x^3'],
    [() => fromNode(parse('x^5')), 'x^5'],
    [() => fromNode(parse('x^64')), 'x^64'],
    [() => ({ k: 'powInt', a: x, e: -3 }), 'x^(-3)'],
    ...['sec', 'csc', 'cot', 'sech', 'csch', 'coth'].map((f): [() => Expr, string] => [() => fromNode(parse(`${f}(x)`)), `${f}(x)`]),
    [() => rat(1n, 3n), '1/3'],
    [() => ({ k: 'mul', a: rat(-7n, 2n), b: x }), '-7/2 * x'],
    [() => ({ k: 'add', a: rat(5n, 1n), b: x }), '5 + x'],
  ]
  const points = [0.7, 1.9, -1.3]
  // Doubles: each expression is at most three operations (a library function of at most about
  // 1 ulp, one division, one product), so at most about 3 eps relative; the largest error measured
  // over these cases is 2.9e-16 (1.3 eps). Bound 4 eps, 3x that.
  it.each(cases.map(([e, text]) => [text, e] as const))('double: %s', (text, e) => {
    for (const at of points) expect(relative(run(e(), { x: at }, 'double') as number, reference(text, { x: at }))).toBeLessThanOrEqual(4 * EPS)
  })
  // 40 digits: decimal.js rounds each operation to 40 significant digits (relative 5e-40 each,
  // its functions included), three at most: 1.5e-39; measured 4.2e-40. Bound 2e-39, 5x that.
  it.each(cases.map(([e, text]) => [text, e] as const))('40 digits: %s', (text, e) => {
    for (const at of points) expect(relative(run(e(), { x: at }, 'functional') as Decimal, reference(text, { x: at }))).toBeLessThanOrEqual(2e-39)
  })
})

describe('FactoryBuilder.text writes expressions readably (expected texts derived by hand)', () => {
  const [x, y, z] = ['x', 'y', 'z'].map(variable)
  // [expression, its text with only the parentheses precedence needs, the same fully parenthesised].
  // Fractions and negative integers bind like a quotient (precedence 2); mathjs reads -2 ^ 2 as -4.
  const cases: Array<[Expr, string, string]> = [
    [rat(1n, 3n), '1/3', '1/3'],
    [rat(5n, 1n), '5', '5'],
    [rat(-2n, 1n), '-2', '-2'],
    [{ k: 'mul', a: x, b: rat(5n, 1n) }, 'x * 5', 'x * 5'],
    [{ k: 'mul', a: x, b: rat(0n, 1n) }, 'x * 0', 'x * 0'],
    [{ k: 'mul', a: rat(1n, 3n), b: x }, '1/3 * x', '(1/3) * x'],
    [{ k: 'div', a: x, b: rat(1n, 3n) }, 'x / (1/3)', 'x / (1/3)'],
    [{ k: 'mul', a: x, b: rat(-2n, 1n) }, 'x * (-2)', 'x * (-2)'],
    [{ k: 'powInt', a: rat(2n, 3n), e: 2 }, '(2/3) ^ 2', '(2/3)^2'],
    [{ k: 'powInt', a: rat(-2n, 1n), e: 2 }, '(-2) ^ 2', '(-2)^2'],
    [{ k: 'powInt', a: rat(5n, 1n), e: 2 }, '5 ^ 2', '5^2'],
    [{ k: 'powInt', a: x, e: 3 }, 'x ^ 3', 'x^3'],
    [{ k: 'powInt', a: x, e: 0 }, 'x ^ 0', 'x^0'],
    [{ k: 'powInt', a: x, e: -2 }, 'x ^ (-2)', 'x^(-2)'],
    [{ k: 'pow', a: x, b: y }, 'x ^ y', 'x^y'],
    [{ k: 'pow', a: { k: 'pow', a: x, b: y }, b: { k: 'add', a: z, b: rat(1n, 1n) } }, '(x ^ y) ^ (z + 1)', '(x^y)^(z+1)'],
    [{ k: 'add', a: x, b: y }, 'x + y', 'x + y'],
    [{ k: 'sub', a: x, b: { k: 'sub', a: y, b: z } }, 'x - (y - z)', 'x - (y - z)'],
    [{ k: 'sub', a: { k: 'sub', a: x, b: y }, b: z }, 'x - y - z', '(x - y) - z'],
    [{ k: 'div', a: x, b: { k: 'mul', a: y, b: z } }, 'x / (y * z)', 'x / (y * z)'],
    [{ k: 'fn', name: 'sin', a: { k: 'add', a: x, b: rat(1n, 1n) } }, 'sin(x + 1)', 'sin(x + 1)'],
    [{ k: 'neg', a: { k: 'add', a: x, b: y } }, '-(x + y)', '-(x + y)'],
  ]
  const scope = { x: 0.7, y: 1.9, z: 0.3 }
  it.each(cases.map(([e, text, meaning]) => [text, e, meaning] as const))('%s', (text, e, meaning) => {
    expect(new FactoryBuilder(new Set()).text(e)).toBe(text)
    // The text means what it should: mathjs reads it back to the value of the parenthesised form
    // (both at 60 digits, each a few roundings of 1e-60: 1e-50 is far below any misreading).
    expect(relative(reference(text, scope), reference(meaning, scope))).toBeLessThan(1e-50)
  })

  it('writes a local in full wherever it is used', () => {
    const b = new FactoryBuilder(new Set())
    const s = b.memo({ k: 'fn', name: 'sin', a: x })
    expect(b.text({ k: 'mul', a: s, b: s })).toBe('sin(x) * sin(x)')
  })

  it('gives up (undefined) on a text longer than its limit, and writes it in full under a larger one', () => {
    // Doubling a local 12 times: the text of level n is two copies of level n-1 and ' + ', so
    // its length is L(n) = 2 L(n-1) + 3, L(0) = 1, that is 2^(n+2) - 3 = 16381 characters.
    const b = new FactoryBuilder(new Set())
    let e: Expr = x
    for (let i = 0; i < 12; i++) e = b.memo({ k: 'add', a: e, b: e })
    expect(b.text(e)).toBeUndefined()
    expect(b.text(e, 20000)?.length).toBe(2 ** 14 - 3)
  })

  it('does not report an expression it cannot write as merely too long', () => {
    // Callers replace an undefined text by a fallback: a malformed expression must not pass as one.
    expect(() => new FactoryBuilder(new Set()).text({ k: 'bogus' } as unknown as Expr)).toThrow(TypeError)
  })
})

describe('FactoryBuilder.dual: values and slopes against mathjs and its own derivative', () => {
  /** Source of the value and slope in t of a tree, for a target. */
  const source = (text: string, target: 'double' | 'functional') => {
    const b = new FactoryBuilder(new Set())
    const d = b.dual(parse(text), 't')
    b.define('value', d.value)
    b.define('slope', d.slope)
    return b.source(['t'], ['value', 'slope'], target, true)
  }
  const inDouble = (text: string) => instantiate<() => (t: number) => number[]>(source(text, 'double'))()
  const inDecimal = (text: string) => instantiate<(f: typeof F) => () => (t: Decimal) => Decimal[]>(source(text, 'functional'))(F)()
  const cases = [
    '+t',
    '-t',
    't + 1',
    '3 - t',
    't * log(t)',
    't / (1 + t)',
    'e^t',
    'pi * t',
    't^0',
    't^1',
    't^2',
    't^3',
    't^64',
    't^100',
    't^0.5',
    '(t + 1)^0.5',
    't^t',
    '2^t',
    '2^0.5 * t',
    '2^3 * t',
    'sin(t)',
    'cos(t)',
    'tan(t)',
    'asin(t / 2)',
    'acos(t / 2)',
    'atan(t)',
    'sinh(t)',
    'cosh(t)',
    'tanh(t)',
    'exp(t)',
    'log(t)',
    'sqrt(t + 1)',
    'abs(t - 0.5)',
    'abs(0.5 - t)',
  ]
  // Points of (0, 1) (schedules live there) away from where a slope vanishes (t^t at 1/e).
  const points = [0.15, 0.6, 0.85]
  /** mathjs' value and derivative (a different algorithm: it differentiates the tree symbolically). */
  const expected = (text: string, t: number) => [reference(text, { t }), reference(big.derivative(text, 't').toString(), { t })]

  // Doubles: a value or slope is a chain of a few roundings and library functions (about 1 ulp
  // each, none cancelling at these points); measured largest 2.0e-16 (0.9 eps). Bound 3 eps, 3.4x that.
  it.each(cases)('double: %s', (text) => {
    const f = inDouble(text)
    for (const t of points) {
      const [value, slope] = expected(text, t)
      const got = f(t)
      expect(relative(got[0], value), `value at ${t}`).toBeLessThanOrEqual(3 * EPS)
      if (slope.isZero()) expect(got[1]).toBe(0)
      else expect(relative(got[1], slope), `slope at ${t}`).toBeLessThanOrEqual(3 * EPS)
    }
  })
  // 40 digits: as many roundings of 5e-40 relative each; measured largest 5.1e-40. Bound 2e-39, 3.9x that.
  it.each(cases)('40 digits: %s', (text) => {
    const f = inDecimal(text)
    for (const t of points) {
      const [value, slope] = expected(text, t)
      const got = f(new D(exact(t)))
      expect(relative(got[0], value), `value at ${t}`).toBeLessThanOrEqual(2e-39)
      if (slope.isZero()) expect(got[1].isZero()).toBe(true)
      else expect(relative(got[1], slope), `slope at ${t}`).toBeLessThanOrEqual(2e-39)
    }
  })

  it('the slope at t = 0 is the limit: infinite for sqrt-like powers, 0 for a product with 0 (not NaN)', () => {
    // d/dt t^0.5 = 0.5 t^-0.5 -> +Infinity; d/dt (log(t) 0) = 0 although log(0) = -Infinity.
    expect(inDouble('t^0.5')(0)).toEqual([0, Infinity])
    expect(inDouble('log(t) * 0')(0)[1]).toBe(0)
    expect(inDouble('t^2')(0)).toEqual([0, 0])
  })

  // The slope texts (schedule.ts shows them as alphadot, betadot), by the chain rule by hand:
  // (t^k)' = k t^(k-1) with k-1 evaluated for integers |k| <= 64 (written out for 1 and 2), and
  // (t^b)' = b t^(b-1) left as written otherwise; (2^t)' = 2^t log 2.
  const slopeTexts: Array<[string, string]> = [
    ['t^0', '0'],
    ['t^1', '1'],
    ['t^2', '2 * t'],
    ['t^3', '3 * t ^ 2'],
    ['t^64', '64 * t ^ 63'],
    ['t^100', '100 * t ^ (100 - 1)'],
    ['t^0.5', '0.5 * t ^ (0.5 - 1)'],
    ['2^t', '2 ^ t * log(2)'],
    ['log(t) * 0', '0'],
    ['-t', '-1'],
    ['+t', '1'],
  ]
  it.each(slopeTexts)("text of (%s)' is %s", (text, slope) => {
    const b = new FactoryBuilder(new Set())
    expect(b.text(b.dual(parse(text), 't').slope)).toBe(slope)
  })

  it('refuses what it cannot differentiate, naming the node type', () => {
    const t = parse('t')
    const cases: Array<[MathNode, string]> = [
      [parse('sign(t)'), 'FunctionNode'],
      [parse('t mod 2'), 'OperatorNode'],
      [parse('[t]'), 'ArrayNode'],
      // Unary operators with two operands (the parser never makes them): no argument is dropped silently.
      [new nodes.OperatorNode('+', 'unaryPlus', [t, t]), 'OperatorNode'],
      [new nodes.OperatorNode('-', 'unaryMinus', [t, t]), 'OperatorNode'],
    ]
    for (const [node, type] of cases) expect(() => new FactoryBuilder(new Set()).dual(node, 't')).toThrow(new RegExp(`^cannot differentiate ${type}$`))
  })
})

describe('small integer powers compile to repeated products', () => {
  // Exponents 1..4 are written out as products (emit, powInt): in double the value is then the
  // product rounded step by step, which Math.pow (x ** k) does not always round the same way. The
  // expected value is that product computed here by hand, bit for bit.
  const points = [-1.3, 0.2096, 0.2233, 0.7]
  it.each([2, 3, 4])('x^%i in double is x * ... * x exactly', (k) => {
    const code = (x: number) => run(fromNode(parse(`x^${k}`)), { x }, 'double')
    const byHand = (x: number) =>
      Array<number>(k)
        .fill(x)
        .reduce((a, b) => a * b)
    for (const x of points) expect(code(x)).toBe(byHand(x))
  })
  it('the points tell a product from Math.pow (else the test above could not fail)', () => {
    expect(points.filter((x) => x ** 3 !== x * x * x).length).toBeGreaterThan(0)
  })
})

describe('FactoryBuilder.rational: compiled rational functions against mathjs at 60 digits', () => {
  // The parameter a is hoisted into the factory; x, y are the arguments. The denominator has a
  // monomial of a parameter and an argument (a^2 x) and a squared factor, the numerator a
  // parameter coefficient: each part of rational/polynomial/monomial is reached.
  const text = '(x + a*y + 3) / (a^2 * x * (x + y)^2)'
  const scope = { a: 1.7, x: 0.6, y: 1.1 }
  const compile = (t: string, target: 'double' | 'functional') => {
    const b = new FactoryBuilder(new Set(['a']))
    b.define('r', b.rational(rfFromNode(parse(t))))
    return instantiate<unknown>(b.source(['x', 'y'], ['r'], target))
  }
  const inDouble = (t: string) => (compile(t, 'double') as (a: number) => (x: number, y: number) => number[])(scope.a)(scope.x, scope.y)[0]
  const inDecimal = (t: string) => {
    const factory = compile(t, 'functional') as (f: typeof F) => (a: Decimal) => (x: Decimal, y: Decimal) => Decimal[]
    return factory(F)(new D(exact(scope.a)))(new D(exact(scope.x)), new D(exact(scope.y)))[0]
  }
  // All terms positive (no cancellation), about ten roundings of 0.5 ulp each: at most 5 eps in
  // double and 5e-39 at 40 digits; measured 0.46 eps and 2.8e-40. Bounds 2 eps and 1e-39, 4.3x
  // and 3.6x those.
  it('double', () => {
    expect(relative(inDouble(text), reference(text, scope))).toBeLessThanOrEqual(2 * EPS)
  })
  it('40 digits', () => {
    expect(relative(inDecimal(text), reference(text, scope))).toBeLessThanOrEqual(1e-39)
  })
  // One correctly rounded division: relative error at most 2^-53 = eps/2 (IEEE 754); measured eps/6.
  it('an argument alone in the denominator (no parameter): y / x', () => {
    expect(relative(inDouble('y / x'), reference('y / x', scope))).toBeLessThanOrEqual(EPS / 2)
  })
  it('the zero function is 0 in both targets (x - x, exactly)', () => {
    expect(inDouble('x - x')).toBe(0)
    expect(inDecimal('x - x').isZero()).toBe(true)
  })
})
