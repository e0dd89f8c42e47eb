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
import { InputError } from './errors.js'

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
    throw new InputError(flag, `${what} would need about ${bytesText(cost.bytes)} to ${doing} (limit ${bytesText(LIMITS.bytes)}); ${lower}`)
  }
  if (cost.seconds > LIMITS.seconds) {
    throw new InputError(flag, `${what} would take about ${secondsText(cost.seconds)} to ${doing} (limit ${secondsText(LIMITS.seconds)}); ${lower}`)
  }
}

/** A count for a message: 10000000 as 1e7, 123456 as 123456. */
export function countText(x: number): string {
  if (x < 1e6) return String(x)
  const [m, e] = x.toExponential(1).split('e')
  return `${m.replace(/\.0$/, '')}e${Number(e)}`
}

export function bytesText(b: number): string {
  const units = [['TB', 2 ** 40], ['GB', 2 ** 30], ['MB', 2 ** 20]] as const
  const [unit, size] = units.find(([, s]) => b >= s) ?? units[2]
  const x = b / size
  return `${x >= 10 || Number.isInteger(x) ? Math.round(x) : x.toPrecision(2)} ${unit}`
}

export function secondsText(s: number): string {
  const units = [['years', 365 * 86400], ['days', 86400], ['hours', 3600], ['minutes', 60], ['seconds', 1]] as const
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

/**
 * Seconds per row at `digits` significant digits, growing like digits^1.5 (measured: curves 11 ms
 * at 5 digits, 85 ms at 30, 0.5 s at 100, its rows integrated together; compare 0.3 s at 20, each
 * row verified by two routes on its own).
 */
const hpRowSeconds = (command: SweepShape['command'], digits: number): number =>
  (command === 'curves' ? 3e-3 : 0.1 / 5 ** 1.5) * Math.max(5, digits) ** 1.5

/** Estimated seconds per row of a sweep (double precision when digits is undefined). */
export const rowSeconds = (command: SweepShape['command'], digits: number | undefined): number =>
  digits === undefined ? DOUBLE_ROW_SECONDS[command] : hpRowSeconds(command, digits)

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
  /** The aligned table holds every cell. */
  readonly table: boolean
}

/** A sweep's cost; its rows are written as they are computed, except the aligned table's and curves' under --digits. */
export function sweepCost(s: SweepShape): Cost {
  const perRow = rowSeconds(s.command, s.digits)
  const held = (s.table ? s.rows * s.columns * TABLE_CELL_BYTES : 0) + (s.command === 'curves' && s.digits !== undefined ? s.rows * hpRowBytes(s.digits) : 0)
  return withBase(s.axisValues * AXIS_VALUE_BYTES + held, s.rows * perRow)
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
  // Per step: the exact trainer passes over the n x d training set a few times, the transport over
  // the P x d particles; Adam passes over the training set once an epoch.
  const exact = 8 * s.n * s.d + 4 * s.particles * s.d
  const adam = s.adam ? 2 * s.epochs * s.n * s.d : 0
  const seconds = s.steps * ((exact + adam) * FLOP_SECONDS + STEP_SECONDS)
  const steps = withBase(s.steps * STEP_BYTES, seconds)
  return { bytes: steps.bytes + s.held, seconds: steps.seconds, steps, slowest: adam > exact ? 'epochs' : 'steps' }
}

// --- Staying interruptible.

/** A turn of the event loop: a signal (SIGINT, SIGTERM) is handled there. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

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
    return nextTurn().then(() => { due = performance.now() + SLICE_MS })
  }
}
