// Closed forms of the flow and the DAE derived by hand (THEORY.md sections 3 and 4; the derivation
// is in the header of test/theory/hp.test.ts), evaluated with decimal.js at 130 digits: the
// independent reference of the high-precision tests.
import { Decimal } from 'decimal.js'

/** Reference arithmetic: well beyond the 100 digits compared below. */
export const X = Decimal.clone({ precision: 130, rounding: Decimal.ROUND_HALF_EVEN })
export type Dec = InstanceType<typeof X>

export interface Params { n: string; sigma: string; lambda: string; omega: string }

export function definitions(p: Params, alpha: Dec, beta: Dec) {
  const n = new X(p.n), s2 = new X(p.sigma).pow(2), l = new X(p.lambda), w = new X(p.omega)
  const K = n.plus(l).minus(1)
  const L = l.times(w.plus(s2)).plus(n.minus(1).times(s2))
  const D = alpha.pow(2).times(K).plus(beta.pow(2).times(L))
  return { n, s2, l, w, K, L, D }
}

/** The stats keys by hand (header comment). */
export function statsByHand(p: Params, [alpha, beta]: [Dec, Dec], skip: boolean): Record<string, Dec> {
  const { n, s2, l, w, K, D } = definitions(p, alpha, beta)
  const M = n.times(beta).div(n.plus(l))
  const P = skip ? D.div(K).sqrt() : alpha
  const Q = skip ? alpha.minus(P).div(n.plus(l)) : new X(0)
  const mu2 = M.pow(2).times(w.plus(s2.div(n))).plus(n.times(Q.pow(2)))
  const norm = mu2.plus(P.pow(2))
  return {
    M, Q_xi: Q, P, norm,
    cos: M.times(w).div(w.times(mu2).sqrt()),
    cos_sample: M.times(w).div(w.times(norm).sqrt()),
    mse: w.times(M.minus(1).pow(2)).plus(M.pow(2).times(s2).div(n)).plus(n.times(Q.pow(2))),
    var: P.pow(2),
  }
}

