/**
 * Table 7 of the validation document: the distances of the generated law to the target (keys w2,
 * kl, kl_reverse, dist_train, dist_fresh, mem_gap of stats(t)) against numerical routes at finite d
 * built from actual vectors (src/tools/mixtures.ts):
 *  7a. KL by Monte Carlo on the exact mixture log-densities, at several d;
 *  7b. the O(1/d) correction of KL fitted over d, against the Bernoulli KL of the cluster weights;
 *  7c. W2 between an actual coupling (upper bound) and a proven lower bound, over d;
 *  7d. the empirical assignment on the rotation-reduced W2 problem against the limit and its
 *      leading -C/sqrt(d) correction;
 *  7e. the distances of generated samples to a simulated training set and to fresh target samples.
 */
import { maxOf } from '../../extent.js'
import { rng } from '../../random.js'
import { flowProblem } from '../../theory/problem.js'
import { solve, type StatsRow } from '../../theory/solve.js'
import {
  bernoulliKl,
  estimate,
  klPerDimension,
  memorisationDistances,
  mixturePair,
  slopeThroughOrigin,
  w2Bounds,
  w2Correction,
  w2Empirical,
  type Estimate,
  type MemorisationDistances,
  type Pair,
} from '../mixtures.js'
import { row, small, value, type Row, type Table } from './compare.js'

const BASE = { n: 8, sigma: 1.5, lambda: 0.1, omega: 1 }

interface Case {
  readonly skip: boolean
  readonly t: number
  readonly rho: number
}
// Without the skip connection P = 0 at t = 1 and both KL are infinite: KL is checked at t = 0.8 (P = 0.2).
const CASES: Case[] = [
  { skip: true, t: 1, rho: 0.5 },
  { skip: true, t: 1, rho: 0.24 },
  { skip: false, t: 0.8, rho: 0.5 },
  { skip: false, t: 0.8, rho: 0.24 },
]
const caseLabel = (c: Case): string => `${c.skip ? 'skip' : 'no-skip'}, t=${c.t}, ρ=${c.rho}`

const statsOf = (c: Case): StatsRow => solve(flowProblem({ ...BASE, rho: c.rho, skip: c.skip })).stats(c.t)

function pairOf(c: Case, s: StatsRow, d: number, seed: number): Pair {
  const { n, sigma, omega } = BASE
  return mixturePair({ d, n, omega, sigma, rho: c.rho, M_mu: s.M_mu, Q_eta: s.Q_eta, Q_xi: s.Q_xi, P: s.P }, rng(seed))
}

/** KL(generated || target) or the reverse, with its limit key and its O(1/d) constant. */
const DIRECTIONS = [
  { key: 'kl' as const, correction: (rho: number) => bernoulliKl(0.5, rho), draw: (p: Pair) => [p.generated, p.target] as const },
  { key: 'kl_reverse' as const, correction: (rho: number) => bernoulliKl(rho, 0.5), draw: (p: Pair) => [p.target, p.generated] as const },
]

function klTables(quick: boolean): Table[] {
  const ds = quick ? [40, 160] : [50, 200, 800]
  const N = quick ? 1500 : 20000
  const rows: Row[] = []
  const fits: Row[] = []
  for (const [ci, c] of CASES.entries()) {
    const s = statsOf(c)
    for (const dir of DIRECTIONS) {
      const limit = s[dir.key]
      const excess: Estimate[] = []
      for (const [di, d] of ds.entries()) {
        const [p, q] = dir.draw(pairOf(c, s, d, 100 * ci + di))
        const e = klPerDimension(p, q, N, rng(1000 + 100 * ci + di))
        const predicted = dir.correction(c.rho) / d
        const diff = Math.abs(e.value - limit - predicted)
        excess.push({ ...e, value: e.value - limit })
        const label = `${caseLabel(c)}, ${dir.key}, d=${d}`
        rows.push(
          row(
            label,
            [caseLabel(c), dir.key, String(d), String(N), value(limit), value(e.value), small(e.value - limit), small(predicted), small(e.se), small(diff), small(4 * e.se)],
            [{ diff, tol: 4 * e.se }],
          ),
        )
      }
      const slope = slopeThroughOrigin(
        ds.map((d) => 1 / d),
        excess,
      )
      const want = dir.correction(c.rho)
      const diff = Math.abs(slope.value - want)
      fits.push(
        row(
          `${caseLabel(c)}, ${dir.key}, 1/d fit`,
          [caseLabel(c), dir.key, ds.join(', '), value(slope.value, 4), small(slope.se), value(want, 6), small(diff), small(4 * slope.se)],
          [{ diff, tol: 4 * slope.se }],
        ),
      )
    }
  }
  return [
    {
      id: '7a',
      title: 'KL to the target by Monte Carlo',
      intro: [
        'The generated law ½N(mean, P²I) + ½N(−mean, P²I) and the target ρN(μ, σ²I) + (1 − ρ)N(−μ, σ²I) in ℝ^d, built from actual vectors: μ, η, ξ along random orthonormal directions with the limit norms (|μ|²/d = ω, |η|²/d = |ξ|²/d = n) and mean = M_mu μ + Q_eta η + Q_xi ξ with the coefficients of `stats(t)` (n = 8, σ = 1.5, λ = 0.1, ω = 1). **MC**: KL(p‖q)/d = E_p[log p − log q]/d over N draws of p, with the exact log-densities (log-sum-exp of the two components), `klPerDimension` in `src/tools/mixtures.ts`.',
        '**Predicted finite-d correction**: the clusters are ~√d standard deviations apart, so each draw sees only its own component in either density; the log ½ and log ρ weights of the two densities leave KL(Bernoulli(½) ‖ Bernoulli(ρ))/d (reverse: KL(Bernoulli(ρ) ‖ Bernoulli(½))/d), up to terms exponentially small in d. **Tolerance**: 4 Monte Carlo standard errors (SE = sample standard deviation/√N). Without the skip connection P = 0 at t = 1 (both KL infinite, printed null); those rows use t = 0.8 (P = 0.2).',
      ],
      head: ['case', 'key', 'd', 'N', 'limit (library)', 'MC', 'MC − limit', 'predicted', 'SE', '|MC − limit − predicted|', 'tol', 'ok'],
      rows,
    },
    {
      id: '7b',
      title: 'O(1/d) correction of KL, fitted',
      intro: [
        'The MC − limit column of table 7a fitted as c/d (weighted least squares through the origin, weights 1/SE²), against the predicted constant, the Bernoulli KL of the cluster weights (0 at ρ = ½). Tolerance: 4 standard errors of the fitted slope.',
      ],
      head: ['case', 'key', 'd', 'fitted c', 'SE', 'Bernoulli KL', 'diff', 'tol', 'ok'],
      rows: fits,
    },
  ]
}

/** Relative rounding allowance between the coupling's cost and the limit (dot products over d terms; measured ~1e-15). */
const TOL_EXACT = 1e-12

function w2Tables(quick: boolean): Table[] {
  const ds = quick ? [1e3, 1e5] : [1e3, 1e4, 1e5, 1e6]
  const cases = [...CASES, { skip: false, t: 1, rho: 0.24 }]
  const bounds: Row[] = []
  for (const [ci, c] of cases.entries()) {
    const s = statsOf(c)
    for (const [di, d] of ds.entries()) {
      const pair = pairOf(c, s, d, 200 + 10 * ci + di)
      const b = w2Bounds(pair.generated, pair.target)
      const exact = Math.abs(b.upper - s.w2) / s.w2
      const below = Math.max(0, b.lower - s.w2)
      bounds.push(
        row(
          `${caseLabel(c)}, d=${d}`,
          [caseLabel(c), String(d), value(s.w2), value(b.lower), value(b.upper), small(exact), small(s.w2 - b.lower), value((s.w2 - b.lower) * Math.sqrt(d), 4), small(TOL_EXACT)],
          [
            { diff: exact, tol: TOL_EXACT },
            { diff: below / s.w2, tol: TOL_EXACT },
          ],
        ),
      )
    }
  }
  const empirical: Row[] = []
  const dsEmp = quick ? [400] : [400, 1600, 6400]
  const N = quick ? 100 : 400
  const replicas = quick ? 3 : 4
  for (const [ci, c] of CASES.entries()) {
    const s = statsOf(c)
    for (const [di, d] of dsEmp.entries()) {
      const pair = pairOf(c, s, d, 300 + 10 * ci + di)
      const random = rng(400 + 10 * ci + di)
      const e = estimate(Array.from({ length: replicas }, () => w2Empirical(pair.generated, pair.target, N, random)))
      const predicted = w2Correction(pair.generated, pair.target)
      const diff = Math.abs(e.value - s.w2 - predicted)
      const allowance = (pair.generated.sd + pair.target.sd) ** 2 / d
      const tol = 4 * e.se + allowance
      empirical.push(
        row(
          `${caseLabel(c)}, d=${d}, empirical`,
          [caseLabel(c), String(d), `${N} × ${replicas}`, value(s.w2), value(e.value), small(e.value - s.w2), small(predicted), small(e.se), small(diff), small(tol)],
          [{ diff, tol }],
        ),
      )
    }
  }
  return [
    {
      id: '7c',
      title: 'W2 to the target between a coupling and a proven lower bound',
      intro: [
        'The mixtures of table 7a. **Upper bound** (`w2Bounds`): the cost of an actual coupling, each generated component joined to a target component by its optimal Gaussian coupling (isotropic Bures: |c − c′|² + d(s − s′)², computed from the realised vectors) and the pairs weighted by the optimal transport of the cluster weights (the 2 × 2 transport solved at the ends of its segment of plans). With the limit overlaps built in exactly it equals the limit at every d; **tolerance** 1e-12 relative (rounding of dot products over d terms).',
        '**Lower bound**, proven for any d ≥ 3: split ℝ^d into S = span(mean, μ) and its complement. The complement parts are N(0, P²I) and N(0, σ²I) in d − 2 dimensions whatever the cluster, so any coupling pays (d − 2)(|P| − σ)² there. In S, with the cluster signs e, f drawn given each point (a coupling of the weights), Minkowski in L² gives ‖X_S − Y_S‖ ≥ ‖e·mean − f·μ‖ − ‖P g − σ h‖ ≥ √T − √2(|P| + σ), T the weight transport with the centre costs. The check: lower ≤ library (same tolerance). The gap closes like 1/√d: √d (w2 − lower) tends to 2√(2T/d)(|P| + σ).',
      ],
      head: ['case', 'd', 'w2 (library)', 'lower', 'upper', '|upper − w2|/w2', 'w2 − lower', '√d (w2 − lower)', 'tol', 'ok'],
      rows: bounds,
    },
    {
      id: '7d',
      title: 'W2 by empirical assignment on the reduced problem',
      intro: [
        'Both mixtures are invariant under the rotations fixing S = span(mean, μ), so W2 is exactly the W2 of the laws of (coordinates in S, radius r of the complement part) with cost |u − u′|² + (r − r′)² (≥: reverse triangle inequality; ≤: give both complement parts the same uniform direction). **Empirical**: N actual draws of each law in ℝ^d (cluster sizes fixed at N × weight, so the weights carry no sampling error), projected, and matched by the optimal assignment (Hungarian method); the mean over the replicas (`w2Empirical`). Its expectation lies above the true W2²/d (joint convexity, Jensen).',
        '**Predicted finite-d value**: w2 − C/√d (`w2Correction`): with ρ ≠ ½ a mass |ρ − ½| changes cluster and the optimal plan moves the generated points that lie furthest towards the other cluster and fills the target points that lie furthest towards the sender, gaining O(√d); C is their Gaussian tail mean (derived to first order, not proven). **Tolerance**: 4 standard errors over the replicas plus (|P| + σ)²/d for the O(1) remainder of the expansion (an assumed size: the noise energy in S, not measured).',
      ],
      head: ['case', 'd', 'N × replicas', 'w2 (library)', 'empirical', 'empirical − w2', 'predicted −C/√d', 'SE', 'diff', 'tol', 'ok'],
      rows: empirical,
    },
  ]
}

function memorisationTable(quick: boolean): Table {
  const ds = quick ? [4000] : [10_000, 40_000, 160_000]
  const samples = quick ? 10 : 20
  const replicas = 6
  const { n, sigma, omega } = BASE
  const cases: Case[] = [
    { skip: true, t: 1, rho: 0.5 },
    { skip: true, t: 1, rho: 0.24 },
    { skip: false, t: 1, rho: 0.5 },
  ]
  const rows: Row[] = []
  let skipped = 0
  let drawn = 0
  for (const c of cases) {
    const s = statsOf(c)
    for (const d of ds) {
      const runs: MemorisationDistances[] = []
      for (let seed = 1; runs.length < replicas; seed++) {
        const r = memorisationDistances({ d, n, sigma, omega, rho: c.rho, M: s.M_mu, Q_xi: s.Q_xi, P: s.P }, samples, seed)
        drawn++
        if (r.bothClusters) runs.push(r)
        else skipped++
      }
      const bias = maxOf(runs.map((r) => r.spread)) * Math.sqrt(2 * Math.log(n))
      const measured: Record<'dist_train' | 'dist_fresh' | 'mem_gap', Estimate> = {
        dist_train: estimate(runs.map((r) => r.distTrain)),
        dist_fresh: estimate(runs.map((r) => r.distFresh)),
        mem_gap: estimate(runs.map((r) => r.distTrain - r.distFresh)),
      }
      for (const [key, e] of Object.entries(measured) as Array<[keyof typeof measured, Estimate]>) {
        const allowance = key === 'dist_fresh' ? 0 : bias
        const diff = Math.abs(e.value - s[key])
        const tol = 4 * e.se + allowance
        rows.push(
          row(`${caseLabel(c)}, d=${d}, ${key}`, [caseLabel(c), String(d), key, value(s[key]), value(e.value), small(e.value - s[key]), small(e.se), small(allowance), small(tol)], [{ diff, tol }]),
        )
      }
    }
  }
  return {
    id: '7e',
    title: 'Distances to the training set and to fresh samples, simulated',
    intro: [
      `A training set x1^ν = s^ν μ + σ z^ν (ν = 1..n, drawTrainingSet), generated points X = P x0 + s (M mu_emp + Q_xi ξ) with s = sign(mu_emp · x0) and the coefficients of \`stats(1)\`, and for each X a fresh target point y = s μ + σ z of its cluster. **Measured**: dist_train = min over ν of |X − x1^ν|²/d, dist_fresh = |X − y|²/d, mem_gap their difference, averaged over ${samples} points, then over ${replicas} training sets (\`memorisationDistances\`).`,
      `**Tolerance**: 4 standard errors over the ${replicas} training sets (Student t with ${replicas - 1} degrees of freedom: two-sided 99 %) plus, for dist_train and mem_gap, the downward bias of a minimum: at most spread·√(2 ln n), spread the measured standard deviation of one same-cluster distance (the bound on the mean of the maximum of n variables of that spread). The bias shrinks like 1/√d.`,
      `The limit assumes both clusters have training samples; a training set with an empty cluster (probability ρ^n + (1 − ρ)^n) has dist_train of that cluster's points ≈ 4M(ω + σ²/n) larger. Such sets are skipped: ${skipped} of ${drawn} drawn here.`,
    ],
    head: ['case', 'd', 'key', 'library', 'measured', 'measured − library', 'SE', 'bias allowance', 'tol', 'ok'],
    rows,
  }
}

/** Tables 7a-7e. */
export function distanceTables(quick: boolean): Table[] {
  return [...klTables(quick), ...w2Tables(quick), memorisationTable(quick)]
}
