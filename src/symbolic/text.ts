/**
 * Readable text of exact rational functions, in mathjs syntax (so that listings can be parsed and
 * checked). Polynomials that are definitions of the equations (K, Lambda, D) are divided out and
 * printed by name, and other known factors are cancelled between numerator and denominator: the
 * kernel keeps denominators factored but does not factor products it has expanded.
 */
import { polyDivExact, polyScale, polyTerms, polyVariables, rat, rfDenominator, rfParts, type Poly, type RF } from './rational.js'

/** A polynomial to look for, printed as `name` when it has one. */
export interface NamedPoly {
  readonly name?: string
  readonly poly: Poly
}

/** Text of a polynomial, terms in the kernel's order. */
export function polyText(p: Poly): string {
  const terms = polyTerms(p).map(({ mono, c }) => {
    const coef = c.q === 1n ? `${c.p}` : `${c.p}/${c.q}`
    const vars = mono.map(([v, e]) => (e === 1 ? v : `${v}^${e}`))
    if (vars.length === 0) return coef
    return coef === '1' ? vars.join('*') : coef === '-1' ? `-${vars.join('*')}` : `${coef}*${vars.join('*')}`
  })
  return terms.length ? terms.join(' + ').replace(/\+ -/g, '- ') : '0'
}

const power = (x: string, k: number) => (k === 1 ? x : `${x}^${k}`)
const isSingleTerm = (p: Poly) => p.size === 1
const wrap = (p: Poly) => (isSingleTerm(p) ? polyText(p) : `(${polyText(p)})`)

/** Text of a rational function with the `known` polynomials divided out where they divide. */
export function rfText(a: RF, known: readonly NamedPoly[] = []): string {
  let num = rfParts(a).num
  if (num.size === 0) return '0'
  let den = rfParts(rfDenominator(a)).num
  const up: string[] = [],
    down: string[] = []
  for (const { name, poly } of known) {
    if (polyVariables(poly).size === 0) continue
    const strip = (p: Poly): [Poly, number] => {
      let k = 0
      for (let q = polyDivExact(p, poly); q; q = polyDivExact(p, poly)) {
        p = q
        k++
      }
      return [p, k]
    }
    let kn: number, kd: number
    ;[num, kn] = strip(num)
    ;[den, kd] = strip(den)
    const label = name ?? `(${polyText(poly)})`
    if (kn > kd) up.push(power(label, kn - kd))
    if (kd > kn) down.push(power(label, kd - kn))
  }
  // A constant denominator is moved into the numerator's coefficients.
  if (den.size === 1 && polyVariables(den).size === 0) {
    const [{ c }] = polyTerms(den)
    num = polyScale(num, rat(c.q, c.p))
    den = new Map()
  }
  const top = [...(polyText(num) === '1' && up.length ? [] : [up.length ? wrap(num) : polyText(num)]), ...up].join('*')
  const bottom = [...(den.size ? [wrap(den)] : []), ...down]
  if (bottom.length === 0) return top
  return `${up.length || isSingleTerm(num) ? top : `(${top})`} / ${bottom.length === 1 ? bottom[0] : `(${bottom.join('*')})`}`
}
