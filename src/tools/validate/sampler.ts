/**
 * Table 6 of the validation document: K-step samplers (src/theory/discrete.ts) against an
 * independent recurrence (src/tools/sampler-by-hand.ts: Result A in closed form, the velocity in
 * its 1/alpha form, schedules and tableaux typed by hand, decimal.js at 80 digits), for every
 * scheme, two schedules and K = 10, 100, 1000: high precision (statsHp at 50 digits, itself two
 * evaluations of the recurrence) and double precision (solve()), at t = 1.
 */
import { SCHEMES, type Scheme } from '../../theory/discrete.js'
import { statsHp } from '../../theory/hp.js'
import { flowProblem } from '../../theory/problem.js'
import { solve } from '../../theory/solve.js'
import { observablesByHand, samplerByHand, type Dec } from '../sampler-by-hand.js'
import { relDiff, row, small, worstOf, type Row, type Table } from './compare.js'

const KEYS = ['M', 'Q_xi', 'P', 'mse', 'cos'] as const
const PARAMS = { n: '8', sigma: '1.5', lambda: '0.1', omega: '1' } as const
const DIGITS = 50
/** statsHp rounds to 50 significant digits: half a unit of the 50th, <= 5e-50 relative (the reference adds ~1e-75). */
const TOL_HP = 5e-50
/** The bound for double precision (measured worst below ~1e-15). */
const TOL_DOUBLE = 1e-12
/** The reference's working precision: its error is ~1e-75 (1e-80 at a stage at t = 1). */
const REFERENCE_PRECISION = 80

/** |x - ref| / |ref| in decimal, or |x| where the reference is exactly 0. */
const relDec = (x: Dec, ref: Dec): number => (ref.isZero() ? x.abs() : x.minus(ref).div(ref).abs()).toNumber()

/** A relative difference as significant digits of agreement, to one decimal. */
const digitsOf = (rel: number): string => (rel === 0 ? `≥ ${REFERENCE_PRECISION - 5}` : (-Math.log10(rel)).toFixed(1))

function samplerRow(schedule: 'linear' | 'trig', scheme: Scheme, K: number): Row {
  const problem = flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, omega: 1, schedule, steps: K, scheme })
  const ref = observablesByHand({ ...PARAMS, schedule, skip: true }, samplerByHand({ ...PARAMS, schedule, skip: true }, scheme, K, REFERENCE_PRECISION)[K])
  const hp = statsHp(problem, ['1'], { digits: DIGITS })
  const dbl = solve(problem).stats(1)
  const high = worstOf(KEYS.map((k) => relDec(hp.rows[0][k], ref[k])))
  const double = worstOf(KEYS.map((k) => relDiff(dbl[k], ref[k].toNumber())))
  const label = `${schedule}, ${scheme}, K = ${K}`
  return row(
    label,
    [
      schedule,
      scheme,
      String(K),
      ref.mse.toSignificantDigits(20).toString(),
      ref.P.toSignificantDigits(20).toString(),
      digitsOf(high),
      String(hp.digitsVerified),
      small(high),
      small(TOL_HP),
      small(double),
      small(TOL_DOUBLE),
    ],
    [
      { diff: high, tol: TOL_HP },
      { diff: double, tol: TOL_DOUBLE },
    ],
  )
}

export function samplerTable(quick: boolean): Table {
  const steps = quick ? [10, 100] : [10, 100, 1000]
  const rows: Row[] = []
  for (const schedule of ['linear', 'trig'] as const) for (const scheme of SCHEMES) for (const K of steps) rows.push(samplerRow(schedule, scheme, K))
  return {
    id: '6',
    title: 'K-step samplers: the recurrence vs an independent one',
    intro: [
      `The statistics at t = 1 after K steps of each scheme (n = 8, σ = 1.5, λ = 0.1, ω = 1, skip connection), by two routes: **flowgm** (\`src/theory/discrete.ts\`: in high precision \`statsHp\` at --digits ${DIGITS}, which evaluates the recurrence by stages and by the transfer form and prints only the digits both agree on; in double precision \`solve()\`), and the **reference** (\`src/tools/sampler-by-hand.ts\`), which shares no code with it: Result A in closed form, the velocity γX + ζ(m, q) in its 1/α form, the schedule and its derivative and each scheme's tableau typed by hand, in decimal.js at ${REFERENCE_PRECISION} digits. Where a stage sits at t = 1 (heun, rk4) the reference takes the velocity at t = 1 − 10⁻⁸⁰ at 250 digits: the O(1/α) terms cancel (losing ~80 digits) and the offset costs O(10⁻⁸⁰).`,
      `*hp* is the largest relative difference of the high-precision value from the reference over M, Q_xi, P, mse and cos, against ${small(TOL_HP)} (the ${DIGITS}-digit value is rounded: half a unit of its last digit); *agree* is the same as significant digits. *hp verified* is the agreement of statsHp's own two evaluations. *double* is the largest relative difference of solve() from the reference over the same keys, against ${small(TOL_DOUBLE)} (the issue's bound). mse and P are the reference's, to 20 digits.`,
    ],
    head: ['schedule', 'scheme', 'K', 'mse (reference)', 'P (reference)', 'agree (digits)', 'hp verified', 'hp', 'tol', 'double', 'tol', 'ok'],
    rows,
    notes: [`As K grows each column converges to the continuous flow (mse = 0.550566621800610…, P = 1.504687511426293…; table 1), at the order of each scheme: euler 1, heun and midpoint 2, rk4 4.`],
  }
}
