/**
 * A worker thread of a sweep (run.ts): rebuilds the sweep from its spec, then computes the rows
 * of each chunk it is sent.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { InputError } from '../errors.js'
import { prepareSweep, type SweepSpec } from './sweeps.js'

const sweep = prepareSweep((workerData as { spec: SweepSpec }).spec)

parentPort!.on('message', (m: { chunk: number; indices: number[] }) => {
  try {
    parentPort!.postMessage({ chunk: m.chunk, indices: m.indices, rows: sweep.rows(m.indices) })
  } catch (e) {
    // An InputError crosses as its flag and rule, to be raised again as one (exit 2, not 1).
    const input = e instanceof InputError ? { flag: e.flag, rule: e.rule } : undefined
    parentPort!.postMessage({ chunk: m.chunk, indices: m.indices, error: e instanceof Error ? e.message : String(e), input })
  }
})
