// Independent references for what `flowgm simulate` and `flowgm plot` print, with the linear
// schedule and the skip connection (alpha = 1 - t, beta = t), none taken from src/:
//  - the flow and Result A at t: the closed forms derived by hand (test/theory/by-hand.ts);
//  - the Euler scheme of docs/theory.md section 6 written out on the overlaps: with
//    zeta = W/alpha and gamma = alphadot/alpha + zeta c (here alphadot = -1, W = 1),
//      M_{k+1} = M_k + h (gamma M_k + zeta m),  Q_{k+1} = Q_k + h (gamma Q_k + zeta q_xi),
//      P_{k+1} = P_k (1 + h gamma),  h = 1/K, the DAE (c, m, q_xi) at t_k = k/K;
//    and the observables of (M, Q_xi, P) as in section 4 (norm = |mu_hat|^2 + P^2, ...);
//  - the finite-d gap: |measured - Euler| <= C/sqrt(d), with C per quantity the largest
//    sqrt(d) |measured - Euler| over seeds 0-9 at (d, particles, K) = (300, 20, 4) and (400, 40, 10),
//    times 1.25 (measured on the js engine; the DAE quantities against Result A at t_k).
import { baselinesByHand, daeByHand, statsByHand, X, type Dec } from '../theory/by-hand.js'

export interface FlowParams {
  n: number
  sigma: number
  lambda: number
  omega: number
}
export type Row = Record<string, number>

const text = (p: FlowParams) => ({ n: String(p.n), sigma: String(p.sigma), lambda: String(p.lambda), omega: String(p.omega) })
const toNumbers = (r: Record<string, Dec>): Row => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.toNumber()]))

/** Result A and the flow at t by hand, alpha and beta given (decimal); at t = 0 cos is 0/0 and left out. */
export function theoryAt(p: FlowParams, [alpha, beta]: [Dec, Dec]): Row {
  const row = { ...toNumbers(daeByHand(text(p), [alpha, beta])), ...toNumbers(statsByHand(text(p), [alpha, beta], true)) }
  if (!Number.isFinite(row.cos)) delete row.cos
  return row
}

export const linear = (t: number): [Dec, Dec] => [new X(1).minus(t), new X(t)]
const PI = new X(-1).acos()
/** The trig schedule in decimal: alpha = cos(pi t/2), beta = sin(pi t/2). */
export const trig = (t: number): [Dec, Dec] => [PI.times(t).div(2).cos(), PI.times(t).div(2).sin()]

/** The asymptotic baselines by hand (bo_mse = omega sigma^2/(n omega + sigma^2), ...). */
export const baselinesAt = (p: FlowParams): Row => toNumbers(baselinesByHand(text(p)))

/** The observables of the overlaps (docs/theory.md section 4). */
function observables(p: FlowParams, t: number, M: number, Q: number, P: number): Row {
  const { n, sigma, omega: w } = p
  const mu2 = M * M * (w + (sigma * sigma) / n) + n * Q * Q
  const norm = mu2 + P * P
  const row: Row = { t, M, Q_xi: Q, P, norm, cos_sample: (M * w) / Math.sqrt(w * norm), mse: w * (M - 1) ** 2 + (M * M * sigma * sigma) / n + n * Q * Q, var: P * P }
  if (mu2 > 0) row.cos = (M * w) / Math.sqrt(w * mu2)
  return row
}

/** The Euler scheme on K steps, by hand (header comment): one row per t_k, k = 0..K. */
export function eulerByHand(p: FlowParams, K: number): Row[] {
  let [M, Q, P] = [0, 0, 1]
  const rows = [observables(p, 0, M, Q, P)]
  for (let k = 0; k < K; k++) {
    const { c, m, q_xi: q } = theoryAt(p, linear(k / K))
    const alpha = 1 - k / K
    const zeta = 1 / alpha
    const gamma = -1 / alpha + zeta * c
    ;[M, Q, P] = [M + (gamma * M + zeta * m) / K, Q + (gamma * Q + zeta * q) / K, P * (1 + gamma / K)]
    rows.push(observables(p, (k + 1) / K, M, Q, P))
  }
  return rows
}

/** C of the finite-d gap C/sqrt(d) (header comment). */
export const FINITE_D: Readonly<Row> = {
  M: 2.2,
  Q_xi: 1.25,
  P: 0.8,
  norm: 7,
  cos: 0.85,
  cos_sample: 1.15,
  mse: 1.8,
  var: 2,
  c: 1.55,
  m: 0.3,
  q_xi: 0.18,
  w_norm2: 2.2,
}

/** The keys of `want` where |got - want| > rel |want| + abs (want's non-finite values are not checked). */
export function offBy(got: Row, want: Row, rel: number, abs: number): string[] {
  return Object.entries(want)
    .filter(([k, v]) => Number.isFinite(v) && !(Math.abs(got[k] - v) <= rel * Math.abs(v) + abs))
    .map(([k, v]) => `t=${got.t ?? want.t ?? 'final'} ${k}: printed ${got[k]}, reference ${v}`)
}

/** The keys of FINITE_D present in both rows whose gap exceeds C/sqrt(d). */
export function beyondFiniteD(measured: Row, reference: Row, d: number): string[] {
  return Object.keys(FINITE_D)
    .filter((k) => k in measured && k in reference && !(Math.abs(measured[k] - reference[k]) <= FINITE_D[k] / Math.sqrt(d)))
    .map((k) => `t=${measured.t ?? reference.t} ${k}: measured ${measured[k]}, reference ${reference[k]} (gap > ${FINITE_D[k]}/sqrt(${d}))`)
}

// Printed to 12 significant digits: 5e-12 relative rounding; observed at most 4.9e-12 (the
// references are exact to ~1e-15), so 1e-11 is 2x; 1e-14 absolute for the exact zeros at t = 0.
export const [PRINTED, ZERO] = [1e-11, 1e-14]

/** `want` restricted to the keys of `got` (other than t). */
export const only = (got: Row, want: Row): Row =>
  Object.fromEntries(
    Object.keys(got)
      .filter((k) => k !== 't' && k in want)
      .map((k) => [k, want[k]]),
  )

/** One step's printed rows, by source. */
export interface StepRows {
  measured: Row
  discrete: Row
  theory: Row
}

/**
 * The K + 1 steps of a simulation on d against the references (header comment): theory = the
 * closed forms at t_k, discrete = Euler by hand, measured within the finite-d gap of Euler (flow)
 * and of Result A (denoiser).
 */
export function simulationMismatches(p: FlowParams, d: number, steps: readonly StepRows[]): string[] {
  const K = steps.length - 1
  const euler = eulerByHand(p, K)
  return steps.flatMap((rows, k) => {
    const theory = theoryAt(p, linear(k / K))
    return [
      ...offBy(rows.theory, only(rows.theory, theory), PRINTED, ZERO),
      ...offBy(rows.discrete, only(rows.discrete, euler[k]), PRINTED, ZERO),
      ...beyondFiniteD(rows.measured, { ...theory, ...euler[k] }, d),
    ]
  })
}

/** A CSV of numbers as rows keyed by the header; an empty cell has no key. */
export function readCsv(csv: string): Row[] {
  const [head, ...lines] = csv.trim().split('\n')
  const keys = head.split(',')
  return lines.map((l) => Object.fromEntries(l.split(',').flatMap((x, i) => (x === '' ? [] : [[keys[i], Number(x)]]))))
}
