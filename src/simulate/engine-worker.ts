/**
 * A worker thread of the js engine (engine.ts): it shares the particle matrix X with the main
 * thread and runs each pass it is sent on the rows it claims (rows.ts). The main thread waits
 * for it synchronously: when a pass is done the worker stores the pass's sequence number in its
 * slot of the shared `done` array and wakes the main thread; a failure is posted on `errors`
 * first, and the slot's sign tells it. Its first message says that it is ready. Its script imports nothing else: an isolate's memory is
 * paid per thread.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads'
import { claimRows, type RowKernel, type RowPass } from './rows.js'
import { kernelOn } from './kernel.js'

/** What the engine gives the worker at its start. */
export interface WorkerSetup {
  readonly X: Float64Array
  readonly d: number
  /** The shared counter of claimed rows. */
  readonly cursor: Int32Array
  readonly done: Int32Array
  readonly slot: number
  readonly errors: MessagePort
  /** The kernel's module and memory when X lives there (kernel.ts), and where this thread's sums go. */
  readonly kernel?: { readonly module: WebAssembly.Module; readonly memory: WebAssembly.Memory; readonly out: number }
}

/** A pass to run, numbered (1, 2, ...). */
export interface WorkerPass {
  readonly seq: number
  readonly pass: RowPass
}

const { X, d, cursor, done, slot, errors, kernel: shared } = workerData as WorkerSetup
const kernel: RowKernel | undefined = shared && { kernel: kernelOn(shared.module, shared.memory), out: shared.out, memory: new Float64Array(shared.memory.buffer) }

parentPort!.on('message', ({ seq, pass }: WorkerPass) => {
  let outcome = seq
  try {
    claimRows(X, d, cursor, pass, kernel)
  } catch (e) {
    errors.postMessage(e instanceof Error ? e.message : String(e))
    outcome = -seq
  }
  Atomics.store(done, slot, outcome)
  Atomics.notify(done, slot)
})

parentPort!.postMessage('ready')
