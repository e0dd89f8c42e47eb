/**
 * From the equation files to compiled double-precision code. Steps, all exact:
 *  1. solve the stationarity equations of Result A (linear in c, m, q_xi) for each variant, and
 *     check the published closed form and claims against the solution;
 *  2. inline every definition into rational functions of alpha, beta, alphadot, betadot and the
 *     parameters, which cancels the removable 1/alpha of the flow's right-hand side;
 *  3. emit JavaScript factories (see codegen.ts).
 * A failed check is an error: nothing is compiled from equations that do not hold.
 */
import { FactoryBuilder } from './codegen.js'
import { equationsHash, parseEquations, readEquationText, section, type Entry, type Section } from './eqfile.js'
import type { MathNode } from './mathjs.js'
import {
  NotRational, polyTerms, rat, rfAdd, rfConst, rfDiv, rfEqual, rfFromNode, rfIsZero, rfMul, rfPow, rfParts, rfRegularAt, rfSub, rfSubstitute, rfVar, rfVariables, type RF,
} from './rational.js'
import { compileSchedule, type ScheduleSource } from './schedule.js'

/** Model parameters, in the order the compiled factories take them. */
export const PARAMETERS = ['n', 'sigma', 'lambda', 'omega'] as const
export const SCHEDULE_SYMBOLS = ['alpha', 'beta', 'alphadot', 'betadot'] as const
export const UNKNOWNS = ['c', 'm', 'q_xi'] as const
export const STATES = ['M', 'Q_xi', 'P'] as const
export const VARIANTS = ['skip', 'noskip'] as const
export type Variant = (typeof VARIANTS)[number]

export interface VariantSource {
  /** Keys of `flowgm dae` after t, and `(params) => (alpha, beta) => values`. */
  readonly daeKeys: readonly string[]
  readonly dae: string
  /** `(params) => (alpha, beta, alphadot, betadot) => [a_M, g_M, a_Q, g_Q, a_P, g_P]` for X' = a X + g. */
  readonly ode: string
  /** Whether a or g keeps a pole at alpha = 0 (t = 1); then `odeLimit` gives alpha*a and alpha*g. */
  readonly singular: boolean
  readonly odeLimit?: string
  readonly initial: readonly number[]
  /** Keys of `flowgm stats` after t, and `(params) => (M, Q_xi, P) => values`. */
  readonly flowKeys: readonly string[]
  readonly flow: string
  /** Observables that depend on (M, Q_xi) only through their direction (homogeneous of degree 0). */
  readonly directionOnly: readonly string[]
  /**
   * DAE observables that depend on (m, q_xi) only through their direction, and the leading
   * direction of (m, q_xi) as alpha -> 0: `(params) => (beta) => [m, q_xi] / alpha^k`; with
   * `daeAsWritten`, `(params) => (alpha, beta, c, m, q_xi) => observables`, for the limit t -> 1.
   */
  readonly daeDirectionOnly: readonly string[]
  readonly daeEndDirection: string
  readonly daeAsWritten: string
  /** Result A as text, for the record (docs, closed-form listings). */
  readonly resultA: Readonly<Record<string, string>>
}

export interface ModelSource {
  readonly hash: string
  readonly schedules: readonly ScheduleSource[]
  readonly variants: Readonly<Record<Variant, VariantSource>>
}

const PARAMS = new Set<string>(PARAMETERS)

export function readModelEquations(): { schedules: Section[]; dae: Section[]; flow: Section[] } {
  return {
    schedules: parseEquations(readEquationText('schedules.eq'), 'schedules.eq', ['t']),
    dae: parseEquations(readEquationText('dae.eq'), 'dae.eq', [...PARAMETERS, 'alpha', 'beta', ...UNKNOWNS]),
    flow: parseEquations(readEquationText('flow.eq'), 'flow.eq', [...PARAMETERS, ...SCHEDULE_SYMBOLS, ...UNKNOWNS, ...STATES]),
  }
}

/** Rational functions of the entries of a section, each with the earlier ones substituted. */
function inline(entries: readonly Entry[], scope: Map<string, RF>): Map<string, RF> {
  for (const e of entries) scope.set(e.name, rfFromNode(e.node, scope))
  return scope
}

/**
 * Solve residuals = 0, linear in `unknowns`, exactly (Gaussian elimination over rational
 * functions). Throws if an equation is not linear or the system is singular.
 */
export function solveLinear(residuals: readonly RF[], unknowns: readonly string[]): Map<string, RF> {
  const zero = new Map(unknowns.map((u) => [u, rfConst(rat(0n))]))
  const rows = residuals.map((r) => {
    const b = rfSubstitute(r, zero)
    const coefs = unknowns.map((u) => rfSub(rfSubstitute(r, new Map([...zero, [u, rfConst(rat(1n))]])), b))
    const rebuilt = unknowns.reduce((acc, u, j) => rfAdd(acc, rfMul(coefs[j], rfVar(u))), b)
    if (!rfEqual(rebuilt, r)) throw new Error('stationarity equations are not linear in the unknowns')
    return [...coefs, rfSub(rfConst(rat(0n)), b)]
  })
  const n = unknowns.length
  if (rows.length !== n) throw new Error(`expected ${n} equations for ${n} unknowns, got ${rows.length}`)
  for (let col = 0; col < n; col++) {
    const pivot = rows.findIndex((row, i) => i >= col && !rfEqual(row[col], rfConst(rat(0n))))
    if (pivot < 0) throw new Error('stationarity equations are singular')
    ;[rows[col], rows[pivot]] = [rows[pivot], rows[col]]
    for (let i = 0; i < n; i++) {
      if (i === col) continue
      const f = rfDiv(rows[i][col], rows[col][col])
      rows[i] = rows[i].map((x, j) => rfSub(x, rfMul(f, rows[col][j])))
    }
  }
  return new Map(unknowns.map((u, i) => [u, rfDiv(rows[i][n], rows[i][i])]))
}

/** Result A for a variant: the rational functions c, m, q_xi, solved from the stationarity. */
export function resultA(dae: readonly Section[], variant: Variant): { defs: Map<string, RF>; solution: Map<string, RF> } {
  const defs = inline(section(dae, 'definitions').entries, new Map())
  const entries = section(dae, 'stationarity').entries
  const stationarity = entries.map((e) => rfFromNode(e.node, defs))
  if (variant === 'skip') return { defs, solution: solveLinear(stationarity, UNKNOWNS) }
  // No skip connection: c = 0 is imposed, so the c-equation is dropped and the w-equations
  // (named grad_w_*) determine m and q_xi.
  const c0 = new Map([['c', rfConst(rat(0n))]])
  const wEquations = stationarity.filter((_, i) => entries[i].name.startsWith('grad_w')).map((r) => rfSubstitute(r, c0))
  const solution = solveLinear(wEquations, ['m', 'q_xi'])
  solution.set('c', rfConst(rat(0n)))
  return { defs, solution }
}

/** Check the published solution and claims against the derived Result A (skip variant). */
export function checkPublished(dae: readonly Section[]): void {
  const { defs, solution } = resultA(dae, 'skip')
  for (const e of section(dae, 'solution').entries) {
    const derived = solution.get(e.name)
    if (!derived || !rfEqual(derived, rfFromNode(e.node, defs))) throw new Error(`dae.eq: the stated solution ${e.name} = ${e.text} does not solve the stationarity equations`)
  }
  const scope = new Map([...defs, ...solution])
  const observables = section(dae, 'observables').entries
  for (const e of section(dae, 'claims').entries) {
    const obs = observables.find((o) => o.name === e.name)
    if (!obs) throw new Error(`dae.eq: claim about unknown observable ${e.name}`)
    if (!rfEqual(rfFromNode(obs.node, scope), rfFromNode(e.node, scope))) throw new Error(`dae.eq: claim ${e.name} = ${e.text} does not follow from the equations`)
  }
}

/**
 * Compile a list of named expressions. With `exact`, rational ones are inlined into their exact
 * normal form (which cancels what the written form would cancel in floating point, e.g.
 * 1 - c beta = alpha^2 K / D); the others are compiled as written, referring to earlier names.
 */
function compileEntries(b: FactoryBuilder, entries: ReadonlyArray<{ name: string; node?: MathNode; rf?: RF }>, scope: Map<string, RF>, exact = true): void {
  for (const e of entries) {
    let rf = e.rf
    if (!rf && e.node && exact) {
      try { rf = rfFromNode(e.node, scope) } catch (err) { if (!(err instanceof NotRational)) throw err }
    }
    if (rf) {
      scope.set(e.name, rf)
      b.define(e.name, b.rational(rf))
    } else {
      b.define(e.name, b.node(e.node!))
    }
  }
}

function deriveVariant(eqs: ReturnType<typeof readModelEquations>, variant: Variant): VariantSource {
  const { defs, solution } = resultA(eqs.dae, variant)

  // DAE observables at one t.
  const dae = new FactoryBuilder(PARAMS)
  const daeScope = new Map(defs)
  compileEntries(dae, [...defs].map(([name, rf]) => ({ name, rf })), new Map())
  compileEntries(dae, UNKNOWNS.map((u) => ({ name: u, rf: solution.get(u)! })), daeScope)
  const daeObs = section(eqs.dae, 'observables').entries
  compileEntries(dae, daeObs, daeScope)
  const daeKeys = [...UNKNOWNS, ...daeObs.map((e) => e.name)]
  const asWritten = new FactoryBuilder(PARAMS)
  compileEntries(asWritten, [...defs].map(([name, rf]) => ({ name, rf })), new Map())
  compileEntries(asWritten, daeObs, new Map(), false)
  const writtenScope = new Map(defs)
  for (const e of daeObs) {
    try { writtenScope.set(e.name, rfFromNode(e.node, writtenScope)) } catch (err) { if (!(err instanceof NotRational)) throw err }
  }
  const daeDirectionOnly = daeObs.filter((e) => homogeneousZero(e.node, ['m', 'q_xi'], ['c'], writtenScope)).map((e) => e.name)
  const endB = new FactoryBuilder(PARAMS)
  const lowest = Math.min(...(['m', 'q_xi'] as const).map((u) => alphaValuation(solution.get(u)!)))
  const alphaK = rfPow(rfVar('alpha'), Number.isFinite(lowest) ? lowest : 0)
  compileEntries(endB, (['m', 'q_xi'] as const).map((u) => ({ name: u, rf: rfSubstitute(rfDiv(solution.get(u)!, alphaK), new Map([['alpha', rfConst(rat(0n))]])) })), new Map())

  // The flow: X' = a X + g for each state, with a and g exact rational functions.
  const flowDefs = inline(section(eqs.flow, 'definitions').entries, new Map([...defs, ...solution]))
  const ode = section(eqs.flow, 'ode').entries
  if (ode.map((e) => e.name).join() !== STATES.join() || ode.some((e) => !e.derivative)) throw new Error(`flow.eq: [ode] must define ${STATES.map((s) => s + "'").join(', ')} in this order`)
  const zeroStates = new Map(STATES.map((s) => [s, rfConst(rat(0n))]))
  const coefficients: Array<{ name: string; rf: RF }> = []
  for (const e of ode) {
    const rhs = rfFromNode(e.node, flowDefs)
    const g = rfSubstitute(rhs, zeroStates)
    const a = rfSub(rfSubstitute(rhs, new Map([...zeroStates, [e.name, rfConst(rat(1n))]])), g)
    if (!rfEqual(rfAdd(rfMul(a, rfVar(e.name)), g), rhs)) throw new Error(`flow.eq: ${e.name}' must be linear in ${e.name} and free of the other states`)
    coefficients.push({ name: `a_${e.name}`, rf: a }, { name: `g_${e.name}`, rf: g })
  }
  const odeB = new FactoryBuilder(PARAMS)
  compileEntries(odeB, coefficients, new Map())
  const singular = coefficients.some((x) => !rfRegularAt(x.rf, 'alpha'))
  let odeLimit: string | undefined
  if (singular) {
    // A simple pole at alpha = 0: alpha X' = (alpha a) X + alpha g, regular; at t = 1 the left
    // side vanishes and X(1) = -(alpha g)/(alpha a).
    const limB = new FactoryBuilder(PARAMS)
    const scaled = coefficients.map((x) => ({ name: x.name, rf: rfMul(rfVar('alpha'), x.rf) }))
    if (scaled.some((x) => !rfRegularAt(x.rf, 'alpha'))) throw new Error(`flow (${variant}): the singularity at alpha = 0 is worse than a simple pole`)
    compileEntries(limB, scaled, new Map())
    odeLimit = limB.source(SCHEDULE_SYMBOLS, coefficients.map((x) => x.name))
  }
  const initial = STATES.map((s) => {
    const e = section(eqs.flow, 'initial').entries.find((x) => x.name === s)
    if (!e) throw new Error(`flow.eq: no initial value for ${s}`)
    const v = rfFromNode(e.node)
    if (rfVariables(v).size > 0) throw new Error(`flow.eq: initial value of ${s} must be a number`)
    return Number(e.text)
  })

  // Flow observables, functions of the state and the parameters, compiled as written: expanding
  // them would turn omega (M - 1)^2 into a cancelling sum when M is close to 1.
  const flowB = new FactoryBuilder(PARAMS)
  const flowObs = section(eqs.flow, 'observables').entries
  compileEntries(flowB, flowObs, new Map(), false)
  const directionOnly = flowObs.filter((e) => homogeneousZero(e.node, ['M', 'Q_xi'], ['P'])).map((e) => e.name)

  return {
    daeKeys,
    dae: dae.source(['alpha', 'beta'], daeKeys),
    ode: odeB.source(SCHEDULE_SYMBOLS, coefficients.map((x) => x.name)),
    singular,
    odeLimit,
    initial,
    daeDirectionOnly,
    daeEndDirection: endB.source(['beta'], ['m', 'q_xi']),
    daeAsWritten: asWritten.source(['alpha', 'beta', ...UNKNOWNS], daeObs.map((e) => e.name)),
    flowKeys: flowObs.map((e) => e.name),
    flow: flowB.source(STATES, flowObs.map((e) => e.name)),
    directionOnly,
    resultA: Object.fromEntries(UNKNOWNS.map((u) => [u, rfText(solution.get(u)!)])),
  }
}

/**
 * Whether an observable depends on the variables `pair` only through their direction,
 * f(k x, k y) = f(x, y), and not on `others`. Decided exactly on its square, which is rational
 * for observables built from square roots of rational functions.
 */
function homogeneousZero(node: MathNode, pair: readonly string[], others: readonly string[], scope: ReadonlyMap<string, RF> = new Map()): boolean {
  const squared = squareRational(node, scope)
  if (!squared) return false
  const names = rfVariables(squared)
  if ([...names].some((n) => others.includes(n)) || ![...names].some((n) => pair.includes(n))) return false
  const scaled = new Map(pair.map((v) => [v, rfMul(rfVar('k__'), rfVar(v))]))
  return rfEqual(rfSubstitute(squared, scaled), squared)
}

/** The power of alpha dividing a rational function whose denominator is regular at alpha = 0. */
function alphaValuation(a: RF): number {
  if (rfIsZero(a)) return Infinity
  if (!rfRegularAt(a, 'alpha')) return 0
  return Math.min(...polyTerms(rfParts(a).num).map(({ mono }) => mono.find(([v]) => v === 'alpha')?.[1] ?? 0))
}

/** The square of an expression whose only non-rational parts are square roots, as a rational function. */
function squareRational(node: MathNode, scope: ReadonlyMap<string, RF>): RF | undefined {
  const n = node as MathNode & Record<string, unknown>
  try {
    const x = rfFromNode(node, scope)
    return rfMul(x, x)
  } catch (e) {
    if (!(e instanceof NotRational)) throw e
  }
  if (node.type === 'ParenthesisNode') return squareRational(n.content as MathNode, scope)
  if (node.type === 'FunctionNode' && (n.fn as unknown as { name: string }).name === 'sqrt') return rfFromNode((n.args as MathNode[])[0], scope)
  if (node.type === 'OperatorNode' && (n.fn === 'multiply' || n.fn === 'divide')) {
    const [a, b] = (n.args as MathNode[]).map((x) => squareRational(x, scope))
    if (!a || !b) return undefined
    return n.fn === 'multiply' ? rfMul(a, b) : rfDiv(a, b)
  }
  return undefined
}

/** Plain text of a rational function (for listings). */
export function rfText(a: RF): string {
  const polyText = (p: ReturnType<typeof rfParts>['num']): string => {
    const terms = polyTerms(p).map(({ mono, c }) => {
      const coef = c.q === 1n ? `${c.p}` : `${c.p}/${c.q}`
      const vars = mono.map(([v, e]) => (e === 1 ? v : `${v}^${e}`))
      if (vars.length === 0) return coef
      return coef === '1' ? vars.join('*') : coef === '-1' ? `-${vars.join('*')}` : `${coef}*${vars.join('*')}`
    })
    return terms.length ? terms.join(' + ').replace(/\+ -/g, '- ') : '0'
  }
  const { num, mono, factors } = rfParts(a)
  const den = [...mono.map(([v, e]) => (e === 1 ? v : `${v}^${e}`)), ...factors.map(({ poly, k }) => (k === 1 ? `(${polyText(poly)})` : `(${polyText(poly)})^${k}`))]
  return den.length ? `(${polyText(num)}) / (${den.join('*')})` : polyText(num)
}

/** Derive and compile the whole model from equations/. */
export function deriveModel(): ModelSource {
  const eqs = readModelEquations()
  checkPublished(eqs.dae)
  const schedules = eqs.schedules.filter((s) => s.kind === 'schedule').map((s) => {
    const get = (name: string) => {
      const e = s.entries.find((x) => x.name === name)
      if (!e) throw new Error(`schedules.eq: schedule ${s.name} has no ${name}`)
      return e.text
    }
    return compileSchedule(s.name, get('alpha'), get('beta'))
  })
  return {
    hash: equationsHash(),
    schedules,
    variants: { skip: deriveVariant(eqs, 'skip'), noskip: deriveVariant(eqs, 'noskip') },
  }
}
