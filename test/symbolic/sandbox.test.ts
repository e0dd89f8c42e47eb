// The expression sandbox (issue 7): a battery of hostile schedule expressions, each refused
// quickly (under 100 ms) with the rule, naming --alpha or --beta, without a side effect.
//
// In process, every expression goes through what the CLI does before computing anything:
// scheduleFrom (the flags) -> flowProblem (parse and whitelist, derivative, code generation,
// checkSchedule). Through the real CLI a representative subset: exit 2, one line on stderr, nothing
// on stdout, no file left behind in a fresh working directory (also the TMPDIR and the --out
// directory of the run).
//
// Timing: each case runs three times after a warm-up; the bound applies to the best of the three
// (the machine is shared, a run can be descheduled), the table printed at the end shows the first
// and the worst run as well.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest'
import { scheduleFrom } from '../../src/cli/common.js'
import { ParameterError } from '../../src/errors.js'
import { decimalArith, Decimal } from '../../src/hp/arith.js'
import { instantiate } from '../../src/symbolic/codegen.js'
import { math } from '../../src/symbolic/mathjs.js'
import { compileSchedule, loadSchedule } from '../../src/symbolic/schedule.js'
import { MAX_DEPTH, MAX_EXPRESSION_LENGTH } from '../../src/symbolic/whitelist.js'
import { solve } from '../../src/theory/solve.js'
import { flowProblem, type FlowProblem } from '../../src/theory/problem.js'
import { limiter, requireBuild, show, spawnCli, type Run } from '../cli/run.js'

/** Milliseconds within which every hostile expression is refused (issue 7). */
const BUDGET_MS = 100

/** The validation a user's schedule goes through before anything is computed (src/cli/common.ts). */
const validate = (alpha: string, beta: string): FlowProblem => flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, schedule: scheduleFrom({ alpha, beta }) })

// Builders of long expressions.
const nest = (k: number, inner = 't'): string => '('.repeat(k) + inner + ')'.repeat(k)
const calls = (f: string, k: number, inner = 't'): string => `${f}(`.repeat(k) + inner + ')'.repeat(k)
const tower = (base: string, k: number): string => Array(k).fill(base).join('^')
const chain = (term: string, op: string, k: number): string => Array(k).fill(term).join(op)
/** Terms joined pairwise with `op` into a balanced tree (nesting log2 of their number). */
const balanced = (terms: readonly string[], op: string): string =>
  terms.length === 1 ? terms[0] : `(${balanced(terms.slice(0, terms.length >> 1), op)})${op}(${balanced(terms.slice(terms.length >> 1), op)})`
/** The most terms `term(k)`, k = 1, 2, ..., whose balanced tree fits in `room` characters. */
function fill(term: (k: number) => string, op: string, room: number): string {
  let k = 1
  while (
    balanced(
      Array.from({ length: k + 1 }, (_, i) => term(i + 1)),
      op,
    ).length <= room
  )
    k++
  return balanced(
    Array.from({ length: k }, (_, i) => term(i + 1)),
    op,
  )
}

const KB100 = 100_000
// Any rule of checkSchedule (docs/theory.md sections 1 and 7): values at the ends, finiteness, signs, W > 0.
const SCHEDULE_RULE = /the schedule must satisfy (alpha|beta)\([01]\) = [01], but|must be finite on \[0, 1\], but|must be >= 0 on \[0, 1\], but|W = alpha\*beta' - alpha'\*beta must be > 0/
const NOT_ALLOWED = (what: string) => new RegExp(`^${what} is not allowed$`)
const FUNCTION = (name: string) => new RegExp(`^function '${name.replace(/\./g, '\\.')}' is not allowed \\(allowed: sin, cos,`)
const OPERATOR = (op: string) => new RegExp(`^operator '${op.replace(/[|^.*]/g, '\\$&')}' is not allowed$`)
const UNKNOWN = (name: string) => new RegExp(`^unknown symbol '${name}' \\(allowed: t, pi, e\\)$`)
const PARSE = /^cannot parse expression \(/
const LONG = (n: number) => new RegExp(`^expression longer than ${MAX_EXPRESSION_LENGTH} characters \\(got ${n}\\)$`)
const NESTED_PARENS = new RegExp(`^nested deeper than ${MAX_DEPTH} levels \\(parentheses\\)$`)
const NESTED = new RegExp(`^nested deeper than ${MAX_DEPTH} levels \\(parentheses, operators, function calls\\)$`)
const DECIMAL = /^numbers must be written in decimal \(got '0[xbo]/i
const FINITE = /^only finite numbers are allowed, not (Infinity|NaN)$/

/**
 * A hostile expression and the rule it breaks. `values`: it parses and passes the whitelist, and
 * is refused by the checks of the schedule's values (naming whichever of --alpha, --beta the
 * check blames); otherwise the flag named is the one the expression was given to.
 */
interface Hostile {
  readonly label: string
  readonly text: string
  readonly rule: RegExp
  readonly values?: boolean
}

const HOSTILE: Hostile[] = [
  // Code: mathjs functions with side effects, definitions, other data types.
  { label: 'import({x: 1})', text: 'import({x: 1})', rule: FUNCTION('import') },
  { label: 'import("fs")', text: 'import("fs")', rule: FUNCTION('import') },
  { label: 'evaluate("1+1")', text: 'evaluate("1+1")', rule: FUNCTION('evaluate') },
  { label: 'createUnit("foo")', text: 'createUnit("foo")', rule: FUNCTION('createUnit') },
  { label: 'compile("t")', text: 'compile("t")', rule: FUNCTION('compile') },
  { label: 'parse("t")', text: 'parse("t")', rule: FUNCTION('parse') },
  { label: 'x = 1', text: 'x = 1', rule: NOT_ALLOWED('assignment') },
  { label: 't = 2', text: 't = 2', rule: NOT_ALLOWED('assignment') },
  { label: 'f(t) = t', text: 'f(t) = t', rule: NOT_ALLOWED('function definition') },
  { label: '[1, 2]', text: '[1, 2]', rule: NOT_ALLOWED('matrix') },
  { label: '[[1,0],[0,1]]', text: '[[1,0],[0,1]]', rule: NOT_ALLOWED('matrix') },
  { label: '"1-t" (a string)', text: '"1-t"', rule: /^strings are not allowed \(got "1-t"\)$/ },
  { label: "'1-t' (a string)", text: "'1-t'", rule: /^strings are not allowed \(got "1-t"\)$/ },
  { label: 'true', text: 'true', rule: /^only numbers are allowed, not true$/ },
  { label: 'null', text: 'null', rule: /^only numbers are allowed, not null$/ },
  { label: '1-t; 2', text: '1-t; 2', rule: NOT_ALLOWED('more than one statement') },
  { label: '1-t <newline> 2', text: '1-t\n2', rule: NOT_ALLOWED('more than one statement') },
  { label: 't ? 1 : 0', text: 't ? 1 : 0', rule: NOT_ALLOWED('conditional') },
  { label: 't > 0', text: 't > 0', rule: OPERATOR('>') },
  { label: 't == t', text: 't == t', rule: OPERATOR('==') },
  { label: 't.constructor', text: 't.constructor', rule: NOT_ALLOWED('property access') },
  { label: 't["constructor"]', text: 't["constructor"]', rule: NOT_ALLOWED('property access') },
  { label: 'cos.constructor("return process")()', text: 'cos.constructor("return process")()', rule: PARSE },
  { label: 'cos.constructor("return process")', text: 'cos.constructor("return process")', rule: FUNCTION('cos.constructor') },
  { label: 't[1]', text: 't[1]', rule: NOT_ALLOWED('property access') },
  { label: '1:3', text: '1:3', rule: NOT_ALLOWED('range') },
  { label: '{a: 1}', text: '{a: 1}', rule: NOT_ALLOWED('object') },
  // Units, complex numbers, mathjs' other operators and names.
  { label: '1 m', text: '1 m', rule: UNKNOWN('m') },
  { label: '5 cm', text: '5 cm', rule: UNKNOWN('cm') },
  { label: 't to cm', text: 't to cm', rule: OPERATOR('to') },
  { label: 'i', text: 'i', rule: UNKNOWN('i') },
  { label: '1-t+i', text: '1-t+i', rule: UNKNOWN('i') },
  { label: 't!', text: 't!', rule: OPERATOR('!') },
  { label: "t'", text: "t'", rule: OPERATOR("'") },
  { label: 't & 1', text: 't & 1', rule: OPERATOR('&') },
  { label: 't | 1', text: 't | 1', rule: OPERATOR('|') },
  { label: '~t', text: '~t', rule: OPERATOR('~') },
  { label: 't << 1', text: 't << 1', rule: OPERATOR('<<') },
  { label: 't % 2', text: 't % 2', rule: OPERATOR('%') },
  { label: 't mod 2', text: 't mod 2', rule: OPERATOR('mod') },
  { label: 't xor t', text: 't xor t', rule: OPERATOR('xor') },
  { label: 'not t', text: 'not t', rule: OPERATOR('not') },
  { label: 't .* t', text: 't .* t', rule: OPERATOR('.*') },
  { label: 'ans', text: 'ans', rule: UNKNOWN('ans') },
  { label: 'end', text: 'end', rule: UNKNOWN('end') },
  { label: 'sin t', text: 'sin t', rule: /^sin is a function: write sin\(\.\.\.\)$/ },
  { label: 'sin(t, t)', text: 'sin(t, t)', rule: /^sin takes exactly one argument$/ },
  { label: 'sin()', text: 'sin()', rule: /^sin takes exactly one argument$/ },
  { label: 'empty', text: '', rule: /^needs a value$/ },
  { label: 'blank', text: '   ', rule: /^empty expression$/ },
  // Numbers: non-finite, non-decimal.
  { label: '1e309', text: '1e309', rule: FINITE },
  { label: 'NaN', text: 'NaN', rule: FINITE },
  { label: 'Infinity', text: 'Infinity', rule: FINITE },
  { label: '2000 digits', text: '9'.repeat(MAX_EXPRESSION_LENGTH), rule: FINITE },
  { label: '0x10', text: '0x10', rule: DECIMAL },
  { label: '0xffi8 (mathjs: -1)', text: '1-t+0xffi8', rule: DECIMAL },
  { label: '0b1', text: '1-0b1*t', rule: DECIMAL },
  { label: '0o7', text: '0o7', rule: DECIMAL },
  // Look-alikes and invisible characters.
  { label: 'minus sign U+2212', text: '1\u2212t', rule: PARSE },
  { label: 'Cyrillic te', text: '1-\u0442', rule: PARSE },
  { label: 'Greek pi', text: 'cos(\u03c0*t/2)', rule: UNKNOWN('\u03c0') },
  { label: 'fullwidth t', text: '1-\uff54', rule: PARSE },
  { label: 'zero-width space', text: '1-t\u200b', rule: /^cannot parse expression \(.*\\u200b/ },
  { label: 'right-to-left override', text: '1-t\u202e', rule: /^cannot parse expression \(.*\\u202e/ },
  { label: 'NUL byte', text: '1-t\u0000', rule: /^cannot parse expression \(.*\\u0000/ },
  { label: 'escape sequence', text: '1-t\u001b[2J', rule: /^cannot parse expression \(.*\\u001b/ },
  // Size: the length cap (a command-line argument carries up to 128 KiB), the nesting cap.
  { label: '10^5 nested parentheses', text: nest(100_000), rule: LONG(200_001) },
  { label: '100 KB of t+t+...', text: chain('t', '+', KB100 / 2), rule: LONG(KB100 - 1) },
  { label: '100 KB of garbage', text: '@#$%'.repeat(KB100 / 4), rule: LONG(KB100) },
  { label: 'length cap + 1', text: `1-t${'+0'.repeat((MAX_EXPRESSION_LENGTH - 2) / 2)}`, rule: LONG(MAX_EXPRESSION_LENGTH + 1) },
  { label: `${MAX_DEPTH + 1} nested parentheses`, text: nest(MAX_DEPTH + 1), rule: NESTED_PARENS },
  { label: '1999 opening parentheses', text: '('.repeat(MAX_EXPRESSION_LENGTH - 1), rule: NESTED_PARENS },
  { label: '1999 closing parentheses', text: `t${')'.repeat(MAX_EXPRESSION_LENGTH - 1)}`, rule: PARSE },
  { label: `${MAX_DEPTH} parentheses around 1-t`, text: nest(MAX_DEPTH, '1-t'), rule: NESTED },
  { label: '1999 unary minus', text: `${'-'.repeat(MAX_EXPRESSION_LENGTH - 1)}t`, rule: NESTED },
  { label: '1000 products t*t*...', text: chain('t', '*', 1000), rule: NESTED },
  { label: '1000 implicit products t t ...', text: chain('t', ' ', 1000), rule: NESTED },
  { label: '333 products (1-t)*...', text: chain('(1-t)', '*', 333), rule: NESTED },
  { label: 'tower of 1000 t', text: tower('t', 1000), rule: NESTED },
  { label: 'tower of 300 (1-t)', text: tower('(1-t)', 300), rule: NESTED },
  { label: '399 sin( ... )', text: calls('sin', 399), rule: NESTED_PARENS },
  // Values: parses, whitelisted, refused by the checks; formerly slow to differentiate.
  { label: 'sqrt(-1)', text: 'sqrt(-1)', rule: SCHEDULE_RULE, values: true },
  { label: 'e^1000', text: 'e^1000', rule: SCHEDULE_RULE, values: true },
  { label: '10^400', text: '10^400', rule: SCHEDULE_RULE, values: true },
  { label: '1/0', text: '1/0', rule: SCHEDULE_RULE, values: true },
  { label: '0/0', text: '0/0', rule: SCHEDULE_RULE, values: true },
  { label: 'log(0*t)', text: 'log(0*t)', rule: SCHEDULE_RULE, values: true },
  { label: 'abs(t)', text: 'abs(t)', rule: SCHEDULE_RULE, values: true },
  { label: 't^t^t^t^t^t^t^t', text: 't^t^t^t^t^t^t^t', rule: SCHEDULE_RULE, values: true },
  { label: '2^2^2^2^2^2', text: '2^2^2^2^2^2', rule: SCHEDULE_RULE, values: true },
  { label: '9^9^9^9', text: '9^9^9^9', rule: SCHEDULE_RULE, values: true },
  { label: 'e^e^e^e^e^t', text: 'e^e^e^e^e^t', rule: SCHEDULE_RULE, values: true },
  { label: 'tower of 50 t', text: tower('t', 50), rule: SCHEDULE_RULE, values: true },
  { label: `tower of ${MAX_DEPTH} t`, text: tower('t', MAX_DEPTH), rule: SCHEDULE_RULE, values: true },
  { label: 'tower of 66 (1-t)', text: tower('(1-t)', 66), rule: SCHEDULE_RULE, values: true },
  { label: 'exp(exp(exp(t)))', text: 'exp(exp(exp(t)))', rule: SCHEDULE_RULE, values: true },
  { label: `${MAX_DEPTH - 1} exp( ... )`, text: calls('exp', MAX_DEPTH - 1), rule: SCHEDULE_RULE, values: true },
  { label: `${MAX_DEPTH - 1} sin( ... )`, text: calls('sin', MAX_DEPTH - 1), rule: SCHEDULE_RULE, values: true },
  { label: '19 sqrt( ... ) (mathjs simplify: minutes)', text: calls('sqrt', 19), rule: SCHEDULE_RULE, values: true },
  { label: `${MAX_DEPTH - 1} sqrt( ... )`, text: calls('sqrt', MAX_DEPTH - 1), rule: SCHEDULE_RULE, values: true },
  { label: `${MAX_DEPTH} products t*t*...`, text: chain('t', '*', MAX_DEPTH), rule: SCHEDULE_RULE, values: true },
  { label: 't/(t/(t/...)))', text: `${'t/('.repeat(MAX_DEPTH / 2 - 1)}t${')'.repeat(MAX_DEPTH / 2 - 1)}`, rule: SCHEDULE_RULE, values: true },
  { label: '1/(1+1/(1+...))', text: `${'1/(1+'.repeat(MAX_DEPTH / 3 - 3)}t${')'.repeat(MAX_DEPTH / 3 - 3)}`, rule: SCHEDULE_RULE, values: true },
  { label: 'balanced product of 2000 chars', text: fill(() => 't', '*', MAX_EXPRESSION_LENGTH), rule: SCHEDULE_RULE, values: true },
  { label: 'balanced tower of 2000 chars', text: fill((k) => `t^${k}`, '^', MAX_EXPRESSION_LENGTH), rule: SCHEDULE_RULE, values: true },
  { label: 'balanced sum of sin(sin(k t))', text: fill((k) => `sin(sin(${k}*t))`, '+', MAX_EXPRESSION_LENGTH), rule: SCHEDULE_RULE, values: true },
  { label: 'nested exp towers', text: fill((k) => `exp(exp(exp(${k}*t)))^exp(t)`, '*', MAX_EXPRESSION_LENGTH), rule: SCHEDULE_RULE, values: true },
]

/** Where a hostile expression is given: --alpha (with --beta t), --beta (with --alpha 1-t), or both. */
const POSITIONS = [
  { name: 'alpha', flag: 'alpha', pair: (x: string) => [x, 't'] },
  { name: 'beta', flag: 'beta', pair: (x: string) => ['1-t', x] },
  { name: 'both', flag: 'alpha', pair: (x: string) => [x, x] },
] as const

interface Timing {
  label: string
  position: string
  length: number
  first: number
  best: number
  worst: number
  outcome: string
}
const timings: Timing[] = []

// The table of times, slowest first (in the test output).
afterAll(() => {
  if (!timings.length) return
  const rows = [...timings].sort((a, b) => b.best - a.best)
  const cell = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 3)}...` : s).padEnd(n)
  const ms = (x: number) => x.toFixed(2).padStart(8)
  const lines = rows.map(
    (r) => `${cell(JSON.stringify(r.label).slice(1, -1), 44)} ${r.position.padEnd(5)} ${String(r.length).padStart(7)} ${ms(r.best)} ${ms(r.first)} ${ms(r.worst)}  ${cell(r.outcome, 90)}`,
  )
  console.log(
    [
      `Validation times of ${timings.length} cases in process (ms; bound ${BUDGET_MS} ms on the best of 3 runs), slowest first`,
      `(as: the flag given the expression, 'both' both flags, 'ok' an accepted schedule at the caps):`,
      `${'case'.padEnd(44)} ${'as'.padEnd(5)} ${'length'.padStart(7)} ${'best'.padStart(8)} ${'first'.padStart(8)} ${'worst'.padStart(8)}  message`,
      ...lines,
    ].join('\n'),
  )
})

/** Three timed runs of `f` (after which `f`'s outcome is that of the last). */
function timed<T>(f: () => T): { first: number; best: number; worst: number; result: T | undefined; error: unknown } {
  const times: number[] = []
  let result: T | undefined
  let error: unknown
  for (let i = 0; i < 3; i++) {
    const start = performance.now()
    try {
      result = f()
      error = undefined
    } catch (e) {
      error = e
    }
    times.push(performance.now() - start)
  }
  return { first: times[0], best: Math.min(...times), worst: Math.max(...times), result, error }
}

/** One line, printable, short. */
function expectOneLine(message: string): void {
  expect(message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/)
  expect(message.length).toBeLessThan(300)
}

const LINEAR_TIMES = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1]
/** Values of a schedule at LINEAR_TIMES. */
const valuesOf = (p: FlowProblem) => LINEAR_TIMES.map((t) => p.schedule.at(t))

describe('hostile schedule expressions, in process', () => {
  // mathjs entry points that run or register things: the battery must never reach one.
  const ENTRY_POINTS = ['evaluate', 'compile', 'createUnit', 'derivative', 'simplify', 'resolve', 'chain'] as const
  const spies: MockInstance[] = []
  let keysBefore: string[]
  let reference: number[][]

  beforeAll(() => {
    // Warm up mathjs and the whole path once.
    reference = valuesOf(validate('1-t^2', 't^2'))
    expect(() => validate('import("fs")', 't')).toThrow(ParameterError)
    keysBefore = Object.keys(math()).sort()
    // (mathjs defines most of them as lazy getters: spy on the access itself)
    const instance = math() as unknown as Record<string, unknown>
    for (const name of ENTRY_POINTS) spies.push(vi.spyOn(instance, name, 'get'))
    spies.push(vi.spyOn(math(), 'import'))
  })

  afterAll(() => {
    for (const s of spies) s.mockRestore()
  })

  it.each(HOSTILE)('$label: refused with the rule, naming the flag, under 100 ms', ({ label, text, rule, values }) => {
    for (const position of POSITIONS) {
      const [alpha, beta] = position.pair(text)
      const run = timed(() => validate(alpha, beta))
      const e = run.error
      const where = `${label} as ${position.name}`
      expect(e, `${where}: accepted`).toBeInstanceOf(ParameterError)
      const err = e as ParameterError
      timings.push({ label, position: position.name, length: text.length, first: run.first, best: run.best, worst: run.worst, outcome: err.message })
      if (values) expect(['alpha', 'beta'], where).toContain(err.parameter)
      else expect(err.parameter, where).toBe(position.flag)
      expect(err.rule, where).toMatch(rule)
      expect(err.message, where).toBe(`${err.parameter}: ${err.rule}`)
      expectOneLine(err.message)
      expect(run.best, `${where}: ${run.best.toFixed(1)} ms`).toBeLessThan(BUDGET_MS)
    }
  })

  it('never reaches mathjs evaluate, compile, createUnit, derivative, simplify, import', () => {
    for (const spy of spies) expect(spy).not.toHaveBeenCalled()
  })

  it('leaves the mathjs instance as it was: same names, no unit foo, a schedule compiles to the same values', () => {
    expect(Object.keys(math()).sort()).toEqual(keysBefore)
    expect(math().Unit.isValuelessUnit('foo')).toBe(false)
    expect(valuesOf(validate('1-t^2', 't^2'))).toEqual(reference)
  })
})

describe('schedules at the edges of the caps, in process: accepted and computed as written', () => {
  const linear = validate('1-t', 't')
  const accepted = (label: string, alpha: string, beta: string) => {
    const run = timed(() => validate(alpha, beta))
    expect(run.error, label).toBeUndefined()
    timings.push({ label, position: 'ok', length: alpha.length + beta.length, first: run.first, best: run.best, worst: run.worst, outcome: 'accepted' })
    expect(run.best, `${label}: ${run.best.toFixed(1)} ms`).toBeLessThan(BUDGET_MS)
    return run.result!
  }

  it(`${MAX_DEPTH} parentheses around t, ${MAX_DEPTH - 1} around 1-t: the linear schedule`, () => {
    const p = accepted('nesting at the cap', nest(MAX_DEPTH - 1, '1-t'), nest(MAX_DEPTH, 't'))
    expect(valuesOf(p)).toEqual(valuesOf(linear))
  })

  // (1-t)^(1+0*t^t^t) is 1-t. Its exponent has slope 0 (0 times anything), so the derivative is
  // that of a constant power, -1 everywhere, also at t = 1 where the general rule
  // (a^b)' = a^b (b' log a + b a'/a) would give 0*(-inf) = NaN. Accepted, computed as 1-t.
  it('(1-t)^(1+0*t^t^t): the linear schedule, derivative -1 also at t = 1', () => {
    const p = accepted('(1-t)^(1+0*t^t^t)', '(1-t)^(1+0*t^t^t)', 't')
    expect(valuesOf(p)).toEqual(valuesOf(linear))
    expect(solve(p).stats(1)).toEqual(solve(linear).stats(1))
  })

  // A t-dependent exponent of a base that vanishes at t = 1: the derivative rule is undefined
  // there (0 * log 0), and we do not simplify: refused by the finiteness rule, which says where.
  it("(1-t)^(1+t): refused, alpha' is not finite at t = 1 (a t-dependent exponent of a vanishing base)", () => {
    expect(() => validate('(1-t)^(1+t)', 't')).toThrow(/^alpha: alpha' must be finite on \[0, 1\], but alpha'\(1\) = NaN$/)
  })

  it('a deep chain rule at the caps: (1-t)*(1+sin(sin(...(t)...))/1000), 2000 characters of sums', () => {
    const deep = `(1-t)*(1+${calls('sin', MAX_DEPTH - 4)}/1000)`
    const p = accepted('deep sin chain, valid', deep, 't')
    // The slope by the chain rule against a central difference. Its error: truncation
    // h^2 |alpha'''|/6 ~ 1e-13, and the rounding of two values of size <= 1, eps/(2h) each:
    // bound eps/h = 2.2e-10 (measured <= 4.3e-11).
    for (const t of [0.2, 0.5, 0.8]) {
      const h = 1e-6
      const fd = (p.schedule.at(t + h)[0] - p.schedule.at(t - h)[0]) / (2 * h)
      expect(Math.abs(p.schedule.at(t)[2] - fd)).toBeLessThan(Number.EPSILON / h)
    }
    const wide = `(1-t)*(1+(${fill((k) => `sin(${k}*t)/${k}^2`, '+', MAX_EXPRESSION_LENGTH - 20)})/1000)`
    expect(wide.length).toBeLessThanOrEqual(MAX_EXPRESSION_LENGTH)
    accepted('balanced sum of sin(k t)/k^2, valid', wide, 't')
  })
})

// The derivative replaced mathjs' (which copies the inner expression at every chain-rule step and
// whose simplification can take minutes): it must agree with mathjs' derivative, evaluated here in
// the test (on our own expressions), in double and in the decimal code of high precision.
describe('the linear-time derivative agrees with mathjs', () => {
  const EXPRESSIONS = [
    '1-t',
    't^2',
    '1-t^2',
    't^2*(3-2*t)',
    '(1-t)^1.5',
    '(1-t)^(3/2)',
    't^-1',
    '2^t',
    'e^t',
    't^t',
    '(1+t)^(1+t)',
    't^(t+1)^(t+2)',
    'cos(pi*t/2)',
    'sin(pi*t/2)',
    'tan(pi*t/4)',
    'asin(t/2)',
    'acos(t/2)',
    'atan(t)*4/pi',
    'sinh(t)',
    'cosh(t)',
    'tanh(t)',
    'exp(-t)*(1-t)',
    'log(1+t)/log(2)',
    'sqrt(1+t)-1',
    'abs(t-0.45)',
    '-t',
    '+t',
    '1/(1+t)',
    't/(1+t^2)',
    't^0',
    '(2*t)^64',
    't^65',
    'sin(sin(sin(t)))',
    'exp(exp(t))/exp(exp(1))',
    '0*t^t^t + t',
    'cos(t)^cos(t)',
    'sqrt(sqrt(sqrt(t)))',
    '1e-3*t',
    'pi*e*t',
  ]
  const D = Decimal.clone({ precision: 40 })
  const F = decimalArith(D)

  it.each(EXPRESSIONS)('%s', (text) => {
    const src = compileSchedule('test', text, 't')
    const s = loadSchedule(src)
    const slopes = instantiate<(f: typeof F) => () => (t: Decimal) => Decimal[]>(src.slopes)(F)()
    const values = instantiate<(f: typeof F) => () => (t: Decimal) => Decimal[]>(src.values)(F)()
    const reference = math().derivative(math().parse(text), 't', { simplify: false })
    for (const t of [0.1, 0.37, 0.5, 0.83, 0.99]) {
      const want = reference.evaluate({ t }) as number
      const [value, , slope] = s.at(t)
      const close = (got: number, expected: number) => expect(Math.abs(got - expected), `${text} at ${t}: ${got} vs ${expected}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)))
      close(value, math().parse(text).evaluate({ t }) as number)
      close(slope, want)
      close(slopes(new D(t))[0].toNumber(), want)
      close(values(new D(t))[0].toNumber(), value)
    }
  })

  it("the trig schedule: alpha', beta' = -+(pi/2) sin, cos (pi t/2), their text readable", () => {
    const src = compileSchedule('trig', 'cos(pi * t / 2)', 'sin(pi * t / 2)')
    expect(src.alphadot).toBe('-sin(pi * t / 2) * (pi / 2)')
    expect(src.betadot).toBe('cos(pi * t / 2) * (pi / 2)')
    const s = loadSchedule(src)
    for (const t of [0.1, 0.5, 0.9]) {
      expect(s.at(t)[2]).toBe(-Math.sin((Math.PI * t) / 2) * (Math.PI / 2))
      expect(s.at(t)[3]).toBe(Math.cos((Math.PI * t) / 2) * (Math.PI / 2))
    }
  })

  it('compiles in time linear in the nesting: 199 nested sin give a small program', () => {
    const src = compileSchedule('deep', calls('sin', MAX_DEPTH - 1), 't')
    // About three locals (value, cos, slope) per level.
    expect(src.source.split('\n').length).toBeLessThan(4 * MAX_DEPTH + 20)
    expect(src.alphadot).toMatch(/^d\/dt \(sin\(sin\(/) // too long to print in full
  })
})

// ---------------------------------------------------------------------------------------------

/** A flowgm run in a fresh temporary directory (its cwd and TMPDIR); `out` names a file in it. */
interface CliCase {
  readonly label: string
  readonly args: (dir: string) => string[]
  readonly flag: 'alpha' | 'beta'
  readonly rule: RegExp
}
const sched = (alpha: string, beta: string) => ['--alpha', alpha, '--beta', beta]
const CLI: CliCase[] = [
  { label: 'stats import("fs")', args: () => ['stats', ...sched('import("fs")', 't')], flag: 'alpha', rule: FUNCTION('import') },
  { label: 'dae createUnit as beta', args: () => ['dae', '--t', '0.5', ...sched('1-t', 'createUnit("foo")')], flag: 'beta', rule: FUNCTION('createUnit') },
  { label: 'curves --out x.jsonl evaluate', args: (d) => ['curves', '--format', 'jsonl', '--out', join(d, 'x.jsonl'), ...sched('evaluate("1+1")', 't')], flag: 'alpha', rule: FUNCTION('evaluate') },
  {
    label: 'plot curves --out x.svg assignment',
    args: (d) => ['plot', 'curves', '--out', join(d, 'x.svg'), '--csv', join(d, 'x.csv'), ...sched('x = 1', 't')],
    flag: 'alpha',
    rule: NOT_ALLOWED('assignment'),
  },
  { label: 'plot dae --out x.png deep sin', args: (d) => ['plot', 'dae', '--out', join(d, 'x.png'), ...sched(calls('sin', MAX_DEPTH - 1), 't')], flag: 'alpha', rule: SCHEDULE_RULE },
  { label: 'compare --out x.csv matrix', args: (d) => ['compare', '--format', 'csv', '--out', join(d, 'x.csv'), ...sched('[[1,0],[0,1]]', 't')], flag: 'alpha', rule: NOT_ALLOWED('matrix') },
  { label: 'dae-compare --out x.jsonl e^1000', args: (d) => ['dae-compare', '--format', 'jsonl', '--out', join(d, 'x.jsonl'), ...sched('e^1000', 't')], flag: 'alpha', rule: SCHEDULE_RULE },
  { label: 'closed-form function definition', args: () => ['closed-form', ...sched('f(t) = t', 't')], flag: 'alpha', rule: NOT_ALLOWED('function definition') },
  { label: 'rate string', args: () => ['rate', ...sched('"1-t"', 't')], flag: 'alpha', rule: /^strings are not allowed/ },
  { label: 'simulate conditional', args: () => ['simulate', ...sched('t ? 1 : 0', 't')], flag: 'alpha', rule: NOT_ALLOWED('conditional') },
  { label: 'stats cos.constructor(...)() as beta', args: () => ['stats', ...sched('1-t', 'cos.constructor("return process")()')], flag: 'beta', rule: PARSE },
  { label: 'stats --digits 30 t.constructor', args: () => ['stats', '--digits', '30', ...sched('t.constructor', 't')], flag: 'alpha', rule: NOT_ALLOWED('property access') },
  { label: 'stats t^t^t^t^t^t^t^t', args: () => ['stats', ...sched('t^t^t^t^t^t^t^t', 't')], flag: 'alpha', rule: SCHEDULE_RULE },
  { label: 'stats 19 nested sqrt', args: () => ['stats', ...sched(calls('sqrt', 19), 't')], flag: 'alpha', rule: SCHEDULE_RULE },
  { label: 'stats 0xffi8', args: () => ['stats', ...sched('1-t+0xffi8', 't')], flag: 'alpha', rule: DECIMAL },
  { label: 'stats right-to-left override', args: () => ['stats', ...sched('1-t\u202e', 't')], flag: 'alpha', rule: /\\u202e/ },
  { label: 'stats tower of 1000 t', args: () => ['stats', ...sched(tower('t', 1000), 't')], flag: 'alpha', rule: NESTED },
  // The big arguments (Linux: at most 128 KiB per argument).
  { label: '100 KB of t+t+...', args: () => ['stats', ...sched(chain('t', '+', KB100 / 2), 't')], flag: 'alpha', rule: LONG(KB100 - 1) },
  { label: '100 KB of garbage as beta', args: () => ['stats', ...sched('1-t', '@#$%'.repeat(KB100 / 4))], flag: 'beta', rule: LONG(KB100) },
  { label: '10^5 opening parentheses', args: () => ['stats', ...sched(`${'('.repeat(100_000)}t`, 't')], flag: 'alpha', rule: LONG(100_001) },
  { label: '5*10^4 nested parentheses, curves --out', args: (d) => ['curves', '--format', 'jsonl', '--out', join(d, 'x.jsonl'), ...sched(nest(50_000), 't')], flag: 'alpha', rule: LONG(100_001) },
]

describe.concurrent('hostile schedule expressions, through the CLI', () => {
  const slot = limiter(2)
  const dirs: string[] = []
  beforeAll(requireBuild)
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  it.each(CLI)('flowgm $label: exit 2, one line naming the flag, nothing written', async ({ args, flag, rule }) => {
    const dir = mkdtempSync(join(tmpdir(), 'flowgm-sandbox-'))
    dirs.push(dir)
    const argv = args(dir)
    const r: Run = await slot(() => spawnCli(argv, 30_000, [], undefined, { cwd: dir, env: { TMPDIR: dir } }))
    const label = show({ ...r, args: r.args.map((a) => (a.length > 200 ? `${a.slice(0, 60)}... (${a.length} characters)` : a)) })
    expect(r.code, label).toBe(2)
    expect(r.stdout, label).toBe('')
    const m = /^flowgm: --(alpha|beta): ([^\n]*)\n$/.exec(r.stderr)
    expect(m, label).not.toBeNull()
    expect(m![1], label).toBe(flag)
    expect(m![2], label).toMatch(rule)
    expectOneLine(r.stderr.slice(0, -1))
    expect(r.stderr, label).not.toMatch(/^\s*at\s|Error:/m)
    expect(readdirSync(dir), label).toEqual([])
  })

  // A 10^5-deep balanced nest is 200 001 characters: beyond what Linux passes as one argument
  // (MAX_ARG_STRLEN = 128 KiB), so it never reaches flowgm; it is in the in-process battery.
  it.runIf(process.platform === 'linux')('an argument of 200 001 characters cannot even be passed (E2BIG)', async () => {
    await expect(spawnCli(['stats', ...sched(nest(100_000), 't')])).rejects.toThrow(/E2BIG/)
  })
})
