// Closed forms of the flow and the DAE derived by hand (docs/theory.md sections 3 and 4; the derivation
// is in the header of test/theory/hp.test.ts), evaluated with decimal.js at 130 digits: the
// independent reference of the high-precision tests.
import { Decimal } from 'decimal.js'

/** Reference arithmetic: well beyond the 100 digits compared below. */
export const X = Decimal.clone({ precision: 130, rounding: Decimal.ROUND_HALF_EVEN })
export type Dec = InstanceType<typeof X>

export interface Params {
  n: string
  sigma: string
  lambda: string
  omega: string
}

/** `R`: the reference arithmetic (X unless a test needs more digits). */
export function definitions(p: Params, alpha: Dec, beta: Dec, R = X) {
  const n = new R(p.n),
    s2 = new R(p.sigma).pow(2),
    l = new R(p.lambda),
    w = new R(p.omega)
  const K = n.plus(l).minus(1)
  const L = l.times(w.plus(s2)).plus(n.minus(1).times(s2))
  const D = alpha.pow(2).times(K).plus(beta.pow(2).times(L))
  return { n, s2, l, w, K, L, D }
}

/** The stats keys by hand (header comment). */
export function statsByHand(p: Params, [alpha, beta]: [Dec, Dec], skip: boolean, R = X): Record<string, Dec> {
  const { n, s2, l, w, K, D } = definitions(p, alpha, beta, R)
  const M = n.times(beta).div(n.plus(l))
  const P = skip ? D.div(K).sqrt() : alpha
  const Q = skip ? alpha.minus(P).div(n.plus(l)) : new R(0)
  const mu2 = M.pow(2)
    .times(w.plus(s2.div(n)))
    .plus(n.times(Q.pow(2)))
  const norm = mu2.plus(P.pow(2))
  return {
    M,
    Q_xi: Q,
    P,
    norm,
    cos: M.times(w).div(w.times(mu2).sqrt()),
    cos_sample: M.times(w).div(w.times(norm).sqrt()),
    mse: w
      .times(M.minus(1).pow(2))
      .plus(M.pow(2).times(s2).div(n))
      .plus(n.times(Q.pow(2))),
    var: P.pow(2),
  }
}

/** The DAE keys used by dae-compare, by hand (docs/theory.md section 3, with skip connection). */
export function daeByHand(p: Params, [alpha, beta]: [Dec, Dec], R = X): Record<string, Dec> {
  const { n, s2, l, w, K, L, D } = definitions(p, alpha, beta, R)
  const c = beta.times(L).div(D)
  const m = n.times(alpha.pow(2)).times(K).div(n.plus(l).times(D))
  const q = alpha.times(beta).times(L).neg().div(n.plus(l).times(D))
  const w_norm2 = m
    .pow(2)
    .times(w.plus(s2.div(n)))
    .plus(n.times(q.pow(2)))
  const one = new R(1).minus(c.times(beta))
  const test_mse = one
    .pow(2)
    .times(w.plus(s2))
    .plus(c.pow(2).times(alpha.pow(2)))
    .plus(w_norm2)
    .minus(new R(2).times(one).times(m).times(w))
  const a2s2 = alpha.pow(2).times(s2)
  const oracle_mse = a2s2.isZero() ? new R(0) : a2s2.div(alpha.pow(2).plus(beta.pow(2).times(s2)))
  return { c, m, q_xi: q, w_norm2, test_mse, oracle_mse }
}

/** The asymptotic baselines by hand (docs/theory.md section 5: posterior mean; PCA of the Gram matrix). */
export function baselinesByHand(p: Params): Record<string, Dec> {
  const n = new X(p.n),
    s2 = new X(p.sigma).pow(2),
    w = new X(p.omega)
  const snr = n.times(w)
  const cos = snr.div(snr.plus(s2)).sqrt()
  return { bo_mse: w.times(s2).div(snr.plus(s2)), bo_cos: cos, pca_cos: cos, pca_mse: new X(2).times(w).times(new X(1).minus(cos)) }
}
