/**
 * High precision (decimal.js): the DAE and the flow at D significant digits, each number computed
 * by two independent routes and printed only when they agree.
 *  - Flow, route 1: the Taylor-series integrator (src/hp/taylor.ts) on den X' = A X + G, the
 *    series of the schedule by automatic differentiation (src/hp/series.ts); it steps onto t = 1,
 *    a regular singular point without skip connection.
 *  - Flow, route 2: the integrating-factor solution X(t) = X(0) exp(int a) + Phi(t) int g / Phi,
 *    with Phi found symbolically (src/symbolic/exact.ts) and the integrals by tanh-sinh
 *    quadrature (src/hp/tanhsinh.ts); P(t) = exp(int a) is pure quadrature. At a regular
 *    singular point t = 1, X(1) = -G/A there (the leading Taylor coefficients, L'Hopital).
 *  - DAE: the exact normal form (route 1) and the equations as written in dae.eq (route 2).
 * Arithmetic runs at D + guard digits; the guard grows until the routes agree to D + 2 digits.
 */
import { ParameterError } from '../errors.js'
import { Decimal, decimalArith, type Arith, type DecimalConstructor } from '../hp/arith.js'
import { seriesArith, type Series } from '../hp/series.js'
import { tanhSinh } from '../hp/tanhsinh.js'
import { taylorSolve } from '../hp/taylor.js'
import { gridIndex, lowest, samplerTimes, stageRecurrence, transferRecurrence, type Ratio, type StepArith } from './discrete.js'
import { compiled } from '../symbolic/codegen.js'
import { PARAMETERS, STATES } from '../symbolic/names.js'
import { variantOf } from './model.js'
import { exactParameters, type FlowProblem } from './problem.js'
import { maxOf, minOf } from '../extent.js'
import { HP_LIMIT_SECONDS, hpSeconds, secondsText, transcendentalSchedule } from '../limits.js'

export type HpRow = Readonly<Record<string, Decimal>>

export interface HpResult {
  readonly keys: readonly string[]
  /** One row per requested t (the key t included), values rounded to `digits` significant digits. */
  readonly rows: readonly HpRow[]
  /** Significant digits on which the two routes agree (the least over all values). */
  readonly digitsVerified: number
  /** Working precision of the final attempt (digits). */
  readonly precision: number
}

export interface HpOptions {
  /** Significant digits wanted (1 to 1000). */
  readonly digits: number
  /**
   * Digits verified and kept beyond `digits` (0 to 400, default 0), for a caller that computes
   * further from the values (compare's ratios, rate's extrapolation) and rounds to `digits` itself.
   */
  readonly extra?: number
  /**
   * The most seconds (src/limits.ts' estimate) the digits a cancelling schedule needs may cost
   * (default HP_LIMIT_SECONDS, an hour; a row of double precision sent here allows a minute):
   * beyond, the schedule is refused instead of computed for hours.
   */
  readonly maxSeconds?: number
}

type Factory<T> = (F: Arith<T>) => (...params: T[]) => (...args: T[]) => T[]
const factory = <T>(source: string): Factory<T> => compiled<Factory<T>>(source)

/** The digits asked for (an integer in [1, 1000]) and each t (a decimal in [0, 1]), or a RangeError. */
function checkRequest(ts: readonly string[], { digits, extra = 0 }: HpOptions): void {
  if (!(Number.isInteger(digits) && digits >= 1 && digits <= 1000)) throw new RangeError(`digits must be an integer in [1, 1000] (got ${digits})`)
  if (!(Number.isInteger(extra) && extra >= 0 && extra <= MAX_EXTRA)) throw new RangeError(`extra must be an integer in [0, ${MAX_EXTRA}] (got ${extra})`)
  for (const t of ts) {
    let T: Decimal | undefined
    try {
      T = new Decimal(t)
    } catch {
      /* not a number: refused below */
    }
    if (!T || !T.isFinite() || T.lt(0) || T.gt(1)) throw new RangeError(`t must lie in [0, 1] (got '${t}')`)
  }
}

/** The most digits a caller may ask beyond its D (log10 of the largest double n, and a margin). */
const MAX_EXTRA = 400

/** Extra digits always carried, the most attempts at growing them, and the second route's lead. */
const GUARD = 10
const SECOND = 12
const working = (precision: number) => Decimal.clone({ precision, rounding: Decimal.ROUND_HALF_EVEN })
const ATTEMPTS = 4
/** The most working digits spent on making a cancelling schedule's values known (beta ~ e^-1000 needs ~450). */
const SCHEDULE_PRECISION = 4000

/** The summary statistics (keys of `flowgm stats`) at each t, at high precision. */
export function statsHp(problem: FlowProblem, ts: readonly string[], options: HpOptions): HpResult {
  checkRequest(ts, options)
  const v = variantOf(problem)
  const keys = ['t', ...STATES, ...v.source.flowKeys]
  // Without skip connection the integrands of route 2 grow like 1/(1 - s)^2 towards t = 1, and
  // 1 - s loses as many digits as 1 - t has leading zeros: carry them as guard digits.
  const nearPole = v.source.singular ? Math.max(0, maxOf(ts.map((t) => (new Decimal(t).lt(1) ? Math.ceil(-new Decimal(1).minus(t).log(10).toNumber()) : 0)))) : 0
  const observables = (D: DecimalConstructor, states: Decimal[][]) => {
    const of = observablesOf(problem, D)
    return states.map((y, i) => of(ts[i], y))
  }
  if (problem.sampler) {
    // A K-step sampler: its recurrence by stages and by the transfer form (src/theory/discrete.ts),
    // a custom schedule checked at every time a stage evaluates it (the named ones do not cancel).
    const sampler = problem.sampler
    ts.forEach((t) => gridIndex('t', new Decimal(t), sampler.steps))
    return verified(problem, options, keys, 0, [(D) => observables(D, flowBySampler(problem, D, ts, 'stages')), (D) => observables(D, flowBySampler(problem, D, ts, 'transfer'))], {
      command: 'stats',
      ts,
      checked: problem.schedule.name === 'custom' ? samplerTimes(sampler).map(([p, q]) => new Decimal(p).div(q).toString()) : ts,
    })
  }
  return verified(problem, options, keys, nearPole, [(D, target) => observables(D, flowByTaylor(problem, D, ts, target)), (D, target) => observables(D, flowByQuadrature(problem, D, ts, target))], {
    command: 'stats',
    ts,
  })
}

/** alpha, beta and their slopes at stage times, by schedule, precision and time (see stageSchedule). */
const stageSchedules = new Map<string, Decimal[]>()
/** The most entries kept (about 40 MB at 100 digits); beyond, the map starts afresh. */
const STAGE_SCHEDULES_MAX = 100_000

/**
 * alpha(t), beta(t) and their slopes at the stage time t = p/q (in lowest terms) at the precision
 * of D, kept across calls: the samplers of `flowgm steps` (K = 1, 2, 4, ...) and of rate's
 * sequence evaluate the same times again, and on a transcendental schedule these evaluations are
 * most of their cost. The value depends on the schedule, the precision and t only.
 */
function stageSchedule(problem: FlowProblem, D: DecimalConstructor, F: Arith<Decimal>, p: number, q: number): Decimal[] {
  const key = `${problem.schedule.values}\u0000${D.precision}\u0000${D.rounding}\u0000${p}/${q}`
  let values = stageSchedules.get(key)
  if (!values) {
    const t = new D(p).div(q)
    values = [...scheduleValues(problem, F, t), ...scheduleSlopes(problem, F, t)]
    if (stageSchedules.size >= STAGE_SCHEDULES_MAX) stageSchedules.clear()
    stageSchedules.set(key, values)
  }
  return values
}

/**
 * The states at the grid times ts of the problem's K-step sampler, by one of the two evaluations
 * of its recurrence, the coefficients of each stage time computed once (exact fractions of time).
 */
function flowBySampler(problem: FlowProblem, D: DecimalConstructor, ts: readonly string[], form: 'stages' | 'transfer'): Decimal[][] {
  const sampler = problem.sampler!
  const F = decimalArith(D)
  const coefficients = factory<Decimal>(variantOf(problem).source.hp.ode)(F)(...parameterDecimals(problem, D))
  const cache = new Map<string, Decimal[]>()
  // A few units of the last digit: the rounding a sum of two rounded terms can leave.
  const cancelled = new D(10).pow(-(D.precision - 2))
  const arith: StepArith<Decimal> = {
    zero: new D(0),
    one: new D(1),
    add: (x, y) => x.plus(y),
    mul: (x, y) => x.times(y),
    div: (x, y) => x.div(y),
    sqrt: (x) => x.sqrt(),
    isZero: (x) => x.isZero(),
    cancels: (x, a, b) => x.abs().lte(a.abs().plus(b.abs()).times(cancelled)),
    ratio: ([p, q]: Ratio) => new D(p).div(q),
    coefficients: (time: Ratio) => {
      const [p, q] = lowest(time)
      const key = `${p}/${q}`
      let k = cache.get(key)
      if (!k) {
        k = coefficients(...stageSchedule(problem, D, F, p, q))
        if (k.some((x) => !x.isFinite())) throw new Error(`the flow's coefficients are not finite at t = ${p}/${q}`)
        cache.set(key, k)
      }
      return k
    },
  }
  const initial = variantOf(problem).source.initial.map((x) => new D(x))
  const states = (form === 'stages' ? stageRecurrence : transferRecurrence)(arith, initial, sampler, problem.noise === 'per-time')
  return ts.map((t) => states[gridIndex('t', new Decimal(t), sampler.steps)])
}

/** Result A and the DAE observables (keys of `flowgm dae`) at each t, at high precision. */
export function daeHp(problem: FlowProblem, ts: readonly string[], options: HpOptions): HpResult {
  checkRequest(ts, options)
  const v = variantOf(problem)
  const keys = ['t', ...v.source.daeKeys]
  const route =
    (factoryOf: (hp: typeof v.source.hp) => string) =>
    (D: DecimalConstructor): HpRow[] => {
      const F = decimalArith(D)
      const p = parameterDecimals(problem, D)
      const values = factory<Decimal>(factoryOf(v.source.hp))(F)(...p)
      const endDirection = factory<Decimal>(v.source.hp.daeEndDirection)(F)(...p)
      const asWritten = factory<Decimal>(v.source.hp.daeAsWritten)(F)(...p)
      const obsKeys = v.source.daeKeys.slice(3)
      return ts.map((t) => {
        const T = new D(t)
        const [a, b] = scheduleValues(problem, F, T)
        const row: Record<string, Decimal> = { t: T }
        values(a, b).forEach((x, i) => {
          row[v.source.daeKeys[i]] = x
        })
        if (row.m.isZero() && row.q_xi.isZero()) {
          // t = 1 with skip connection: observables of w's direction take their limit (solve.ts).
          const [m, q] = problem.kinv === 0 ? [F.num('1'), F.num('0')] : endDirection(b)
          const dir = asWritten(a, b, row.c, m, q)
          for (const k of v.source.daeDirectionOnly) row[k] = dir[obsKeys.indexOf(k)]
        }
        return row
      })
    }
  return verified(problem, options, keys, 0, [route((hp) => hp.dae), route((hp) => hp.daeWritten)], { command: 'dae', ts })
}

/** One route: the rows of values at the precision of D, its integrators aiming at `target` digits. */
type Route = (D: DecimalConstructor, target: number) => HpRow[]

export interface ExcessMse {
  readonly test_mse: Decimal
  readonly oracle_mse: Decimal
  readonly excess_mse: Decimal
  readonly digitsVerified: number
}

/**
 * test_mse, oracle_mse and excess_mse = test_mse - oracle_mse (dae-compare) at t, each right to
 * `digits` digits. The difference loses log10(test_mse / excess_mse) digits, about log10 n at
 * large n, so the DAE is verified to that many digits more; digitsVerified is what the
 * difference keeps of the DAE's agreement.
 */
export function excessMseHp(problem: FlowProblem, t: string, digits: number): ExcessMse {
  let extra = 2
  for (;;) {
    const r = daeHp(problem, [t], { digits, extra })
    const { test_mse, oracle_mse } = r.rows[0]
    const excess = working(digits + extra).sub(test_mse, oracle_mse)
    // An exact zero from nonzero values says only that every digit carried cancelled.
    const lost = excess.isZero() ? (test_mse.isZero() ? 0 : digits + 2 * extra) : Math.max(0, Math.ceil(log10(test_mse.abs().div(excess.abs()))))
    if (extra >= lost + 2 || extra === MAX_EXTRA) {
      const R = working(digits)
      return {
        test_mse: new R(test_mse).toSignificantDigits(digits),
        oracle_mse: new R(oracle_mse).toSignificantDigits(digits),
        excess_mse: new R(excess).toSignificantDigits(digits),
        digitsVerified: r.digitsVerified - lost,
      }
    }
    extra = Math.min(MAX_EXTRA, lost + 2)
  }
}

/** log10 of a positive Decimal of any precision, to double accuracy (at the working precision
 * decimal.js would need ln 10 to more digits than it stores, beyond about 1000). */
const log10 = (x: Decimal) => new Decimal(x.toExponential(15)).log(10).toNumber()

/**
 * Run both routes at growing precision until they agree to digits + 2 significant digits on
 * every value, then round to `digits`. The second route runs SECOND digits above the first, so
 * that no rounding is common to both: a digit lost to cancellation in a quantity both share (the
 * schedule near t = 1, M - 1 at large n) differs between them, and their agreement measures the
 * digits the first one really has instead of the digits it carries.
 */
function verified(
  problem: FlowProblem,
  options: HpOptions,
  keys: readonly string[],
  extraGuard: number,
  routes: readonly [Route, Route],
  cost: { command: 'stats' | 'dae'; ts: readonly string[]; checked?: readonly string[] },
): HpResult {
  const digits = options.digits + (options.extra ?? 0)
  // M - 1 loses about log10(n) digits in mse when n is large: mse ~ 1/n while an error e in M
  // (M near 1) moves omega (M - 1)^2 by e^2, so the states need (digits + log10 n) / 2 digits.
  const logN = Math.max(0, Math.ceil(Math.log10(Number(problem.text.n))))
  const lost = extraGuard + logN
  const states = Math.max(0, Math.ceil((logN - digits) / 2) + 2)
  let precision = digits + GUARD + lost
  let agreement = 0
  let failure = ''
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const target = precision - lost - GUARD + 6 + states
    // Both routes share the schedule's values: a cancellation in the expression that leaves an
    // exact 0 at both precisions (tanh saturating to -1 on a plateau) would pass as agreement.
    const unknown = scheduleUnknown(
      problem,
      (cost.checked ?? cost.ts).map((t) => new (working(precision))(t)),
      precision,
      digits + 2,
    )
    if (unknown !== undefined) {
      agreement = 0
      const seconds = hpSeconds({ command: cost.command, digits: 2 * precision, n: Number(problem.text.n), transcendental: transcendentalSchedule(problem.schedule), times: cost.ts.length })
      if (seconds > (options.maxSeconds ?? HP_LIMIT_SECONDS))
        throw new ParameterError(
          unknown.flag,
          `${unknown.flag} cannot be evaluated to ${digits} digits at t = ${unknown.t} within ${precision} digits of working precision (the expression cancels), and ${2 * precision} digits would take about ${secondsText(seconds)}; write it without the cancellation${options.maxSeconds === undefined ? '' : ', or set digits explicitly'}`,
        )
      if (2 * precision > SCHEDULE_PRECISION)
        throw new ParameterError(
          unknown.flag,
          `${unknown.flag} cannot be evaluated to ${digits} digits at t = ${unknown.t} within ${precision} digits of working precision: the expression cancels (every digit is lost); write it without the cancellation`,
        )
      // How far the cancellation goes is unknown: double the digits (not counted as an attempt:
      // the routes were not compared).
      precision *= 2
      attempt--
      continue
    }
    let first: HpRow[], second: HpRow[]
    try {
      // The integrators aim at 4 digits beyond the agreement needed; the rest of the guard
      // absorbs rounding and the digits lost to cancellation.
      first = routes[0](working(precision), target)
      second = routes[1](working(precision + SECOND), target)
    } catch (e) {
      // A route that cannot reach its accuracy at this precision (e.g. quadrature close to a
      // pole) is retried with more digits, like a disagreement.
      failure = `: ${e instanceof Error ? e.message : String(e)}`
      agreement = 0
      precision += Math.max(GUARD, digits)
      continue
    }
    failure = ''
    const end = (t: Decimal) => t.isZero() || t.eq(1)
    // flow.eq [infinite]: a key whose state is exactly zero on either route is infinite on both
    // (the other route's state is then rounding noise, which agree() accepts for the state itself).
    const infinite = first.map(
      (row, i) =>
        new Set(
          variantOf(problem)
            .source.infinite.filter((x) => row[STATES[x.state]]?.isZero() || second[i][STATES[x.state]]?.isZero())
            .map((x) => x.key),
        ),
    )
    agreement = minOf(first.flatMap((row, i) => keys.filter((k) => !infinite[i].has(k)).map((k) => agree(row[k], second[i][k], precision, end(row.t)))))
    if (agreement >= digits + 2) {
      const R = working(digits)
      // A value one route finds exactly zero and the other below the working precision (agree()
      // accepts the pair) is zero: P at t = 1 without skip connection, where cos(pi/2) in decimal
      // arithmetic leaves rounding noise of either sign on the integrated route.
      const exact = (x: Decimal, y: Decimal) => (y.isZero() ? y : x)
      const rows = first.map((row, i) =>
        Object.fromEntries(keys.map((k) => [k, k === 't' ? row[k] : infinite[i].has(k) ? new R(Infinity) : new R(exact(row[k], second[i][k])).toSignificantDigits(digits)])),
      )
      return { keys, rows, digitsVerified: Math.min(agreement, precision), precision }
    }
    precision += Math.max(GUARD, digits + 2 - agreement + GUARD)
  }
  throw new Error(`high precision: the two routes agree on only ${agreement} digits at ${precision} digits of working precision${failure}`)
}

/**
 * Significant digits on which x and y agree (the working precision if equal). With `noise`, a
 * value that vanishes exactly on one route and is below the working precision on the other
 * counts as agreeing: only where the zero is exact (the ends of [0, 1]), since elsewhere a zero
 * can be every digit lost (exp(1e-14) - 1 at 14 digits).
 */
export function agree(x: Decimal, y: Decimal, precision: number, noise = true): number {
  if (!x.isFinite() || !y.isFinite()) return 0
  if (x.eq(y)) return precision
  const scale = Decimal.max(x.abs(), y.abs())
  if (noise && (x.isZero() || y.isZero()) && scale.lt(new Decimal(10).pow(-(precision - 8)))) return precision
  return Math.max(0, Math.floor(-log10(x.minus(y).abs().div(scale))))
}

/**
 * Where alpha or beta at a time of `ts` inside (0, 1) is not known to `digits` digits at the
 * working precision: not positive (inside (0, 1) both are, docs/theory.md), or not agreeing with
 * their values at twice the precision. The first such time and the flag of the expression.
 */
function scheduleUnknown(problem: FlowProblem, ts: readonly Decimal[], precision: number, digits: number): { flag: 'alpha' | 'beta'; t: string } | undefined {
  const F = decimalArith(working(precision))
  const D2 = working(2 * precision)
  const F2 = decimalArith(D2)
  for (const t of ts) {
    if (t.isZero() || t.eq(1)) continue
    const values = scheduleValues(problem, F, t)
    // t of the reference's own constructor: decimal.js rounds an operation at its left operand's
    // precision, so t + 1e5 would otherwise lose the same digits in both evaluations.
    const reference = scheduleValues(problem, F2, new D2(t))
    const k = values.findIndex((x, i) => !x.gt(0) || !reference[i].gt(0) || agree(x, reference[i], precision, false) < digits)
    if (k >= 0) return { flag: k === 0 ? 'alpha' : 'beta', t: t.toString() }
  }
  return undefined
}

/** The problem's parameters as decimals of D, from their exact text (kinv = 1/k divided at D's precision), in the compiled factories' order. */
export function parameterDecimals(problem: FlowProblem, D: DecimalConstructor): Decimal[] {
  return exactParameters(problem, (x) => new D(x))
}

/** alpha, beta at t, exact at the endpoints (as in double precision, schedule.ts). */
/** alpha(t), beta(t) over F (exact at the ends); also what solve.ts rounds near the ends. */
export function scheduleValues(problem: FlowProblem, F: Arith<Decimal>, t: Decimal): [Decimal, Decimal] {
  if (t.isZero()) return [F.num('1'), F.num('0')]
  if (t.eq(1)) return [F.num('0'), F.num('1')]
  const [a, b] = factory<Decimal>(problem.schedule.values)(F)()(t)
  return [a, b]
}

export function scheduleSlopes(problem: FlowProblem, F: Arith<Decimal>, t: Decimal): [Decimal, Decimal] {
  const [a, b] = factory<Decimal>(problem.schedule.slopes)(F)()(t)
  return [a, b]
}

/** Route 1: Taylor series; returns (M, Q_xi, P) at each t. */
function flowByTaylor(problem: FlowProblem, D: DecimalConstructor, ts: readonly string[], target: number): Decimal[][] {
  const v = variantOf(problem)
  const order = ts.map((t, i) => ({ t: new D(t), i })).sort((a, b) => a.t.cmp(b.t))
  const system = taylorSystem(problem, D)
  const x0 = v.source.initial.map((x) => new D(x))
  const { values } = taylorSolve(
    D,
    system,
    x0,
    order.map((o) => o.t),
    { digits: target },
  )
  const out: Decimal[][] = new Array(ts.length)
  order.forEach((o, k) => {
    out[o.i] = values[k]
  })
  return out
}

/** The series of den, A, G of every state at t0, from the series of the schedule. */
function taylorSystem(problem: FlowProblem, D: DecimalConstructor) {
  const v = variantOf(problem)
  const p = parameterDecimals(problem, D)
  return (t0: Decimal, N: number) => {
    const S1 = seriesArith(D, N + 1)
    const t = S1.variable(t0)
    const [a, b] = factory<Decimal | Series>(problem.schedule.values)(S1)()(t).map((x) => S1.lift(x))
    const S = seriesArith(D, N)
    const k = factory<Decimal | Series>(v.source.hp.taylor)(S)(...p)(truncate(a, N), truncate(b, N), derivative(a, D), derivative(b, D)).map((x) => S.lift(x))
    return STATES.map((_, i) => ({ den: k[3 * i], A: k[3 * i + 1], G: k[3 * i + 2] }))
  }
}

const truncate = (x: Series, N: number): Series => ({ c: x.c.slice(0, N), deg: Math.min(x.deg, N - 1) })
function derivative(x: Series, D: DecimalConstructor): Series {
  const c = x.c.slice(1).map((ck, k) => ck.times(k + 1))
  return { c: c.length ? c : [new D(0)], deg: Math.max(0, x.deg - 1) }
}

/** Route 2: integrating factor and quadrature; returns (M, Q_xi, P) at each t. */
function flowByQuadrature(problem: FlowProblem, D: DecimalConstructor, ts: readonly string[], digits: number): Decimal[][] {
  const v = variantOf(problem)
  const F = decimalArith(D)
  const p = parameterDecimals(problem, D)
  const coefficients = factory<Decimal>(v.source.hp.ode)(F)(...p)
  if (!v.source.exact.phiF) throw new Error('high precision needs the integrating factor, which the symbolic layer did not find')
  const phi = factory<Decimal>(v.source.exact.phiF)(F)(...p)
  const x0 = v.source.initial.map((x) => new D(x))
  const integrand = (s: Decimal): Decimal[] => {
    const [a, b] = scheduleValues(problem, F, s)
    const [ad, bd] = scheduleSlopes(problem, F, s)
    const k = coefficients(a, b, ad, bd)
    const [Phi] = phi(a, b)
    return STATES.flatMap((_, i) => [k[2 * i], F.div(k[2 * i + 1], Phi)])
  }
  return ts.map((text) => {
    const t = new D(text)
    if (v.source.singular && t.eq(1)) return singularLimit(problem, D)
    const values = integrate(D, integrand, t, v.source.singular, digits)
    const [a, b] = scheduleValues(problem, F, t)
    const [Phi] = phi(a, b)
    return STATES.map((_, i) => {
      const homogeneous = x0[i].isZero() ? x0[i] : x0[i].times(values[2 * i].exp())
      return homogeneous.plus(Phi.times(values[2 * i + 1]))
    })
  })
}

/**
 * int_0^t of the integrands. Near the pole at t = 1 (without skip connection) the integrands grow
 * like 1/(1 - s)^2; the interval is then cut at 1 - (1 - t) 4^j, so that on every piece the pole
 * is as far away as the piece is long and tanh-sinh converges at its usual rate.
 */
function integrate(D: DecimalConstructor, f: (s: Decimal) => Decimal[], t: Decimal, singular: boolean, digits: number): Decimal[] {
  const cuts = [new D(0)]
  if (singular) {
    const gap = new D(1).minus(t)
    const inner: Decimal[] = []
    for (let w = gap.times(4); w.lt(0.5); w = w.times(4)) inner.unshift(new D(1).minus(w))
    for (const w of inner) cuts.push(w)
  }
  cuts.push(t)
  let sum: Decimal[] | undefined
  for (let i = 1; i < cuts.length; i++) {
    const { values } = tanhSinh(D, f, cuts[i - 1], cuts[i], { digits })
    sum = sum ? sum.map((x, j) => x.plus(values[j])) : values
  }
  return sum!
}

/** X(1) at the regular singular point t = 1: den(1) = 0 forces A X + G -> 0, X(1) = -lim G/A. */
function singularLimit(problem: FlowProblem, D: DecimalConstructor): Decimal[] {
  const N = 8
  const at = taylorSystem(problem, D)(new D(1), N)
  const tiny = new D(10).pow(-(D.precision - 8))
  return at.map(({ A, G }) => {
    const j = A.c.findIndex((x) => x.abs().gt(tiny))
    if (j < 0) throw new Error('singular limit: A vanishes to high order at t = 1')
    if (G.c.slice(0, j).some((x) => x.abs().gt(tiny))) throw new Error('singular limit: the solution is unbounded at t = 1')
    return G.c[j].div(A.c[j]).neg()
  })
}

/** Observables of `flowgm stats` from the state, with the t = 0 direction limit of solve.ts. */
function observablesOf(problem: FlowProblem, D: DecimalConstructor): (t: string, y: Decimal[]) => HpRow {
  const v = variantOf(problem)
  const F = decimalArith(D)
  const p = parameterDecimals(problem, D)
  const flow = factory<Decimal>(v.source.hp.flow)(F)(...p)
  const dae = factory<Decimal>(v.source.hp.dae)(F)(...p)
  return (t, y) => {
    const values = flow(y[0], y[1], y[2])
    const row: Record<string, Decimal> = { t: new D(t) }
    STATES.forEach((k, i) => {
      row[k] = y[i]
    })
    v.source.flowKeys.forEach((k, i) => {
      row[k] = values[i]
    })
    for (const x of v.source.infinite) if (y[x.state].isZero()) row[x.key] = new D(Infinity)
    if (y[0].isZero() && y[1].isZero()) {
      const d = dae(F.num('1'), F.num('0'))
      const [m, q] = [d[1], d[2]].map((x, i) => (v.source.sourceless.includes(i) ? F.num('0') : x))
      const dir = flow(m, q, y[2])
      for (const k of v.source.directionOnly) row[k] = dir[v.source.flowKeys.indexOf(k)]
    }
    return row
  }
}
