/**
 * Table 8 of the validation document: the best regularisation lambda* of `flowgm optimize`
 * (src/theory/optimize.ts: a root of the objective's exact derivative, checked there against
 * Brent's method on values) against a third route that shares none of its code: a golden-section
 * search on the double-precision objective `solve(...).stats(1)[key]` over [lambda* / 2, 2 lambda*].
 * A search on values resolves a minimiser to about sqrt(machine epsilon) relative, so the tolerance
 * is 1e-6; without skip connection lambda* = sigma^2/omega exactly (docs/theory.md, the best
 * regularisation), checked to 1e-12.
 */
import { flowProblem, type ProblemOptions } from '../../theory/problem.js'
import { optimize, type Objective } from '../../theory/optimize.js'
import { solve } from '../../theory/solve.js'
import { relDiff, row, type Row, type Table } from './compare.js'

interface OptimizeCase {
  readonly options: ProblemOptions
  readonly objective: Objective
  /** lambda* derived by hand, where there is one. */
  readonly exact?: number
}

function cases(quick: boolean): OptimizeCase[] {
  const a = { n: 8, sigma: 1.5, lambda: 0.1 }
  const all: OptimizeCase[] = [
    { options: a, objective: 'mse' },
    { options: a, objective: 'w2' },
    { options: a, objective: 'kl' },
    { options: { ...a, skip: false }, objective: 'mse', exact: 1.5 ** 2 },
    { options: { ...a, rho: 0.3 }, objective: 'w2' },
    { options: { n: 64, sigma: 0.7, lambda: 0.1, omega: 2, schedule: 'trig' }, objective: 'mse' },
  ]
  return quick ? all.slice(0, 4) : all
}

/** The minimiser of f on [a, b] by golden-section search (f unimodal there), to the resolution of doubles. */
function goldenSection(f: (x: number) => number, a: number, b: number): number {
  const g = (Math.sqrt(5) - 1) / 2
  let [lo, hi] = [a, b]
  let x1 = hi - g * (hi - lo)
  let x2 = lo + g * (hi - lo)
  let [f1, f2] = [f(x1), f(x2)]
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    if (f1 <= f2) {
      ;[hi, x2, f2] = [x2, x1, f1]
      x1 = hi - g * (hi - lo)
      f1 = f(x1)
    } else {
      ;[lo, x1, f1] = [x1, x2, f2]
      x2 = lo + g * (hi - lo)
      f2 = f(x2)
    }
  }
  return (lo + hi) / 2
}

export function optimizeTable(quick: boolean): Table {
  const rows: Row[] = []
  for (const c of cases(quick)) {
    const o = c.options
    const label = `n=${o.n} σ=${o.sigma} ω=${o.omega ?? 1}${o.rho ? ` ρ=${o.rho}` : ''}, ${o.schedule ?? 'linear'}, ${o.skip === false ? 'no-skip' : 'skip'}, ${c.objective}`
    const r = optimize(flowProblem(o), { objective: c.objective })
    const star = r.lambdaStar.toNumber()
    const objective = (lambda: number) => solve(flowProblem({ ...o, lambda })).stats(1)[c.objective]
    const searched = goldenSection(objective, star / 2, 2 * star)
    const checks = [{ diff: relDiff(searched, star), tol: 1e-6 }, { diff: r.digitsAgree >= 12 ? 0 : 1, tol: 0 }, ...(c.exact === undefined ? [] : [{ diff: relDiff(star, c.exact), tol: 1e-12 }])]
    rows.push(
      row(
        label,
        [label, r.lambdaStar.toString(), r.route, String(r.digitsAgree), searched.toPrecision(10), relDiff(searched, star).toExponential(1), c.exact === undefined ? '' : String(c.exact)],
        checks,
      ),
    )
  }
  return {
    id: '8',
    title: 'The best regularisation: optimize against a golden-section search on values',
    intro: [
      '`flowgm optimize` finds lambda* as a root of the objective’s derivative in lambda (exact: Taylor series in lambda of the closed form at t = 1; differences with --steps) and checks it against Brent’s method on values (*agree*, at least the 12 printed digits).',
      'The third route here shares none of that code: a golden-section search on the double-precision objective at t = 1 (`solve(...).stats(1)`) over [lambda*/2, 2 lambda*]. Near a minimum the objective moves by the square of the step, so values resolve the minimiser to about 1e-8 relative: tolerance 1e-6. Without skip connection lambda* = σ²/ω exactly (docs/theory.md): tolerance 1e-12.',
    ],
    head: ['case', 'lambda*', 'route', 'agree (digits)', 'golden section', 'rel. diff', 'by hand', 'ok'],
    rows,
  }
}
