/**
 * flowgm merge: JSONL shards of one sweep back into one table, in grid order, in any format.
 *
 * Two passes over the files. The first checks everything and writes nothing: every file is a
 * sweep of flowgm, all are the same sweep (same command, grid, parameters, version), each row
 * belongs to its file's shard and comes in order, no row appears twice and none is missing. The
 * second streams the rows, in grid order, through the same writer the sweep itself uses, so the
 * merged output is byte for byte what the unsharded sweep prints.
 */
import { createReadStream, type Stats } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { isDecimal } from '../text.js'
import { NOTE_KEY } from '../printing.js'
import { ParameterError } from '../errors.js'
import { Grid, readAxis, uniformAxis, type Axis } from './grid.js'
import { openSink } from './sink.js'
import { coordinateCell, exactKeys } from './sweeps.js'
import { writer, type Cells, type SweepHeader, type TableFormat, type Value } from './writers.js'

export interface MergeOptions {
  readonly format: TableFormat
  readonly sigFigs?: number
  readonly out?: string
}

/** The fields of a header that must agree between the shards of one sweep. */
const SAME = ['flowgm', 'sweep', 'id', 'rows', 'keys', 'axes', 'params', 'caption'] as const

interface Shard {
  readonly file: string
  readonly header: SweepHeader
  readonly k: number
  readonly K: number
  /** The grid the header describes, rebuilt from its axes: each row's coordinates follow from i. */
  readonly grid: Grid
  /** --digits of the sweep (its cells are then decimal strings), undefined in double precision. */
  readonly digits?: number
}

/** Most rows a merge indexes (one 32-bit owner per row: 8 GiB beyond this). */
const MAX_ROWS = 2 ** 31 - 1

const bad = (file: string, rule: string): ParameterError => new ParameterError(file, rule, true)

/** One file, however it is spelt or linked: its device and inode. */
const identity = (s: Stats): string => `${s.dev}:${s.ino}`

export async function mergeFiles(files: readonly string[], o: MergeOptions): Promise<void> {
  const seen = new Map<string, string>()
  for (const f of files) {
    const id = identity(await readable(f))
    const other = seen.get(id)
    if (other !== undefined) throw bad(f, other === f ? 'given twice' : `is the same file as ${other}`)
    seen.set(id, f)
  }
  // Writing over an input would destroy it (the output is renamed onto --out when complete).
  const out = o.out === undefined ? undefined : await stat(o.out).catch(() => undefined)
  const input = out && seen.get(identity(out))
  if (input !== undefined) throw new ParameterError('out', `is one of the input files (${input})`)
  const shards: Shard[] = []
  for (const file of files) shards.push(await readHeader(file))
  const first = shards[0]
  for (const s of shards.slice(1)) {
    const differs = SAME.find((k) => JSON.stringify(s.header[k]) !== JSON.stringify(first.header[k]))
    if (differs) throw bad(s.file, `is from a different sweep than ${first.file} (${differs}: ${brief(s.header[differs])} vs ${brief(first.header[differs])})`)
  }
  const total = first.header.rows
  // Pass 1: which file holds each row (0: none yet).
  const owner = new Int32Array(total)
  for (let f = 0; f < shards.length; f++) {
    const s = shards[f]
    let previous = -1
    for await (const { i, line } of rows(s)) {
      if (i <= previous) throw bad(s.file, `line ${line}: row ${i} after row ${previous} (rows must come in grid order)`)
      if (i >= total || i % s.K !== s.k - 1) throw bad(s.file, `line ${line}: row ${i} does not belong to shard ${s.k}/${s.K} of a ${total}-row sweep`)
      if (owner[i] !== 0) throw bad(s.file, `overlaps ${shards[owner[i] - 1].file}: both hold row ${i}`)
      owner[i] = f + 1
      previous = i
    }
  }
  const missing: number[] = []
  for (let i = 0; i < total; i++) if (owner[i] === 0) missing.push(i)
  if (missing.length) {
    const some = missing.slice(0, 5).join(', ') + (missing.length > 5 ? ', ...' : '')
    throw bad(files.join(' '), `${missing.length} of ${total} rows missing (i = ${some})${missingShards(shards, total)}`)
  }
  // Pass 2: every file read in step, rows written in grid order.
  const header: SweepHeader = { ...first.header, shard: '1/1' }
  const w = writer(o.format, header.keys, { sigFigs: o.sigFigs, exact: exactKeys(header.keys, Object.keys(header.axes)), header })
  const sink = await openSink(o.out)
  try {
    await sink.write(w.start())
    const readers = shards.map((s) => rows(s)[Symbol.asyncIterator]())
    const heads = await Promise.all(readers.map((r) => r.next()))
    let text = ''
    for (let i = 0; i < total; i++) {
      const f = owner[i] - 1
      const head = heads[f]
      if (head.done || head.value.i !== i) throw new Error(`merge: ${shards[f].file} changed while it was read`)
      text += w.row(i, head.value.row)
      heads[f] = await readers[f].next()
      if (text.length > 1 << 16) {
        await sink.write(text)
        text = ''
      }
    }
    await sink.write(text + w.end())
    await sink.commit()
  } catch (e) {
    await sink.abort()
    throw e
  }
}

/** The file's status, once it is known to be a readable file. */
async function readable(file: string): Promise<Stats> {
  try {
    await access(file)
  } catch {
    throw bad(file, 'cannot be read (no such file or no permission)')
  }
  const s = await stat(file)
  if (s.isDirectory()) throw bad(file, 'is a directory, not a JSONL file')
  return s
}

async function readHeader(file: string): Promise<Shard> {
  for await (const line of lines(file)) {
    let h: SweepHeader
    try {
      h = JSON.parse(line) as SweepHeader
    } catch {
      throw bad(file, 'is not a flowgm sweep (its first line is not JSON; write sweeps with --format jsonl)')
    }
    const ok =
      h !== null &&
      typeof h === 'object' &&
      typeof h.flowgm === 'string' &&
      typeof h.sweep === 'string' &&
      typeof h.id === 'string' &&
      Number.isInteger(h.rows) &&
      h.rows >= 0 &&
      h.rows <= MAX_ROWS &&
      Array.isArray(h.keys) &&
      h.keys.every((k) => typeof k === 'string') &&
      isRecord(h.axes) &&
      isRecord(h.params) &&
      typeof h.caption === 'string'
    const m = typeof h?.shard === 'string' ? /^(\d+)\/(\d+)$/.exec(h.shard) : null
    if (!ok || !m) throw bad(file, 'is not a flowgm sweep (its first line is not a sweep header; write sweeps with --format jsonl)')
    const digits = h.params.digits
    if (digits !== undefined && !(Number.isInteger(digits) && (digits as number) >= 1)) throw bad(file, `header: digits = ${brief(digits)} is not a precision`)
    const grid = headerGrid(file, h)
    return { file, header: h, k: Number(m[1]), K: Number(m[2]), grid, digits: digits as number | undefined }
  }
  throw bad(file, 'is empty (not a flowgm sweep)')
}

/** A JSON object: not null (typeof null is 'object') and not an array. */
function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

async function* lines(file: string): AsyncGenerator<string> {
  const input = createReadStream(file, { encoding: 'utf8' })
  try {
    yield* createInterface({ input, crlfDelay: Infinity })
  } finally {
    input.destroy()
  }
}

/**
 * The grid of a header, its axes read back from their definitions as the sweep read them from
 * its flags (`2:1024:log`, `0.5,1`, `11 points in [0, 1]`); the rule here is only the one that
 * shapes a grid (n is an integer: its ranges are rounded), the sweep checked the rest.
 */
function headerGrid(file: string, h: SweepHeader): Grid {
  let grid: Grid
  try {
    const axes: Axis[] = Object.entries(h.axes).map(([name, definition]) => {
      if (typeof definition !== 'string') throw new ParameterError(name, `axis ${brief(definition)} is not a grid`)
      const uniform = /^(\d+) points in \[0, 1\]$/.exec(definition)
      if (uniform) return uniformAxis(name, Number(uniform[1]))
      const range = definition.includes(':')
      return readAxis(name, range ? undefined : definition, range ? definition : undefined, { integer: name === 'n', min: -Number.MAX_VALUE, phrase: 'a number' }, '')
    })
    grid = new Grid(axes)
  } catch (e) {
    if (!(e instanceof ParameterError)) throw e
    throw bad(file, `header: axis ${e.parameter.replace(/-range$/, '')}: ${e.rule}`)
  }
  if (grid.size !== h.rows) throw bad(file, `header: its axes make a grid of ${grid.size} rows, not rows = ${h.rows}`)
  return grid
}

/**
 * Why a cell is not one a sweep writes: a finite JSON number in double precision; under --digits
 * a decimal string (digits_verified, a count, stays a number). A sweep with a note column may hold
 * null (an infinite value, named by the row's note, a string or null).
 */
function cellFault(key: string, v: unknown, digits: number | undefined, noted: boolean): string | undefined {
  if (noted && key === NOTE_KEY) return v === null || typeof v === 'string' ? undefined : 'is not a note'
  if (noted && v === null) return undefined
  if (digits !== undefined && key !== 'digits_verified') return typeof v === 'string' && isDecimal(v) ? undefined : 'is not a decimal string'
  return typeof v === 'number' && Number.isFinite(v) ? undefined : 'is not a finite number'
}

/** The rows of a shard file after its header, each checked against the header: keys, cells, coordinates. */
async function* rows(s: Shard): AsyncGenerator<{ i: number; row: Cells; line: number }> {
  const axes = s.grid.axes.map((a, j) => ({ a, j })).filter(({ a }) => s.header.keys.includes(a.name))
  const keys = ['i', ...s.header.keys]
  const noted = s.header.keys.includes(NOTE_KEY)
  let line = 0
  for await (const text of lines(s.file)) {
    line++
    if (line === 1 || text === '') continue
    let r: { [key: string]: unknown }
    try {
      r = JSON.parse(text) as { [key: string]: unknown }
    } catch {
      throw bad(s.file, `line ${line} is not JSON (a file cut short? rerun that shard)`)
    }
    const i = r?.i
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0) throw bad(s.file, `line ${line} has no row index i`)
    const absent = s.header.keys.find((k) => !(k in r))
    if (absent !== undefined) throw bad(s.file, `line ${line} (row ${i}) has no value for ${absent}`)
    const extra = Object.keys(r).find((k) => !keys.includes(k))
    if (extra !== undefined) throw bad(s.file, `line ${line} (row ${i}) has a key the header does not list (${brief(extra)})`)
    for (const k of s.header.keys) {
      const fault = cellFault(k, r[k], s.digits, noted)
      const v = r[k]
      // JSON.parse reads 1e999 as Infinity, which brief() would show as null.
      if (fault !== undefined) throw bad(s.file, `line ${line} (row ${i}): ${k} ${typeof v === 'number' && !Number.isFinite(v) ? 'overflows double precision' : `= ${brief(v)} ${fault}`}`)
    }
    if (i < s.grid.size) {
      const pos = s.grid.position(i)
      for (const { a, j } of axes) {
        const expected: Value = coordinateCell(a, pos[j], s.digits)
        if (r[a.name] !== expected) throw bad(s.file, `line ${line}: ${a.name} = ${brief(r[a.name])} is not point i = ${i} of the grid (${a.name} = ${brief(expected)})`)
      }
    }
    // What the sweep wrote, read back, is written again the same: anything else was edited.
    if (JSON.stringify(r) !== text) throw bad(s.file, `line ${line} (row ${i}) is not as flowgm wrote it (edited?)`)
    yield { i, row: r as Cells, line }
  }
}

/** When every file is a shard of the same K, name the shards not given. */
function missingShards(shards: readonly Shard[], total: number): string {
  const K = shards[0].K
  if (shards.some((s) => s.K !== K)) return ''
  const have = new Set(shards.map((s) => s.k))
  const absent = Array.from({ length: K }, (_, j) => j + 1).filter((k) => !have.has(k) && k - 1 < total)
  return absent.length ? `; shard${absent.length > 1 ? 's' : ''} ${absent.map((k) => `${k}/${K}`).join(', ')} not given` : '; a shard file is incomplete'
}

/** A value as JSON, cut to 60 characters, for messages (also run.ts's --resume refusals). */
export const brief = (v: unknown): string => {
  const s = JSON.stringify(v) ?? 'nothing'
  return s.length > 60 ? `${s.slice(0, 57)}...` : s
}
