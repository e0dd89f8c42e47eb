/**
 * Exact solutions of the flow ODE X' = a X + g (one scalar equation per state), found and
 * verified symbolically, for every schedule at once: the unknown functions of t enter only
 * through alpha, beta and their derivatives alphadot, betadot, which we treat as independent
 * symbols with d/dt alpha = alphadot, d/dt beta = betadot.
 *  1. Integrating factor Phi = prod (f / f(0))^e over the factors f(alpha, beta) of the
 *     denominator of a, with exponents e solving a = sum e f'/f identically (a linear system).
 *  2. A particular solution, a polynomial of degree <= 2 in alpha, beta with coefficients in the
 *     parameters, solving X' - a X - g = 0 identically; then X = X_p + (X(0) - X_p(0)) Phi, using
 *     alpha(0) = 1, beta(0) = 0 (docs/theory.md section 1).
 *  3. Verification by differentiation: X' - a X - g = 0 is checked exactly, with Phi' = a Phi.
 * What is not found is reported as such, with the ansatz that failed.
 */
import { FactoryBuilder, type Expr } from './codegen.js'
import { solveLinear, Unsolvable } from './linear.js'
import { polyCollect, rat, rfAdd, rfConst, rfDenominator, rfDiff, rfDiv, rfFromPoly, rfIsZero, rfMul, rfParts, rfPow, rfSub, rfSubstitute, rfVar, rfVariables, type Rat, type RF } from './rational.js'

const SCHEDULE = new Set(['alpha', 'beta', 'alphadot', 'betadot'])
const ZERO = rfConst(rat(0n))
const ONE = rfConst(rat(1n))
const AT_ZERO = new Map([
  ['alpha', ONE],
  ['beta', ZERO],
])
const AT_ONE = new Map([
  ['alpha', ZERO],
  ['beta', ONE],
])

/** d/dt of a rational function of alpha, beta and the parameters. */
export function timeDerivative(x: RF): RF {
  const vars = rfVariables(x)
  if (vars.has('alphadot') || vars.has('betadot')) throw new Error('time derivative of an expression in alphadot or betadot')
  return rfAdd(rfMul(rfDiff(x, 'alpha'), rfVar('alphadot')), rfMul(rfDiff(x, 'beta'), rfVar('betadot')))
}

/** The equations (one per monomial in the schedule symbols) that make r vanish identically. */
function identity(r: RF): RF[] {
  return [...polyCollect(rfParts(r).num, SCHEDULE).values()].map(rfFromPoly)
}

/** The value of a constant rational function, or undefined. */
export function constantValue(x: RF): Rat | undefined {
  if (rfVariables(x).size > 0) return undefined
  const { num } = rfParts(x)
  if (num.size === 0) return rat(0n)
  const d = rfParts(rfDenominator(x)).num
  const [n] = [...num.values()],
    [m] = [...d.values()]
  return rat(n.c.p * m.c.q, n.c.q * m.c.p)
}

/** Phi = prod (base / base(t = 0))^e, Phi(0) = 1. */
export interface IntegratingFactor {
  readonly powers: ReadonlyArray<{ readonly base: RF; readonly e: Rat }>
}

/** Phi with Phi' = a Phi, or why there is none of the form searched. */
export function integratingFactor(a: RF): IntegratingFactor | string {
  const { mono, factors } = rfParts(a)
  const candidates = [
    ...mono.filter(([v]) => v === 'alpha' || v === 'beta').map(([v]) => rfVar(v)),
    ...factors
      .map((f) => rfFromPoly(f.poly))
      .filter((f) => {
        const vars = rfVariables(f)
        return (vars.has('alpha') || vars.has('beta')) && !vars.has('alphadot') && !vars.has('betadot')
      }),
  ]
  const unknowns = candidates.map((_, i) => `e__${i}`)
  const logDerivative = (es: readonly RF[]) => candidates.reduce((acc, f, i) => rfAdd(acc, rfMul(es[i], rfDiv(timeDerivative(f), f))), ZERO)
  let solution: Map<string, RF>
  try {
    solution = solveLinear(identity(rfSub(a, logDerivative(unknowns.map(rfVar)))), unknowns)
  } catch (e) {
    if (e instanceof Unsolvable) return `a is not a combination of logarithmic derivatives of its denominator's factors (${e.message})`
    throw e
  }
  const es = unknowns.map((u) => constantValue(solution.get(u)!))
  if (es.some((e) => e === undefined)) return 'the exponents of the integrating factor depend on the parameters'
  if (!rfIsZero(rfSub(a, logDerivative(es.map((e) => rfConst(e!)))))) throw new Error('integrating factor failed verification')
  const powers = candidates.map((base, i) => ({ base, e: es[i]! })).filter((p) => p.e.p !== 0n)
  if (powers.some((p) => rfIsZero(rfSubstitute(p.base, AT_ZERO)))) return 'the integrating factor vanishes at t = 0'
  return { powers }
}

/** Phi^2 when it is rational (every exponent a multiple of 1/2), else undefined. */
export function squareOf(phi: IntegratingFactor, at: ReadonlyMap<string, RF> = new Map()): RF | undefined {
  let out = ONE
  for (const { base, e } of phi.powers) {
    const twice = rat(2n * e.p, e.q)
    if (twice.q !== 1n) return undefined
    out = rfMul(out, rfPow(rfDiv(rfSubstitute(base, at), rfSubstitute(base, AT_ZERO)), Number(twice.p)))
  }
  return out
}

/** A state's closed form X = particular + homogeneous * Phi. */
export interface ClosedForm {
  readonly particular: RF
  readonly homogeneous: RF
  readonly phi: IntegratingFactor
}

/** Monomials of the particular-solution ansatz. */
const BASIS: readonly RF[] = [ONE, rfVar('alpha'), rfVar('beta'), rfPow(rfVar('alpha'), 2), rfMul(rfVar('alpha'), rfVar('beta')), rfPow(rfVar('beta'), 2)]

/** The exact solution of X' = a X + g, X(0) = x0, or why it was not found. */
export function solveExactly(a: RF, g: RF, x0: Rat): ClosedForm | string {
  const phi = integratingFactor(a)
  if (typeof phi === 'string') return `no integrating factor: ${phi}`
  const unknowns = BASIS.map((_, j) => `c__${j}`)
  const ansatz = BASIS.reduce((acc, b, j) => rfAdd(acc, rfMul(rfVar(unknowns[j]), b)), ZERO)
  let coefficients: Map<string, RF>
  try {
    coefficients = solveLinear(identity(rfSub(rfSub(timeDerivative(ansatz), rfMul(a, ansatz)), g)), unknowns, { free: true })
  } catch (e) {
    if (e instanceof Unsolvable) return 'no particular solution that is a polynomial of degree <= 2 in alpha, beta'
    throw e
  }
  const particular = rfSubstitute(ansatz, coefficients)
  const homogeneous = rfSub(rfConst(x0), rfSubstitute(particular, AT_ZERO))
  const form = { particular, homogeneous, phi }
  verify(form, a, g, x0)
  return form
}

/** Differentiate the closed form (Phi' = a Phi) and check the equation and the initial value. */
function verify(f: ClosedForm, a: RF, g: RF, x0: Rat): void {
  const Phi = rfVar('Phi')
  const x = rfAdd(f.particular, rfMul(f.homogeneous, Phi))
  const dx = rfAdd(timeDerivative(f.particular), rfMul(f.homogeneous, rfMul(a, Phi)))
  if (!rfIsZero(rfSub(rfSub(dx, rfMul(a, x)), g))) throw new Error('closed form failed verification by differentiation')
  if (!rfIsZero(rfSub(rfSubstitute(x, new Map([...AT_ZERO, ['Phi', ONE]])), rfConst(x0)))) throw new Error('closed form misses the initial value')
}

/** The closed form at t = 1 as a rational function of the parameters and the symbol `Phi`. */
export function atOne(f: ClosedForm): RF {
  return rfAdd(rfSubstitute(f.particular, AT_ONE), rfMul(rfSubstitute(f.homogeneous, AT_ONE), rfVar('Phi')))
}

/** Replace Phi^2 by its rational value wherever possible (at t = 1: square given). */
export function reduceSquares(x: RF, square: RF | undefined, symbol = 'Phi'): RF {
  if (!square) return x
  const powers = polyCollect(rfParts(x).num, new Set([symbol]))
  let top = ZERO
  for (const [key, coef] of powers) {
    const k = key === '' ? 0 : key === symbol ? 1 : Number(key.slice(symbol.length + 1))
    top = rfAdd(top, rfMul(rfFromPoly(coef), rfMul(rfPow(rfVar(symbol), k % 2), rfPow(square, Math.floor(k / 2)))))
  }
  return rfDiv(top, rfDenominator(x))
}

/**
 * The first `terms` coefficients of the expansion of x in powers of 1/v as v -> infinity
 * (x must stay finite), as rational functions of the other variables; undefined if x diverges.
 */
export function expandAtInfinity(x: RF, v: string, terms: number): RF[] | undefined {
  const eps = 'eps__'
  const y = rfSubstitute(x, new Map([[v, rfDiv(ONE, rfVar(eps))]]))
  const byPower = (r: RF): RF[] => {
    const groups = polyCollect(rfParts(r).num, new Set([eps]))
    const out: RF[] = []
    for (const [key, coef] of groups) {
      const k = key === '' ? 0 : key === eps ? 1 : Number(key.slice(eps.length + 1))
      out[k] = rfFromPoly(coef)
    }
    return Array.from(out, (c) => c ?? ZERO)
  }
  let num = byPower(rfFromPoly(rfParts(y).num))
  let den = byPower(rfDenominator(y))
  while (den.length && rfIsZero(den[0])) {
    if (num.length && !rfIsZero(num[0])) return undefined
    num = num.slice(1)
    den = den.slice(1)
  }
  const out: RF[] = []
  for (let k = 0; k < terms; k++) {
    let s = num[k] ?? ZERO
    for (let j = 1; j <= k; j++) s = rfSub(s, rfMul(den[j] ?? ZERO, out[k - j]))
    out.push(rfDiv(s, den[0]))
  }
  return out
}

/** Emit Phi (for given alpha, beta) into a factory. */
export function phiExpr(b: FactoryBuilder, phi: IntegratingFactor): Expr {
  const factors: Expr[] = phi.powers.map(({ base, e }) => {
    const x: Expr = { k: 'div', a: b.rational(base), b: b.hoist(b.rational(rfSubstitute(base, AT_ZERO))) }
    if (e.q === 1n) return { k: 'powInt', a: x, e: Number(e.p) }
    if (e.q === 2n) {
      const root: Expr = b.memo({ k: 'fn', name: 'sqrt', a: x })
      return e.p === 1n ? root : { k: 'powInt', a: root, e: Number(e.p) }
    }
    return { k: 'pow', a: x, b: { k: 'rat', p: e.p, q: e.q } }
  })
  return factors.length === 0 ? { k: 'num', text: '1' } : factors.reduce((x, y) => ({ k: 'mul', a: x, b: y }))
}
