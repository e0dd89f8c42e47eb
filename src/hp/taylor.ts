/**
 * Adaptive Taylor-series integrator for decoupled scalar linear ODEs
 *
 *   den_i(t) X_i'(t) = A_i(t) X_i(t) + G_i(t),
 *
 * at the precision of D (the caller adds a few guard digits beyond `digits`): values in decimal.js,
 * the recurrence's sums of products in BigInt binary floating point (binary.ts).
 *
 * Method. At a step start t0 the system gives the N-term series of den_i, A_i, G_i in h = t - t0
 * (compiled code on seriesArith). Equating coefficients of h^k in den X' = A X + G gives
 *   den_0 (k+1) X_(k+1) = Σ_j A_j X_(k-j) + G_k - Σ_(j>=1) den_j (k+1-j) X_(k+1-j),
 * i.e. X_0..X_N, with sums cut at the degree of den and A when they are polynomials. The new value
 * is the Horner sum at the step h, so a step that ends on a target lands on it exactly. den_0 must
 * not vanish at a step start; den may vanish at the end of the last step (a regular singular point
 * such as den = 1 - t at t = 1), where the solution is analytic and its series still converges.
 *
 * Error control. With T = digits + 2, the step is the largest h such that for each of the last
 * TAIL coefficients |X_k| h^k <= 10^-T · max_(j<N+1-TAIL) |X_j| h^j (the scale of the terms, at
 * least |X_0|), for every state and for every den/A/G that is not a polynomial (a singularity of
 * a coefficient limits the solution's series too). Rejection: the step is halved while it exceeds
 * half the radius of convergence fitted to the whole second half of the coefficients, which
 * catches tails that are small by accident (parity zeros, cancellation); tails that vanish are
 * trusted (the truncated series exact) only where the recurrence proves every later term zero,
 * otherwise the second half of the coefficients bounds the step too. A step that falls just
 * short of a target (h >= L/2) becomes L/2, so no step starts very close to a target, where den
 * may vanish and dividing by den_0 would cost digits. Rounding errors are not controlled: give D
 * a few guard digits (about 5-10) beyond `digits`.
 *
 * Order. A step costs O(N²) products when coefficients are full series and advances
 * about ρ·10^(-T/N) for a radius of convergence ρ, so the cost per unit length, ∝ N²·10^(T/N)/ρ,
 * is least at ρ/h = e² (Jorba & Zou 2005): N0 = T·ln10/2 + TAIL. When the radius estimated at the
 * previous step exceeds e² times the distance to the next target, the order is lowered to about
 * the least N whose step reaches it (with a safety factor: entire functions look more convergent
 * at high order). den = 1, A = cos t to t = 1: 50 digits in 3 steps of order 63, 100 digits in 3
 * steps of order 121.
 */
import { Decimal, type DecimalConstructor } from './arith.js'
import type { Series } from './series.js'
import { binaries, convolution, fromBinary, log10Abs, normalised, plus, sumBits, toBinary, ZERO_EXPONENT, type Binaries, type Exact } from './binary.js'
import { minOf } from '../extent.js'

/** The N-term series at t0 of den, A and G for every state. */
export interface TaylorSystem {
  (t0: Decimal, N: number): Array<{ den: Series; A: Series; G: Series }>
}

export interface TaylorOptions {
  /** Accuracy: each step's truncation error is below 10^-(digits+2) of the scale of its terms. */
  digits: number
  /** Initial time (default 0). */
  t0?: Decimal
  /** Maximum number of steps (default 10000). */
  maxSteps?: number
}

export interface TaylorResult {
  /** The state vector at each target, in the order of the targets. */
  values: Decimal[][]
  steps: number
  /** The highest order N used. */
  order: number
}

const TAIL = 3
const MIN_ORDER = 6
const LOG_RATIO = 2 / Math.LN10 // log10(e²)
const LOG2 = Math.log10(2)
const SAFETY = 1.3 // the radius estimated at order N overstates the decay at a lower order

/** Solve from x0 at t0 to each target (ascending, >= t0), landing exactly on every target. */
export function taylorSolve(D: DecimalConstructor, system: TaylorSystem, x0: Decimal[], targets: Decimal[], options: TaylorOptions): TaylorResult {
  const { digits, maxSteps = 10000 } = options
  if (!(digits > 0)) throw new RangeError(`taylorSolve: digits must be positive, got ${digits}`)
  const T = digits + 2
  const N0 = Math.ceil(T / LOG_RATIO) + TAIL
  let t = new D(options.t0 ?? 0)
  let x = x0.map((v) => new D(v))
  const values: Decimal[][] = []
  let steps = 0
  let order = 0
  let logRho = NaN // radius of convergence at t (log10), estimated at the previous step

  for (const target of targets.map((v) => new D(v))) {
    if (target.lt(t)) throw new RangeError(`taylorSolve: targets must be ascending and >= t0 (${target} < ${t})`)
    while (target.gt(t)) {
      if (steps >= maxSteps) throw new Error(`taylorSolve: more than ${maxSteps} steps before t = ${target}`)
      const L = target.minus(t)
      const logL = log10Abs(L)
      const N = logRho - logL >= LOG_RATIO ? Math.max(MIN_ORDER, Math.min(N0, Math.ceil((SAFETY * T) / (logRho - logL)) + TAIL)) : N0
      order = Math.max(order, N)

      const coefs = system(t, N)
      if (coefs.length !== x.length) throw new RangeError(`taylorSolve: the system has ${coefs.length} states, x0 has ${x.length}`)
      const sequences: Decimal[][] = []
      let exact = true
      const X = coefs.map(({ den, A, G }, i) => {
        const Xi = stateSeries(D, den, A, G, x[i], N, t)
        sequences.push(Xi)
        for (const s of [den, A, G]) if (s.deg >= N) sequences.push(s.c)
        exact &&= isPolynomial(Xi, den, A, G, N)
        return Xi
      })
      const logs = sequences.map((s) => s.map(log10Abs))
      const wide = (T: number): number => minOf(logs.map((lc) => stepBound(lc, T, Math.floor(lc.length / 2))))
      let H = minOf(logs.map((lc) => stepBound(lc, T, TAIL)))
      let logRadius = minOf(logs.map((lc) => stepBound(lc, 0, TAIL)))
      const logRadiusWide = wide(0)
      // Vanishing tails that do not prove the series finite (zeros of a series in t^4, say) limit
      // the step by the whole second half of the coefficients instead.
      if (!exact && H === Infinity) [H, logRadius] = [wide(T), logRadiusWide]
      // rejection: halve h (an infinite H left means the truncated series are exact, or nothing but
      // constants was seen)
      if (H < Infinity) while (H > logRadiusWide - LOG2) H -= LOG2

      let h: Decimal
      let next: Decimal
      if (H >= logL) [h, next] = [L, target]
      else {
        h = H >= logL - LOG2 ? L.div(2) : fromLog10(D, H)
        next = t.plus(h)
      }
      x = X.map((Xi) => horner(Xi, h))
      t = next
      steps++
      const logH = log10Abs(h)
      logRho = logRadius - logH > 15 ? logRadius : logRadius > logH ? logRadius + Math.log10(1 - 10 ** (logH - logRadius)) : logH
    }
    values.push(x.slice())
  }
  return { values, steps, order }
}

/**
 * X_0..X_N of den X' = A X + G with X_0 = x0, in binary (binary.ts): every sum of the recurrence
 * exact but for terms far below its largest, the division by den_0 a product with its reciprocal,
 * each X_k rounded to bits beyond D's precision; the coefficients return to decimal.js at the end.
 */
function stateSeries(D: DecimalConstructor, den: Series, A: Series, G: Series, x0: Decimal, N: number, t: Decimal): Decimal[] {
  const d0 = den.c[0]
  if (d0.isZero()) throw new RangeError(`taylorSolve: den vanishes at the step start t = ${t}`)
  const bits = sumBits(D)
  const td = Math.min(den.deg, N - 1),
    tA = Math.min(A.deg, N - 1),
    tG = Math.min(G.deg, N - 1)
  const dens = binaries(den.c, td + 1, bits),
    As = binaries(A.c, tA + 1, bits),
    Gs = binaries(G.c, tG + 1, bits)
  // 1/den_0 = 2^(2 bits)/m · 2^(-2 bits - s), to bits bits.
  const reciprocal = (1n << BigInt(2 * bits)) / dens.m[0]
  const shift = -2 * bits - dens.s[0]
  const X: Binaries = { m: [], s: [] }
  ;[X.m[0], X.s[0]] = toBinary(x0, bits)
  for (let k = 0; k < N; k++) {
    let sum: Exact = k <= tG ? [Gs.m[k], Gs.s[k]] : [0n, ZERO_EXPONENT]
    sum = plus(sum, convolution(As, X, k, 0, Math.min(k, tA), false, bits))
    sum = plus(sum, convolution(dens, X, k + 1, 1, Math.min(k, td), true, bits), -1)
    ;[X.m[k + 1], X.s[k + 1]] = normalised((sum[0] * reciprocal) / BigInt(k + 1), sum[1] + shift, bits)
  }
  return X.m.map((m, k) => fromBinary(m, X.s[k], D))
}

/**
 * Whether X_0..X_N are the whole solution series, a polynomial: den, A and G are polynomials of
 * degree < N and X ends in enough zeros that the recurrence of the header gives X_(N+1) = 0 from
 * them (X_(N-degA)..X_N and X_(N+1-deg den)..X_N vanish, and G_N = 0), and so every later term.
 */
function isPolynomial(X: Decimal[], den: Series, A: Series, G: Series, N: number): boolean {
  if (den.deg >= N || A.deg >= N || G.deg >= N) return false
  const zeros = Math.max(A.deg + 1, den.deg)
  return X.length - zeros >= 0 && X.slice(X.length - zeros).every((c) => c.isZero())
}

/**
 * log10 of the largest h such that each of the last `tail` terms |c_k| h^k is at most 10^-T times
 * the largest earlier term: for a given k this holds iff some earlier j has
 * log10 h <= (lc_j - lc_k - T)/(k - j). Infinity when the tail vanishes (a polynomial); a tail
 * without any nonzero earlier coefficient imposes nothing either.
 */
function stepBound(lc: number[], T: number, tail: number): number {
  const K = lc.length - tail
  let H = Infinity
  for (let k = K; k < lc.length; k++) {
    if (lc[k] === -Infinity) continue
    let Hk = -Infinity
    for (let j = 0; j < K; j++) if (lc[j] > -Infinity) Hk = Math.max(Hk, (lc[j] - lc[k] - T) / (k - j))
    if (Hk > -Infinity) H = Math.min(H, Hk)
  }
  return H
}

function fromLog10(D: DecimalConstructor, H: number): Decimal {
  return Math.abs(H) < 300 ? new D((10 ** H).toPrecision(6)) : new D(10).pow(H).toSignificantDigits(6)
}

function horner(c: Decimal[], h: Decimal): Decimal {
  let s = c[c.length - 1]
  for (let k = c.length - 2; k >= 0; k--) s = s.times(h).plus(c[k])
  return s
}
