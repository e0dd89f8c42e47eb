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
import { flowProblem } from '../../src/theory/problem.js'
import { solve } from '../../src/theory/solve.js'
import { HP_LIMIT_SECONDS, hpSeconds } from '../../src/limits.js'
import { checkKs, criterionErrors, smallestPassing, stepsNeeded, stepsTable } from '../../src/theory/steps.js'

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
    // State 2: x = 1024 gathers 2^-55 a step (carried, 2^-46 by t = 1/2), then one step adds
    // h g = 1024 with a = 0 (R = 1): the exact 2048 + 2^-46 rounds to 2048. Scaling the carried
    // part by anything but R (e.g. by the step with its source, 1 + 1024) would show 2^-36.
    const tiny: Coefficients = (t) => [0, 2 ** -52, t === 0.5 ? -1024 : 0, t < 0.5 ? 2 ** -52 : 0, 0, t < 0.5 ? 2 ** -45 : t === 0.5 ? 2 ** 20 : 0]
    const sampler = { steps: 1024, scheme: 'euler' as const }
    const plain = stageRecurrence(arith(tiny, false), [1, 1, 1024], sampler)
    const compensated = stageRecurrence(arith(tiny, true), [1, 1, 1024], sampler)
    expect(plain[1024][0]).toBe(1)
    expect(compensated[1024][0]).toBe(1 + 2 ** -52)
    expect(compensated[513][1]).toBe(0)
    expect(compensated[1024][1]).toBe(0)
    expect(compensated[1024][2]).toBe(2048)
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
    // A long name is quoted to its first 40 characters.
    expect(refusal(true, { steps: 5, scheme: 'x'.repeat(50) })?.rule).toBe(`must be one of euler, heun, midpoint, rk4 (got '${'x'.repeat(40)}')`)
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

/** The ParameterError `f` throws, or undefined. */
function thrown(f: () => unknown): ParameterError | undefined {
  try {
    f()
  } catch (e) {
    if (e instanceof ParameterError) return e
    throw e
  }
  return undefined
}
const P = { n: 8, sigma: 1.5, lambda: 0.1, omega: 1 }

describe('src/theory/steps.ts: the rules and the search, by hand', () => {
  it('checkKs: at least one K, integers in [1, 1e6], none twice', () => {
    expect(thrown(() => checkKs([1, 1_000_000]))).toBeUndefined()
    expect(thrown(() => checkKs([]))?.message).toBe('k-list: must list at least one K')
    for (const K of [0, 1.5, 1_000_001]) expect(thrown(() => checkKs([2, K]))?.message).toBe(`k-list: must be positive integers at most 1000000 (got ${K})`)
    expect(thrown(() => checkKs([4, 2, 4]))?.message).toBe('k-list: lists a K twice')
  })

  it('criterionErrors: mse against mse, var against the target variance sigma^2 (docs/theory.md)', () => {
    // Binary fractions, so every difference is exact.
    const sampled = { mse: 0.75, var: 2 }
    const continuous = { mse: 0.5, var: 2.5 }
    expect(criterionErrors('mse', sampled, continuous, 1.5)).toEqual({ discretisation: 0.25, statistical: 0.5 })
    // |2 - 2.5| and |2.5 - 1.5^2| = 0.25.
    expect(criterionErrors('var', sampled, continuous, 1.5)).toEqual({ discretisation: 0.5, statistical: 0.25 })
    expect(criterionErrors('mse', { mse: 0.5, var: 0 }, { mse: 0.75, var: 0 }, 1).discretisation).toBe(0.25)
    expect(criterionErrors('var', { mse: 0, var: 3 }, { mse: 0, var: 0.5 }, 1)).toEqual({ discretisation: 2.5, statistical: 0.5 })
  })

  it('smallestPassing: the first K of a monotone test, 1, the cap 1e6 and none beyond it', () => {
    for (const first of [1, 2, 3, 37, 64, 65, 524_288, 999_999, 1_000_000]) {
      const asked: number[] = []
      expect(
        smallestPassing((K) => {
          asked.push(K)
          return K >= first
        }),
        String(first),
      ).toBe(first)
      // Doubling to the first passing power of 2 (or the cap), then bisection: about 2 log2(first) calls.
      expect(asked.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(first)) + 2)
    }
    expect(smallestPassing(() => false)).toBeUndefined()
    // Never asked beyond the cap.
    const asked: number[] = []
    smallestPassing((K) => (asked.push(K), false))
    expect(Math.max(...asked)).toBe(1_000_000)
  })

  it('stepsTable and stepsNeeded refuse a problem with a sampler, digits off [1, 1000], tol off (0, 1), an unknown criterion', () => {
    const plain = flowProblem(P)
    const sampled = flowProblem({ ...P, steps: 4, scheme: 'euler' })
    expect(thrown(() => stepsTable(sampled))?.message).toBe('steps: stepsTable compares K-step samplers with the continuous flow: give a problem without a sampler')
    expect(thrown(() => stepsNeeded(sampled, { ns: [8] }))?.message).toBe('steps: stepsNeeded compares K-step samplers with the continuous flow: give a problem without a sampler')
    // A long criterion is quoted to its first 40 characters.
    expect(thrown(() => stepsNeeded(plain, { ns: [8], criterion: 'w'.repeat(50) as 'mse' }))?.rule).toBe(`must be one of mse, var, w2 (got '${'w'.repeat(40)}')`)
    for (const digits of [0, 1001, 2.5]) expect(thrown(() => stepsTable(plain, { ks: [1], digits }))?.message).toBe(`digits: must be an integer in [1, 1000] (got ${digits})`)
    for (const tol of [0, 1, -0.5, NaN]) expect(thrown(() => stepsNeeded(plain, { ns: [8], tol }))?.message).toBe(`tol: must lie in (0, 1) (got ${tol})`)
    expect(thrown(() => stepsNeeded(plain, { ns: [8], criterion: 'w3' as 'mse' }))?.message).toBe("criterion: must be one of mse, var, w2 (got 'w3')")
    expect(thrown(() => stepsTable(plain, { ks: [4, 4] }))?.parameter).toBe('k-list')
    expect(thrown(() => stepsTable(flowProblem({ ...P, skip: false }), { ks: [4], scheme: 'rk4' }))?.parameter).toBe('scheme')
    // A million rk4 steps at 1000 digits: two million stage times, far beyond the hour.
    expect(thrown(() => stepsTable(plain, { ks: [1_000_000], scheme: 'rk4', digits: 1000 }))?.parameter).toBe('k-list')
    expect(thrown(() => stepsTable(plain, { ks: [1_000_000], scheme: 'rk4', digits: 1000 }))?.rule).toMatch(/^a largest K of 1000000 \(2e6 stage times in high precision\) would take about /)
  })

  it('stepsNeeded without skip connection drops heun and rk4 (they evaluate the pole) unless asked for, then refuses them', () => {
    const noSkip = flowProblem({ ...P, skip: false })
    expect(stepsNeeded(noSkip, { ns: [] }).schemes).toEqual(['euler', 'midpoint'])
    expect(stepsNeeded(flowProblem(P), { ns: [] }).schemes).toEqual(['euler', 'heun', 'midpoint', 'rk4'])
    expect(thrown(() => stepsNeeded(noSkip, { ns: [8], schemes: ['heun'] }))?.parameter).toBe('scheme')
  })
})

/** Romberg's table over h halving, by hand in decimal (in the precision of f's values): each column removes one power of h. */
function rombergByHand(f: Decimal[]): Decimal {
  let col = f
  for (let m = 1; col.length > 1; m++) col = col.slice(1).map((x, j) => x.plus(x.minus(col[j]).div(2 ** m - 1)))
  return col[0]
}

describe('stepsTable: orders, Richardson chain and notes', () => {
  it('euler, K = 8..64: the order of each K from its d_K and d_2K, E by Romberg over K d_K, E2 without K = 64', () => {
    const r = stepsTable(flowProblem(P), { ks: [8, 16, 32, 64] })
    // d_K in double from solve() (an independent route from high precision): mse_K - mse to 1e-12
    // absolute (both values are O(1) with errors of a few ulps; d_K >= 1e-3 here).
    const mse = solve(flowProblem(P)).stats(1).mse
    for (const row of r.rows) expect(Math.abs(row.diffs.mse.toNumber() - (solve(flowProblem({ ...P, steps: row.K, scheme: 'euler' })).stats(1).mse - mse)), `K = ${row.K}`).toBeLessThan(1e-12)
    r.rows.slice(0, 3).forEach((row, i) =>
      expect(row.order).toBeCloseTo(
        Math.log2(
          r.rows[i].diffs.mse
            .div(r.rows[i + 1].diffs.mse)
            .abs()
            .toNumber(),
        ),
        10,
      ),
    )
    expect(r.rows[3].order).toBeUndefined()
    expect(r.notes).toEqual([])
    expect(r.constant?.p).toBe(1)
    expect(r.constant?.ks).toEqual([8, 16, 32, 64])
    // The rows' d_K are rounded to 12 digits; Romberg's weights (at most 8/7 per column, three
    // columns) amplify that to below 1e-10 relative.
    const f = r.rows.map((row) => row.diffs.mse.times(row.K))
    expect(r.constant!.E.minus(rombergByHand(f)).div(r.constant!.E).abs().toNumber()).toBeLessThan(1e-10)
    expect(
      r
        .constant!.E2.minus(rombergByHand(f.slice(0, 3)))
        .div(r.constant!.E2)
        .abs()
        .toNumber(),
    ).toBeLessThan(1e-10)
    // The digits the two agree on: -log10 of their relative difference, within one.
    const agreement = -Math.log10(r.constant!.E.minus(r.constant!.E2).div(r.constant!.E).abs().toNumber())
    expect(Math.abs(r.constant!.digitsAgree - agreement)).toBeLessThanOrEqual(1)
  })

  it('the Richardson chain is the run of consecutive powers of 2 ending at the largest K', () => {
    expect(stepsTable(flowProblem(P), { ks: [8, 32, 64, 128] }).constant?.ks).toEqual([32, 64, 128])
    const short = stepsTable(flowProblem(P), { ks: [1, 2] })
    expect(short.constant).toBeUndefined()
    expect(short.notes).toEqual(['no constant: Richardson needs three consecutive powers of 2 from K = 8 in --k-list'])
    expect(stepsTable(flowProblem(P), { ks: [4, 8, 16] }).constant).toBeUndefined()
  })

  it('without skip connection on the linear schedule Euler is exact (d_K = 0, no order, no constant); midpoint settles on order 3', () => {
    // M' = n/(n + lambda) is constant, Q_xi = 0 (docs/theory.md section 3): Euler adds the exact
    // increment at every step, so every d_K is 0 in high precision.
    const exact = stepsTable(flowProblem({ ...P, skip: false }), { ks: [8, 16, 32] })
    for (const row of exact.rows) expect([row.diffs.mse.isZero(), row.order]).toEqual([true, undefined])
    expect(exact.notes).toEqual(['d_K = 0 at every K: the K-step sampler gives the continuous mse exactly here, no constant'])
    expect(exact.constant).toBeUndefined()
    // Midpoint on the linear schedule: the h^2 term of mse vanishes (the measured order is 3 to
    // within 0.01 at K = 16, as the scheme's expansion then starts at h^3).
    const mid = stepsTable(flowProblem(P), { ks: [8, 16, 32], scheme: 'midpoint' })
    expect(mid.constant?.p).toBe(3)
    expect(mid.notes).toHaveLength(1)
    expect(mid.notes[0]).toMatch(/^measured order 2\.99\d at K = 16: the h\^2 term of mse vanishes here; E is the constant of h\^3$/)
  })
})

describe('src/theory/sampled.ts: the solution of a K-step sampler', () => {
  it('diagnostics: K steps, none rejected, K times the stages of a step evaluated; state(t) is a copy of the grid state', () => {
    // rk4 evaluates four stages per step (docs/theory.md), euler one.
    expect(solve(flowProblem({ ...P, steps: 5, scheme: 'rk4' })).diagnostics).toEqual({ steps: 5, rejected: 0, evaluations: 20 })
    expect(solve(flowProblem({ ...P, steps: 3, scheme: 'euler' })).diagnostics).toEqual({ steps: 3, rejected: 0, evaluations: 3 })
    // One Euler step of the linear schedule by hand (test/theory/discrete.test.ts): (n/(n + lambda), 0, 0).
    const s = solve(flowProblem({ ...P, steps: 1, scheme: 'euler' }))
    const end = s.state(1)
    expect(end[0]).toBeCloseTo(8 / 8.1, 15)
    expect(end[1]).toBe(0)
    end[0] = 99
    expect(s.state(1)[0]).toBeCloseTo(8 / 8.1, 15)
    expect(s.state(0)).toEqual([0, 0, 1])
    expect(thrown(() => s.state(0.5))?.parameter).toBe('t')
    expect(thrown(() => s.stats(0.5))?.parameter).toBe('t')
  })
})

describe('stepsTable: values, precision and cost', () => {
  it('the Richardson chain takes the powers of 2 from K = 8 in order, whatever the list order and whatever else it holds', () => {
    // By the rule (steps.ts, leadingConstant): 4 is below K = 8, 12 is no power of 2.
    expect(stepsTable(flowProblem(P), { ks: [32, 4, 16, 12, 8] }).constant?.ks).toEqual([8, 16, 32])
  })

  it('values are doubles from solve() without digits, decimals at digits; E at 30 digits is Romberg by hand to 1e-26', () => {
    const double = stepsTable(flowProblem(P), { ks: [1, 2] })
    // The same double-precision route the table documents for its values: solve() at t = 1.
    expect(double.rows[0].values.mse).toBe(solve(flowProblem({ ...P, steps: 1, scheme: 'euler' })).stats(1).mse)
    expect(double.continuous.mse).toBe(solve(flowProblem(P)).stats(1).mse)
    expect('order' in double.rows[1]).toBe(false)
    const r = stepsTable(flowProblem(P), { ks: [8, 16, 32, 64], digits: 30 })
    const mse = r.rows[0].values.mse as Decimal
    expect(mse).toBeInstanceOf(Decimal)
    expect(mse.precision(true)).toBeLessThanOrEqual(30)
    // The double value to 1e-12 relative (an independent route, as above).
    expect(Math.abs(mse.toNumber() / solve(flowProblem({ ...P, steps: 8, scheme: 'euler' })).stats(1).mse - 1)).toBeLessThan(1e-12)
    // Romberg by hand at 60 digits over K d_K with d_K to 30 digits: Romberg's weights amplify the
    // rounding of d_K (5e-31 relative) by less than 10, far below 1e-26; an E computed at 20
    // digits would be off by ~1e-19.
    const D = Decimal.clone({ precision: 60 })
    const E = rombergByHand(r.rows.map((row) => new D(row.diffs.mse).times(row.K)))
    expect(r.constant!.E.minus(E).div(E).abs().toNumber()).toBeLessThan(1e-26)
  })

  it('a table is refused from the first largest K whose high-precision cost passes the hour, by the rule of checkStepsCost', () => {
    // The rule (steps.ts): 2 x the stage times of the largest K, at the digits asked (100: at the
    // default 12 even a million rk4 steps stay under the hour) plus
    // ceil(p log10 K), costed by limits.ts's hpSeconds against HP_LIMIT_SECONDS. The first K over
    // the limit by that rule, found by bisection, must be refused and K - 1 must pass the check
    // (it is not run: it would take most of an hour, so only the refusal of K is asserted and the
    // rule's value at K - 1 is checked to be under the limit).
    const seconds = (K: number) => hpSeconds({ command: 'stats', digits: 100 + Math.ceil(4 * Math.log10(K)), n: 8, transcendental: false, stages: 2 * (2 * K + 1) })
    let lo = 1
    let hi = 1_000_000
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2)
      if (seconds(mid) > HP_LIMIT_SECONDS) hi = mid
      else lo = mid
    }
    expect(seconds(lo)).toBeLessThanOrEqual(HP_LIMIT_SECONDS)
    expect(thrown(() => stepsTable(flowProblem(P), { ks: [hi], scheme: 'rk4', digits: 100 }))?.rule).toMatch(new RegExp(`^a largest K of ${hi} \\(`))
  })

  it('stepsNeeded: no exponent from points at a single n (log n does not vary)', () => {
    // K*(8) for rk4 is 1 (measured; by the search rule the value does not matter here): two
    // points at the same n have no slope.
    expect(stepsNeeded(flowProblem(P), { ns: [8, 8], schemes: ['rk4'] }).exponents.rk4).toBeUndefined()
  })
})

describe("src/theory/sampled.ts: the double-precision guard of a sampler's rows", () => {
  it('a well-conditioned row stays in double (no note); a cancelled one goes to high precision and says so', () => {
    // Linear and the custom 1 - t^2, t^2 with skip connection: every state O(1), nothing cancels.
    for (const options of [
      { ...P, steps: 8, scheme: 'euler' as const },
      { ...P, schedule: { alpha: '1 - t^2', beta: 't^2' }, steps: 8, scheme: 'heun' as const },
    ]) {
      const s = solve(flowProblem(options))
      s.stats(1)
      expect(s.notes, JSON.stringify(options)).toEqual([])
    }
    // Without skip connection the last Euler step multiplies P by 1 - h/(1 - 49/50) = 0 exactly
    // (test/theory/sampler-reference.test.ts, by hand); double leaves ~1e-17, all cancellation,
    // so the row is recomputed in high precision (50 stage times: affordable), which gives 0.
    const s = solve(flowProblem({ ...P, skip: false, steps: 50, scheme: 'euler' }))
    expect(s.stats(1).P).toBe(0)
    expect(s.notes).toEqual([{ command: 'stats', t: 1, escalated: true }])
  })
})

describe('stepsTable: the edges of its rules', () => {
  it('digits = 1 is accepted (values to one digit); K = 8 is the first K whose order counts', () => {
    const one = stepsTable(flowProblem(P), { ks: [1, 2], digits: 1 })
    expect((one.rows[0].values.mse as Decimal).precision(true)).toBe(1)
    // Midpoint on the linear schedule (measured order 2.99 at K = 8, as above): with K = 8 and 16
    // only K = 8 has an order, and it counts (RICHARDSON_FROM = 8), though no constant follows.
    const mid = stepsTable(flowProblem(P), { ks: [8, 16], scheme: 'midpoint' })
    expect(mid.notes).toHaveLength(2)
    expect(mid.notes[0]).toMatch(/^measured order 2\.9\d\d at K = 8: the h\^2 term of mse vanishes here/)
    expect(mid.notes[1]).toBe('no constant: Richardson needs three consecutive powers of 2 from K = 8 in --k-list')
  })
})
