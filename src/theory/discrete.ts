/**
 * The theory of K-step samplers (docs/theory.md, "K-step samplers"): the learnt velocity field
 * integrated by an explicit Runge-Kutta scheme on the grid t_k = k/K, as the finite-d simulation
 * transports its particles. While the sign pattern is self-consistent at every stage, each stage
 * velocity maps a particle P x0 + s (M mu_emp + Q xi) to one of the same form, so the scheme acts
 * on X = (M, Q_xi, P) exactly as the same scheme applied to the linear ODE X' = a(t) X + g(t) of
 * Result B, whose coefficients at each stage time are those of the DAE trained there (the
 * compiled ODE of the model, src/symbolic/derive.ts, with the 1/alpha singularity cancelled; a
 * stage at t = 1 uses that limit, which exists with skip connection only).
 *
 * Two evaluations of the same recurrence (the second is high precision's second route):
 *  - stages: Y_j = X + h sum_l A_jl F_l, F_j = a_j Y_j + g_j, X' = X + h sum_j b_j F_j;
 *  - transfer: per step X' = R X + S with R, S the step applied to (1, no source) and (0, the
 *    source), then X_k = L_k (X_m + sum_{m<=j<k} S_j / L_{j+1}) with prefix products L of R from
 *    the last step m where R vanished (a discrete integrating factor).
 */
import { ParameterError } from '../errors.js'
import { model, variantOf } from './model.js'
import type { FlowProblem } from './problem.js'
import { parameterValues } from '../symbolic/names.js'

export const SCHEMES = ['euler', 'heun', 'midpoint', 'rk4'] as const
export type Scheme = (typeof SCHEMES)[number]

/** A rational number num/den, exact in every arithmetic. */
export type Ratio = readonly [number, number]

/** The Butcher tableau of an explicit scheme: stage times c, stage weights A (lower triangular), weights b. */
export interface Tableau {
  readonly c: readonly Ratio[]
  readonly a: ReadonlyArray<readonly Ratio[]>
  readonly b: readonly Ratio[]
  /** The classical order of the scheme (global error O(1/K^order) for a smooth field). */
  readonly order: number
}

/** The four schemes: forward Euler, Heun's trapezoidal predictor-corrector, explicit midpoint, classical Runge-Kutta. */
export const TABLEAUX: Readonly<Record<Scheme, Tableau>> = {
  euler: { c: [[0, 1]], a: [[]], b: [[1, 1]], order: 1 },
  heun: {
    c: [
      [0, 1],
      [1, 1],
    ],
    a: [[], [[1, 1]]],
    b: [
      [1, 2],
      [1, 2],
    ],
    order: 2,
  },
  midpoint: {
    c: [
      [0, 1],
      [1, 2],
    ],
    a: [[], [[1, 2]]],
    b: [
      [0, 1],
      [1, 1],
    ],
    order: 2,
  },
  rk4: {
    c: [
      [0, 1],
      [1, 2],
      [1, 2],
      [1, 1],
    ],
    a: [
      [],
      [[1, 2]],
      [
        [0, 1],
        [1, 2],
      ],
      [
        [0, 1],
        [0, 1],
        [1, 1],
      ],
    ],
    b: [
      [1, 6],
      [1, 3],
      [1, 3],
      [1, 6],
    ],
    order: 4,
  },
}

/** A K-step sampler: the scheme on the uniform grid t_k = k/K. */
export interface Sampler {
  readonly steps: number
  readonly scheme: Scheme
}

/** Most steps of a sampler (a million steps take about a second in double precision). */
export const MAX_STEPS = 1_000_000

/** Whether a scheme evaluates the velocity at the end of a step (at t = 1 in the last one). */
export const reachesEnd = (scheme: Scheme): boolean => TABLEAUX[scheme].c.some(([p, q]) => p === q)

/** Refuse a sampler that is not one (steps, scheme) or that needs the velocity at a pole. */
export function checkSampler(problem: { readonly skip: boolean }, sampler: Sampler): void {
  const { steps, scheme } = sampler
  if (!(SCHEMES as readonly string[]).includes(scheme)) throw new ParameterError('scheme', `must be one of ${SCHEMES.join(', ')} (got '${String(scheme).slice(0, 40)}')`)
  if (!Number.isInteger(steps) || steps < 1 || steps > MAX_STEPS) throw new ParameterError('steps', `must be an integer in [1, ${MAX_STEPS}] (got ${steps})`)
  if (!problem.skip && reachesEnd(scheme) && model().variants.noskip.source.singular) {
    throw new ParameterError(
      'scheme',
      `${scheme} evaluates the velocity at t = 1 in its last step, a pole of the flow without skip connection (the learnt velocity is unbounded there); use euler or midpoint, or the skip connection`,
    )
  }
}

/** How many distinct times the sampler evaluates the velocity at (samplerTimes' length): K per stage time in [0, 1) of a step, and t = 1. */
export function stageCount(sampler: Sampler): number {
  const inside = new Set(TABLEAUX[sampler.scheme].c.filter(([p, q]) => p < q).map(([p, q]) => p / q))
  return inside.size * sampler.steps + (reachesEnd(sampler.scheme) ? 1 : 0)
}

/** Every time the sampler evaluates the velocity at, once, in order (exact fractions in lowest terms). */
export function samplerTimes(sampler: Sampler): Ratio[] {
  const { c } = TABLEAUX[sampler.scheme]
  const seen = new Set<string>()
  const out: Ratio[] = []
  for (let k = 0; k < sampler.steps; k++) {
    for (const cj of c) {
      const [p, q] = lowest(stageTime(k, cj, sampler.steps))
      if (!seen.has(`${p}/${q}`)) {
        seen.add(`${p}/${q}`)
        out.push([p, q])
      }
    }
  }
  return out
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))
export const lowest = ([p, q]: Ratio): Ratio => {
  const g = gcd(p, q)
  return [p / g, q / g]
}

/**
 * The index k of a grid time t = k/K of a K-step sampler (its states exist there only), or a
 * ParameterError naming `flag`. t is a number or anything with times() and isInteger() (a Decimal).
 */
export function gridIndex(flag: string, t: number | { times(k: number): { isInteger(): boolean; toNumber(): number }; toString(): string }, steps: number): number {
  if (typeof t === 'number') {
    const k = Math.round(t * steps)
    if (k / steps === t) return k
  } else {
    const kt = t.times(steps)
    if (kt.isInteger()) return kt.toNumber()
  }
  throw new ParameterError(flag, `must be a grid time k/${steps} of the ${steps}-step sampler (its states exist there only; got ${String(t)})`)
}

/** The grid time of step k (k = 0..K) as the exact fraction (k num_c + ...) / (K den): t_k + c h. */
export const stageTime = (k: number, c: Ratio, steps: number): Ratio => [k * c[1] + c[0], steps * c[1]]

/**
 * An arithmetic the recurrence runs in: double (numbers) or decimal.js (src/hp/arith.ts), with the
 * coefficients (a, g) of each state at a time given as a ratio.
 */
export interface StepArith<T> {
  readonly zero: T
  readonly one: T
  add(x: T, y: T): T
  /** Only where a sum's rounding error can be recovered exactly (binary floating point): then it is carried. */
  sub?(x: T, y: T): T
  mul(x: T, y: T): T
  div(x: T, y: T): T
  sqrt(x: T): T
  isZero(x: T): boolean
  /**
   * Decimal arithmetic only: whether x = a + b is a total cancellation, |x| within a few units of
   * the working precision's last digit of |a| + |b|. The step is then taken to land on 0 exactly:
   * without skip connection the linear schedule's last factor 1 + h alpha'/alpha is 0 exactly,
   * but 1/3 in decimal is not. A value that is only small survives this at the higher precision of
   * the second evaluation, so the two disagree and high precision raises its digits.
   */
  cancels?(x: T, a: T, b: T): boolean
  ratio(r: Ratio): T
  /** [a_M, g_M, a_Q, g_Q, a_P, g_P] at the time num/den. */
  coefficients(t: Ratio): readonly T[]
}

/** Stage weights h A and step weights h b of a sampler's scheme, in F. */
function weights<T>(F: StepArith<T>, sampler: Sampler): { A: T[][]; B: T[] } {
  const { a, b } = TABLEAUX[sampler.scheme]
  const h = F.ratio([1, sampler.steps])
  return { A: a.map((row) => row.map((r) => F.mul(h, F.ratio(r)))), B: b.map((r) => F.mul(h, F.ratio(r))) }
}

/**
 * One step's increment h sum_j b_j F_j of state i from x, with F_j = a_j Y_j (+ g_j where `source`
 * holds: every stage, or those of the stage indices given) and Y_j = x + h sum_l A_jl F_l; `coef`
 * holds the coefficients at each stage time.
 */
function increment<T>(F: StepArith<T>, { A, B }: { A: T[][]; B: T[] }, coef: ReadonlyArray<readonly T[]>, i: number, x: T, source: boolean | readonly number[]): T {
  const slopes: T[] = []
  for (let j = 0; j < A.length; j++) {
    let y = x
    A[j].forEach((w, l) => {
      if (!F.isZero(w)) y = F.add(y, F.mul(w, slopes[l]))
    })
    const ay = F.mul(coef[j][2 * i], y)
    slopes.push(source === true || (Array.isArray(source) && source.includes(j)) ? F.add(ay, coef[j][2 * i + 1]) : ay)
  }
  let sum = F.zero
  B.forEach((w, j) => {
    if (!F.isZero(w)) sum = F.add(sum, F.mul(w, slopes[j]))
  })
  return sum
}

/** The coefficients at the stage times of step k. */
const stageCoefficients = <T>(F: StepArith<T>, sampler: Sampler, k: number): Array<readonly T[]> => TABLEAUX[sampler.scheme].c.map((cj) => F.coefficients(stageTime(k, cj, sampler.steps)))

/**
 * The states (M, Q_xi, P) at every grid time t_k = k/K, k = 0..K, by the stage recurrence; with
 * `perTime`, Q_xi of fresh noise at every t (perTimeNoise).
 */
export function stageRecurrence<T>(F: StepArith<T>, initial: readonly T[], sampler: Sampler, perTime = false): T[][] {
  const w = weights(F, sampler)
  const states: T[][] = [initial.slice()]
  // With F.sub (double precision) each state carries the rounding error of its sum of
  // increments (Kahan-Babuska compensation), so K steps lose about as much as one. The part
  // carried is part of the state, so the step acts on it too: it is multiplied by the step's
  // homogeneous factor R (a step with R = 0, P at the pole, leaves none of it).
  const carried = initial.map(() => F.zero)
  for (let k = 0; k < sampler.steps; k++) {
    const coef = stageCoefficients(F, sampler, k)
    states.push(
      states[k].map((xi, i) => {
        const step = increment(F, w, coef, i, xi, true)
        if (!F.sub) {
          const out = F.add(xi, step)
          return F.cancels?.(out, xi, step) ? F.zero : out
        }
        const R = F.add(F.one, increment(F, w, coef, i, F.one, false))
        const inc = F.add(step, F.mul(carried[i], R))
        const out = F.add(xi, inc)
        // The part of xi + inc that out lost (exact in binary floating point).
        carried[i] = F.add(F.sub(xi, F.sub(out, inc)), F.sub(inc, F.sub(out, F.sub(out, inc))))
        return out
      }),
    )
  }
  return withNoise(F, states, sampler, 'stages', perTime)
}

/**
 * The same states by the transfer form (see the head of this file): per step X' = R X + S, R and S
 * from the stage recurrence applied to (1, no source) and (0, the source), then the prefix
 * products of R, restarted after a step whose R vanishes (P = alpha reaches 0 exactly there).
 */
export function transferRecurrence<T>(F: StepArith<T>, initial: readonly T[], sampler: Sampler, perTime = false): T[][] {
  const w = weights(F, sampler)
  const states: T[][] = [initial.slice()]
  const steps = initial.map((x) => transferForm(F, x))
  for (let k = 0; k < sampler.steps; k++) {
    const coef = stageCoefficients(F, sampler, k)
    states.push(initial.map((_, i) => steps[i](stepFactor(F, w, coef, i), increment(F, w, coef, i, F.zero, true))))
  }
  return withNoise(F, states, sampler, 'transfer', perTime)
}

/** A step's homogeneous factor R of state i: 1 + its increment from 1 without source (0 where that cancels, at the pole). */
function stepFactor<T>(F: StepArith<T>, w: { A: T[][]; B: T[] }, coef: ReadonlyArray<readonly T[]>, i: number): T {
  const homogeneous = increment(F, w, coef, i, F.one, false)
  const factor = F.add(F.one, homogeneous)
  return F.cancels?.(factor, F.one, homogeneous) ? F.zero : factor
}

/**
 * The transfer form of X' = R X + S from x0, a step at a time: X_k = L_k (X_m + sum_{m<=j<k} S_j / L_{j+1})
 * with the prefix product L of R since the last step m whose R vanished (then X_m = S).
 */
function transferForm<T>(F: StepArith<T>, x0: T): (R: T, S: T) => T {
  let base = x0
  let product = F.one
  let sum = F.zero
  return (R, S) => {
    if (F.isZero(R)) {
      base = S
      product = F.one
      sum = F.zero
    } else {
      product = F.mul(product, R)
      sum = F.add(sum, F.div(S, product))
    }
    return F.mul(product, F.add(base, sum))
  }
}

/** The index of Q_xi among the states (M, Q_xi, P). */
const Q = 1

/**
 * Fresh noise at every t (docs/theory.md, fresh noise): the DAE trained at a time memorises its own
 * xi_tau, independent of the others, so the memorised part of a sample is sum_tau Q_tau xi_tau over
 * the distinct times the sampler evaluates, and only sum_tau Q_tau^2 enters the observables (as
 * Q_xi^2). Each direction follows Q_xi's linear equation with the source at its own stages only: a
 * step multiplies every coefficient by R and adds, to the direction of each stage time of the step,
 * the step's increment from the source at that time's stages. The direction of t_k gets the
 * increments of the stages at t_k of steps k - 1 (c = 1) and k (c = 0); the others one step's.
 * Returned per grid time: -sqrt(sum of squares), the coefficient of one direction of that norm, of
 * the sign of the shared noise's Q_xi (q_xi < 0). The sum of squares by `form`: step by step, or as
 * the transfer form's prefix products of R^2 (the second evaluation of high precision).
 */
function perTimeNoise<T>(F: StepArith<T>, sampler: Sampler, form: 'stages' | 'transfer'): T[] {
  const w = weights(F, sampler)
  const { c } = TABLEAUX[sampler.scheme]
  // The stages of a step grouped by time: at its start, strictly inside, at its end.
  const at = (test: (x: number) => boolean) => c.flatMap(([p, q], j) => (test(p / q) ? [j] : []))
  const start = at((x) => x === 0)
  const inside = [...new Set(c.map(([p, q]) => p / q).filter((x) => x > 0 && x < 1))].map((x) => at((y) => y === x))
  const end = at((x) => x === 1)
  const out: T[] = [F.zero]
  let open = F.zero // the coefficient of the direction of t_k
  let closed = F.zero // the sum of squares of the directions no later stage evaluates
  // The transfer form: the sum of squares follows closed' = R^2 closed + added.
  const transfer = transferForm(F, F.zero)
  for (let k = 0; k < sampler.steps; k++) {
    const coef = stageCoefficients(F, sampler, k)
    const R = stepFactor(F, w, coef, Q)
    const own = (stages: readonly number[]) => (stages.length ? increment(F, w, coef, Q, F.zero, stages) : F.zero)
    const first = F.add(F.mul(R, open), own(start))
    let added = F.mul(first, first)
    for (const stages of inside) {
      const s = own(stages)
      added = F.add(added, F.mul(s, s))
    }
    const R2 = F.mul(R, R)
    closed = form === 'stages' ? F.add(F.mul(R2, closed), added) : transfer(R2, added)
    open = own(end)
    out.push(F.mul(F.ratio([-1, 1]), F.sqrt(F.add(closed, F.mul(open, open)))))
  }
  return out
}

/** The states with Q_xi replaced by fresh noise's (perTimeNoise) when `perTime`. */
function withNoise<T>(F: StepArith<T>, states: T[][], sampler: Sampler, form: 'stages' | 'transfer', perTime: boolean): T[][] {
  if (!perTime) return states
  const q = perTimeNoise(F, sampler, form)
  return states.map((y, k) => y.map((x, i) => (i === Q ? q[k] : x)))
}

/** Double-precision arithmetic for the recurrences, with the compiled coefficients of the problem. */
export function doubleArith(problem: FlowProblem): StepArith<number> {
  const v = variantOf(problem)
  const coefficients = v.ode(...parameterValues(problem))
  return {
    zero: 0,
    one: 1,
    add: (x, y) => x + y,
    sub: (x, y) => x - y,
    mul: (x, y) => x * y,
    div: (x, y) => x / y,
    sqrt: Math.sqrt,
    isZero: (x) => x === 0,
    ratio: ([p, q]) => p / q,
    // p/q in double is the time's nearest double (exactly 0 and 1 at the ends).
    coefficients: ([p, q]) => coefficients(...problem.schedule.at(p / q)),
  }
}

/** The states (M, Q_xi, P) at t_k = k/K, k = 0..K, in double precision (the stage recurrence). */
export function discreteFlow(problem: FlowProblem, steps: number, scheme: Scheme = 'euler'): Array<[number, number, number]> {
  // The problem as this sampler's: with fresh noise at every t the variant is chosen by the
  // sampler (the continuous flow's has no source of Q_xi, a sampler's keeps it).
  const sampled = { ...problem, sampler: { steps, scheme } }
  checkSampler(sampled, sampled.sampler)
  return stageRecurrence(doubleArith(sampled), variantOf(sampled).source.initial, sampled.sampler, problem.noise === 'per-time') as Array<[number, number, number]>
}
