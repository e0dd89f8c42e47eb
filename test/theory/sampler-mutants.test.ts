// src/theory/discrete.ts below the flow: the two recurrences on a linear system whose
// coefficients the test chooses, the sampler's times and counts, and the refusals.
// Expected values:
//  - each scheme's step written out in its textbook form (Hairer, Norsett & Wanner, Solving ODEs I,
//    II.1: Euler; Heun's trapezoid k1 = f(t, x), k2 = f(t + h, x + h k1); the midpoint rule
//    k2 = f(t + h/2, x + h/2 k1); classical RK4), without the Butcher tables of discrete.ts;
//  - times, counts and messages by hand from each scheme's stage times and docs/theory.md.
// Tolerances: the textbook step and the recurrence round differently (other order of the same
// operations), a few ulps per step at |x| <= 3 over K <= 12 steps; measured worst 2.2e-16 (one ulp), bound
// 1e-13. The compensated-sum case is exact to the ulp by construction (see there).
import { Decimal } from 'decimal.js'
import { describe, expect, it } from 'vitest'
import { ParameterError } from '../../src/errors.js'
import { checkSampler, gridIndex, samplerTimes, stageCount, stageRecurrence, transferRecurrence, type Ratio, type Scheme, type StepArith } from '../../src/theory/discrete.js'

/** Coefficients [a, g] of each of the three states at time t (all different, so a mix-up of index shows). */
type Coefficients = (t: number) => readonly number[]
const smooth: Coefficients = (t) => [-1 - t, 2 + t * t, 0.5 * t - 0.3, 0.1 - t ** 3, -2 + 0.7 * t, 0.4 * t]

/** Double arithmetic for the recurrences; `compensated` gives it sub, as the library's double arithmetic has. */
function arith(coefficients: Coefficients, compensated: boolean): StepArith<number> {
  return {
    zero: 0,
    one: 1,
    add: (x, y) => x + y,
    ...(compensated ? { sub: (x: number, y: number) => x - y } : {}),
    mul: (x, y) => x * y,
    div: (x, y) => x / y,
    isZero: (x) => x === 0,
    ratio: ([p, q]) => p / q,
    coefficients: ([p, q]) => coefficients(p / q),
  }
}

/** One step of x' = a(t) x + g(t) from (t, x) in the scheme's textbook form. */
function textbookStep(scheme: Scheme, f: (t: number, x: number) => number, t: number, h: number, x: number): number {
  const k1 = f(t, x)
  if (scheme === 'euler') return x + h * k1
  if (scheme === 'heun') return x + (h / 2) * (k1 + f(t + h, x + h * k1))
  if (scheme === 'midpoint') return x + h * f(t + h / 2, x + (h / 2) * k1)
  const k2 = f(t + h / 2, x + (h / 2) * k1)
  const k3 = f(t + h / 2, x + (h / 2) * k2)
  const k4 = f(t + h, x + h * k3)
  return x + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
}

/** The states at every grid time k/K, each of the three by its own textbook recurrence. */
function textbook(coefficients: Coefficients, scheme: Scheme, steps: number, initial: readonly number[]): number[][] {
  const states = [initial.slice()]
  for (let k = 0; k < steps; k++) {
    states.push(states[k].map((x, i) => textbookStep(scheme, (t, y) => coefficients(t)[2 * i] * y + coefficients(t)[2 * i + 1], k / steps, 1 / steps, x)))
  }
  return states
}

function expectClose(got: number[][], want: number[][], where: string): void {
  expect(got).toHaveLength(want.length)
  want.forEach((row, k) => row.forEach((x, i) => expect(Math.abs(got[k][i] - x), `${where}, k = ${k}, state ${i}: ${got[k][i]} vs ${x}`).toBeLessThan(1e-13 * Math.max(1, Math.abs(x)))))
}

const SCHEMES: readonly Scheme[] = ['euler', 'heun', 'midpoint', 'rk4']
const INITIAL = [0.3, -0.2, 1]

describe('both recurrences against each scheme written out by hand', () => {
  it.each(SCHEMES)('%s: K = 1, 5 and 12, smooth coefficients, the stage form (plain and compensated) and the transfer form', (scheme) => {
    for (const steps of [1, 5, 12]) {
      const want = textbook(smooth, scheme, steps, INITIAL)
      const sampler = { steps, scheme }
      expectClose(stageRecurrence(arith(smooth, false), INITIAL, sampler), want, `stages, K = ${steps}`)
      expectClose(stageRecurrence(arith(smooth, true), INITIAL, sampler), want, `compensated stages, K = ${steps}`)
      expectClose(transferRecurrence(arith(smooth, false), INITIAL, sampler), want, `transfer, K = ${steps}`)
    }
  })

  it.each(SCHEMES)('%s: a step whose homogeneous factor R vanishes restarts the transfer form from that step', (scheme) => {
    // Euler at K = 4: R = 1 + h a = 1 - 4/4 = 0 exactly where a = -4 (t = 1/2 on the grid), as P's
    // factor at the pole without skip connection. Other schemes evaluate a elsewhere too, so R
    // does not vanish for them; they check that the same piecewise field gives the textbook states.
    const jump: Coefficients = (t) => {
      const a = t === 0.5 ? -4 : -1 + t
      return [a, 1 + t, a, -t, a, 2]
    }
    const want = textbook(jump, scheme, 4, INITIAL)
    if (scheme === 'euler') for (const i of [0, 1, 2]) expect(want[3][i], 'the state after the vanishing step is its source alone').toBe(0.25 * jump(0.5)[2 * i + 1])
    expectClose(transferRecurrence(arith(jump, false), INITIAL, { steps: 4, scheme }), want, 'transfer')
    expectClose(stageRecurrence(arith(jump, true), INITIAL, { steps: 4, scheme }), want, 'compensated stages')
  })

  it('the compensated stage form keeps increments far below an ulp of the state; the plain one loses them', () => {
    // State 0: x' = 2^-52 from x = 1 over K = 2^10 Euler steps. Each increment h g = 2^-62 is
    // below half an ulp of 1 (2^-53), so a plain sum never moves, while the exact end state is
    // 1 + 2^-52, a double; every partial sum is a multiple of 2^-62 below 2, so the compensated
    // sum (state + carried) is exact and its end state is 1 + 2^-52 to the bit.
    // State 1: the same source until t = 1/2, where a = -1024 makes the step's factor
    // R = 1 + h a = 0 exactly, and nothing after: the exact state is 0 from t = 1/2 + h on. The
    // part carried (2^-53 at t = 1/2, half an ulp) is part of the state, so R = 0 must clear it too.
    const tiny: Coefficients = (t) => [0, 2 ** -52, t === 0.5 ? -1024 : 0, t < 0.5 ? 2 ** -52 : 0, 0, 0]
    const sampler = { steps: 1024, scheme: 'euler' as const }
    const plain = stageRecurrence(arith(tiny, false), [1, 1, 1], sampler)
    const compensated = stageRecurrence(arith(tiny, true), [1, 1, 1], sampler)
    expect(plain[1024][0]).toBe(1)
    expect(compensated[1024][0]).toBe(1 + 2 ** -52)
    expect(compensated[513][1]).toBe(0)
    expect(compensated[1024][1]).toBe(0)
  })
})

const r = (x: Ratio): string => `${x[0]}/${x[1]}`

describe('the times a sampler evaluates the velocity at', () => {
  it('samplerTimes and stageCount, by hand from the stage times t_k, t_k + h/2, t_k + h', () => {
    expect(samplerTimes({ steps: 3, scheme: 'euler' }).map(r)).toEqual(['0/1', '1/3', '2/3'])
    expect(samplerTimes({ steps: 3, scheme: 'heun' }).map(r)).toEqual(['0/1', '1/3', '2/3', '1/1'])
    expect(samplerTimes({ steps: 2, scheme: 'midpoint' }).map(r)).toEqual(['0/1', '1/4', '1/2', '3/4'])
    expect(samplerTimes({ steps: 2, scheme: 'rk4' }).map(r)).toEqual(['0/1', '1/4', '1/2', '3/4', '1/1'])
    // Distinct times: K per stage time inside [0, 1) of a step, plus t = 1 for heun and rk4.
    for (const steps of [1, 2, 3, 10]) {
      expect(stageCount({ steps, scheme: 'euler' })).toBe(steps)
      expect(stageCount({ steps, scheme: 'heun' })).toBe(steps + 1)
      expect(stageCount({ steps, scheme: 'midpoint' })).toBe(2 * steps)
      expect(stageCount({ steps, scheme: 'rk4' })).toBe(2 * steps + 1)
      for (const scheme of SCHEMES) expect(samplerTimes({ steps, scheme })).toHaveLength(stageCount({ steps, scheme }))
    }
  })

  it('gridIndex: k of t = k/K for a number and for a Decimal, and a ParameterError naming the flag off the grid', () => {
    expect(gridIndex('t', 0.3, 10)).toBe(3)
    expect(gridIndex('t', 1, 7)).toBe(7)
    expect(gridIndex('t', 0, 7)).toBe(0)
    expect(gridIndex('t', new Decimal('0.3'), 10)).toBe(3)
    expect(gridIndex('t', new Decimal('1'), 3)).toBe(3)
    for (const t of [0.35, new Decimal('0.35'), 1 / 3]) {
      let error: unknown
      try {
        gridIndex('at', t, 10)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(ParameterError)
      expect((error as ParameterError).parameter).toBe('at')
      expect((error as ParameterError).rule).toBe(`must be a grid time k/10 of the 10-step sampler (its states exist there only; got ${String(t)})`)
    }
  })
})

describe('checkSampler', () => {
  const refusal = (skip: boolean, sampler: { steps: number; scheme: string }): ParameterError | undefined => {
    try {
      checkSampler({ skip }, sampler as { steps: number; scheme: Scheme })
    } catch (e) {
      return e as ParameterError
    }
    return undefined
  }

  it('accepts every scheme with skip connection and euler, midpoint without, at 1 and 1e6 steps', () => {
    for (const steps of [1, 1_000_000]) {
      for (const scheme of SCHEMES) expect(refusal(true, { steps, scheme })).toBeUndefined()
      for (const scheme of ['euler', 'midpoint']) expect(refusal(false, { steps, scheme })).toBeUndefined()
    }
  })

  it('refuses an unknown scheme, steps off [1, 1e6] or not an integer, and heun, rk4 at the pole, naming the parameter', () => {
    const scheme = refusal(true, { steps: 5, scheme: 'leapfrog' })
    expect([scheme?.parameter, scheme?.rule]).toEqual(['scheme', "must be one of euler, heun, midpoint, rk4 (got 'leapfrog')"])
    for (const steps of [0, 1_000_001, 2.5, NaN]) {
      const e = refusal(true, { steps, scheme: 'euler' })
      expect([e?.parameter, e?.rule], String(steps)).toEqual(['steps', `must be an integer in [1, 1000000] (got ${steps})`])
    }
    for (const s of ['heun', 'rk4']) {
      const e = refusal(false, { steps: 3, scheme: s })
      expect(e?.parameter).toBe('scheme')
      expect(e?.rule).toMatch(new RegExp(`^${s} evaluates the velocity at t = 1 in its last step, a pole of the flow without skip connection`))
    }
  })
})
