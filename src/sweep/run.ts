/**
 * Running a sweep: the rows of one shard, computed in chunks (in this thread or by a pool of
 * worker threads), written in grid order as soon as they are known, to stdout or to a file that
 * appears whole or not at all (written under a temporary name, renamed when complete).
 */
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { shardIndex, shardRows, shardText, type Shard } from './grid.js'
import { progressBar } from '../progress.js'
import { openSink } from './sink.js'
import { prepareSweep, sweepHeader, type SweepSpec } from './sweeps.js'
import { writer, type Cells, type TableFormat } from './writers.js'

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
}

/** Where the worker's compiled code lives, from src/ (tests) and from dist/ alike. */
const WORKER = new URL('../../dist/sweep/worker.js', import.meta.url)

/** Estimated seconds per row, to decide whether worker threads pay for their start (~0.3 s). */
function secondsPerRow(spec: SweepSpec): number {
  if (spec.digits !== undefined) return spec.command === 'curves' ? 0 : 0.05
  return spec.command === 'compare' ? 1e-4 : 1e-5
}

/** Rows per chunk: the unit of work handed to a thread and of streaming. */
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
  const indicesOf = (c: number): number[] => Array.from({ length: Math.min(size, total - c * size) }, (_, j) => shardIndex(o.shard, c * size + j))
  const jobs = Math.min(o.jobs ?? (total * secondsPerRow(spec) > 1 ? availableParallelism() : 1), chunks)
  const progress = progressBar(spec.command, total, 'rows', o.progress)
  const sink = await openSink(o.out)
  try {
    await sink.write(w.start())
    let done = 0
    const emit = async (indices: readonly number[], rows: readonly Cells[]) => {
      await sink.write(rows.map((r, j) => w.row(indices[j], r)).join(''))
      done += rows.length
      progress.update(done)
    }
    if (jobs <= 1) {
      for (let c = 0; c < chunks; c++) {
        const indices = indicesOf(c)
        await emit(indices, sweep.rows(indices))
      }
    } else {
      await inWorkers(spec, jobs, chunks, indicesOf, emit)
    }
    await sink.write(w.end())
    progress.end()
    await sink.commit()
  } catch (e) {
    progress.end()
    await sink.abort()
    throw e
  }
}

/**
 * Compute chunks 0..chunks-1 with `jobs` worker threads, one chunk at a time each, never more
 * than 2 jobs chunks ahead of what has been written: results are emitted in chunk order and
 * memory stays bounded whatever the size of the grid.
 */
async function inWorkers(spec: SweepSpec, jobs: number, chunks: number, indicesOf: (c: number) => number[], emit: (indices: readonly number[], rows: readonly Cells[]) => Promise<void>): Promise<void> {
  const workers = Array.from({ length: jobs }, () => new Worker(WORKER, { workerData: { spec } }))
  const done = new Map<number, { indices: number[]; rows: Cells[] }>()
  const idle = workers.slice()
  let next = 0
  let emitted = 0
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
        worker.on('message', (m: { chunk: number; indices: number[]; rows?: Cells[]; error?: string }) => {
          if (m.error !== undefined) return reject(new Error(m.error))
          done.set(m.chunk, { indices: m.indices, rows: m.rows! })
          idle.push(worker)
          writing = writing.then(async () => {
            while (done.has(emitted)) {
              const { indices, rows } = done.get(emitted)!
              done.delete(emitted++)
              await emit(indices, rows)
              pump()
            }
            if (emitted === chunks) resolve()
          }).catch(reject)
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
