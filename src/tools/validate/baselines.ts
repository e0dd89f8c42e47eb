/**
 * Table 4 of the validation document: the baselines of docs/theory.md section 5 (Bayes-optimal and PCA)
 * in the limit d -> infinity (src/baselines/asymptotic.ts, compiled from equations/baselines.eq),
 * against (a) the same formulas typed in by hand from docs/theory.md and (b) the finite-d estimators
 * (src/baselines/finite.ts) on a seeded sample at large d.
 *
 * Tolerance of (b), from the derivation in src/baselines/spread.ts (delta method on the
 * overlaps a = η·μ/d, b = ‖η‖²/d, r; Monte Carlo-checked): each statistic is
 * asymptote + (c/√d)·N(0, 1) + β/d, and the check is |finite − asymptotic| ≤ 6c/√d + (2β + c²)/d.
 */
import { asymptoticBaselines } from '../../baselines/asymptotic.js'
import { baselineErrors } from '../../baselines/finite.js'
import { SPREAD_STATS, SPREAD_Z, spreadOf, spreadTolerance, type SpreadStat } from '../../baselines/spread.js'
import { rng } from '../../random.js'
import { drawTrainingSet } from '../../simulate/data.js'
import { relDiff, row, small, value, type Row, type Table } from './compare.js'

const STATS = SPREAD_STATS
type Stat = SpreadStat
interface Params {
  readonly n: number
  readonly sigma: number
  readonly omega: number
}

/** Tolerance between the compiled asymptotic formulas and the ones typed in by hand. */
export const TOL_FORMULA = 1e-14

/** docs/theory.md section 5 by hand: bo_mse = ωσ²/(nω+σ²), bo_cos = pca_cos = √(nω/(nω+σ²)), pca_mse = 2ω(1 − pca_cos); ω̂ → ω, σ̂² → σ². */
function byHand({ n, sigma, omega }: Params): Record<Stat, number> {
  const D = n * omega + sigma * sigma
  const cos = Math.sqrt((n * omega) / D)
  return { bo_mse: (omega * sigma * sigma) / D, bo_cos: cos, pca_mse: 2 * omega * (1 - cos), pca_cos: cos, omega_hat: omega, sigma2_hat: sigma * sigma }
}

export function baselinesTable(quick: boolean): Table {
  const d = quick ? 4000 : 50000
  const cases: Array<Params & { seed: number }> = quick
    ? [{ n: 8, sigma: 1.5, omega: 1, seed: 1 }]
    : [
        { n: 8, sigma: 1.5, omega: 1, seed: 1 },
        { n: 32, sigma: 0.7, omega: 2, seed: 2 },
        { n: 4, sigma: 3, omega: 0.5, seed: 3 },
      ]
  const rows: Row[] = []
  const notes: string[] = []
  for (const p of cases) {
    const label = `n=${p.n} σ=${p.sigma} ω=${p.omega}, d=${d}, seed ${p.seed}`
    const data = drawTrainingSet({ d, n: p.n, sigma: p.sigma, omega: p.omega, rho: 0.5 }, rng(p.seed))
    // The full pipeline: labels estimated from the spectrum of G feed the Bayes-optimal estimator.
    const finite = baselineErrors(data.x1, p.n, d, data.mu, p.sigma, p.omega, { labels: data.labels, estimateLabels: true })
    const compiled: Record<Stat, number> = { ...asymptoticBaselines(p.n, p.sigma, p.omega), omega_hat: p.omega, sigma2_hat: p.sigma * p.sigma }
    const hand = byHand(p)
    const sc = spreadOf(p)
    notes.push(`${label}: labels recovered from the spectrum of G: ${(finite.label_agreement! * 100).toFixed(1)} % (up to the global sign).`)
    for (const k of STATS) {
      const formula = relDiff(compiled[k], hand[k])
      const diff = Math.abs(finite[k] - compiled[k])
      const tol = spreadTolerance(sc[k], d)
      const z = diff / (sc[k].c / Math.sqrt(d))
      rows.push(
        row(
          `${label}, ${k}`,
          [label, k, value(compiled[k], 10), small(formula), value(finite[k], 10), small(diff), z.toFixed(2), small(tol)],
          [
            { diff: formula, tol: TOL_FORMULA },
            { diff, tol },
          ],
        ),
      )
    }
  }
  return {
    id: '4',
    title: 'Baselines: asymptotic formulas vs finite-d estimators',
    intro: [
      'The Bayes-optimal and PCA estimators of μ (docs/theory.md §5) and the spectral estimates ω̂, σ̂² that PCA uses:',
      '- **asymptotic** (reference): `asymptoticBaselines()` compiled from `equations/baselines.eq` (ω̂ → ω, σ̂² → σ²);',
      `- **by hand**: the formulas of docs/theory.md §5 typed into \`src/tools/validate/baselines.ts\`; relative difference to the compiled ones at most ${small(TOL_FORMULA)};`,
      '- **finite d**: `baselineErrors()` (`src/baselines/finite.ts`) on one seeded training set (`drawTrainingSet`, ρ = 1/2), labels estimated from the top eigenvector of the Gram matrix (the full estimator pipeline), errors measured against the true μ after aligning the global sign.',
      `The finite-d statistic fluctuates around its limit: asymptote + (c/√d)·N(0,1) + β/d, with c and β derived in \`src/baselines/spread.ts\`. The tolerance is ${SPREAD_Z}c/√d + (2β + c²)/d; *z* = |finite − asymptotic| / (c/√d) is the difference in standard deviations.`,
    ],
    head: ['case', 'statistic', 'asymptotic', 'by hand rel. diff', 'finite d', '|finite − asym.|', 'z', 'tol', 'ok'],
    rows,
    notes,
  }
}
