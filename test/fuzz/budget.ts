// What one fuzz case may cost: the library's own up-front estimate of the request (src/limits.ts,
// the numbers a command refuses by: a sweep's rows, a chart's points, a simulation's steps, the
// digits of stats and dae), read
// from argv, with the fixed caps for commands it does not estimate (dae, stats, rate, merge, ...)
// and as a ceiling. A case beyond its budget shows an estimate that is wrong, or work the
// estimate does not know about.
import { simulationEstimate } from '../../src/cli/simulate.js'
import { SIMULATE_DEFAULTS, type SimulationSpec } from '../../src/simulate/simulate.js'
import { sweepEstimate } from '../../src/cli/sweep.js'
import { specFrom } from '../../src/cli/common.js'
import { DEFAULTS } from '../../src/cli/common.js'
import { readShard } from '../../src/sweep/grid.js'
import { hpCost, plotCost, transcendentalSchedule, type Cost } from '../../src/limits.js'
import type { TableFormat } from '../../src/sweep/writers.js'
import { flagValue, formatOf } from './argv.js'

/** The most a case may use: wall time of main(argv) and growth of the runner's resident memory. */
export interface Budget {
  readonly ms: number
  readonly bytes: number
}

/**
 * The ceiling: 30 s is the runner's time limit (a case that needs more is treated as hung); 1.5 GiB
 * is far above any case the generators make (values.ts caps the costly flags), and well below the
 * 2 GiB a runaway allocation reaches before the machine suffers.
 */
export const CAPS: Budget = { ms: 30_000, bytes: 1.5 * 2 ** 30 }

/**
 * Below these an estimate is not tested: the runner's measurement of a short case is dominated by
 * garbage collection and the other processes of the machine (the estimates are calibrated on an
 * idle machine, and the suite runs two test files at once).
 */
const FLOOR: Budget = { ms: 5_000, bytes: 256 * 2 ** 20 }
/**
 * Wall time on a loaded machine: the estimate's seconds, three times. Twice was exceeded (6.9 s
 * against 6.0 s for a 3.9 s curves run on a steep tanh schedule) when the suite's two files ran
 * beside other work on this 2-core machine: a timing, not a wrong estimate.
 */
export const LOAD = 3

const SWEEPS = new Set(['curves', 'compare', 'dae-compare'])

/** The flags of argv as the commands read them, by their names in the help (`--flag v`, `--flag=v`; the last one). */
function argsOf(argv: readonly string[]): Record<string, string> {
  const args: Record<string, string> = {}
  for (const a of argv) {
    const m = /^--([a-z][a-z-]*)(=|$)/.exec(a)
    const v = m ? flagValue(argv, m[1]) : undefined
    if (v !== undefined) args[m![1]] = v
  }
  return args
}

/** The library's estimate of argv, or undefined (a command it does not estimate, or a request it refuses). */
export function estimateOf(argv: readonly string[]): Cost | undefined {
  const plot = argv[0] === 'plot'
  const command = plot ? argv[1] : argv[0]
  const args = argsOf(argv)
  try {
    if (plot && SWEEPS.has(command) && args.points !== undefined) return plotCost(Number(args.points))
    if (plot && (command === 'dae' || command === 'curves')) return plotCost(DEFAULTS.points)
    if (!plot && SWEEPS.has(command)) {
      return sweepEstimate(specFrom(command as 'curves', args), readShard(args.shard), formatOf(argv) as TableFormat)
    }
    if (!plot && (command === 'stats' || command === 'dae') && args.digits !== undefined) {
      const schedule = args.alpha !== undefined && args.beta !== undefined ? { alpha: args.alpha, beta: args.beta } : (args.schedule ?? DEFAULTS.schedule)
      const times = args.t === undefined ? 1 : args.t.split(',').length
      return hpCost({ command, digits: Number(args.digits), n: Number(args.n ?? DEFAULTS.n), transcendental: transcendentalSchedule(schedule), times })
    }
    if (command === 'simulate') {
      const D = SIMULATE_DEFAULTS
      const int = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v))
      const spec = {
        d: int(args.d, D.d),
        particles: int(args.particles, D.particles),
        steps: int(args.steps, D.steps),
        epochs: int(args.epochs, D.epochs),
        trainer: args.trainer ?? D.trainer,
        engine: 'js',
        problem: { n: int(args.n, DEFAULTS.n) },
      } as unknown as SimulationSpec
      return simulationEstimate(spec)
    }
  } catch {
    return undefined
  }
  return undefined
}

/** The budget of argv: its estimate (time on a loaded machine), within the floor and the caps. */
export function budgetOf(argv: readonly string[]): Budget {
  const cost = estimateOf(argv)
  if (cost === undefined || !Number.isFinite(cost.seconds) || !Number.isFinite(cost.bytes)) return CAPS
  const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x))
  return { ms: clamp(cost.seconds * 1000 * LOAD, FLOOR.ms, CAPS.ms), bytes: clamp(cost.bytes, FLOOR.bytes, CAPS.bytes) }
}
