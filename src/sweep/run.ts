/**
 * Running a sweep: the rows of one shard, computed in chunks (in this thread or by a pool of
 * worker threads), written in grid order as soon as they are known, to stdout or to a file that
 * appears whole or not at all (written under a temporary name, renamed when complete).
 *
 * A JSONL sweep written to a file (--format jsonl --out FILE) is resumable: it is written to
 * FILE.partial chunk by chunk, and when it is interrupted (a signal, an error) that file is kept:
 * a header line, then whole rows in grid order. --resume checks it is this very sweep, drops the
 * rows of an unfinished chunk, computes the chunks that remain and appends them, so the file is
 * byte for byte what an uninterrupted run writes.
 */
import { createReadStream, existsSync, statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { flagText, ParameterError, OutputError, raisedError, type PostedError } from '../errors.js'
import { shardIndex, shardRows, shardText, type Shard } from './grid.js'
import { progressBar } from '../progress.js'
import { nextTurn, rowSeconds, transcendentalSchedule, type HpShape } from '../limits.js'
import { maxOf } from '../extent.js'
import { brief } from './merge.js'
import { openPartial, openSink, outputTarget, partialFile, type Sink } from './sink.js'
import { sweepHeader } from './header.js'
import { prepareSweep, type SweepSpec } from './sweeps.js'
import { writer, type Cells, type SweepHeader, type TableFormat } from './writers.js'

export interface RunOptions {
  readonly format: TableFormat
  readonly sigFigs?: number
  readonly shard: Shard
  /** Write to this file (atomically) instead of stdout. */
  readonly out?: string
  /** Worker threads; undefined: as many as the cores when the sweep is long enough to gain. */
  readonly jobs?: number
  /** Progress bar on stderr (default: when stderr is a terminal and not under CI). */
  readonly progress?: boolean
  /** Continue the FILE.partial an interrupted run kept (--format jsonl --out FILE only). */
  readonly resume?: boolean
}

/** Where the worker's compiled code lives, from src/ (tests) and from dist/ alike. */
const WORKER = new URL('../../dist/sweep/worker.js', import.meta.url)

/** Estimated seconds per row, to decide whether worker threads pay for their start (~0.3 s). */
function secondsPerRow(spec: SweepSpec): number {
  if (spec.digits !== undefined) return spec.command === 'curves' ? 0 : 0.05
  return spec.command === 'compare' ? 1e-4 : 1e-5
}

/** What a high-precision row's time depends on (src/limits.ts): the largest n and the schedule. */
export function hpShapeOf(spec: SweepSpec): HpShape {
  const n = spec.axes.find((a) => a.name === 'n')
  return { n: n?.kind === 'values' ? maxOf(n.values) : undefined, transcendental: transcendentalSchedule(spec.schedule) }
}

/** Rows per chunk: the unit of work handed to a thread, of streaming and of resuming. */
function chunkSize(spec: SweepSpec, rows: number): number {
  // curves at high precision integrates all its rows in one pass.
  if (spec.digits !== undefined) return spec.command === 'curves' ? Math.max(1, rows) : 1
  return 512
}

export async function runSweep(spec: SweepSpec, o: RunOptions): Promise<void> {
  const sweep = prepareSweep(spec)
  const header = sweepHeader(sweep, shardText(o.shard))
  const w = writer(o.format, sweep.keys, { sigFigs: o.sigFigs, exact: sweep.exact, header })
  const total = shardRows(sweep.grid.size, o.shard)
  const size = chunkSize(spec, total)
  const chunks = Math.ceil(total / size)
  // A JSONL file is resumable (a device or FIFO is not); --resume starts after the rows (and bytes) an interrupted run kept.
  const resumable = o.format === 'jsonl' && o.out !== undefined && outputTarget(o.out).kind === 'file'
  if (o.resume && !resumable) throw new ParameterError('resume', `needs --out to name a regular file (${o.out} is a device or FIFO)`)
  const from = o.resume ? await resumePoint(o.out!, header, o.shard, total, size) : { rows: 0, bytes: undefined }
  if (from === 'complete') {
    process.stderr.write(`flowgm: ${o.out} is already complete\n`)
    return
  }
  // The first chunk to compute (kept rows are whole chunks, or all of them).
  const first = Math.ceil(from.rows / size)
  const indicesOf = (c: number): number[] => Array.from({ length: Math.min(size, total - c * size) }, (_, j) => shardIndex(o.shard, c * size + j))
  const jobs = Math.min(o.jobs ?? ((total - from.rows) * secondsPerRow(spec) > 1 ? availableParallelism() : 1), chunks - first)
  // A chunk that may take over a second (at high precision, minutes) gives the event loop no turn:
  // computed in a worker thread, it leaves this one free to handle SIGINT and SIGTERM at once.
  const inThread = first >= chunks || (jobs <= 1 && size * rowSeconds(spec.command, spec.digits, hpShapeOf(spec)) < 1)
  const progress = progressBar(spec.command, total, 'rows', o.progress, from.rows)
  let done = from.rows
  const kept = (what: string) => `${what}: ${done} of ${total} rows kept in ${partialFile(o.out!)}; run the same command with --resume to complete it`
  const sink = resumable
    ? openPartial(o.out!, from.bytes, () => {
        progress.end()
        return kept('interrupted')
      })
    : await openSink(o.out)
  // A resumed file has its header (unless it was cut short in it); a new table's header waits
  // for its first rows, so that a sweep failing on them prints nothing that looks like output.
  const out = from.bytes ? sink : headed(sink, w.start())
  try {
    progress.update(done)
    const emit = async (indices: readonly number[], rows: readonly Cells[]) => {
      await out.write(rows.map((r, j) => w.row(indices[j], r)).join(''))
      done += rows.length
      progress.update(done)
    }
    if (inThread) {
      for (let c = first; c < chunks; c++) {
        const indices = indicesOf(c)
        await emit(indices, sweep.rows(indices))
        await nextTurn()
      }
    } else {
      await inWorkers(spec, Math.max(1, jobs), first, chunks, indicesOf, emit)
    }
    await out.write(w.end())
    progress.end()
    await sink.commit()
  } catch (e) {
    progress.end()
    await sink.abort()
    if (resumable) process.stderr.write(`flowgm: ${kept('stopped')}\n`)
    // A refusal raised by a row after others reached stdout is no longer a clean refusal (exit 2
    // promises nothing on stdout): the table printed is incomplete, exit 1.
    if (e instanceof ParameterError && o.out === undefined && done > from.rows)
      throw new OutputError(`${flagText(e)} (at a row after ${done} of ${total} rows were printed: the table on standard output is incomplete)`)
    throw e
  }
}

/** `sink`, with `head` written just before the first write (a table's header, with its first rows). */
function headed(sink: Sink, head: string): Pick<Sink, 'write'> {
  let pending: string | undefined = head
  return {
    async write(data) {
      if (pending !== undefined && typeof data === 'string') data = pending + data
      else if (pending !== undefined) await sink.write(pending)
      pending = undefined
      await sink.write(data)
    },
  }
}

/**
 * Compute chunks first..chunks-1 with `jobs` worker threads, one chunk at a time each, never more
 * than 2 jobs chunks ahead of what has been written: results are emitted in chunk order and
 * memory stays bounded whatever the size of the grid.
 */
async function inWorkers(
  spec: SweepSpec,
  jobs: number,
  first: number,
  chunks: number,
  indicesOf: (c: number) => number[],
  emit: (indices: readonly number[], rows: readonly Cells[]) => Promise<void>,
): Promise<void> {
  const workers = Array.from({ length: jobs }, () => new Worker(WORKER, { workerData: { spec } }))
  const done = new Map<number, { indices: number[]; rows: Cells[] }>()
  const idle = workers.slice()
  let next = first
  let emitted = first
  try {
    await new Promise<void>((resolve, reject) => {
      let writing = Promise.resolve()
      const pump = () => {
        while (idle.length && next < chunks && next - emitted < 2 * jobs) {
          const c = next++
          idle.pop()!.postMessage({ chunk: c, indices: indicesOf(c) })
        }
      }
      for (const worker of workers) {
        worker.on('message', (m: { chunk: number; indices: number[]; rows?: Cells[] } & Partial<PostedError>) => {
          if (m.error !== undefined) return reject(raisedError(m as PostedError))
          done.set(m.chunk, { indices: m.indices, rows: m.rows! })
          idle.push(worker)
          writing = writing
            .then(async () => {
              while (done.has(emitted)) {
                const { indices, rows } = done.get(emitted)!
                done.delete(emitted++)
                await emit(indices, rows)
                pump()
              }
              if (emitted === chunks) resolve()
            })
            .catch(reject)
          pump()
        })
        worker.on('error', reject)
      }
      pump()
    })
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
}

/** What --resume starts from: the whole chunks an interrupted run kept, or a complete file. */
type ResumePoint = { readonly rows: number; readonly bytes: number | undefined } | 'complete'

/**
 * Where a resumed sweep starts. FILE.partial, if there is one: its rows of whole chunks (those of
 * an unfinished chunk, and a last line cut short, are dropped). Else FILE, if there is one: it
 * must be this sweep, complete. Else the start. Anything else is refused, the files untouched.
 */
async function resumePoint(out: string, header: SweepHeader, shard: Shard, total: number, size: number): Promise<ResumePoint> {
  const partial = partialFile(out)
  if (existsSync(partial)) {
    const s = await scan(partial, header, shard, total, size)
    return { rows: s.rows === total ? total : s.rows - (s.rows % size), bytes: s.chunkBytes }
  }
  if (!existsSync(out)) return { rows: 0, bytes: undefined }
  const s = await scan(out, header, shard, total, size)
  if (s.rows === total && s.bytes === statSync(out).size) return 'complete'
  throw new ParameterError('resume', `${out} holds ${s.rows} of the ${total} rows of this sweep and there is no ${partial} to continue; delete it, or run without --resume to compute it again`)
}

/** The fields of a header in the order a difference is reported (the id, a digest of the others, last). */
const FIELDS = ['flowgm', 'sweep', 'shard', 'rows', 'keys', 'axes', 'params', 'caption', 'id'] as const

/**
 * Check a JSONL file against the sweep this command writes: its header line is the one this
 * command writes, then rows i = shardIndex(0), shardIndex(1), ... each exactly as this command
 * writes it (JSON of the row's keys). Returns the rows, the bytes up to the last whole row, and
 * the bytes up to the last whole chunk of rows, or all of them (0: not even the header is whole,
 * and what there is of it is the start of this sweep's header).
 */
async function scan(file: string, header: SweepHeader, shard: Shard, total: number, size: number): Promise<{ rows: number; bytes: number; chunkBytes: number }> {
  const refuse = (rule: string) => new ParameterError('resume', `${file} ${rule}; delete it or choose another --out`)
  const expected = JSON.stringify(header)
  // Not even a whole first line (within 1 MiB): only the start of this sweep's header is resumed (from 0).
  const start = await readStart(file, Math.max(Buffer.byteLength(expected) + 1, 1 << 20))
  if (!start.includes('\n')) {
    if (!(expected + '\n').startsWith(start)) throw refuse('is not a flowgm sweep (its first line is not a sweep header)')
    return { rows: 0, bytes: 0, chunkBytes: 0 }
  }
  const keys = ['i', ...header.keys]
  let rows = -1
  let bytes = 0
  let chunkBytes = 0
  for await (const { text, end } of wholeLines(file)) {
    if (rows === -1) {
      if (text !== expected) throw refuse(headerDiffers(text, header))
    } else {
      const line = rows + 2
      if (rows >= total) throw refuse(`holds more than the ${total} rows of this sweep (line ${line})`)
      const i = shardIndex(shard, rows)
      if (!isRow(text, i, keys)) throw refuse(`line ${line} is not row i = ${i} of this sweep`)
    }
    rows++
    bytes = end
    if (rows % size === 0 || rows === total) chunkBytes = end
  }
  return { rows, bytes, chunkBytes }
}

/** Why a first line is not the header this command writes: the first field that differs. */
function headerDiffers(text: string, header: SweepHeader): string {
  let h: { [key: string]: unknown }
  try {
    h = JSON.parse(text) as { [key: string]: unknown }
  } catch {
    h = {}
  }
  if (h === null || typeof h !== 'object' || typeof h.flowgm !== 'string' || typeof h.sweep !== 'string') {
    return 'is not a flowgm sweep (its first line is not a sweep header)'
  }
  const field = FIELDS.find((k) => JSON.stringify(h[k]) !== JSON.stringify(header[k]))
  if (field === undefined) return 'has a header line other than the one this command writes'
  return `is another sweep (${field}: ${brief(h[field])} in the file, ${brief(header[field])} for this command)`
}

/** A line is row i exactly as the jsonl writer prints it: its keys in order, then nothing else. */
function isRow(text: string, i: number, keys: readonly string[]): boolean {
  try {
    const r = JSON.parse(text) as { [key: string]: unknown }
    if (r === null || typeof r !== 'object' || r.i !== i) return false
    const have = Object.keys(r)
    return have.length === keys.length && have.every((k, j) => k === keys[j]) && JSON.stringify(r) === text
  } catch {
    return false
  }
}

/** The lines of a file that end in a newline, with the byte offset after each (a last line cut short is left out). */
async function* wholeLines(file: string): AsyncGenerator<{ text: string; end: number }> {
  let pending: Buffer[] = []
  let offset = 0
  for await (const chunk of createReadStream(file)) {
    const piece = chunk as Buffer
    let start = 0
    for (let nl = piece.indexOf(10); nl !== -1; nl = piece.indexOf(10, start)) {
      pending.push(piece.subarray(start, nl))
      yield { text: (pending.length === 1 ? pending[0] : Buffer.concat(pending)).toString('utf8'), end: offset + nl + 1 }
      pending = []
      start = nl + 1
    }
    if (start < piece.length) pending.push(piece.subarray(start))
    offset += piece.length
  }
}

/** The first `bytes` bytes of a file, as text. */
async function readStart(file: string, bytes: number): Promise<string> {
  const pieces: Buffer[] = []
  for await (const piece of createReadStream(file, { start: 0, end: bytes - 1 })) pieces.push(piece as Buffer)
  return Buffer.concat(pieces).toString('utf8')
}
