/**
 * Benchmark (run by `npm run bench`): prints timings and accuracy figures next to their targets.
 * It asserts nothing; the tests own the pass/fail checks.
 *
 *  1. in-process time per full curve (solve + statsGrid on 101 points + dae at each point) and per
 *     single stats point (solve + stats(1)), median after warm-up;
 *  2. start-up: the whole-process wall time of a double-precision `stats`, `dae` and `curves` (and
 *     of `stats` on a custom schedule) beside a bare `node -e 0`, in interleaved rounds, and their
 *     ratio (target: at most 3); FLOWGM_BENCH_ROOT=DIR times the CLI of another checkout (built),
 *     e.g. the main branch's, for a before/after figure;
 *  3. relative error of the integrator against the closed form of Result B (below);
 *  4. the integrator's own diagnostics.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { flowProblem, type FlowProblem } from '../theory/problem.js'
import { solve } from '../theory/solve.js'
import { flowByHand } from './by-hand.js'
import { table } from './table.js'

const PARAMS = { n: 8, sigma: 1.5, lambda: 0.1, omega: 1 } as const
const SCHEDULES = ['linear', 'trig'] as const
type Named = (typeof SCHEDULES)[number]

const CASES = SCHEDULES.flatMap((schedule) => [true, false].map((skip) => ({ schedule, skip })))
const label = (c: { schedule: Named; skip: boolean }): string => `${c.schedule}, ${c.skip ? 'skip' : 'no-skip'}`

const WARMUP = 50
const REPS = 200
/** Interleaved rounds of the start-up figures (each: node -e 0, then every command once), after warm-up rounds. */
const START_ROUNDS = 15
const START_WARMUP = 2
const TARGET_START_RATIO = 3
const CURVE_POINTS = 101
const TARGET_CURVE_MS = 1
const TARGET_CLI_S = 0.5
const TARGET_REL_ERR = 1e-12

const GRID = Array.from({ length: CURVE_POINTS }, (_, k) => k / (CURVE_POINTS - 1))

// Keeps the optimiser from dropping work whose result is otherwise unused.
let sink = 0

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const h = s.length >> 1
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2
}

/** Median wall time of `work` in milliseconds, after a warm-up that lets the JIT settle. */
function timeMs(work: () => number): number {
  for (let i = 0; i < WARMUP; i++) sink += work()
  const ms: number[] = []
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now()
    sink += work()
    ms.push(performance.now() - t0)
  }
  return median(ms)
}

function fullCurve(problem: FlowProblem): number {
  const sol = solve(problem)
  const stats = sol.statsGrid(GRID)
  let acc = 0
  for (let i = 0; i < GRID.length; i++) acc += stats[i].mse + sol.dae(GRID[i]).w_cos
  return acc
}

const singlePoint = (problem: FlowProblem): number => solve(problem).stats(1).mse

/** Uniform grid plus the ends and points crowding both ends, where the ODE is stiffest. */
const ACCURACY_GRID = [...Array.from({ length: 201 }, (_, k) => k / 200), 1e-9, 1e-6, 1e-3, 1 - 1e-3, 1 - 1e-4, 1 - 1e-5, 1 - 1e-6, 1 - 1e-8].sort((a, b) => a - b)
const ERROR_KEYS = ['M', 'Q_xi', 'P', 'mse'] as const

/** Relative error, or the absolute one where the exact value is 0 (M and Q_xi at t = 0). */
const relErr = (got: number, want: number): number => (want === 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want))

function accuracy(schedule: Named, skip: boolean): { all: Record<string, number>; interior: number; worstT: number } {
  const sol = solve(flowProblem({ ...PARAMS, schedule, skip }))
  const rows = sol.statsGrid(ACCURACY_GRID)
  const all: Record<string, number> = Object.fromEntries(ERROR_KEYS.map((k) => [k, 0]))
  let interior = 0,
    worst = -1,
    worstT = 0
  ACCURACY_GRID.forEach((t, i) => {
    const exact = flowByHand({ ...PARAMS, skip }, schedule, t)
    for (const k of ERROR_KEYS) {
      const e = relErr(rows[i][k], exact[k])
      all[k] = Math.max(all[k], e)
      if (t <= 0.999) interior = Math.max(interior, e)
      if (e > worst) {
        worst = e
        worstT = t
      }
    }
  })
  return { all, interior, worstT }
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

const ms = (x: number): string => `${x.toFixed(3)} ms`
const sec = (x: number): string => `${x.toFixed(3)} s`
const sci = (x: number): string => x.toExponential(1)
const verdict = (ok: boolean): string => (ok ? 'yes' : 'NO')

/** The repository whose CLI the start-up figures time: this one, or FLOWGM_BENCH_ROOT. */
const CLI_ROOT = process.env.FLOWGM_BENCH_ROOT ?? fileURLToPath(new URL('../../', import.meta.url))

/**
 * The commands of the start-up target (double precision, defaults; `relative`: held to
 * TARGET_START_RATIO), and stats on a custom schedule (compiled at start: held to TARGET_CLI_S).
 */
const START_COMMANDS: ReadonlyArray<{ readonly args: readonly string[]; readonly relative: boolean }> = [
  { args: ['stats', '--json'], relative: true },
  { args: ['dae', '--t', '0.5', '--json'], relative: true },
  { args: ['curves', '--json'], relative: true },
  { args: ['stats', '--alpha', '1-t^2', '--beta', 't^2'], relative: false },
]

/** One whole process: its wall time (s) and exit status. */
function processSeconds(args: readonly string[]): { s: number; status: number | null } {
  const t0 = performance.now()
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' })
  return { s: (performance.now() - t0) / 1000, status: r.status }
}

/**
 * Start-up: rounds of `node -e 0` (the anchor) then each command once, so that the machine's
 * drift moves both alike; per command the median wall time, the anchor's, and the median of the
 * ratios to the same round's anchor.
 */
function startUp(): void {
  const bin = `${CLI_ROOT.replace(/\/$/, '')}/bin/flowgm.js`
  const anchor: number[] = []
  const runs = START_COMMANDS.map(() => [] as { s: number; status: number | null }[])
  for (let round = 0; round < START_WARMUP + START_ROUNDS; round++) {
    const node = processSeconds(['-e', '0'])
    const times = START_COMMANDS.map((c) => processSeconds([bin, ...c.args]))
    if (round < START_WARMUP) continue
    anchor.push(node.s)
    times.forEach((t, i) => runs[i].push(t))
  }
  console.log(`Start-up: whole-process wall time (spawnSync), median of ${START_ROUNDS} interleaved rounds after ${START_WARMUP}, beside node -e 0 in the same rounds`)
  console.log(`(CLI of ${CLI_ROOT}; node -e 0: ${sec(median(anchor))})`)
  const status = (rs: { status: number | null }[]): string => (rs.every((r) => r.status === 0) ? '0' : rs.map((r) => r.status).join(','))
  table(
    ['command', 'wall', 'ratio to node -e 0', 'target', 'ok', 'exit'],
    START_COMMANDS.map((c, i) => {
      const wall = median(runs[i].map((r) => r.s))
      const ratio = median(runs[i].map((r, k) => r.s / anchor[k]))
      const command = `flowgm ${c.args.map((a) => (/[\^ ]/.test(a) ? `'${a}'` : a)).join(' ')}`
      const [target, ok] = c.relative ? [`<= ${TARGET_START_RATIO}x`, ratio <= TARGET_START_RATIO] : [`< ${TARGET_CLI_S} s`, wall < TARGET_CLI_S]
      return [command, sec(wall), `${ratio.toFixed(2)}x`, target, verdict(ok), status(runs[i])]
    }),
  )
}

function main(): void {
  const started = performance.now()
  console.log(`flowgm bench: n = ${PARAMS.n}, sigma = ${PARAMS.sigma}, lambda = ${PARAMS.lambda}, omega = ${PARAMS.omega}; node ${process.version}\n`)

  console.log(`In-process time, median of ${REPS} after ${WARMUP} warm-up runs`)
  console.log(`(curve = solve + statsGrid of ${CURVE_POINTS} uniform points + dae at each point; point = solve + stats(1))`)
  table(
    ['case', 'curve', 'target', 'ok', 'point'],
    CASES.map((c) => {
      const problem = flowProblem({ ...PARAMS, ...c })
      const curve = timeMs(() => fullCurve(problem))
      return [label(c), ms(curve), `< ${TARGET_CURVE_MS} ms`, verdict(curve < TARGET_CURVE_MS), ms(timeMs(() => singlePoint(problem)))]
    }),
  )

  startUp()

  console.log(`Relative error of the integrator against the closed form of Result B (max over ${ACCURACY_GRID.length} t in [0, 1],`)
  console.log('ends and 1 - 1e-8 included; absolute error where the exact value is 0)')
  table(
    ['case', ...ERROR_KEYS, 'worst at t', 't <= 0.999', 'target'],
    CASES.map((c) => {
      const r = accuracy(c.schedule, c.skip)
      return [label(c), ...ERROR_KEYS.map((k) => sci(r.all[k])), String(r.worstT), sci(r.interior), `<= ${sci(TARGET_REL_ERR)}`]
    }),
  )

  console.log('Integrator diagnostics of one solve over [0, 1] (default rtol of solve)')
  table(
    ['case', 'steps', 'rejected', 'evaluations'],
    CASES.map((c) => {
      const d = solve(flowProblem({ ...PARAMS, ...c })).diagnostics
      return [label(c), String(d.steps), String(d.rejected), String(d.evaluations)]
    }),
  )

  console.log(`bench took ${sec((performance.now() - started) / 1000)} (checksum ${sink.toPrecision(6)})`)
}

main()
