/**
 * Benchmark of high precision (part of `npm run bench`): prints figures next to their targets and
 * asserts nothing (the tests own the checks).
 *  1. in-process time of `stats` at t = 1 with --digits 50 (target < 0.3 s) and 100 (< 1 s), both
 *     routes included, first call (cold caches) and warm median (wall and CPU), and the digits
 *     verified, for the named, polynomial custom and transcendental custom schedules;
 *  2. each transcendental schedule's warm time over the slowest polynomial one's at the same
 *     digits (target <= 3);
 *  3. the anchor: mpmath's Taylor odefun on the flow of the trig schedule (bench/odefun.py, run by
 *     python3 in the same run; skipped, and said so, without python3 or mpmath), its time, flowgm's
 *     over it, and the digits on which its M, Q_xi, P agree with flowgm's;
 *  4. agreement of --digits 60 with double precision at t = 1 and t = 0.37;
 *  5. time of `rate` (both routes, sequence up to n = 1e12).
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Decimal } from '../hp/arith.js'
import { agree, statsHp } from '../theory/hp.js'
import { flowProblem, type ProblemOptions } from '../theory/problem.js'
import { rate } from '../theory/rate.js'
import { solve } from '../theory/solve.js'
import { table } from './table.js'
import { maxOf, minOf } from '../extent.js'

const PARAMS = { n: 8, sigma: 1.5, lambda: 0.1 } as const
/** kind: polynomial or transcendental schedule (the ratio target compares the two kinds). */
const CASES: Array<{ label: string; kind: 'polynomial' | 'transcendental'; options: ProblemOptions }> = [
  { label: 'linear, skip', kind: 'polynomial', options: { ...PARAMS, schedule: 'linear' } },
  { label: 'trig, skip', kind: 'transcendental', options: { ...PARAMS, schedule: 'trig' } },
  { label: "custom '1-t^2', 't^2', skip", kind: 'polynomial', options: { ...PARAMS, schedule: { alpha: '1-t^2', beta: 't^2' } } },
  { label: "custom 'cos(pi*t/2)', 'sin(pi*t/2)', skip", kind: 'transcendental', options: { ...PARAMS, schedule: { alpha: 'cos(pi*t/2)', beta: 'sin(pi*t/2)' } } },
  { label: "custom '(exp(1-t)-1)/(exp(1)-1)', 't', skip", kind: 'transcendental', options: { ...PARAMS, schedule: { alpha: '(exp(1-t)-1)/(exp(1)-1)', beta: 't' } } },
  { label: 'linear, no-skip', kind: 'polynomial', options: { ...PARAMS, schedule: 'linear', skip: false } },
]
const TARGETS: Record<number, number> = { 50: 0.3, 100: 1 }
/** The most a transcendental schedule may take over the slowest polynomial one at the same digits. */
const RATIO_TARGET = 3
/** The anchor's run is given this long before it is reported as timed out. */
const ANCHOR_SECONDS = 600
/**
 * The digits the anchor runs at: 50 by default (about a minute); FLOWGM_BENCH_ODEFUN=50,100 adds
 * 100, where odefun took 827 s on this 2-core machine (docs/cli.md).
 */
const ANCHOR_DIGITS = (process.env.FLOWGM_BENCH_ODEFUN ?? '50').split(',').map(Number)

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
  const warmBy = new Map<string, number>()
  for (const digits of [50, 100]) {
    for (const c of CASES) {
      const problem = flowProblem(c.options)
      let verified = 0
      const cold = seconds(() => {
        verified = statsHp(problem, ['1'], { digits }).digitsVerified
      })
      // CPU time beside wall time: on a machine shared with other work the wall time grows with
      // the load, the process's own CPU time much less.
      const runs = [0, 1, 2].map(() => {
        const c0 = process.cpuUsage()
        const wall = seconds(() => statsHp(problem, ['1'], { digits }))
        const c = process.cpuUsage(c0)
        return { wall, cpu: (c.user + c.system) / 1e6 }
      })
      const warm = median(runs.map((r) => r.wall))
      warmBy.set(`${c.label}/${digits}`, warm)
      rows.push([c.label, String(digits), cold.toFixed(3), warm.toFixed(3), median(runs.map((r) => r.cpu)).toFixed(3), `< ${TARGETS[digits]}`, warm < TARGETS[digits] ? 'yes' : 'NO', String(verified)])
    }
  }
  table(['case', 'digits', 'cold s', 'warm s', 'warm cpu s', 'target s', 'met', 'digits verified'], rows)

  console.log(`Transcendental schedules over the slowest polynomial one (warm, same digits; target <= ${RATIO_TARGET})\n`)
  const ratios: string[][] = []
  for (const digits of [50, 100]) {
    const polynomial = maxOf(CASES.filter((c) => c.kind === 'polynomial').map((c) => warmBy.get(`${c.label}/${digits}`)!))
    for (const c of CASES.filter((c) => c.kind === 'transcendental')) {
      const ratio = warmBy.get(`${c.label}/${digits}`)! / polynomial
      ratios.push([c.label, String(digits), polynomial.toFixed(3), ratio.toFixed(2), ratio <= RATIO_TARGET ? 'yes' : 'NO'])
    }
  }
  table(['case', 'digits', 'polynomial s', 'ratio', 'met'], ratios)

  anchor(warmBy)

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
            // Equal values (kl and kl_reverse are +Infinity without skip connection at t = 1) differ by 0.
            return dbl[k] === x ? 0 : x === 0 ? Math.abs(dbl[k]) : Math.abs(dbl[k] - x) / Math.abs(x)
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

/**
 * mpmath's odefun on the trig schedule's flow (bench/odefun.py) at ANCHOR_DIGITS: its time,
 * flowgm's warm time over it, and the digits on which the two agree on M, Q_xi, P at t = 1.
 */
function anchor(warmBy: ReadonlyMap<string, number>): void {
  console.log('Anchor: mpmath odefun (Taylor) on the flow of the trig schedule to t = 1 (bench/odefun.py)\n')
  const script = fileURLToPath(new URL('../../bench/odefun.py', import.meta.url))
  const rows: string[][] = []
  for (const digits of ANCHOR_DIGITS) {
    const start = performance.now()
    const run = spawnSync('python3', [script, String(digits)], { encoding: 'utf8', timeout: ANCHOR_SECONDS * 1000 })
    const flowgm = warmBy.get(`trig, skip/${digits}`)!
    if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') {
      // Timed out: its time is a lower bound, the ratio an upper bound.
      rows.push([String(digits), `> ${ANCHOR_SECONDS}`, flowgm.toFixed(3), `< ${(flowgm / ANCHOR_SECONDS).toExponential(2)}`, '-'])
      continue
    }
    if (run.error || run.status !== 0) {
      const stopped = run.signal ? `stopped by ${run.signal} after ${((performance.now() - start) / 1000).toFixed(0)} s` : `exit ${run.status}`
      const why = run.error ? run.error.message : run.stderr.trim().split('\n').pop() || stopped
      console.log(`odefun at ${digits} digits skipped (python3 with mpmath is needed; ${why})\n`)
      continue
    }
    const mp = JSON.parse(run.stdout) as { seconds: number } & Record<'M' | 'Q_xi' | 'P', string>
    const ours = statsHp(flowProblem({ ...PARAMS, schedule: 'trig' }), ['1'], { digits }).rows[0]
    const agreement = minOf((['M', 'Q_xi', 'P'] as const).map((k) => agree(ours[k], new Decimal(mp[k]), digits)))
    rows.push([String(digits), mp.seconds.toFixed(2), flowgm.toFixed(3), (flowgm / mp.seconds).toExponential(2), String(agreement)])
  }
  if (rows.length) table(['digits', 'odefun s', 'flowgm warm s', 'flowgm / odefun', 'digits agree (M, Q_xi, P)'], rows)
}

main()
