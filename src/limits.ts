/**
 * What a request costs, estimated from its flags before anything is computed, and the limits
 * beyond which it is refused with the estimate and the flag to change, instead of running out of
 * memory after minutes or running for days.
 *
 * Estimates are upper bounds, from measurements of each command (one core, 2024 hardware) with a
 * margin of about three: `bytes` is the peak resident memory of the whole process, `seconds` its
 * wall time. Streamed output (a sweep's rows) is not held, so it costs time but no memory.
 *
 * Long runs stay interruptible: a computation that takes more than a moment gives the event loop
 * a turn now and then (`breather`), where SIGINT and SIGTERM are handled.
 */
import { ParameterError } from './errors.js'

/** The documented limits (docs/cli.md, "Size limits"). */
export const LIMITS = {
  /** Peak memory of a request (the program itself included). */
  bytes: 2 ** 30,
  /** Wall time of a request: longer sweeps are split with --shard, longer simulations shortened. */
  seconds: 24 * 3600,
} as const

export interface Cost {
  readonly bytes: number
  readonly seconds: number
}

/** node, the compiled model, vega and decimal.js loaded, before any work. */
export const BASE: Cost = { bytes: 256 * 2 ** 20, seconds: 3 }

const withBase = (bytes: number, seconds: number): Cost => ({ bytes: BASE.bytes + bytes, seconds: BASE.seconds + seconds })

/** A request beyond the limits, as the refusal naming `flag`; `what` says what was asked ("1e7 points"), `lower` what to change. */
export function checkCost(cost: Cost, flag: string, what: string, doing: string, lower: string): void {
  if (cost.bytes > LIMITS.bytes) {
    throw new ParameterError(flag, `${what} would need about ${bytesText(cost.bytes)} to ${doing} (limit ${bytesText(LIMITS.bytes)}); ${lower}`)
  }
  if (cost.seconds > LIMITS.seconds) {
    throw new ParameterError(flag, `${what} would take about ${secondsText(cost.seconds)} to ${doing} (limit ${secondsText(LIMITS.seconds)}); ${lower}`)
  }
}

/** A count for a message: 10000000 as 1e7, 123456 as 123456. */
export function countText(x: number): string {
  if (x < 1e6) return String(x)
  const [m, e] = x.toExponential(1).split('e')
  return `${m.replace(/\.0$/, '')}e${Number(e)}`
}

export function bytesText(b: number): string {
  const units = [
    ['TB', 2 ** 40],
    ['GB', 2 ** 30],
    ['MB', 2 ** 20],
  ] as const
  const [unit, size] = units.find(([, s]) => b >= s) ?? units[2]
  const x = b / size
  return `${x >= 10 || Number.isInteger(x) ? Math.round(x) : x.toPrecision(2)} ${unit}`
}

export function secondsText(s: number): string {
  const units = [
    ['years', 365 * 86400],
    ['days', 86400],
    ['hours', 3600],
    ['minutes', 60],
    ['seconds', 1],
  ] as const
  const [unit, size] = units.find(([, u]) => s >= u) ?? units[4]
  const x = Math.round(s / size)
  return x === 1 ? `1 ${unit.slice(0, -1)}` : `${x.toPrecision(Math.min(3, String(x).length))} ${unit}`
}

// --- Plots: the chart's data and the vega scenegraph are held whole.

/** Memory and time per row of a chart's table (up to six marks a row: compare's two panels of three estimators). */
const PLOT_ROW: Cost = { bytes: 12 * 2 ** 10, seconds: 5e-4 }

/** A chart of `rows` rows (t grid points, grid rows, simulation steps). */
export const plotCost = (rows: number): Cost => withBase(rows * PLOT_ROW.bytes, rows * PLOT_ROW.seconds)

// --- Sweeps: rows streamed in chunks, except the aligned table and curves under --digits.

/** Memory of one cell of the aligned table, held until its column widths are known. */
const TABLE_CELL_BYTES = 96

/** Seconds per row in double precision (measured: compare 0.25 ms, dae-compare 0.02 ms, curves 0.075 ms). */
const DOUBLE_ROW_SECONDS = { compare: 1e-3, 'dae-compare': 1e-4, curves: 3e-4 } as const

/** Seconds per row at high precision: one row of compare or dae-compare, the marginal t of curves' single pass. */
const hpRowSeconds = (command: SweepShape['command'], digits: number, hp: HpShape): number =>
  command === 'curves' ? hpSeconds({ ...hp, command, digits, times: 2 }) - hpSeconds({ ...hp, command, digits, times: 1 }) : hpSeconds({ ...hp, command, digits })

/** Estimated seconds per row of a sweep (double precision when digits is undefined; `hp`: its n and schedule, linear at small n if not given). */
export const rowSeconds = (command: SweepShape['command'], digits: number | undefined, hp: HpShape = {}): number =>
  digits === undefined ? DOUBLE_ROW_SECONDS[command] : hpRowSeconds(command, digits, hp)

/** Memory per row of curves under --digits, whose rows are integrated and held together (54 kB at 5 digits, 100 kB at 30). */
const hpRowBytes = (digits: number): number => 64 * 2 ** 10 * (1 + digits / 5)

/** Memory of the values of the grid axes (a value and its text). */
const AXIS_VALUE_BYTES = 64

export interface SweepShape {
  readonly command: 'compare' | 'dae-compare' | 'curves'
  /** Rows this shard computes. */
  readonly rows: number
  /** Values held by the axes (all of them, whatever the shard). */
  readonly axisValues: number
  readonly columns: number
  readonly digits?: number
  /** Under --digits: the largest n and the schedule's kind. */
  readonly hp?: HpShape
  /** The aligned table holds every cell. */
  readonly table: boolean
}

/** A sweep's cost; its rows are written as they are computed, except the aligned table's and curves' under --digits. */
export function sweepCost(s: SweepShape): Cost {
  // curves under --digits integrates its rows in one pass: its time is that pass's.
  const seconds = s.command === 'curves' && s.digits !== undefined ? hpSeconds({ ...s.hp, command: 'curves', digits: s.digits, times: s.rows }) : s.rows * rowSeconds(s.command, s.digits, s.hp)
  const held = (s.table ? s.rows * s.columns * TABLE_CELL_BYTES : 0) + (s.command === 'curves' && s.digits !== undefined ? s.rows * hpRowBytes(s.digits) : 0)
  return withBase(s.axisValues * AXIS_VALUE_BYTES + held, seconds)
}

// --- High precision: one answer at --digits D, computed by two routes that must agree.

/**
 * The longest one high-precision computation may take (stats, dae, rate, a row of compare or
 * dae-compare, the single pass of curves). It cannot be split with --shard, and a user waiting
 * for one answer would rather be told at once than after an hour.
 */
export const HP_LIMIT_SECONDS = 3600

/** What the time of a high-precision request depends on, besides its command and digits. */
export interface HpShape {
  /** The largest n (the states carry about log10 n digits more at large n). */
  readonly n?: number
  /** A schedule beyond polynomials and their ratios (trig, exp, ...): its Taylor coefficients cost series. */
  readonly transcendental?: boolean
  /** Times of stats and dae, points of curves (default 1). */
  readonly times?: number
  /** rate: the largest n of its sequence n = 10, 100, ..., nMax. */
  readonly nMax?: number
  /** With a K-step sampler: the times its stages evaluate the velocity at (discrete.ts stageCount). */
  readonly stages?: number
}

export interface HpRequest extends HpShape {
  readonly command: 'stats' | 'dae' | 'rate' | 'compare' | 'dae-compare' | 'curves'
  readonly digits: number
}

/**
 * The fit (measured on a 2-core machine shared with other work, the least of two runs, start-up
 * of 0.4 s taken off; working digits: D plus log10 n). The flow (stats at t = 1, linear schedule)
 * takes 1.1 s at 100 working digits and grows like their cube (0.5 s at 50, 4.5 s at 200, 9.2 s
 * at 300, 30 s at 400: local powers from 2 to 4, rising with the digits, as the integrators'
 * order grows with them); a transcendental schedule (trig, exp) up to 10 times as much (trig
 * 10.2 s at 100, 40 s at 150, 62 s at 220: D = 20, n = 1e200; a custom polynomial 1.5 times
 * linear at most);
 * each further t adds up to 0.2 of the first (10 times: 2.5 times one); and each flow a floor of
 * 0.1 s, whatever its digits (its routes' set-up: rate at 5 digits, twelve flows, takes 1.4 s). dae is closed-form: like
 * D^2, trig 1.2 s at 1000 digits. A compare row is the flow at t = 1 and the baselines (1.2 s at
 * 100 digits); a dae-compare row, dae at a few growing guards (0.1 s at 200). rate is the flow at
 * t = 1 for each n = 10, ..., nMax, 15 digits beyond D (1.9 s at D = 20, 4.2 s at 50, 12.8 s at
 * 100). curves is one flow over all its points and dae at each (3.7 s for 11 points at 100).
 */
const HP_FIT = { flow: 1.1, flowFloor: 0.1, flowPower: 3, dae: 1.5e-3, daePower: 2, transcendental: 10, perTime: 0.2, compare: 1.5, daeCompare: 2, rateExtra: 15 } as const

/**
 * A K-step sampler in high precision costs its stage times, not integration: the coefficients at
 * each, by both evaluations and the schedule's check at twice the precision (measured at D = 30:
 * 0.17 ms a time on linear, 2.8 ms on trig, 4096 and 8192 times), growing like the working digits
 * to the power 1.5.
 */
const STAGE_FIT = { seconds: 2e-4, digits: 50, power: 1.5, transcendental: 15 } as const

/** The margin of the estimate over the fit (as the other estimates here). */
const HP_MARGIN = 3

/** Digits the states carry beyond D for n (hp.ts: about log10 n more at large n). */
const nDigits = (n: number | undefined): number => Math.max(0, Math.ceil(Math.log10(n ?? 1)))

function flowSeconds(digits: number, n: number | undefined, transcendental: boolean, times: number): number {
  const working = (digits + nDigits(n)) / 100
  return HP_FIT.flowFloor + HP_FIT.flow * working ** HP_FIT.flowPower * (transcendental ? HP_FIT.transcendental : 1) * (1 + HP_FIT.perTime * (times - 1))
}

function daeSeconds(digits: number, n: number | undefined, transcendental: boolean, times: number): number {
  const working = (digits + nDigits(n)) / 100
  return HP_FIT.dae * working ** HP_FIT.daePower * (transcendental ? HP_FIT.transcendental : 1) * times
}

/** Estimated seconds of a high-precision request's computation (start-up not included), with the margin. */
export function hpSeconds(r: HpRequest): number {
  const trans = r.transcendental ?? false
  if (r.stages !== undefined && (r.command === 'stats' || r.command === 'rate')) {
    const sampler = (digits: number, n: number | undefined) =>
      HP_FIT.flowFloor + r.stages! * STAGE_FIT.seconds * ((digits + nDigits(n) + 20) / STAGE_FIT.digits) ** STAGE_FIT.power * (trans ? STAGE_FIT.transcendental : 1)
    // rate: the sampler at each n = 10, ..., nMax, 15 digits beyond D (its schedule values kept across n).
    const k = nDigits(r.nMax ?? 1e12)
    return HP_MARGIN * (r.command === 'stats' ? sampler(r.digits, r.n) : Array.from({ length: k }, (_, i) => sampler(r.digits + HP_FIT.rateExtra, 10 ** (i + 1))).reduce((a, b) => a + b, 0))
  }
  const times = Math.max(1, r.times ?? 1)
  const fit = ((): number => {
    switch (r.command) {
      case 'stats':
        return flowSeconds(r.digits, r.n, trans, times)
      case 'dae':
        return daeSeconds(r.digits, r.n, trans, times)
      case 'curves':
        return flowSeconds(r.digits, r.n, trans, times) + daeSeconds(r.digits, r.n, trans, times)
      case 'compare':
        return HP_FIT.compare * flowSeconds(r.digits, r.n, trans, 1)
      case 'dae-compare':
        return HP_FIT.daeCompare * daeSeconds(r.digits, r.n, trans, 1)
      case 'rate': {
        const k = nDigits(r.nMax ?? 1e12)
        return Array.from({ length: k }, (_, i) => flowSeconds(r.digits + HP_FIT.rateExtra, 10 ** (i + 1), trans, 1)).reduce((a, b) => a + b, 0)
      }
    }
  })()
  return HP_MARGIN * fit
}

/** The cost of a high-precision request, start-up included (its memory is small: a few states of D digits). */
export const hpCost = (r: HpRequest): Cost => withBase(0, hpSeconds(r))

/** A request as the refusal states it: "1000 digits at n = 1e200 on this schedule at 11 times". */
function hpText(r: HpRequest): string {
  const times = r.times ?? 1
  const at = r.command === 'rate' ? ` up to n = ${countText(r.nMax ?? 1e12)}` : nDigits(r.n) > 0 && r.n !== undefined && r.n >= 1e3 ? ` at n = ${countText(r.n)}` : ''
  const many = times > 1 ? ` at ${countText(times)} ${r.command === 'curves' ? 'points' : 'times'}` : ''
  const row = r.command === 'compare' || r.command === 'dae-compare' ? 'a row at ' : ''
  return `${row}${r.digits} digits${at} on this schedule${many}`
}

/**
 * Refuse a high-precision request whose computation would take beyond HP_LIMIT_SECONDS, naming
 * the flag that drives its cost: --t (--points) when one time would be within the limit, --n
 * when n adds more digits than --digits asks, else --digits.
 */
/**
 * How long a refused high-precision request would take, against the limit: "about 3 hours (limit
 * 1 hour)". Just beyond the limit both round to the same text, and "about 1 hour (limit 1 hour)"
 * would read as within it: "over" then.
 */
export function beyondLimit(seconds: number): string {
  const about = secondsText(seconds) === secondsText(HP_LIMIT_SECONDS) ? 'over' : 'about'
  return `${about} ${secondsText(seconds)} (limit ${secondsText(HP_LIMIT_SECONDS)})`
}

export function checkHp(r: HpRequest): void {
  const seconds = hpSeconds(r)
  if (seconds <= HP_LIMIT_SECONDS) return
  if (r.stages !== undefined && (r.command === 'stats' || r.command === 'rate')) {
    throw new ParameterError(
      'steps',
      `${r.command === 'rate' ? `the rate's sequence (n = 10 ... ${countText(r.nMax ?? 1e12)}) at ` : ''}${r.digits} digits with ${countText(r.stages)} stage times would take ${beyondLimit(seconds)}; lower --steps or --digits`,
    )
  }
  const byTimes = (r.times ?? 1) > 1 && hpSeconds({ ...r, times: 1 }) <= HP_LIMIT_SECONDS
  const byN = !byTimes && r.command !== 'rate' && nDigits(r.n) > r.digits
  const [flag, lower] = byTimes ? (r.command === 'curves' ? ['points', 'lower --points'] : ['t', 'give --t fewer values']) : byN ? ['n', 'lower --n'] : ['digits', 'lower --digits']
  throw new ParameterError(flag, `${hpText(r)} would take ${beyondLimit(seconds)}; ${lower}`)
}

/**
 * Whether a schedule is transcendental: named trig, or a custom one calling a function (exp,
 * sin, sqrt, ...) or raising to a power that is not an integer.
 */
export function transcendentalSchedule(schedule: string | { readonly alpha: string; readonly beta: string }): boolean {
  if (typeof schedule === 'string') return schedule !== 'linear'
  return [schedule.alpha, schedule.beta].some((e) => /[A-Za-z_]\w*\s*\(|\b(pi|e)\b|\^\s*[^\d\s(]|\^\s*\d*\.\d|\^\s*\(/.test(e))
}

// --- Simulations: the particles and the training set are held; each step adds a row to three series.

/** Memory of one step of the document (three series of rows, then their JSON or CSV text). */
const STEP_BYTES = 12 * 2 ** 10
/** Seconds per step beyond the arithmetic (the theory of the step, the measurement). */
const STEP_SECONDS = 2e-3
/** Seconds per multiply-add over a d-vector coordinate (the trainers' and the transport's loops). */
const FLOP_SECONDS = 2e-8

export interface SimulationShape {
  readonly d: number
  readonly n: number
  /** k, the noise draws per sample: the trainers pass over the n k pairs. */
  readonly draws: number
  readonly particles: number
  readonly steps: number
  readonly epochs: number
  readonly adam: boolean
  /** Bytes of the particles and the training set (engine.ts and the trainers). */
  readonly held: number
}

/**
 * The cost of a simulation; `steps`: the part of it the steps' rows take (the particles and the
 * training set are refused by engine.ts's own rule, against the machine's memory); `slowest`: the
 * flag that lowers the time most.
 */
export function simulationCost(s: SimulationShape): Cost & { readonly steps: Cost; readonly slowest: 'epochs' | 'steps' } {
  // Per step: the exact trainer passes over the n k x d pairs a few times, the transport over
  // the P x d particles; Adam passes over the pairs once an epoch.
  const pairs = s.n * s.draws
  const exact = 8 * pairs * s.d + 4 * s.particles * s.d
  const adam = s.adam ? 2 * s.epochs * pairs * s.d : 0
  // Once, at t = 1: the dots of the particles with the n training and the n fresh samples.
  const distances = 4 * s.n * s.particles * s.d
  const seconds = s.steps * ((exact + adam) * FLOP_SECONDS + STEP_SECONDS) + distances * FLOP_SECONDS
  const steps = withBase(s.steps * STEP_BYTES, seconds)
  return { bytes: steps.bytes + s.held, seconds: steps.seconds, steps, slowest: adam > exact ? 'epochs' : 'steps' }
}

// --- Staying interruptible.

/** A turn of the event loop: a signal (SIGINT, SIGTERM) is handled there (in a browser, a task: setTimeout). */
export const nextTurn = (): Promise<void> => new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)))

/** Milliseconds of computation between two turns of the event loop. */
const SLICE_MS = 50

/**
 * A function to call often in a long synchronous loop: about every SLICE_MS it returns a promise
 * that resolves after a turn of the event loop (where a signal is handled), else undefined, so
 * that the loop awaits only when it is time: `const pause = breather(); ... await pause()`.
 */
export function breather(): () => Promise<void> | undefined {
  let due = performance.now() + SLICE_MS
  return () => {
    if (performance.now() < due) return undefined
    return nextTurn().then(() => {
      due = performance.now() + SLICE_MS
    })
  }
}
