/**
 * The js engine's worker threads (engine.ts, engine-worker.ts) in Node. In a browser bundle
 * threads.browser.ts stands in for this file (package.json's `browser` field): there the engine
 * runs on the main thread alone.
 */
import { availableParallelism } from 'node:os'
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads'
import type { WorkerSetup } from './engine-worker.js'
import type { RowPass } from './rows.js'

/** Where the worker's compiled code lives, from src/ (tests) and from dist/ alike. */
const WORKER = new URL('../../dist/simulate/engine-worker.js', import.meta.url)

/** Cores this process may use. */
export const cores = (): number => availableParallelism()

/** Whether X can be shared with worker threads here. */
export const canShare = (): boolean => typeof SharedArrayBuffer === 'function'

/** A started worker: post a pass, read its failure once its slot says it failed, stop it. */
export interface RowWorker {
  post(seq: number, pass: RowPass): void
  failure(): string
  stop(): Promise<void>
}

/**
 * Start a worker on X (shared), reporting in done[slot]; resolves once
 * its script has loaded (it says so), rejects if it cannot start. `script` replaces the engine's worker (tests).
 */
export async function startWorker(setup: Omit<WorkerSetup, 'errors'>, script: URL = WORKER): Promise<RowWorker> {
  const { port1, port2 } = new MessageChannel()
  const worker = new Worker(script, { workerData: { ...setup, errors: port2 }, transferList: [port2] })
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  try {
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve())
      worker.once('error', reject)
      worker.once('exit', (code) => reject(new Error(`the engine's worker exited with code ${code} before it started`)))
    })
  } catch (e) {
    port1.close()
    await worker.terminate()
    throw e
  }
  // Failures of a pass come back on the port; a worker forgotten undisposed does not keep the process alive.
  worker.on('error', () => {})
  worker.unref()
  port1.unref()
  return {
    post: (seq, pass) => worker.postMessage({ seq, pass }),
    failure: () => String(receiveMessageOnPort(port1)?.message ?? 'the worker failed without a message'),
    async stop() {
      port1.close()
      await worker.terminate()
      await exited
    },
  }
}
