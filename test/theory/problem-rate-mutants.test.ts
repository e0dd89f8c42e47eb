// The edges of the library: flowProblem / checkParameters (src/theory/problem.ts) and the argument
// checks of rate (src/theory/rate.ts). Each expected message is written here from the rule it states
// (docs/cli.md: "one line naming the flag and the rule"; the ranges of docs/cli.md, accuracy), never
// copied from a run; an error must be a ParameterError so that the CLI exits with code 2.
import { describe, expect, it } from 'vitest'
import { checkParameters, flowProblem, type ProblemOptions } from '../../src/theory/problem.js'
import { exactOf } from '../../src/theory/model.js'
import { rate } from '../../src/theory/rate.js'
import { inputError } from './input-error.js'

const base = { n: 10, sigma: 0.5, lambda: 0.1 }
const problem = (o: Partial<ProblemOptions>) => flowProblem({ ...base, ...o })

describe('checkParameters: the domain of each parameter, then the supported range', () => {
  it('n must be an integer >= 2; 2 itself is valid', () => {
    for (const n of [2.5, 1, 0, -3, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(inputError(() => problem({ n }))).toBe(`n: must be an integer >= 2 (got ${n})`)
    }
    expect(problem({ n: 2 }).n).toBe(2)
  })

  it('n beyond 2^53 only in high precision (the default is double)', () => {
    // 2^53 + 2: the first even integer a double holds beyond Number.MAX_SAFE_INTEGER = 2^53 - 1.
    const n = 2 ** 53 + 2
    const rule = `n: must be at most 9007199254740991 in double precision (got 9007199254740994)`
    expect(inputError(() => checkParameters({ n, sigma: 1, lambda: 0, omega: 1 }))).toBe(rule)
    expect(inputError(() => problem({ n }))).toBe(rule)
    const p = problem({ n, highPrecision: true })
    expect([p.n, p.text.n]).toEqual([n, '9007199254740994'])
  })

  it('sigma and omega must be finite and > 0, lambda finite and >= 0', () => {
    for (const sigma of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(inputError(() => problem({ sigma }))).toBe(`sigma: must be a finite number > 0 (got ${sigma})`)
    }
    for (const omega of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(inputError(() => problem({ omega }))).toBe(`omega: must be a finite number > 0 (got ${omega})`)
    }
    for (const lambda of [-1, -1e-300, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(inputError(() => problem({ lambda }))).toBe(`lambda: must be a finite number >= 0 (got ${lambda})`)
    }
  })

  it('the supported range [1e-30, 1e30] (lambda: {0} or (0, 1e30]) is closed at both ends', () => {
    const outside = (flag: string, phrase: string, x: number) => `${flag}: must lie in ${phrase} (got ${x}): the range flowgm answers faithfully`
    for (const flag of ['sigma', 'omega'] as const) {
      for (const x of [1e31, 1e-31]) expect(inputError(() => problem({ [flag]: x }))).toBe(outside(flag, '[1e-30, 1e30]', x))
      for (const x of [1e30, 1e-30]) expect(problem({ [flag]: x })[flag]).toBe(x)
    }
    expect(inputError(() => problem({ lambda: 1e31 }))).toBe(outside('lambda', '{0} or (0, 1e30]', 1e31))
    for (const lambda of [0, 1e-300, 1e30]) expect(problem({ lambda }).lambda).toBe(lambda)
  })

  it('lambda = -0 is stored as +0 (a sign the rule >= 0 does not carry, and that 1/lambda would)', () => {
    const p = problem({ lambda: -0 })
    expect(Object.is(p.lambda, 0)).toBe(true)
    expect(p.text.lambda).toBe('0')
  })
})

describe('flowProblem: the exact decimal text of the parameters', () => {
  it('keeps text that is a decimal of the value, and defaults the rest to the shortest text', () => {
    const p = problem({ omega: 4, text: { sigma: '0.50', lambda: '1e-1', n: '+10' } })
    expect(p.text).toEqual({ n: '+10', sigma: '0.50', lambda: '1e-1', omega: '4', rho: '0.5', kinv: '1' })
    // An absent key, or an explicit undefined text is no text: the default (the value's shortest decimal) stays
    expect([problem({ text: { sigma: undefined } }).sigma, problem({ text: { sigma: undefined } }).text.sigma, problem({ text: {} }).text.sigma]).toEqual([0.5, '0.5', '0.5'])
  })

  it('refuses text of another value, text that is no decimal, and text that is no string', () => {
    const refused = (key: string, t: string, value: number) => `${key}: exact text '${t}' is not a decimal of the value ${value}`
    expect(inputError(() => problem({ text: { sigma: '0.6' } }))).toBe(refused('sigma', '0.6', 0.5))
    // Number('0x10') is 16, but high precision reads decimals only.
    expect(inputError(() => problem({ n: 16, text: { n: '0x10' } }))).toBe(refused('n', '0x10', 16))
    expect(inputError(() => problem({ n: 16, text: { n: 16 as unknown as string } }))).toBe(refused('n', '16', 16))
    expect(inputError(() => problem({ text: { lambda: 'x' } }))).toBe(refused('lambda', 'x', 0.1))
  })
})

describe('flowProblem: the schedule', () => {
  it('a named schedule must be one of the built-in names (docs/cli.md: linear, trig)', () => {
    expect(inputError(() => problem({ schedule: 'foo' }))).toBe(`schedule: must be one of linear, trig (got 'foo')`)
    expect(problem({ schedule: 'trig' }).schedule.name).toBe('trig')
  })

  it('a custom schedule needs both expressions, as text, and is named custom (docs/cli.md, JSON)', () => {
    const custom = (alpha: unknown, beta: unknown) => problem({ schedule: { alpha, beta } as { alpha: string; beta: string } })
    expect(inputError(() => custom('1 - t', 5))).toBe('beta: must be an expression in t (got number)')
    expect(inputError(() => custom(undefined, 't'))).toBe('alpha: must be an expression in t (got undefined)')
    const s = custom('1 - t', 't').schedule
    expect([s.name, s.alpha, s.beta]).toEqual(['custom', '1 - t', 't'])
  })
})

describe('rate: the arguments a library caller gets checked as the CLI flags are', () => {
  // A problem whose sigma text is no number passes every check of rate (which never reads it) and
  // fails at the first evaluation with decimal.js's error (which high precision passes on): reaching
  // that error, quickly, proves the arguments were accepted without computing the sequence (a
  // sequence to 1e26 costs seconds).
  const unevaluable = { ...problem({}), text: { ...problem({}).text, sigma: 'not a number' } }
  const accepted = (digits: number, nMax?: number) => expect(() => rate(unevaluable, { digits, nMax })).toThrow(/\[DecimalError\] Invalid argument: not a number$/)

  it('digits must be an integer in [1, 1000]', () => {
    for (const digits of [0, 1001, 1.5, -2]) {
      expect(inputError(() => rate(problem({}), { digits, nMax: 1e3 }))).toBe(`digits: must be an integer in [1, 1000] (got ${digits})`)
    }
    accepted(1, 1e3)
    accepted(1000, 1e3)
  })

  it('n-max must be a power of 10 in [1e3, 1e30], as the literal 1eK or as 10 ** K', () => {
    for (const nMax of [100, 1e31, 1500, 2e3, 0.001]) {
      expect(inputError(() => rate(problem({}), { digits: 5, nMax }))).toBe(`n-max: must be a power of 10 in [1e3, 1e30] (got ${nMax})`)
    }
    // 1e26 and 10 ** 26 are neighbouring doubles (the power is rounded twice): both mean 10^26.
    expect(1e26).not.toBe(10 ** 26)
    for (const nMax of [1e3, 1e30, 1e26, 10 ** 26, undefined]) accepted(5, nMax)
  })
})

// test/mutation/equivalent-theory-problem-rate.json calls rate's branch without an exact series
// unreachable: that holds while both variants of the shipped equations have one.
it('both compiled variants have the exact 1/n series: C = 2 sigma^2 with skip, sigma^2 without (docs/theory.md section 5)', () => {
  const C = (skip: boolean) => {
    // At one draw per sample (kinv = 1, the exact solutions derived there); C(k) in test/theory/draws.test.ts.
    const r = exactOf({ skip, draws: 1 }).rate
    return [r?.text.C, r?.text.C_bo, r?.text.ratio]
  }
  expect([C(true), C(false)]).toEqual([
    ['2*sigma^2', 'sigma^2', '2'],
    ['sigma^2', 'sigma^2', '1'],
  ])
})
