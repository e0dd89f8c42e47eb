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
import { equationsHash, parseEquations, readEquationText, section, type Entry, type EquationFile, type Section } from './eqfile.js'
import { checkMeaning, type Checked } from './meaning.js'
import type { MathNode } from './mathjs.js'
import {
  NotRational,
  polyTerms,
  rat,
  ratFromNumber,
  rfAdd,
  rfDenominator,
  rfConst,
  rfDiv,
  rfEqual,
  rfFromNode,
  rfIsZero,
  rfMul,
  rfPow,
  rfParts,
  rfRegularAt,
  rfSub,
  rfSubstitute,
  rfVar,
  rfVariables,
  type Rat,
  type RF,
} from './rational.js'
import { atOne, expandAtInfinity, phiExpr, reduceSquares, solveExactly, squareOf, type ClosedForm } from './exact.js'
import { solveLinear } from './linear.js'
import { rfText as rfTextOf, type NamedPoly } from './text.js'
import { compileSchedule, treeOf, type ScheduleSource } from './schedule.js'
import { minOf } from '../extent.js'

import { PARAMETERS, SCHEDULE_SYMBOLS, STATES, UNKNOWNS, VARIANTS, type Variant } from './names.js'

export { PARAMETERS, SCHEDULE_SYMBOLS, STATES, UNKNOWNS, VARIANTS, type Variant } from './names.js'

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
  /** Indices of the states whose source vanishes (fresh noise at every t: Q_xi); they stay 0, whatever their direction limit at t = 0. */
  readonly sourceless: readonly number[]
  /** Keys of `flowgm stats` after t, and `(params) => (M, Q_xi, P) => values`. */
  readonly flowKeys: readonly string[]
  readonly flow: string
  /** Observables that depend on (M, Q_xi) only through their direction (homogeneous of degree 0). */
  readonly directionOnly: readonly string[]
  /** Observables that are infinite where a state vanishes (flow.eq [infinite]): key and state index. */
  readonly infinite: ReadonlyArray<{ readonly key: string; readonly state: number }>
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
  /** The same factories over an arithmetic object F (src/hp/arith.ts), `(F) => ...`. */
  readonly hp: {
    readonly dae: string
    readonly daeEndDirection: string
    readonly daeAsWritten: string
    readonly ode: string
    readonly flow: string
    /** Result A and the DAE observables as written in dae.eq (the published solution with skip). */
    readonly daeWritten: string
    /** `(F) => (params) => (alpha, beta, alphadot, betadot) => [den, A, G] per state`: den X' = A X + G, all polynomials. */
    readonly taylor: string
  }
  readonly exact: ExactSource
  /**
   * The exact solutions at kinv = 1 (one draw per sample) and kinv = 0 (infinitely many); in the
   * general variants only (those of ModelSource.variants).
   */
  readonly exactOne?: ExactSource
  readonly exactInfinite?: ExactSource
}

/** Exact solutions found by src/symbolic/exact.ts, as text and as code. */
export interface ExactSource {
  /** Per state, the closed form in alpha, beta, the parameters and Phi, or why none was found. */
  readonly states: ReadonlyArray<{ readonly name: string; readonly text?: string; readonly reason?: string }>
  /** Definitions the texts use by name (K, Lambda, D of dae.eq), as written there. */
  readonly definitions: ReadonlyArray<{ readonly name: string; readonly text: string }>
  /** The integrating factor Phi (shared by the states), as text. */
  readonly phi?: string
  /** Names of the states found, and `(params) => (alpha, beta) => their values` (double and F). */
  readonly found: readonly string[]
  readonly values: string
  readonly valuesF: string
  /** `(F) => (params) => (alpha, beta) => [Phi]`, when an integrating factor was found. */
  readonly phiF?: string
  /** DAE quantities (Result A and its observables) in exact normal form; `squared` gives x^2. */
  readonly dae: ReadonlyArray<{ readonly name: string; readonly text: string; readonly squared: boolean }>
  /** mse at t = 1 as a function of the parameters, and `(F) => (params) => () => [mse]`. */
  readonly mse1?: { readonly text: string; readonly source: string }
  readonly mse1Reason?: string
  /**
   * n mse(n) = C + C1/n + ... and n bo_mse(n) = C_bo + C_bo1/n + ..., ratio = C/C_bo, as text and
   * `(F) => (params) => () => [C, C1, C_bo, C_bo1, ratio]`.
   */
  readonly rate?: { readonly text: Readonly<Record<string, string>>; readonly keys: readonly string[]; readonly source: string; readonly distanceReason?: string }
  readonly rateReason?: string
}

export interface ModelSource {
  readonly hash: string
  readonly schedules: readonly ScheduleSource[]
  readonly variants: Readonly<Record<Variant, VariantSource>>
  /**
   * The same derived with kinv = 1 substituted before anything is compiled (one draw per sample,
   * the published model): the general forms evaluated at kinv = 1 round where these cancel exactly
   * in the symbols (the margin at omega = 1e-30 printed 0), and these keep every output of one draw
   * as it was before k draws existed.
   */
  readonly oneDraw: Readonly<Record<Variant, VariantSource>>
  /** Fresh noise at every t (flow.eq [ode per-time]), in general and at one draw. */
  readonly perTime: Readonly<Record<Variant, VariantSource>>
  readonly perTimeOne: Readonly<Record<Variant, VariantSource>>
  /**
   * The baselines of baselines.eq: their keys, `source` = `(F) => (params) => () => values` over an
   * Arith F, and `double` = `(params) => () => values` in double precision.
   */
  readonly baselines: { readonly keys: readonly string[]; readonly source: string; readonly double: string }
}

const PARAMS = new Set<string>(PARAMETERS)
/** What flow.eq's [rate] may use besides the parameters: C and the series of M(1) and P(1)^2 in 1/n. */
const RATE_SYMBOLS = ['C', 'M_inf', 'M_1', 'P2_inf']

/** The equation files parsed; `texts` replaces a file's text (how tests plant a wrong equation). */
export function readModelEquations(texts: Partial<Record<EquationFile, string>> = {}): { schedules: Section[]; dae: Section[]; flow: Section[]; baselines: Section[] } {
  const text = (file: EquationFile) => texts[file] ?? readEquationText(file)
  return {
    baselines: parseEquations(text('baselines.eq'), 'baselines.eq', ['n', 'sigma', 'omega']),
    schedules: parseEquations(text('schedules.eq'), 'schedules.eq', ['t']),
    dae: parseEquations(text('dae.eq'), 'dae.eq', [...PARAMETERS, 'alpha', 'beta', ...UNKNOWNS]),
    flow: parseEquations(text('flow.eq'), 'flow.eq', [...PARAMETERS, ...SCHEDULE_SYMBOLS, ...UNKNOWNS, ...STATES, ...RATE_SYMBOLS]),
  }
}

/**
 * Every check of the equations that compiles nothing: the published Result A and claims, the
 * baselines' claims, and that each observable of dae.eq, flow.eq and baselines.eq is what its
 * [meaning] says (src/symbolic/meaning.ts). Returns how each observable was decided.
 */
export function checkEquations(eqs: ReturnType<typeof readModelEquations>): Checked[] {
  const checked = (['dae', 'flow', 'baselines'] as const).flatMap((f) => checkMeaning(eqs[f], `${f}.eq`))
  checkPublished(eqs.dae)
  checkBaselineClaims(eqs.baselines)
  return checked
}

/** Rational functions of the entries of a section, each with the earlier ones substituted. */
function inline(entries: readonly Entry[], scope: Map<string, RF>): Map<string, RF> {
  for (const e of entries) scope.set(e.name, rfFromNode(e.node, scope))
  return scope
}

/**
 * Result A for a variant: the rational functions c, m, q_xi, solved from the stationarity;
 * `fixed`: parameters given a value before anything is read (kinv = 1 at one draw), so that the
 * solution is derived, and normalised, as if the files had been written with that value.
 */
export function resultA(dae: readonly Section[], variant: Variant, fixed: ReadonlyMap<string, RF> = new Map()): { defs: Map<string, RF>; solution: Map<string, RF> } {
  const scope = inline(section(dae, 'definitions').entries, new Map(fixed))
  const defs = new Map([...scope].filter(([name]) => !fixed.has(name)))
  const entries = section(dae, 'stationarity').entries
  const stationarity = entries.map((e) => rfFromNode(e.node, scope))
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
 * Check the claims of baselines.eq: each observable equals its claimed (cancelling) definition.
 * An observable sqrt(r) with r rational stands for itself, its square reduced to r, so the two
 * sides are compared exactly in the rational functions extended by those square roots.
 */
export function checkBaselineClaims(baselines: readonly Section[]): void {
  const scope = new Map<string, RF>()
  const squares = new Map<string, RF>()
  const observables = section(baselines, 'observables').entries
  for (const e of observables) {
    const root = squareRoot(e.node, scope)
    if (root) squares.set(e.name, root)
    scope.set(e.name, root ? rfVar(e.name) : rfFromNode(e.node, scope))
  }
  for (const e of section(baselines, 'claims').entries) {
    if (!observables.some((o) => o.name === e.name)) throw new Error(`baselines.eq: claim about unknown observable ${e.name}`)
    let difference = rfSub(scope.get(e.name)!, rfFromNode(e.node, scope))
    for (const [name, square] of squares) difference = reduceSquares(difference, square, name)
    if (!rfIsZero(difference)) throw new Error(`baselines.eq: ${e.name} as written is not ${e.text}`)
  }
}

/** r for a node sqrt(r) with r rational in the scope, else undefined. */
function squareRoot(node: MathNode, scope: ReadonlyMap<string, RF>): RF | undefined {
  const n = node as MathNode & Record<string, unknown>
  if (node.type !== 'FunctionNode' || (n.fn as unknown as { name: string }).name !== 'sqrt') return undefined
  return rfFromNode((n.args as MathNode[])[0], scope)
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
      try {
        rf = rfFromNode(e.node, scope)
      } catch (err) {
        if (!(err instanceof NotRational)) throw err
      }
    }
    if (rf) {
      scope.set(e.name, rf)
      b.define(e.name, b.rational(rf))
    } else {
      b.define(e.name, b.node(e.node!))
    }
  }
}

/**
 * One variant of the model: with or without skip connection; `oneDraw`: kinv = 1 substituted before
 * anything is compiled; `perTime`: fresh noise at every t, the ODE as flow.eq's [ode per-time]
 * rewrites it (states whose source vanishes).
 */
function deriveVariant(eqs: ReturnType<typeof readModelEquations>, variant: Variant, { oneDraw = false, perTime = false } = {}): VariantSource {
  // One draw: kinv = 1 before anything is read, in Result A and in the observables' own kinv (w_norm2, margin).
  const fixed = new Map<string, RF>(oneDraw ? [['kinv', rfConst(rat(1n))]] : [])
  const { defs, solution } = resultA(eqs.dae, variant, fixed)

  // DAE observables at one t.
  const dae = new FactoryBuilder(PARAMS)
  const daeScope = new Map([...fixed, ...defs])
  compileEntries(
    dae,
    [...defs].map(([name, rf]) => ({ name, rf })),
    new Map(),
  )
  compileEntries(
    dae,
    UNKNOWNS.map((u) => ({ name: u, rf: solution.get(u)! })),
    daeScope,
  )
  const daeObs = section(eqs.dae, 'observables').entries
  compileEntries(dae, daeObs, daeScope)
  const daeKeys = [...UNKNOWNS, ...daeObs.map((e) => e.name)]
  const asWritten = new FactoryBuilder(PARAMS)
  compileEntries(
    asWritten,
    [...defs].map(([name, rf]) => ({ name, rf })),
    new Map(),
  )
  compileEntries(asWritten, daeObs, new Map(), false)
  const writtenScope = new Map(defs)
  for (const e of daeObs) {
    try {
      writtenScope.set(e.name, rfFromNode(e.node, writtenScope))
    } catch (err) {
      if (!(err instanceof NotRational)) throw err
    }
  }
  const daeDirectionOnly = daeObs.filter((e) => homogeneousZero(e.node, ['m', 'q_xi'], ['c'], writtenScope)).map((e) => e.name)
  const endB = new FactoryBuilder(PARAMS)
  const lowest = minOf((['m', 'q_xi'] as const).map((u) => alphaValuation(solution.get(u)!)))
  const alphaK = rfPow(rfVar('alpha'), Number.isFinite(lowest) ? lowest : 0)
  compileEntries(
    endB,
    (['m', 'q_xi'] as const).map((u) => ({ name: u, rf: rfSubstitute(rfDiv(solution.get(u)!, alphaK), new Map([['alpha', rfConst(rat(0n))]])) })),
    new Map(),
  )

  // The flow: X' = a X + g for each state, with a and g exact rational functions.
  const flowDefs = inline(section(eqs.flow, 'definitions').entries, new Map([...defs, ...solution]))
  const rewritten = perTime ? section(eqs.flow, 'ode', 'per-time').entries : []
  if (rewritten.some((e) => !e.derivative || !(STATES as readonly string[]).includes(e.name))) throw new Error(`flow.eq: [ode per-time] may only rewrite ${STATES.map((s) => s + "'").join(', ')}`)
  const ode = section(eqs.flow, 'ode').entries.map((e) => rewritten.find((r) => r.name === e.name) ?? e)
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
    odeLimit = limB.source(
      SCHEDULE_SYMBOLS,
      coefficients.map((x) => x.name),
    )
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
  const infinite = section(eqs.flow, 'infinite').entries.map((e) => {
    const state = STATES.indexOf(e.text.trim() as (typeof STATES)[number])
    if (state < 0 || !flowObs.some((o) => o.name === e.name)) throw new Error(`flow.eq: [infinite] ${e.name} = ${e.text} must name an observable and a state`)
    return { key: e.name, state }
  })

  // The Taylor-series integrator takes each equation over a common denominator, den X' = A X + G,
  // with polynomials den, A, G (den = alpha without skip connection: t = 1 is a regular singular point).
  const taylorB = new FactoryBuilder(PARAMS)
  const taylorKeys: string[] = []
  STATES.forEach((state, i) => {
    const form = overCommonDenominator(coefficients[2 * i].rf, coefficients[2 * i + 1].rf)
    compileEntries(
      taylorB,
      (['den', 'A', 'G'] as const).map((k) => ({ name: `${k}_${state}`, rf: form[k] })),
      new Map(),
    )
    taylorKeys.push(`den_${state}`, `A_${state}`, `G_${state}`)
  })
  const initialRats = initial.map((x) => ratFromNumber(x))
  // Listings name the definitions of dae.eq (largest first) and cancel Result A's denominator factors.
  const known: NamedPoly[] = [
    ...[...defs].reverse().map(([name, rf]) => ({ name, poly: rfParts(rf).num })),
    ...UNKNOWNS.flatMap((u) => rfParts(solution.get(u)!).factors.map((f) => ({ poly: f.poly }))),
  ]
  const rfText = (x: RF) => rfTextOf(x, known)
  const daeExact = daeObs.map((e) => {
    const rf = daeScope.get(e.name)
    if (rf) return { name: e.name, text: rfText(rf), squared: false }
    const sq = squareRational(e.node, daeScope)
    if (!sq) throw new Error(`dae.eq: observable ${e.name} is neither rational nor the square root of a rational function`)
    return { name: e.name, text: rfText(sq), squared: true }
  })
  const exact = deriveExact(
    eqs,
    coefficients,
    initialRats,
    rfText,
    section(eqs.dae, 'definitions').entries.map((e) => ({ name: e.name, text: e.text })),
    [...UNKNOWNS.map((u) => ({ name: u, text: rfText(solution.get(u)!), squared: false })), ...daeExact],
  )
  // The same at one draw per sample (kinv = 1) and in the limit of infinitely many (kinv = 0): the
  // listings and the rate's expressions print without kinv there (one draw: as before it existed).
  const exactAt = (value: RF): ExactSource => {
    const sub = (x: RF) => rfSubstitute(x, new Map([['kinv', value]]))
    const subDefs = [...defs].map(([name, rf]) => ({ name, rf: sub(rf) }))
    const knownAt: NamedPoly[] = [
      ...[...subDefs].reverse().map(({ name, rf }) => ({ name, poly: rfParts(rf).num })),
      ...UNKNOWNS.flatMap((u) => rfParts(sub(solution.get(u)!)).factors.map((f) => ({ poly: f.poly }))),
    ]
    const textAt = (x: RF) => rfTextOf(x, knownAt)
    const daeAt = daeObs.map((e) => {
      const rf = daeScope.get(e.name)
      if (rf) return { name: e.name, text: textAt(sub(rf)), squared: false }
      return { name: e.name, text: textAt(sub(squareRational(e.node, daeScope)!)), squared: true }
    })
    // The definitions as dae.eq writes them (in kinv, whose value the listing states).
    return deriveExact(
      eqs,
      coefficients.map((c) => ({ ...c, rf: sub(c.rf) })),
      initialRats,
      textAt,
      section(eqs.dae, 'definitions').entries.map((e) => ({ name: e.name, text: e.text })),
      [...UNKNOWNS.map((u) => ({ name: u, text: textAt(sub(solution.get(u)!)), squared: false })), ...daeAt],
      sub,
    )
  }
  const exactOne = oneDraw ? undefined : exactAt(rfConst(rat(1n)))
  const exactInfinite = oneDraw ? undefined : exactAt(rfConst(rat(0n)))

  // The DAE as written in dae.eq (published solution, observables unsimplified): the second route
  // of high-precision evaluation.
  const written = new FactoryBuilder(PARAMS)
  compileEntries(written, section(eqs.dae, 'definitions').entries, new Map(), false)
  if (variant === 'skip') compileEntries(written, section(eqs.dae, 'solution').entries, new Map(), false)
  else
    compileEntries(
      written,
      UNKNOWNS.map((u) => ({ name: u, rf: solution.get(u)! })),
      new Map(),
    )
  compileEntries(written, daeObs, new Map(), false)

  return {
    hp: {
      daeWritten: written.source(['alpha', 'beta'], daeKeys, 'functional'),
      dae: dae.source(['alpha', 'beta'], daeKeys, 'functional'),
      daeEndDirection: endB.source(['beta'], ['m', 'q_xi'], 'functional'),
      daeAsWritten: asWritten.source(
        ['alpha', 'beta', ...UNKNOWNS],
        daeObs.map((e) => e.name),
        'functional',
      ),
      ode: odeB.source(
        SCHEDULE_SYMBOLS,
        coefficients.map((x) => x.name),
        'functional',
      ),
      flow: flowB.source(
        STATES,
        flowObs.map((e) => e.name),
        'functional',
      ),
      taylor: taylorB.source(SCHEDULE_SYMBOLS, taylorKeys, 'functional'),
    },
    exact,
    exactOne,
    exactInfinite,
    daeKeys,
    dae: dae.source(['alpha', 'beta'], daeKeys),
    ode: odeB.source(
      SCHEDULE_SYMBOLS,
      coefficients.map((x) => x.name),
    ),
    singular,
    odeLimit,
    initial,
    sourceless: STATES.flatMap((_, i) => (rfIsZero(coefficients[2 * i + 1].rf) ? [i] : [])),
    daeDirectionOnly,
    daeEndDirection: endB.source(['beta'], ['m', 'q_xi']),
    daeAsWritten: asWritten.source(
      ['alpha', 'beta', ...UNKNOWNS],
      daeObs.map((e) => e.name),
    ),
    flowKeys: flowObs.map((e) => e.name),
    flow: flowB.source(
      STATES,
      flowObs.map((e) => e.name),
    ),
    directionOnly,
    infinite,
    resultA: Object.fromEntries(UNKNOWNS.map((u) => [u, rfText(solution.get(u)!)])),
  }
}

function phiSource(form: ClosedForm): string {
  const b = new FactoryBuilder(PARAMS)
  b.define('Phi', phiExpr(b, form.phi))
  return b.source(['alpha', 'beta'], ['Phi'], 'functional')
}

/** a X + g over the common denominator of a and g: den X' = A X + G with polynomials den, A, G. */
function overCommonDenominator(a: RF, g: RF): { den: RF; A: RF; G: RF } {
  const den = rfDenominator(rfAdd(a, rfMul(rfVar('z__'), g)))
  const A = rfMul(a, den),
    G = rfMul(g, den)
  if ([A, G].some((x) => rfVariables(rfDenominator(x)).size > 0)) throw new Error('common denominator is not one')
  return { den, A, G }
}

/** Exact solutions of the flow, mse at t = 1 and the rate constants (src/symbolic/exact.ts). */
function deriveExact(
  eqs: ReturnType<typeof readModelEquations>,
  coefficients: ReadonlyArray<{ rf: RF }>,
  initial: readonly Rat[],
  rfText: (x: RF) => string,
  definitions: ExactSource['definitions'],
  dae: ExactSource['dae'],
  /** Applied to what is read from flow.eq's observables (a parameter fixed, as kinv at one draw). */
  fix: (x: RF) => RF = (x) => x,
): ExactSource {
  const forms = STATES.map((name, i) => ({ name, form: solveExactly(coefficients[2 * i].rf, coefficients[2 * i + 1].rf, initial[i]) }))
  const phiText = (f: ClosedForm) =>
    f.phi.powers
      .map(({ base, e }) => {
        const ratio = `(${rfText(base)}) / (${rfText(
          rfSubstitute(
            base,
            new Map([
              ['alpha', rfConst(rat(1n))],
              ['beta', rfConst(rat(0n))],
            ]),
          ),
        )})`
        return e.q === 1n && e.p === 1n ? `(${ratio})` : e.q === 2n && e.p === 1n ? `sqrt(${ratio})` : `(${ratio})^(${e.p}/${e.q})`
      })
      .join(' * ') || '1'
  const found = forms.filter((x): x is { name: (typeof STATES)[number]; form: ClosedForm } => typeof x.form !== 'string')
  // The same Phi may come out of different factorisations (a parameter factor cancels in the ratio
  // to Phi(0)); compare squares, and print the shortest.
  const same = (x: ClosedForm, y: ClosedForm) => {
    const [sx, sy] = [squareOf(x.phi), squareOf(y.phi)]
    return sx && sy ? rfEqual(sx, sy) : phiText(x) === phiText(y)
  }
  if (found.some((x) => !same(x.form, found[0].form))) throw new Error('states with different integrating factors are not supported')
  const phis = found.map((x) => phiText(x.form)).sort((x, y) => x.length - y.length)
  const b = new FactoryBuilder(PARAMS)
  for (const { name, form } of found) {
    const phi = phiExpr(b, form.phi)
    b.define(name, { k: 'add', a: b.rational(form.particular), b: { k: 'mul', a: b.rational(form.homogeneous), b: phi } })
  }
  const formText = (f: ClosedForm) => [rfIsZero(f.particular) ? '' : rfText(f.particular), rfIsZero(f.homogeneous) ? '' : `(${rfText(f.homogeneous)}) * Phi`].filter(Boolean).join(' + ') || '0'
  const out: { -readonly [K in keyof ExactSource]: ExactSource[K] } = {
    states: forms.map(({ name, form }) => (typeof form === 'string' ? { name, reason: form } : { name, text: formText(form) })),
    phi: phis[0],
    found: found.map((x) => x.name),
    definitions,
    values: b.source(
      ['alpha', 'beta'],
      found.map((x) => x.name),
    ),
    phiF: found.length ? phiSource(found[0].form) : undefined,
    valuesF: b.source(
      ['alpha', 'beta'],
      found.map((x) => x.name),
      'functional',
    ),
    dae,
  }

  // mse at t = 1, where Phi(1)^2 is rational when Phi is a product of square roots.
  const byName = new Map(found.map((x) => [x.name, x.form]))
  const mseEntry = section(eqs.flow, 'observables').entries.find((e) => e.name === 'mse')
  const needed = STATES.filter((s) => mseEntry && new RegExp(`\\b${s}\\b`).test(mseEntry.text))
  if (!mseEntry || needed.some((s) => !byName.has(s))) {
    out.mse1Reason = 'mse depends on a state without a closed form'
    return out
  }
  const form0 = byName.get(needed[0])!
  const scope = new Map(needed.map((s) => [s, atOne(byName.get(s)!)] as [string, RF]))
  const mse1 = reduceSquares(
    fix(rfFromNode(mseEntry.node, scope)),
    squareOf(
      form0.phi,
      new Map([
        ['alpha', rfConst(rat(0n))],
        ['beta', rfConst(rat(1n))],
      ]),
    ),
  )
  if (rfVariables(mse1).has('Phi')) {
    out.mse1Reason = 'mse at t = 1 keeps the irrational value of Phi(1)'
    return out
  }
  const mb = new FactoryBuilder(PARAMS)
  mb.define('mse', mb.rational(mse1))
  out.mse1 = { text: rfText(mse1), source: mb.source([], ['mse'], 'functional') }

  // The rate: n mse(n) and n bo_mse(n) expanded in 1/n.
  const bo = section(eqs.baselines, 'observables').entries.find((e) => e.name === 'bo_mse')
  const n = rfVar('n')
  const flow = expandAtInfinity(rfMul(n, mse1), 'n', 2)
  const best = bo ? expandAtInfinity(rfMul(n, rfFromNode(bo.node)), 'n', 2) : undefined
  if (!flow || !best) {
    out.rateReason = !flow ? 'n mse(n) diverges as n -> infinity' : 'n bo_mse(n) diverges as n -> infinity'
    return out
  }
  const rate: Record<string, RF> = { C: flow[0], C1: flow[1], C_bo: best[0], C_bo1: best[1], ratio: rfDiv(flow[0], best[0]) }
  const rb = new FactoryBuilder(PARAMS)
  for (const [k, v] of Object.entries(rate)) rb.define(k, rb.rational(v))
  const distances = distanceRates(eqs, byName, form0, rb, rfText, rate.C)
  const keys = [...Object.keys(rate), ...distances.keys]
  out.rate = {
    text: { ...Object.fromEntries(Object.entries(rate).map(([k, v]) => [k, rfText(v)])), ...distances.text },
    keys,
    source: rb.source([], keys, 'functional'),
    ...(distances.reason ? { distanceReason: distances.reason } : {}),
  }
  return out
}

/**
 * The 1/n constants of the distances (flow.eq [rate]) on the builder `rb`, which defines C: from the
 * series of M(1) and P(1)^2 in 1/n, once what [rate] assumes of P(1) is checked (its comment).
 */
function distanceRates(
  eqs: ReturnType<typeof readModelEquations>,
  byName: ReadonlyMap<string, ClosedForm>,
  form0: ClosedForm,
  rb: FactoryBuilder,
  rfText: (x: RF) => string,
  C: RF,
): { keys: string[]; text: Record<string, string>; reason?: string } {
  const none = (reason: string) => ({ keys: [], text: {}, reason })
  const phi1 = squareOf(
    form0.phi,
    new Map([
      ['alpha', rfConst(rat(0n))],
      ['beta', rfConst(rat(1n))],
    ]),
  )
  const [M, P] = (['M', 'P'] as const).map((s) => byName.get(s))
  if (!M || !P) return none('M or P has no closed form')
  const m1 = reduceSquares(atOne(M), phi1)
  const p1 = reduceSquares(rfMul(atOne(P), atOne(P)), phi1)
  if (rfVariables(m1).has('Phi') || rfVariables(p1).has('Phi')) return none('M(1) or P(1)^2 keeps the irrational value of Phi(1)')
  const mSeries = expandAtInfinity(m1, 'n', 2)
  const pSeries = expandAtInfinity(p1, 'n', 1)
  if (!mSeries || !pSeries) return none('M(1) or P(1)^2 diverges as n -> infinity')
  const sigma2 = rfMul(rfVar('sigma'), rfVar('sigma'))
  const spread = rfEqual(pSeries[0], sigma2)
  if (!spread && !rfIsZero(p1)) return none('P(1)^2 tends neither to sigma^2 nor is 0: (|P| - sigma)^2 may add to the 1/n term')
  const weight = section(eqs.flow, 'observables').entries.find((e) => e.name === 'weight_error')
  if (!weight) throw new Error('flow.eq: [rate] needs the observable weight_error')
  rb.define('weight_error', rb.node(weight.node))
  const series = [
    ['M_inf', mSeries[0]],
    ['M_1', mSeries[1]],
    ['P2_inf', pSeries[0]],
  ] as const
  for (const [k, v] of series) rb.define(k, rb.rational(v))
  // The printed relation in the parameters alone: the series, C and weight_error written out.
  const values = new Map<string, string>([...series.map(([k, v]) => [k, rfText(v)] as [string, string]), ['C', rfText(C)], ['weight_error', weight.text]])
  const spelled = (text: string) => text.replace(/\b(M_inf|M_1|P2_inf|C|weight_error)\b/g, (name) => `(${values.get(name)})`)
  const entries = section(eqs.flow, 'rate').entries.filter((e) => spread || !e.name.endsWith('_kl'))
  for (const e of entries) rb.define(e.name, rb.node(e.node))
  return {
    keys: entries.map((e) => e.name),
    text: Object.fromEntries(entries.map((e) => [e.name, spelled(e.text)])),
    ...(spread ? {} : { reason: 'C_kl: kl is infinite at t = 1 (P(1) = 0)' }),
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
  return minOf(polyTerms(rfParts(a).num).map(({ mono }) => mono.find(([v]) => v === 'alpha')?.[1] ?? 0))
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

/** Derive and compile the whole model from equations/ (`texts` in place of files, as in readModelEquations). */
export function deriveModel(texts: Partial<Record<EquationFile, string>> = {}): ModelSource {
  const eqs = readModelEquations(texts)
  checkEquations(eqs)
  const schedules = eqs.schedules
    .filter((s) => s.kind === 'schedule')
    .map((s) => {
      const get = (name: string) => {
        const e = s.entries.find((x) => x.name === name)
        if (!e) throw new Error(`schedules.eq: schedule ${s.name} has no ${name}`)
        return e
      }
      const [alpha, beta] = [get('alpha'), get('beta')]
      return { ...compileSchedule(s.name, alpha.text, beta.text), trees: [treeOf(alpha.node), treeOf(beta.node)] as const }
    })
  const baselines = new FactoryBuilder(PARAMS)
  const baselineObs = section(eqs.baselines, 'observables').entries
  compileEntries(baselines, baselineObs, new Map(), false)
  const baselineKeys = baselineObs.map((e) => e.name)
  return {
    hash: equationsHash(texts),
    schedules,
    variants: { skip: deriveVariant(eqs, 'skip'), noskip: deriveVariant(eqs, 'noskip') },
    oneDraw: { skip: deriveVariant(eqs, 'skip', { oneDraw: true }), noskip: deriveVariant(eqs, 'noskip', { oneDraw: true }) },
    perTime: { skip: deriveVariant(eqs, 'skip', { perTime: true }), noskip: deriveVariant(eqs, 'noskip', { perTime: true }) },
    perTimeOne: { skip: deriveVariant(eqs, 'skip', { perTime: true, oneDraw: true }), noskip: deriveVariant(eqs, 'noskip', { perTime: true, oneDraw: true }) },
    baselines: { keys: baselineKeys, source: baselines.source([], baselineKeys, 'functional'), double: baselines.source([], baselineKeys) },
  }
}
