/**
 * A worker thread of a sweep (run.ts): rebuilds the sweep from its spec, then computes the rows
 * of each chunk it is sent.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { postedError } from '../errors.js'
import { prepareSweep, type SweepSpec } from './sweeps.js'

const sweep = prepareSweep((workerData as { spec: SweepSpec }).spec)

parentPort!.on('message', (m: { chunk: number; indices: number[] }) => {
  try {
    parentPort!.postMessage({ chunk: m.chunk, indices: m.indices, rows: sweep.rows(m.indices) })
  } catch (e) {
    parentPort!.postMessage({ chunk: m.chunk, indices: m.indices, ...postedError(e) })
  }
})
