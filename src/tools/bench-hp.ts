/**
 * Benchmark of high precision (part of `npm run bench`): prints figures next to their targets and
 * asserts nothing (the tests own the checks).
 *  1. in-process time of `stats` at t = 1 with --digits 50 (target < 0.3 s) and 100 (< 3 s), both
 *     routes included, first call (cold caches) and warm median, and the digits verified;
 *  2. agreement of --digits 60 with double precision at t = 1 and t = 0.37;
 *  3. time of `rate` (both routes, sequence up to n = 1e12).
 */
import { statsHp } from '../theory/hp.js'
import { flowProblem, type ProblemOptions } from '../theory/problem.js'
import { rate } from '../theory/rate.js'
import { solve } from '../theory/solve.js'
import { table } from './table.js'
import { maxOf } from '../extent.js'

const PARAMS = { n: 8, sigma: 1.5, lambda: 0.1 } as const
const CASES: Array<{ label: string; options: ProblemOptions }> = [
  { label: 'linear, skip', options: { ...PARAMS, schedule: 'linear' } },
  { label: 'trig, skip', options: { ...PARAMS, schedule: 'trig' } },
  { label: "custom '1-t^2', 't^2', skip", options: { ...PARAMS, schedule: { alpha: '1-t^2', beta: 't^2' } } },
  { label: 'linear, no-skip', options: { ...PARAMS, schedule: 'linear', skip: false } },
]
const TARGETS: Record<number, number> = { 50: 0.3, 100: 3 }

function seconds(work: () => void): number {
  const t0 = performance.now()
  work()
  return (performance.now() - t0) / 1000
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[s.length >> 1]
}

function main(): void {
  console.log('flowgm high-precision benchmark (stats at t = 1, n = 8, sigma = 1.5, lambda = 0.1)\n')
  const rows: string[][] = []
  for (const digits of [50, 100]) {
    for (const c of CASES) {
      const problem = flowProblem(c.options)
      let verified = 0
      const cold = seconds(() => {
        verified = statsHp(problem, ['1'], { digits }).digitsVerified
      })
      const warm = median([0, 1, 2].map(() => seconds(() => statsHp(problem, ['1'], { digits }))))
      rows.push([c.label, String(digits), cold.toFixed(3), warm.toFixed(3), `< ${TARGETS[digits]}`, warm < TARGETS[digits] ? 'yes' : 'NO', String(verified)])
    }
  }
  table(['case', 'digits', 'cold s', 'warm s', 'target s', 'met', 'digits verified'], rows)

  console.log('--digits 60 against double precision (largest relative difference over the stats keys)\n')
  const agreement: string[][] = []
  for (const c of CASES) {
    const problem = flowProblem(c.options)
    const sol = solve(problem)
    for (const t of ['0.37', '1']) {
      const hp = statsHp(problem, [t], { digits: 60 }).rows[0]
      const dbl: Readonly<Record<string, number>> = sol.stats(Number(t))
      const worst = maxOf(
        Object.keys(dbl)
          .filter((k) => k !== 't')
          .map((k) => {
            const x = hp[k].toNumber()
            return x === 0 ? Math.abs(dbl[k]) : Math.abs(dbl[k] - x) / Math.abs(x)
          }),
      )
      agreement.push([c.label, t, worst.toExponential(1), worst <= 1e-12 ? 'yes' : 'NO'])
    }
  }
  table(['case', 't', 'max rel. diff', '<= 1e-12'], agreement)

  console.log('flowgm rate (sigma = 1.5, lambda = 0.1; exact series and Richardson on n = 10 ... 1e12)\n')
  const rateRows: string[][] = []
  for (const digits of [12, 30]) {
    const problem = flowProblem({ ...PARAMS, schedule: 'linear' })
    let r: ReturnType<typeof rate> | undefined
    const s = seconds(() => {
      r = rate(problem, { digits })
    })
    rateRows.push([String(digits), s.toFixed(2), r!.exact ? r!.exact.values.C.toSignificantDigits(digits).toString() : '-', String(r!.agreement.C), String(r!.agreement.ratio)])
  }
  table(['digits', 'time s', 'C', 'digits agree C', 'digits agree ratio'], rateRows)
}

main()
