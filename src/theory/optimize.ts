/**
 * The best regularisation (docs/theory.md, the best regularisation): lambda* >= 0 minimising an
 * objective of the generated law at t = 1 (a key of `flowgm stats`), by two methods that must agree.
 *  1. The root of d objective / d lambda, by Newton's method kept inside a bracket (bisection when
 *     a step leaves it), at two working precisions. Continuous flow: the states at t = 1 in closed
 *     form (src/symbolic/exact.ts; at t = 1 they do not depend on the schedule) evaluated on
 *     truncated Taylor series in lambda (src/hp/series.ts), so the derivatives are exact up to
 *     rounding. K-step sampler (no closed form): central differences of statsHp values.
 *  2. Brent's method on values alone (golden-section and parabolic steps), at about twice the
 *     digits wanted: a value-only *     search resolves a minimiser to about the square root of the values' relative precision.
 * A scan of lambda over 0 and [1e-10, 1e30] (quarter decades) first picks the basin of the
 * lowest value, so a local minimum elsewhere is not taken for the best one.
 */
import { ParameterError } from '../errors.js'
import { ARITH_FUNCTIONS, Decimal, decimalArith, type Arith, type DecimalConstructor } from '../hp/arith.js'
import { seriesArith, type Series, type SeriesArith } from '../hp/series.js'
import { asymptoticBaselinesHp } from '../baselines/asymptotic.js'
import { compiled } from '../symbolic/codegen.js'
import { PARAMETERS, STATES } from '../symbolic/names.js'
import { agree, statsHp } from './hp.js'
import { variantOf } from './model.js'
import { flowProblem, parameterDecimal, type FlowProblem, type ProblemOptions } from './problem.js'
import { neville } from './rate.js'
import { solve } from './solve.js'

/** The objectives lambda* may minimise: keys of `flowgm stats` at t = 1. */
export const OBJECTIVES = ['mse', 'w2', 'kl'] as const
export type Objective = (typeof OBJECTIVES)[number]

export interface OptimizeOptions {
  /** The stats key minimised at t = 1 (default mse). */
  readonly objective?: Objective
  /** Significant digits of lambda* both methods must establish (default 12, what double output prints). */
  readonly digits?: number
}

export interface LambdaStar {
  readonly objective: Objective
  readonly digits: number
  /** The minimiser, rounded to `digits`; exactly 0 at a boundary minimum. */
  readonly lambdaStar: Decimal
  /** Whether the minimum is at lambda = 0 (the objective's slope there is >= 0). */
  readonly boundary: boolean
  /** The objective at lambdaStar, and at the problem's own lambda. */
  readonly value: Decimal
  readonly valueAtLambda: Decimal
  /** The Bayes-optimal error (src/baselines) and value / boMse. */
  readonly boMse: Decimal
  readonly ratio: Decimal
  /** Method 1 (the derivative's root, 0 at a boundary) and method 2 (Brent's, on values), unrounded. */
  readonly derivativeRoot: Decimal
  readonly byValues: Decimal
  /** Digits on which method 1 agrees with itself at two working precisions (and two steps). */
  readonly digitsDerivative: number
  /** Digits on which the two methods agree. */
  readonly digitsAgree: number
  /** How method 1 differentiates: exactly (Taylor series in lambda) or by central differences. */
  readonly route: 'exact' | 'differences'
}

/** The objective as a function of lambda, the rest of the problem fixed. */
interface Evaluator {
  readonly route: LambdaStar['route']
  /** The value to about `precision` significant digits. */
  value(lambda: Decimal, precision: number): Decimal
  /** The value and its first two derivatives in lambda. */
  slopes(lambda: Decimal, precision: number): readonly [Decimal, Decimal, Decimal]
  /** About double precision, for the scan. */
  coarse(lambda: number): number
}

const contexts = new Map<number, DecimalConstructor>()
const working = (precision: number): DecimalConstructor => {
  let D = contexts.get(precision)
  if (!D) contexts.set(precision, (D = Decimal.clone({ precision, rounding: Decimal.ROUND_HALF_EVEN })))
  return D
}

type Factory<T> = (F: Arith<T>) => (...params: T[]) => (...args: T[]) => T[]

/** The objective's column among the problem's stats keys, or a refusal naming --objective. */
function objectiveIndex(problem: FlowProblem, objective: Objective): number {
  if (!(OBJECTIVES as readonly string[]).includes(objective)) throw new ParameterError('objective', `must be one of ${OBJECTIVES.join(', ')} (got '${String(objective)}')`)
  const i = variantOf(problem).source.flowKeys.indexOf(objective)
  if (i < 0) throw new ParameterError('objective', `${objective} is not a statistic of this model (its keys: ${variantOf(problem).source.flowKeys.join(', ')})`)
  return i
}

/**
 * The series arithmetic with NaN for what it refuses: the flow's observables are computed together,
 * and one the objective does not read may be singular at t = 1 (kl divides by P^2, and P = 0
 * without skip connection), which decimals give as Infinity but series refuse.
 */
function tolerant(S: SeriesArith, D: DecimalConstructor): Arith<Decimal | Series> {
  const poisoned = S.constant(new D(NaN))
  const wrap =
    (f: (...args: unknown[]) => unknown) =>
    (...args: unknown[]) => {
      try {
        return f(...args)
      } catch (e) {
        if (e instanceof RangeError) return poisoned
        throw e
      }
    }
  return Object.fromEntries(Object.entries(S).map(([k, f]) => [k, typeof f === 'function' ? wrap(f as (...args: unknown[]) => unknown) : f])) as unknown as Arith<Decimal | Series>
}

type Uses = ReadonlySet<string>

/**
 * The functions (log, sqrt, ...) the objective's observable applies, traced once on sets: the flow's
 * observables are computed together, and those the objective does not read may cost most (kl's
 * logarithms, at hundreds of digits, when mse is minimised).
 */
function functionsUsed(flow: Factory<unknown>, index: number): Uses {
  const none: Uses = new Set()
  const join = (...xs: Uses[]): Uses => new Set(xs.flatMap((x) => [...x]))
  const trace = {
    num: () => none,
    rat: () => none,
    pi: () => none,
    e: () => none,
    add: join,
    sub: join,
    mul: join,
    div: join,
    neg: (a: Uses) => a,
    powInt: (a: Uses) => a,
    pow: join,
    ...Object.fromEntries(ARITH_FUNCTIONS.map((f) => [f, (a: Uses) => join(a, new Set([f]))])),
  } as unknown as Arith<unknown>
  return flow(trace)(...PARAMETERS.map(() => none))(...STATES.map(() => none))[index] as Uses
}

/** F with the functions the objective never applies replaced by a constant filler. */
const pruned = <T>(F: Arith<T>, uses: Uses, filler: T): Arith<T> => ({ ...F, ...Object.fromEntries(ARITH_FUNCTIONS.filter((f) => !uses.has(f)).map((f) => [f, () => filler])) })

/** Continuous flow: the closed-form states at t = 1 over decimals, or over series in lambda. */
function exactEvaluator(problem: FlowProblem, index: number): Evaluator | undefined {
  const v = variantOf(problem)
  const e = v.source.exact
  if (problem.sampler || e.found.join() !== STATES.join()) return undefined
  const states = compiled<Factory<unknown>>(e.valuesF)
  const flow = compiled<Factory<unknown>>(v.source.hp.flow)
  const uses = functionsUsed(flow, index)
  /** The objective over F; `observables` is F pruned to what the objective applies (the states need all of F). */
  const at = <T>(F: Arith<T>, observables: Arith<T>, D: DecimalConstructor, lambda: T): T => {
    const p = PARAMETERS.map((name) => (name === 'lambda' ? lambda : (parameterDecimal(problem.text[name], (x) => new D(x)) as T)))
    // alpha(1) = 0, beta(1) = 1 for every schedule.
    return flow(observables as Arith<unknown>)(...p)(...states(F as Arith<unknown>)(...p)(new D(0), new D(1)))[index] as T
  }
  const doubleStates = compiled<(...p: number[]) => (alpha: number, beta: number) => number[]>(e.values)
  const doubleFlow = compiled<(...p: number[]) => (...x: number[]) => number[]>(v.source.flow)
  // One arithmetic per precision (building one costs more than an evaluation at 20 digits).
  const decimals = new Map<number, readonly [Arith<Decimal>, Arith<Decimal>]>()
  const serieses = new Map<number, readonly [SeriesArith, Arith<Decimal | Series>]>()
  const value = (lambda: Decimal, precision: number) => {
    const D = working(precision)
    let F = decimals.get(precision)
    if (!F) {
      const plain = decimalArith(D)
      decimals.set(precision, (F = [plain, pruned(plain, uses, new D(NaN))]))
    }
    return at(F[0], F[1], D, new D(lambda))
  }
  return {
    route: 'exact',
    value,
    slopes(lambda, precision) {
      const D = working(precision)
      let F = serieses.get(precision)
      if (!F) {
        const plain = seriesArith(D, 3)
        serieses.set(precision, (F = [plain, pruned(tolerant(plain, D), uses, plain.constant(new D(NaN)))]))
      }
      const [S, observables] = F
      const c = S.lift(at<Decimal | Series>(S, observables, D, S.variable(new D(lambda)))).c
      return [c[0], c[1], c[2].times(2)]
    },
    coarse: (lambda) => {
      const p = PARAMETERS.map((name) => (name === 'lambda' ? lambda : problem[name]))
      return doubleFlow(...p)(...doubleStates(...p)(0, 1))[index]
    },
  }
}

/**
 * K-step sampler: values of statsHp (two routes, verified to `precision` digits) and central
 * differences with step h = 10^-ceil(precision/3) max(lambda, 1): truncation h^2 f'''/6 and
 * rounding 10^-precision f / h are both about 10^(-2 precision/3) relative in f'.
 */
function differenceEvaluator(problem: FlowProblem, objective: Objective): Evaluator {
  const at = (lambda: Decimal): FlowProblem => ({ ...problem, lambda: lambda.toNumber(), text: { ...problem.text, lambda: lambda.toString() } })
  const value = (lambda: Decimal, precision: number) => statsHp(at(lambda), ['1'], { digits: precision }).rows[0][objective]
  return {
    route: 'differences',
    value,
    slopes(lambda, precision) {
      const D = working(precision + 5)
      const x = new D(lambda)
      const h = new D(10).pow(-Math.ceil(precision / 3)).times(Decimal.max(x, 1))
      const f = (k: number) => new D(value(x.plus(h.times(k)), precision))
      // One-sided (second order) where lambda - h would be negative.
      if (x.lt(h)) {
        const [f0, f1, f2] = [f(0), f(1), f(2)]
        return [f0, f0.times(-3).plus(f1.times(4)).minus(f2).div(h.times(2)), f0.minus(f1.times(2)).plus(f2).div(h.pow(2))]
      }
      const [fm, f0, fp] = [f(-1), f(0), f(1)]
      return [f0, fp.minus(fm).div(h.times(2)), fp.minus(f0.times(2)).plus(fm).div(h.pow(2))]
    },
    coarse: (lambda) => (solve({ ...problem, lambda, text: { ...problem.text, lambda: String(lambda) } }, { guard: false }).stats(1) as Readonly<Record<string, number>>)[objective],
  }
}

/** The scan's grid: 0 and 10^(k/4) for k = -40..120. */
const SCAN: readonly number[] = [0, ...Array.from({ length: 161 }, (_, k) => 10 ** ((k - 40) / 4))]

/** The index in SCAN of the scan's lowest value, or a refusal when none is finite. */
function scanLowest(ev: Evaluator, objective: Objective, skip: boolean): number {
  const values = SCAN.map((l) => {
    try {
      const f = ev.coarse(l)
      return Number.isFinite(f) ? f : Infinity
    } catch {
      return Infinity
    }
  })
  let best = 0
  values.forEach((f, i) => {
    if (f < values[best]) best = i
  })
  if (!Number.isFinite(values[best]))
    throw new ParameterError(
      'objective',
      `${objective} is not finite (null in stats) for any lambda of this problem${skip ? '' : ': without skip connection the generated clusters collapse (P = 0 at t = 1)'}`,
    )
  return best
}

/**
 * The bracket of SCAN points around `best` with the slope (at `precision`) < 0 at its lower end,
 * or that end at 0, and > 0 at its upper end: the double-precision scan cannot see differences
 * below its rounding (large n, where the objective varies with lambda in its 20th digit; a
 * plateau at large lambda), so its lowest point may lie off the minimum; walking the grid from
 * there by the slope's sign finds it.
 */
function settledBracket(ev: Evaluator, objective: Objective, best: number, precision: number): [number, number] {
  const slope = (i: number) => ev.slopes(new Decimal(SCAN[i]), precision)[1]
  let [lo, hi] = [Math.max(0, best - 1), Math.min(best + 1, SCAN.length - 1)]
  while (!slope(hi).gt(0)) {
    if (hi === SCAN.length - 1) throw new ParameterError('objective', `${objective} still decreases at lambda = 1e30, the largest supported: no minimiser in range`)
    ;[lo, hi] = [hi, hi + 1]
  }
  while (lo > 0 && !slope(lo).lt(0)) [hi, lo] = [lo, lo - 1]
  return [SCAN[lo], SCAN[hi]]
}

/** Method 1: the root of the slope in [a, b] (slope < 0 at a, > 0 at b), to `digits` digits and beyond. */
function derivativeRoot(ev: Evaluator, a0: number, b0: number, precision: number, digits: number): Decimal {
  const D = working(precision)
  let [a, b] = [new D(a0), new D(b0)]
  if (ev.slopes(b, precision)[1].lte(0)) throw new Error(`optimize: the slope is not positive at the top of the bracket [${a0}, ${b0}]`)
  let x = a.isZero() ? b.div(2) : a.times(b).sqrt()
  const tol = new D(10).pow(-(digits + 6))
  for (let i = 0; i < 200; i++) {
    const [, f1, f2] = ev.slopes(x, precision)
    if (f1.isZero()) return x
    if (f1.lt(0)) a = x
    else b = x
    let next = f2.gt(0) ? x.minus(f1.div(f2)) : a.plus(b).div(2)
    if (!(next.gt(a) && next.lt(b))) next = a.plus(b).div(2)
    const done = next.minus(x).abs().lte(tol.times(next.abs()))
    x = next
    if (done || b.minus(a).lte(tol.times(b))) return x
  }
  throw new Error('optimize: Newton did not converge in 200 steps')
}

/**
 * Method 2: Brent's minimisation on values in [a, b] (golden-section steps, parabolic ones where
 * they stay inside and shrink: R. P. Brent, Algorithms for Minimization without Derivatives,
 * 1973, ch. 5), to a bracket of 10^-(digits + 3) relative (absolute: of b) at `precision` digits.
 * `atLower`: the lower end never left a = 0 (a boundary minimum).
 */
function brentMinimum(ev: Evaluator, a0: number, b0: number, precision: number, digits: number): { x: Decimal; atLower: boolean } {
  const D = working(precision)
  const f = (x: Decimal) => ev.value(x, precision)
  const cgold = new D(3).minus(new D(5).sqrt()).div(2)
  const tol = new D(10).pow(-(digits + 3))
  const floor = tol.times(b0)
  let [a, b] = [new D(a0), new D(b0)]
  let x = a.plus(b.minus(a).times(cgold))
  let [w, v] = [x, x]
  let fx = f(x)
  let [fw, fv] = [fx, fx]
  let [d, e] = [new D(0), new D(0)]
  let lowerMoved = false
  for (let i = 0; i < 100 * (digits + 10); i++) {
    const xm = a.plus(b).div(2)
    const tol1 = tol.times(x.abs()).plus(floor)
    const tol2 = tol1.times(2)
    if (
      x
        .minus(xm)
        .abs()
        .lte(tol2.minus(b.minus(a).div(2)))
    )
      return { x, atLower: !lowerMoved && a0 === 0 }
    let parabolic = false
    if (e.abs().gt(tol1)) {
      const r = x.minus(w).times(fx.minus(fv))
      let q = x.minus(v).times(fx.minus(fw))
      let p = x.minus(v).times(q).minus(x.minus(w).times(r))
      q = q.minus(r).times(2)
      if (q.gt(0)) p = p.neg()
      q = q.abs()
      const previous = e
      e = d
      if (p.abs().lt(q.times(previous).div(2).abs()) && p.gt(q.times(a.minus(x))) && p.lt(q.times(b.minus(x)))) {
        d = p.div(q)
        const u = x.plus(d)
        if (u.minus(a).lt(tol2) || b.minus(u).lt(tol2)) d = xm.gte(x) ? tol1 : tol1.neg()
        parabolic = true
      }
    }
    if (!parabolic) {
      e = x.gte(xm) ? a.minus(x) : b.minus(x)
      d = e.times(cgold)
    }
    const u = d.abs().gte(tol1) ? x.plus(d) : x.plus(d.gte(0) ? tol1 : tol1.neg())
    const fu = f(u)
    if (fu.lte(fx)) {
      if (u.gte(x)) {
        a = x
        lowerMoved = true
      } else b = x
      ;[v, fv, w, fw, x, fx] = [w, fw, x, fx, u, fu]
    } else {
      if (u.lt(x)) {
        a = u
        lowerMoved = true
      } else b = u
      if (fu.lte(fw) || w.eq(x)) [v, fv, w, fw] = [w, fw, u, fu]
      else if (fu.lte(fv) || v.eq(x) || v.eq(w)) [v, fv] = [u, fu]
    }
  }
  throw new Error(`optimize: Brent's method did not converge in ${100 * (digits + 10)} steps`)
}

const DEFAULT_DIGITS = 12

/** Retries of method 2 at more digits before lambda* is refused. */
const VALUE_ATTEMPTS = 2

/** lambda* of a problem (its lambda is the one `valueAtLambda` is computed at). */
export function optimize(problem: FlowProblem, options: OptimizeOptions = {}): LambdaStar {
  const objective = options.objective ?? 'mse'
  const digits = options.digits ?? DEFAULT_DIGITS
  if (!Number.isInteger(digits) || digits < 1 || digits > 1000) throw new ParameterError('digits', `must be an integer in [1, 1000] (got ${digits})`)
  // With infinitely many draws the ridge acts as lambda/k = 0 (docs/theory.md, k draws): nothing depends on lambda.
  if (problem.draws === Infinity) throw new ParameterError('draws', 'inf: the ridge acts as lambda/k = 0, so no objective depends on lambda and there is no lambda* (give a finite k)')
  const index = objectiveIndex(problem, objective)
  const ev = exactEvaluator(problem, index) ?? differenceEvaluator(problem, objective)
  // Working digits of method 1: exact slopes lose only rounding; differences keep 2/3 of them.
  // Both carry log10 n more: the objective's dependence on lambda is O(1/n^2) against O(1/n).
  const large = Math.max(0, Math.ceil(Math.log10(problem.n)))
  const w1 = (ev.route === 'exact' ? digits + 10 : Math.ceil(1.5 * (digits + 8))) + large
  const w2 = w1 + 9
  const [a, b] = settledBracket(ev, objective, scanLowest(ev, objective, problem.skip), w1)
  const slope0 = (w: number) => ev.slopes(new Decimal(0), w)[1]
  const boundary = a === 0 && slope0(w1).gte(0) && slope0(w2).gte(0)
  const roots = boundary ? [new Decimal(0), new Decimal(0)] : [derivativeRoot(ev, a, b, w1, digits), derivativeRoot(ev, a, b, w2, digits)]
  const root = roots[1]
  const digitsDerivative = boundary ? digits : Math.min(digits + 6, agree(roots[0], roots[1], w1, false))
  // A flat minimum (f'' lambda^2 small against f) needs more digits of the values than twice those
  // wanted: each shortfall is retried with twice the digits missing, and ten more.
  let precision = 2 * (digits + large) + 10
  let byValues = brentMinimum(ev, a, b, precision, digits)
  let digitsAgree = 0
  for (let attempt = 0; ; attempt++) {
    digitsAgree = boundary ? (byValues.atLower ? digits : 0) : Math.min(digits + 3, agree(root, byValues.x, w1, false))
    if (digitsAgree >= digits || attempt === VALUE_ATTEMPTS) break
    precision += 2 * (digits - digitsAgree) + 10
    byValues = brentMinimum(ev, a, b, precision, digits)
  }
  if (digitsDerivative < digits || digitsAgree < digits) {
    throw new ParameterError(
      'digits',
      `lambda* cannot be resolved to ${digits} digits: the derivative's root at two precisions agrees on ${digitsDerivative}, the search on values with it on ${digitsAgree} (ask for fewer digits)`,
    )
  }
  const R = working(digits)
  const lambdaStar = new R(root).toSignificantDigits(digits)
  const value = ev.value(root, w1)
  const boMse = asymptoticBaselinesHp(working(w1), problem.text.n, problem.text.sigma, problem.text.omega).bo_mse
  return {
    objective,
    digits,
    lambdaStar,
    boundary,
    value,
    valueAtLambda: ev.value(new Decimal(problem.text.lambda), w1),
    boMse,
    ratio: value.div(boMse),
    derivativeRoot: root,
    byValues: byValues.x,
    digitsDerivative,
    digitsAgree,
    route: ev.route,
  }
}

/** lambda* from problem options (lambda optional: the one the objective is also reported at, default 0.1). */
export function optimizeLambda(problemOptions: Omit<ProblemOptions, 'lambda'> & { readonly lambda?: number }, options: OptimizeOptions = {}): LambdaStar {
  return optimize(flowProblem({ lambda: 0.1, ...problemOptions }), options)
}

/** A limit n -> infinity by Richardson, and the digits two extrapolations agree on; or divergence. */
export interface Limit {
  readonly value: Decimal
  readonly digits: number
  /** The sequence's increments do not shrink over its last three points: no limit (value: the last point). */
  readonly diverges: boolean
}

export interface LambdaStarOverN {
  readonly rows: ReadonlyArray<LambdaStar & { readonly n: number }>
  /** What is extrapolated: lambda*(n) when it tends to a constant, lambda*(n)/n when it grows like n. */
  readonly limitOf: 'lambda_star' | 'lambda_star/n'
  readonly limit: Limit
  /** lim n objective(n) at lambda*(n), and at the problem's fixed lambda. */
  readonly constantAtStar: Limit
  readonly constantAtLambda: Limit
  /**
   * mse of the continuous flow: the limit of lambda*(n) from the symbolic layer (the minimiser
   * over lambda >= 0 of C1, the 1/n coefficient of n mse, C being the same for every lambda), and
   * the digits on which Richardson's `limit` agrees with it.
   */
  readonly exactLimit?: { readonly value: Decimal; readonly digitsAgree: number }
}

/**
 * lim lambda*(n) for mse from the rate's exact series (src/symbolic/exact.ts): n mse = C + C1/n
 * + ..., with C free of lambda, so lambda*(n) tends to the minimiser of C1 over lambda >= 0,
 * found by Newton on C1's slope (Taylor series in lambda, as method 1). Undefined without that
 * series (a K-step sampler) or where C depends on lambda or C1 has no minimum.
 */
function exactMseLimit(problem: FlowProblem, precision: number): Decimal | undefined {
  const rate = variantOf(problem).source.exact.rate
  if (problem.sampler || !rate) return undefined
  const [iC, iC1] = [rate.keys.indexOf('C'), rate.keys.indexOf('C1')]
  if (iC < 0 || iC1 < 0) return undefined
  const D = working(precision)
  const S = seriesArith(D, 3)
  const series = (lambda: Decimal) => {
    const p = PARAMETERS.map((name) => (name === 'lambda' ? S.variable(lambda) : parameterDecimal(problem.text[name], (x) => new D(x))))
    const values = compiled<Factory<Decimal | Series>>(rate.source)(S)(...p)()
    return [S.lift(values[iC]), S.lift(values[iC1])]
  }
  let x = new D(0)
  for (let i = 0; i < 100; i++) {
    const [C, C1] = series(x)
    if (!C.c[1].isZero() || !C1.c[2].gt(0)) return undefined
    // C1 = c0 + c1 h + c2 h^2 + ...: its slope c1 vanishes at h = -c1 / (2 c2).
    const next = Decimal.max(0, x.minus(C1.c[1].div(C1.c[2].times(2))))
    if (next.eq(x)) return x
    x = next
  }
  return undefined
}

/** Richardson points: the largest n only (Neville on many points of a fine grid is unstable). */
const RICHARDSON_POINTS = 6

/** The exponent a of f ~ n^a between the last two points (0 where it cannot be read). */
function growth(ns: readonly number[], fs: readonly Decimal[]): number {
  const k = ns.length
  if (k < 2 || !fs[k - 2].gt(0) || !fs[k - 1].gt(0)) return 0
  return Math.log(fs[k - 1].div(fs[k - 2]).toNumber()) / Math.log(ns[k - 1] / ns[k - 2])
}

/**
 * Whether a sequence's increments over its last three points do not shrink: those of a convergent
 * f = C + C1/n + ... shrink like 1/n^2 per unit of n, while n objective(n) with a floor (a K-step
 * sampler whose population mean misses mu) grows like n, its increments as fast as the steps of n
 * (trig, 10 Euler steps: 0.48, 0.94, 1.88 over n = 64 ... 512).
 */
function diverges(ns: readonly number[], fs: readonly Decimal[]): boolean {
  const k = ns.length
  if (k < 3) return false
  const [d1, d2] = [fs[k - 2].minus(fs[k - 3]).abs(), fs[k - 1].minus(fs[k - 2]).abs()]
  return d1.gt(0) && d2.gte(d1)
}

/** Neville's extrapolation to 1/n = 0 on the last points, and with one point fewer. */
function limitOf(ns: readonly number[], fs: readonly Decimal[], precision: number, digits: number): Limit {
  const D = working(precision)
  if (diverges(ns, fs)) return { value: new D(fs[fs.length - 1]).toSignificantDigits(digits), digits: 0, diverges: true }
  const k = Math.min(RICHARDSON_POINTS, ns.length)
  const hs = ns.slice(-k).map((n) => new D(1).div(n))
  const ys = fs.slice(-k).map((f) => new D(f))
  const value = neville(hs, ys)
  const check = k > 1 ? neville(hs.slice(1), ys.slice(1)) : value
  return { value: value.toSignificantDigits(digits), digits: k > 1 ? Math.min(digits, agree(value, check, precision, false)) : 0, diverges: false }
}

/** lambda*(n) over increasing n, and its large-n limit (docs/theory.md, the best regularisation). */
export function optimizeOverN(problem: FlowProblem, ns: readonly number[], options: OptimizeOptions = {}): LambdaStarOverN {
  const sorted = [...ns].sort((x, y) => x - y)
  const rows = sorted.map((n) => ({ n, ...optimize({ ...problem, n, text: { ...problem.text, n: String(n) } }, options) }))
  const digits = rows[0].digits
  const w = digits + 10
  // lambda* ~ n^a between the last two n: a near 1 means lambda*/n converges, near 0 lambda* itself.
  const perN =
    growth(
      sorted,
      rows.map((r) => r.derivativeRoot),
    ) > 0.5
  const scaled = rows.map((r) => (perN ? r.derivativeRoot.div(r.n) : r.derivativeRoot))
  const limit = limitOf(sorted, scaled, w, digits)
  const exact = options.objective === undefined || options.objective === 'mse' ? exactMseLimit(problem, w) : undefined
  return {
    rows,
    limitOf: perN ? 'lambda_star/n' : 'lambda_star',
    limit,
    ...(exact && !perN ? { exactLimit: { value: exact.toSignificantDigits(digits), digitsAgree: Math.min(digits, agree(limit.value, exact, w, false)) } } : {}),
    constantAtStar: limitOf(
      sorted,
      rows.map((r) => r.value.times(r.n)),
      w,
      digits,
    ),
    constantAtLambda: limitOf(
      sorted,
      rows.map((r) => r.valueAtLambda.times(r.n)),
      w,
      digits,
    ),
  }
}
