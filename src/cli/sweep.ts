/**
 * The grid commands (compare, dae-compare, curves) and merge: flags -> a SweepSpec (every value
 * validated before anything is computed) -> src/sweep/run.ts.
 */
import type { Argv } from 'yargs'
import { ParameterError } from '../errors.js'
import { axisLength, Grid, readShard, shardRows, WHOLE, type Axis, type Shard } from '../sweep/grid.js'
import { checkCost, checkHp, countText, hpSeconds, sweepCost, type Cost, type SweepShape } from '../limits.js'
import { mergeFiles } from '../sweep/merge.js'
import { hpShapeOf, runSweep } from '../sweep/run.js'
import type { SweepCommand, SweepSpec } from '../sweep/sweeps.js'
import { SWEEP_DEFAULTS } from '../sweep/spec.js'
import { DEFAULT_SIG_FIGS, TABLE_FORMATS, type TableFormat } from '../sweep/writers.js'
import { integer, single } from '../text.js'
import { ARCHITECTURE_RATE_DIGITS, ARCHITECTURES, needsSequence } from '../sweep/architectures.js'
import { commonOptions, formatFrom, specFrom, type Args } from './common.js'

/** Flags of every grid command. */
export function sweepOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('format', { type: 'string', describe: `output format: ${TABLE_FORMATS.join(', ')} (jsonl: a header line, then one row per line, for --shard and merge) [default: table]` })
    .option('sig-figs', { type: 'string', describe: `significant digits of markdown and latex cells, integer in [1, 1000] [default: ${DEFAULT_SIG_FIGS}]` })
    .option('shard', { type: 'string', describe: 'compute only shard k of K (rows i with i mod K = k - 1), e.g. 2/4; merge the JSONL shards with flowgm merge' })
    .option('out', {
      type: 'string',
      describe: 'write to this file (complete or not at all) instead of stdout; with --format jsonl the rows go to FILE.partial until complete, kept if the sweep is interrupted',
    })
    .option('resume', {
      type: 'boolean',
      describe: 'complete the FILE.partial an interrupted run of the same command kept (needs --format jsonl --out FILE); without one, start afresh, or do nothing if FILE is already complete',
    })
    .option('jobs', { type: 'string', describe: 'worker threads, integer in [1, 256] [default: the cores, when the grid is large enough to gain]' })
}

/** The parameters of compare and dae-compare: lists or ranges (n defaulting to `nDefault`). */
export function gridParamOptions<T>(y: Argv<T>, nDefault: string): Argv<T> {
  return rangeOptions(commonOptions(y, ['n', 'sigma', 'lambda', 'omega'], { n: nDefault }))
}

/** compare's --architectures. */
export function architecturesOption<T>(y: Argv<T>): Argv<T> {
  return y.option('architectures', {
    type: 'string',
    describe: `compare these side by side at t = 1, a comma-separated list of ${ARCHITECTURES.join(', ')}: per architecture mse, var (= P(1)^2, against sigma2), w2, kl and the rate constants C, floor_w2, C_w2, C_kl (instead of the baselines; not with --no-skip or --steps)`,
  })
}

/** The t grid of curves (uniform, `points` by default). */
export function pointsOption<T>(y: Argv<T>, points: number): Argv<T> {
  return y.option('points', { type: 'string', describe: `number of grid points, integer >= 2 [default: ${points}]` })
}

/** The t grid of dae-compare. */
export function daeCompareTimeOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('t', { type: 'string', describe: 'times in [0, 1], a comma-separated list (instead of --points)' })
    .option('t-range', { type: 'string', describe: 'times START:STOP:lin|log[:POINTS] in [0, 1] (instead of --points)' })
    .option('points', { type: 'string', describe: `uniform t grid of [0, 1], integer >= 2 [default: ${SWEEP_DEFAULTS.daePoints}]` })
}

/** Range flags of the swept parameters. */
function rangeOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('n-range', { type: 'string', describe: 'n grid START:STOP:lin|log[:POINTS] (lin: step 1, log: factor 2; POINTS: that many, evenly or geometrically spaced, rounded), instead of --n' })
    .option('sigma-range', { type: 'string', describe: 'sigma grid START:STOP:lin|log[:POINTS], instead of --sigma' })
    .option('lambda-range', { type: 'string', describe: 'lambda grid START:STOP:lin|log[:POINTS], instead of --lambda' })
    .option('omega-range', { type: 'string', describe: 'omega grid START:STOP:lin|log[:POINTS], instead of --omega' })
}

const tableFormat = (a: Args): TableFormat => formatFrom(a, TABLE_FORMATS)

function sigFigs(a: Args, format: TableFormat): number | undefined {
  const s = integer('sig-figs', a['sig-figs'], 1, 1000)
  if (s !== undefined && format !== 'markdown' && format !== 'latex') throw new ParameterError('sig-figs', `applies to --format markdown and latex only (got --format ${format})`)
  return s
}

/** Run a grid command from its flags. */
export async function sweepCommand(command: SweepCommand, a: Args): Promise<void> {
  const format = tableFormat(a)
  const sig = sigFigs(a, format)
  const shard = readShard(a.shard)
  const jobs = integer('jobs', a.jobs, 1, 256)
  const out = single('out', a.out)
  const resume = a.resume === true
  if (resume && (format !== 'jsonl' || out === undefined)) {
    throw new ParameterError('resume', 'needs --format jsonl and --out FILE (it completes the FILE.partial an interrupted run of the same command kept)')
  }
  const spec = specFrom(command, a)
  if (command === 'curves' && spec.digits !== undefined && shard.K > 1) {
    throw new ParameterError('shard', 'curves under --digits integrates its whole t grid in one pass and is not sharded (shard compare or dae-compare)')
  }
  checkSweep(spec, shard)
  if (format === 'table') checkAlignedTable(spec, shard)
  await runSweep(spec, { format, sigFigs: sig, shard, jobs, out, resume })
}

/** Columns of the widest sweep (curves: t, the DAE keys and the statistics). */
const SWEEP_COLUMNS = 24

/** What a sweep's cost depends on. */
function shapeOf(spec: SweepSpec, shard: Shard, table: boolean): SweepShape {
  const rows = shardRows(new Grid(spec.axes).size, shard)
  const axisValues = spec.axes.reduce((s, a) => s + (a.kind === 'values' ? a.values.length : 0), 0)
  return { command: spec.command, rows, axisValues, columns: SWEEP_COLUMNS, digits: spec.digits, hp: hpShapeOf(spec), table }
}

/** The flag of an axis as given: --points (a uniform t grid), --NAME-range or --NAME. */
const axisFlag = (a: Axis): string => (a.kind === 'uniform' ? 'points' : a.definition.includes(':') ? `${a.name}-range` : a.name)

/** The flag of the axis with the most values (the one to narrow). */
export const longestAxisFlag = (spec: SweepSpec): string => axisFlag(spec.axes.reduce((x, a) => (axisLength(a) > axisLength(x) ? a : x)))

/**
 * Refuse a sweep beyond LIMITS (src/limits.ts) before computing a row: one high-precision row
 * (curves: its whole pass) beyond HP_LIMIT_SECONDS, naming --digits; curves under --digits,
 * which holds its whole t grid, naming --points; any other, by its time, naming its longest axis
 * (a sweep is split with --shard).
 */
export function checkSweep(spec: SweepSpec, shard: Shard = WHOLE): void {
  // One high-precision computation (a row, curves' single pass) cannot be split with --shard.
  if (spec.digits !== undefined) {
    const t = spec.axes.find((a) => a.name === 't')!
    checkHp({ command: spec.command, digits: spec.digits, ...hpShapeOf(spec), times: spec.command === 'curves' ? axisLength(t) : 1 })
  }
  const shape = shapeOf(spec, shard, false)
  const cost = withRates(spec, sweepCost(shape))
  if (spec.command === 'curves' && spec.digits !== undefined) {
    const t = spec.axes.find((a) => a.name === 't')!
    checkCost(cost, 'points', `${countText(axisLength(t))} points at ${spec.digits} digits`, 'compute', 'lower --points or --digits')
    return
  }
  const longest = longestAxisFlag(spec)
  const rows = shard.K > 1 ? `${countText(shape.rows)} rows (shard ${shard.k}/${shard.K})` : `${countText(shape.rows)} rows`
  checkCost(cost, longest, rows, 'compute', `narrow the grid, or split it with --shard k/K${spec.digits !== undefined ? ' or lower --digits' : ''}`)
}

/** The estimated cost of a sweep (src/limits.ts): what the refusals judge, and tests measure against. */
export const sweepEstimate = (spec: SweepSpec, shard: Shard, format: TableFormat): Cost => withRates(spec, sweepCost(shapeOf(spec, shard, format === 'table')))

/**
 * compare --architectures adds rate()'s sequence per architecture without a closed form for its
 * constants and per point of the sigma, lambda and omega axes (whatever the shard: each computes
 * those its rows need, at most all); one sequence beyond the high-precision limit is refused by
 * its --digits.
 */
function withRates(spec: SweepSpec, cost: Cost): Cost {
  const sequences = (spec.architectures ?? []).filter(needsSequence).length
  if (!sequences) return cost
  const request = { command: 'rate' as const, digits: spec.digits ?? ARCHITECTURE_RATE_DIGITS, transcendental: hpShapeOf(spec).transcendental }
  checkHp(request)
  const points = spec.axes.filter((a) => a.name !== 'n').reduce((s, a) => s * axisLength(a), 1)
  return { ...cost, seconds: cost.seconds + points * sequences * hpSeconds(request) }
}

/** The aligned table holds every cell until the last row: refuse one beyond LIMITS, naming --format. */
function checkAlignedTable(spec: SweepSpec, shard: Shard): void {
  const shape = shapeOf(spec, shard, true)
  checkCost({ ...sweepCost(shape), seconds: 0 }, 'format', `${countText(shape.rows)} rows`, 'align as a table', 'use --format csv, jsonl or markdown, which stream')
}

/** flowgm merge FILE... : JSONL shards back into one table. */
export async function mergeCommand(a: Args): Promise<void> {
  const files = ((a.files as unknown[] | undefined) ?? []).map(String)
  if (!files.length) throw new ParameterError('files', 'merge needs at least one JSONL file (written with --format jsonl)', true)
  const format = tableFormat(a)
  await mergeFiles(files, { format, sigFigs: sigFigs(a, format), out: single('out', a.out) })
}
