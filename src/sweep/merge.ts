/**
 * flowgm merge: JSONL shards of one sweep back into one table, in grid order, in any format.
 *
 * Two passes over the files. The first checks everything and writes nothing: every file is a
 * sweep of flowgm, all are the same sweep (same command, grid, parameters, version), each row
 * belongs to its file's shard and comes in order, no row appears twice and none is missing. The
 * second streams the rows, in grid order, through the same writer the sweep itself uses, so the
 * merged output is byte for byte what the unsharded sweep prints.
 */
import { createReadStream } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { InputError } from '../errors.js'
import { openSink } from './sink.js'
import { exactKeys } from './sweeps.js'
import { writer, type Cells, type SweepHeader, type TableFormat } from './writers.js'

export interface MergeOptions {
  readonly format: TableFormat
  readonly sigFigs?: number
  readonly out?: string
}

/** The fields of a header that must agree between the shards of one sweep. */
const SAME = ['flowgm', 'sweep', 'id', 'rows', 'keys', 'axes', 'params', 'caption'] as const

interface Shard { readonly file: string; readonly header: SweepHeader; readonly k: number; readonly K: number }

/** Most rows a merge indexes (one 32-bit owner per row: 8 GiB beyond this). */
const MAX_ROWS = 2 ** 31 - 1

const bad = (file: string, rule: string): InputError => new InputError(file, rule, true)

export async function mergeFiles(files: readonly string[], o: MergeOptions): Promise<void> {
  const seen = new Set<string>()
  for (const f of files) {
    if (seen.has(f)) throw bad(f, 'given twice')
    seen.add(f)
  }
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
      if (i >= total || (i % s.K) !== s.k - 1) throw bad(s.file, `line ${line}: row ${i} does not belong to shard ${s.k}/${s.K} of a ${total}-row sweep`)
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
      if (text.length > 1 << 16) { await sink.write(text); text = '' }
    }
    await sink.write(text + w.end())
    await sink.commit()
  } catch (e) {
    await sink.abort()
    throw e
  }
}

async function readHeader(file: string): Promise<Shard> {
  try {
    await access(file)
  } catch {
    throw bad(file, 'cannot be read (no such file or no permission)')
  }
  if ((await stat(file)).isDirectory()) throw bad(file, 'is a directory, not a JSONL file')
  for await (const line of lines(file)) {
    let h: SweepHeader
    try {
      h = JSON.parse(line) as SweepHeader
    } catch {
      throw bad(file, 'is not a flowgm sweep (its first line is not JSON; write sweeps with --format jsonl)')
    }
    const ok = h !== null && typeof h === 'object' && typeof h.flowgm === 'string' && typeof h.sweep === 'string' && typeof h.id === 'string' &&
      Number.isInteger(h.rows) && h.rows >= 0 && h.rows <= MAX_ROWS && Array.isArray(h.keys) && h.keys.every((k) => typeof k === 'string') && typeof h.axes === 'object' && typeof h.params === 'object' && typeof h.caption === 'string'
    const m = typeof h?.shard === 'string' ? /^(\d+)\/(\d+)$/.exec(h.shard) : null
    if (!ok || !m) throw bad(file, 'is not a flowgm sweep (its first line is not a sweep header; write sweeps with --format jsonl)')
    return { file, header: h, k: Number(m[1]), K: Number(m[2]) }
  }
  throw bad(file, 'is empty (not a flowgm sweep)')
}

async function* lines(file: string): AsyncGenerator<string> {
  const input = createReadStream(file, { encoding: 'utf8' })
  try {
    yield* createInterface({ input, crlfDelay: Infinity })
  } finally {
    input.destroy()
  }
}

/** The rows of a shard file after its header, checked against the header's keys. */
async function* rows(s: Shard): AsyncGenerator<{ i: number; row: Cells; line: number }> {
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
    const absent = s.header.keys.find((k) => typeof r[k] !== 'number' && typeof r[k] !== 'string')
    if (absent !== undefined) throw bad(s.file, `line ${line} (row ${i}) has no value for ${absent}`)
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
