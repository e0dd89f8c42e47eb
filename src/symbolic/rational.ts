/**
 * Exact rational functions in several variables: polynomials with BigInt-rational coefficients,
 * over a denominator kept as a monomial times a product of irreducible-looking polynomial factors.
 *
 * This is the small computer-algebra kernel the symbolic layer needs and general CAS packages do
 * not give reliably: exact cancellation (so that 1 - c beta becomes alpha^2 K / D with no
 * floating-point cancellation left) and removal of the removable 1/alpha singularity of the flow.
 * Everything is exact; equality of two rational functions is decided, not sampled.
 */
import type { MathNode } from './mathjs.js'

// ---------------------------------------------------------------- rationals

export interface Rat {
  readonly p: bigint
  readonly q: bigint
}

const babs = (x: bigint): bigint => (x < 0n ? -x : x)
function bgcd(a: bigint, b: bigint): bigint {
  a = babs(a)
  b = babs(b)
  while (b) [a, b] = [b, a % b]
  return a
}
export function rat(p: bigint, q = 1n): Rat {
  if (q === 0n) throw new Error('rational with zero denominator')
  if (q < 0n) {
    p = -p
    q = -q
  }
  const g = bgcd(p, q) || 1n
  return { p: p / g, q: q / g }
}
const radd = (a: Rat, b: Rat): Rat => rat(a.p * b.q + b.p * a.q, a.q * b.q)
const rmul = (a: Rat, b: Rat): Rat => rat(a.p * b.p, a.q * b.q)
const rdiv = (a: Rat, b: Rat): Rat => rat(a.p * b.q, a.q * b.p)

/** Exact rational value of a finite double, through its shortest decimal representation. */
export function ratFromNumber(x: number): Rat {
  if (!Number.isFinite(x)) throw new Error(`not a finite number: ${x}`)
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(String(x))
  if (!m) throw new Error(`cannot read number ${x}`)
  const digits = BigInt((m[2] ?? '') + (m[3] ?? ''))
  const exp = Number(m[4] ?? 0) - (m[3]?.length ?? 0)
  const sign = m[1] ? -1n : 1n
  return exp >= 0 ? rat(sign * digits * 10n ** BigInt(exp)) : rat(sign * digits, 10n ** BigInt(-exp))
}

// ---------------------------------------------------------------- monomials and polynomials

/** A monomial: variable -> positive exponent, variables sorted by name. */
export type Mono = ReadonlyArray<readonly [string, number]>
interface Term {
  readonly mono: Mono
  readonly c: Rat
}
/** A polynomial: canonical monomial key -> term. Never holds a zero coefficient. */
export type Poly = ReadonlyMap<string, Term>

const monoKey = (m: Mono): string => m.map(([v, e]) => (e === 1 ? v : `${v}^${e}`)).join('*')

function monoMul(a: Mono, b: Mono): Mono {
  const out = new Map<string, number>(a)
  for (const [v, e] of b) out.set(v, (out.get(v) ?? 0) + e)
  return [...out].filter(([, e]) => e !== 0).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
}
/** a / b when b divides a, else undefined. */
function monoDiv(a: Mono, b: Mono): Mono | undefined {
  const out = new Map<string, number>(a)
  for (const [v, e] of b) {
    const have = out.get(v) ?? 0
    if (have < e) return undefined
    out.set(v, have - e)
  }
  return [...out].filter(([, e]) => e !== 0)
}
/** Lexicographic order on monomials (variables by name): positive when a > b. */
function monoCmp(a: Mono, b: Mono): number {
  const vars = [...new Set([...a.map(([v]) => v), ...b.map(([v]) => v)])].sort()
  const ea = new Map(a),
    eb = new Map(b)
  for (const v of vars) {
    const d = (ea.get(v) ?? 0) - (eb.get(v) ?? 0)
    if (d !== 0) return d
  }
  return 0
}

function polyFromTerms(terms: Iterable<Term>): Poly {
  const out = new Map<string, Term>()
  for (const t of terms) {
    const k = monoKey(t.mono)
    const prev = out.get(k)
    const c = prev ? radd(prev.c, t.c) : t.c
    if (c.p === 0n) out.delete(k)
    else out.set(k, { mono: t.mono, c })
  }
  return out
}
export const polyConst = (c: Rat): Poly => polyFromTerms([{ mono: [], c }])
export const polyVar = (v: string): Poly => polyFromTerms([{ mono: [[v, 1]], c: rat(1n) }])
export const polyAdd = (a: Poly, b: Poly): Poly => polyFromTerms([...a.values(), ...b.values()])
export const polyScale = (a: Poly, s: Rat): Poly => polyFromTerms([...a.values()].map((t) => ({ mono: t.mono, c: rmul(t.c, s) })))
export const polySub = (a: Poly, b: Poly): Poly => polyAdd(a, polyScale(b, rat(-1n)))
export function polyMul(a: Poly, b: Poly): Poly {
  const terms: Term[] = []
  for (const x of a.values()) for (const y of b.values()) terms.push({ mono: monoMul(x.mono, y.mono), c: rmul(x.c, y.c) })
  return polyFromTerms(terms)
}
const polyMulMono = (a: Poly, m: Mono): Poly => polyFromTerms([...a.values()].map((t) => ({ mono: monoMul(t.mono, m), c: t.c })))
export const polyIsZero = (a: Poly): boolean => a.size === 0
export const polyEqual = (a: Poly, b: Poly): boolean => polyIsZero(polySub(a, b))

function leading(a: Poly): Term {
  let best: Term | undefined
  for (const t of a.values()) if (!best || monoCmp(t.mono, best.mono) > 0) best = t
  if (!best) throw new Error('leading term of zero polynomial')
  return best
}

/** q with a = q f exactly, or undefined when f does not divide a. */
export function polyDivExact(a: Poly, f: Poly): Poly | undefined {
  const lf = leading(f)
  let rest = a
  const quotient: Term[] = []
  while (!polyIsZero(rest)) {
    const lr = leading(rest)
    const mono = monoDiv(lr.mono, lf.mono)
    if (!mono) return undefined
    const t: Term = { mono, c: rdiv(lr.c, lf.c) }
    quotient.push(t)
    rest = polySub(rest, polyMul(f, polyFromTerms([t])))
  }
  return polyFromTerms(quotient)
}

/** The monomial gcd of all terms (each variable at its least exponent). */
function monoContent(a: Poly): Mono {
  let common: Map<string, number> | undefined
  for (const t of a.values()) {
    const here = new Map(t.mono)
    if (!common) {
      common = here
      continue
    }
    for (const [v, e] of common) common.set(v, Math.min(e, here.get(v) ?? 0))
  }
  return [...(common ?? [])].filter(([, e]) => e > 0).sort(([x], [y]) => (x < y ? -1 : 1))
}

/** Substitute values (polynomials) for variables. */
export function polySubstitute(a: Poly, values: ReadonlyMap<string, Poly>): Poly {
  let out: Poly = new Map()
  for (const t of a.values()) {
    let term = polyConst(t.c)
    for (const [v, e] of t.mono) {
      const by = values.get(v)
      for (let i = 0; i < e; i++) term = polyMul(term, by ?? polyVar(v))
    }
    out = polyAdd(out, term)
  }
  return out
}

export const polyVariables = (a: Poly): Set<string> => new Set([...a.values()].flatMap((t) => t.mono.map(([v]) => v)))
export const polyTerms = (a: Poly): ReadonlyArray<{ mono: Mono; c: Rat }> => [...a.values()]

// ---------------------------------------------------------------- rational functions

interface Factor {
  readonly poly: Poly
  readonly k: number
}
/**
 * num / (mono * prod factors^k). Factors are primitive polynomials of two or more terms with a
 * positive leading coefficient; the monomial holds every variable power of the denominator.
 */
export interface RF {
  readonly num: Poly
  readonly mono: Mono
  readonly factors: ReadonlyMap<string, Factor>
}

export const rfFromPoly = (num: Poly): RF => ({ num, mono: [], factors: new Map() })
export const rfConst = (c: Rat): RF => rfFromPoly(polyConst(c))
export const rfVar = (v: string): RF => rfFromPoly(polyVar(v))

/** Split a polynomial into constant * monomial * primitive factor (undefined when a monomial). */
function splitPoly(a: Poly): { c: Rat; mono: Mono; factor?: Poly } {
  const mono = monoContent(a)
  const reduced = polyFromTerms([...a.values()].map((t) => ({ mono: monoDiv(t.mono, mono) ?? [], c: t.c })))
  let content: Rat | undefined
  for (const t of reduced.values()) content = content ? rat(bgcd(content.p, t.c.p), (content.q * t.c.q) / bgcd(content.q, t.c.q)) : rat(babs(t.c.p), t.c.q)
  let c = content ?? rat(1n)
  if (leading(reduced).c.p < 0n) c = rat(-c.p, c.q)
  const prim = polyScale(reduced, rdiv(rat(1n), c))
  return prim.size === 1 ? { c: rmul(c, leading(prim).c), mono } : { c, mono, factor: prim }
}

function denominatorPoly(a: RF): Poly {
  let d = polyFromTerms([{ mono: a.mono, c: rat(1n) }])
  for (const { poly, k } of a.factors.values()) for (let i = 0; i < k; i++) d = polyMul(d, poly)
  return d
}

/** Cancel the common monomial and every factor of the denominator that divides the numerator. */
function reduce(a: RF): RF {
  if (polyIsZero(a.num)) return rfFromPoly(new Map())
  const content = new Map(monoContent(a.num))
  const mono: Array<[string, number]> = []
  let numMono: Array<[string, number]> = []
  for (const [v, e] of a.mono) {
    const cancel = Math.min(e, content.get(v) ?? 0)
    if (e - cancel > 0) mono.push([v, e - cancel])
    if (cancel > 0) numMono.push([v, cancel])
  }
  let num = polyFromTerms([...a.num.values()].map((t) => ({ mono: monoDiv(t.mono, numMono) ?? [], c: t.c })))
  numMono = []
  const factors = new Map<string, Factor>()
  for (const [key, { poly, k }] of a.factors) {
    let left = k
    while (left > 0) {
      const q = polyDivExact(num, poly)
      if (!q) break
      num = q
      left--
    }
    if (left > 0) factors.set(key, { poly, k: left })
  }
  return { num, mono, factors }
}

export function rfMul(a: RF, b: RF): RF {
  const factors = new Map(a.factors)
  for (const [key, f] of b.factors) factors.set(key, { poly: f.poly, k: (factors.get(key)?.k ?? 0) + f.k })
  return reduce({ num: polyMul(a.num, b.num), mono: monoMul(a.mono, b.mono), factors })
}

export function rfInverse(a: RF): RF {
  if (polyIsZero(a.num)) throw new Error('division by zero in rational function')
  const { c, mono, factor } = splitPoly(a.num)
  const num = polyScale(polyMulMono(denominatorPoly({ num: new Map(), mono: [], factors: a.factors }), a.mono), rdiv(rat(1n), c))
  const factors = new Map<string, Factor>()
  if (factor) factors.set(monoKey([]) + polyKey(factor), { poly: factor, k: 1 })
  return reduce({ num, mono, factors })
}

const polyKey = (a: Poly): string =>
  [...a.keys()]
    .sort()
    .map((k) => `${k}:${a.get(k)!.c.p}/${a.get(k)!.c.q}`)
    .join('+')

export const rfDiv = (a: RF, b: RF): RF => rfMul(a, rfInverse(b))

export function rfAdd(a: RF, b: RF): RF {
  // Least common denominator: each variable and factor at its larger power.
  const lcmMono = new Map<string, number>(a.mono)
  for (const [v, e] of b.mono) lcmMono.set(v, Math.max(e, lcmMono.get(v) ?? 0))
  const factors = new Map(a.factors)
  for (const [key, f] of b.factors) factors.set(key, { poly: f.poly, k: Math.max(f.k, factors.get(key)?.k ?? 0) })
  const mono: Mono = [...lcmMono].sort(([x], [y]) => (x < y ? -1 : 1))
  const lift = (x: RF): Poly => {
    let num = polyMulMono(x.num, monoDiv(mono, x.mono) ?? [])
    for (const [key, f] of factors) for (let i = x.factors.get(key)?.k ?? 0; i < f.k; i++) num = polyMul(num, f.poly)
    return num
  }
  return reduce({ num: polyAdd(lift(a), lift(b)), mono, factors })
}
export const rfNeg = (a: RF): RF => ({ ...a, num: polyScale(a.num, rat(-1n)) })
export const rfSub = (a: RF, b: RF): RF => rfAdd(a, rfNeg(b))
export function rfPow(a: RF, k: number): RF {
  if (!Number.isInteger(k)) throw new NotRational('non-integer power')
  let out = rfConst(rat(1n))
  for (let i = 0; i < Math.abs(k); i++) out = rfMul(out, a)
  return k < 0 ? rfInverse(out) : out
}
export const rfIsZero = (a: RF): boolean => polyIsZero(a.num)
export const rfEqual = (a: RF, b: RF): boolean => rfIsZero(rfSub(a, b))

/** Substitute rational functions for variables. */
export function rfSubstitute(a: RF, values: ReadonlyMap<string, RF>): RF {
  const subPoly = (p: Poly): RF => {
    let out = rfFromPoly(new Map())
    for (const t of p.values()) {
      let term = rfConst(t.c)
      for (const [v, e] of t.mono) term = rfMul(term, rfPow(values.get(v) ?? rfVar(v), e))
      out = rfAdd(out, term)
    }
    return out
  }
  return rfDiv(subPoly(a.num), subPoly(denominatorPoly(a)))
}

/** The variables the rational function depends on. */
export function rfVariables(a: RF): Set<string> {
  const out = polyVariables(a.num)
  for (const [v] of a.mono) out.add(v)
  for (const f of a.factors.values()) for (const v of polyVariables(f.poly)) out.add(v)
  return out
}

/**
 * Whether the denominator stays away from zero as `v` -> 0 for generic values of the other
 * variables: no power of v in the monomial and no factor that vanishes identically at v = 0.
 */
export function rfRegularAt(a: RF, v: string): boolean {
  if (a.mono.some(([x]) => x === v)) return false
  const zero = new Map([[v, new Map() as Poly]])
  return [...a.factors.values()].every((f) => !polyIsZero(polySubstitute(f.poly, zero)))
}

/** The parts of a rational function, for code generation. */
export function rfParts(a: RF): { num: Poly; mono: Mono; factors: ReadonlyArray<Factor> } {
  return { num: a.num, mono: a.mono, factors: [...a.factors.values()] }
}

/** The denominator of a rational function, as a polynomial rational function. */
export const rfDenominator = (a: RF): RF => rfFromPoly(denominatorPoly(a))
/** The numerator of a rational function (over its denominator, as kept). */
export const rfNumerator = (a: RF): RF => rfFromPoly(a.num)

/** The partial derivative of a polynomial with respect to v. */
export function polyDiff(p: Poly, v: string): Poly {
  return polyFromTerms(
    [...p.values()].flatMap(({ mono, c }) => {
      const e = mono.find(([x]) => x === v)?.[1] ?? 0
      if (e === 0) return []
      return [{ mono: mono.map(([x, k]) => [x, x === v ? k - 1 : k] as const).filter(([, k]) => k > 0), c: rmul(c, rat(BigInt(e))) }]
    }),
  )
}

/** The partial derivative of a rational function with respect to v (quotient rule). */
export function rfDiff(a: RF, v: string): RF {
  const den = denominatorPoly(a)
  const top = polySub(polyMul(polyDiff(a.num, v), den), polyMul(a.num, polyDiff(den, v)))
  return rfDiv(rfFromPoly(top), rfFromPoly(polyMul(den, den)))
}

/**
 * The coefficients of a polynomial as a polynomial in `vars`: monomial of `vars` (as text, '' for
 * 1) -> its coefficient, a polynomial in the other variables.
 */
export function polyCollect(p: Poly, vars: ReadonlySet<string>): Map<string, Poly> {
  const groups = new Map<string, Term[]>()
  for (const { mono, c } of p.values()) {
    const key = monoKey(mono.filter(([v]) => vars.has(v)))
    groups.set(key, [...(groups.get(key) ?? []), { mono: mono.filter(([v]) => !vars.has(v)), c }])
  }
  return new Map([...groups].map(([k, terms]) => [k, polyFromTerms(terms)]))
}

// ---------------------------------------------------------------- from expression trees

export class NotRational extends Error {}

/**
 * The rational function an expression tree denotes, with `defs` substituted for their names.
 * Throws NotRational for anything but + - * / and integer powers of numbers and symbols.
 */
export function rfFromNode(node: MathNode, defs: ReadonlyMap<string, RF> = new Map()): RF {
  const n = node as MathNode & Record<string, unknown>
  switch (node.type) {
    case 'ConstantNode':
      return rfConst(ratFromNumber(n.value as number))
    case 'SymbolNode': {
      const name = n.name as string
      if (name === 'pi' || name === 'e') throw new NotRational(`transcendental constant ${name}`)
      return defs.get(name) ?? rfVar(name)
    }
    case 'ParenthesisNode':
      return rfFromNode(n.content as MathNode, defs)
    case 'OperatorNode': {
      const args = n.args as MathNode[]
      const fn = n.fn as string
      if (fn === 'unaryMinus') return rfNeg(rfFromNode(args[0], defs))
      if (fn === 'unaryPlus') return rfFromNode(args[0], defs)
      if (fn === 'pow') {
        const exponent = rfFromNode(args[1], defs)
        const e = exponent.num.size === 0 ? 0 : exponent.num.size === 1 && exponent.factors.size === 0 && exponent.mono.length === 0 ? leading(exponent.num) : undefined
        if (e === 0) return rfConst(rat(1n))
        if (!e || e.mono.length !== 0 || e.c.q !== 1n) throw new NotRational('power with a non-integer exponent')
        return rfPow(rfFromNode(args[0], defs), Number(e.c.p))
      }
      const [a, b] = args.map((x) => rfFromNode(x, defs))
      if (fn === 'add') return rfAdd(a, b)
      if (fn === 'subtract') return rfSub(a, b)
      if (fn === 'multiply') return rfMul(a, b)
      if (fn === 'divide') return rfDiv(a, b)
      throw new NotRational(`operator ${fn}`)
    }
    default:
      throw new NotRational(`${node.type}`)
  }
}
