/**
 * The particle engines: they hold the P x d matrix of particles X and do the three bulk operations
 * of the transport, which cost O(P d) each and dominate a simulation:
 *   project(probes)  -> the dots X_i . p_j (P x J, row-major) and the squared norms |X_i|^2;
 *   advance(a, V, C, probes) -> X_i <- a X_i + sum_j C_ij V_j, then project(probes): a time step
 *                       and the next step's dots (the js engine reads X once for both);
 *   combine(weights) -> sum_i weights_i X_i (a d-vector);
 *   gram()           -> the P x P dots X_i . X_j (the PCA of the generated sample, particles.ts).
 * `js` keeps X in a Float64Array, shared with worker threads that take rows of it; `tfjs`
 * (optional dependencies @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm) keeps it in float32
 * on the WebAssembly backend.
 */
import { ParameterError } from '../errors.js'
import { dotRange } from './vector.js'
import { BLOCK, claimRows, type RowKernel, type RowPass } from './rows.js'
import { kernelMemory, kernelOn } from './kernel.js'
import { canShare, cores, startWorker } from './threads.js'

export const ENGINES = ['tfjs', 'js'] as const
export type EngineName = (typeof ENGINES)[number]

export interface Engine {
  readonly name: EngineName
  project(probes: readonly Float64Array[]): { dots: Float64Array; norms: Float64Array }
  advance(a: number, vectors: readonly Float64Array[], coefficients: Float64Array, probes: readonly Float64Array[]): { dots: Float64Array; norms: Float64Array }
  combine(weights: Float64Array): Float64Array
  gram(): Float64Array
  dispose(): void
}

/** Bytes per particle coordinate an engine needs at its peak (X and its temporaries). */
export const BYTES_PER_ENTRY: Readonly<Record<EngineName, number>> = { js: 8, tfjs: 16 }

/** Fills a d-vector with the next particle's initial coordinates. */
export type RowSource = (row: Float64Array) => void

export const INSTALL_TFJS = 'npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm'

/** Create an engine holding P particles in dimension d, drawn row by row from `next`. */
export async function createEngine(name: EngineName, P: number, d: number, next: RowSource): Promise<Engine> {
  if (name === 'js') return jsEngine(P, d, next)
  const { tfjsEngine } = await import('./engine-tfjs.js')
  return tfjsEngine(P, d, next)
}

/** Whether the optional tfjs packages can be loaded here. */
export async function tfjsAvailable(): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs' as string)
    await import('@tensorflow/tfjs-backend-wasm' as string)
    return true
  } catch {
    return false
  }
}

export function missingTfjs(): ParameterError {
  return new ParameterError('engine', `tfjs is not installed (it is an optional dependency); install it with \`${INSTALL_TFJS}\` or use the js engine`)
}

/** Options of the js engine. */
export interface JsEngineOptions {
  /**
   * Threads sharing the rows: the main thread and threads - 1 workers (at most P). Default: as
   * many as the cores, up to MAX_THREADS, once X has THREADED_ENTRIES entries; one below that, or
   * where worker threads are not available (a browser).
   */
  readonly threads?: number
  /** The workers' script (tests); default: engine-worker.ts compiled. */
  readonly script?: URL
  /** Whether the passes run on the WebAssembly kernel where it can be had (default); false: the JavaScript loops (tests). */
  readonly kernel?: boolean
}

/** The js engine, and a promise that its workers have exited (after dispose). */
export interface JsEngine extends Engine {
  readonly threads: number
  readonly stopped: Promise<void>
}

/** Entries of X from which workers pay for their start (~0.05 s and an isolate each): a pass then takes ~10 ms. */
export const THREADED_ENTRIES = 2 ** 21

/** Vectors of a pass (update vectors and probes) the kernel's memory has room for; a pass with more runs on the JavaScript loops. */
const SLOTS = 12

/** Most threads by default: a pass is bound by memory bandwidth beyond a few. */
export const MAX_THREADS = 4

/**
 * X in the kernel's shared memory (else a Float64Array, shared with worker threads where there
 * are any): in a pass the threads, the main one included,
 * claim chunks of rows in turn and update and project them (rows.ts); the main thread then waits
 * for the workers, so every method stays synchronous. combine and gram read X on the main thread
 * alone.
 */
export async function jsEngine(P: number, d: number, next: RowSource, o: JsEngineOptions = {}): Promise<JsEngine> {
  const wanted = o.threads ?? (P * d >= THREADED_ENTRIES ? Math.min(cores(), MAX_THREADS) : 1)
  const threads = canShare() ? Math.max(1, Math.min(wanted, P)) : 1
  const array = (length: number) => (threads > 1 ? new Float64Array(new SharedArrayBuffer(length * 8)) : new Float64Array(length))
  // X, room for a pass's vectors and each thread's two sums in the kernel's memory where it can be
  // had (kernel.ts), else X in an array of its own and the JavaScript loops.
  const slots = SLOTS * d
  const shared = o.kernel === false ? undefined : kernelMemory((P * d + slots + 2 * threads) * 8)
  const memory = shared && new Float64Array(shared.memory.buffer)
  const X = memory ? memory.subarray(0, P * d) : array(P * d)
  /** Where thread `slot`'s two sums go in the kernel's memory (bytes). */
  const outAt = (slot: number) => (P * d + slots + 2 * slot) * 8
  for (let i = 0; i < P; i++) next(X.subarray(i * d, (i + 1) * d))
  const ints = (length: number) => (threads > 1 ? new Int32Array(new SharedArrayBuffer(length * 4)) : new Int32Array(length))
  const cursor = ints(1)
  const done = ints(threads)
  const started = await Promise.allSettled(
    Array.from({ length: threads - 1 }, (_, w) => startWorker({ X, d, cursor, done, slot: w + 1, ...(shared ? { kernel: { ...shared, out: outAt(w + 1) } } : {}) }, o.script)),
  )
  const kernel: RowKernel | undefined = shared && { kernel: kernelOn(shared.module, shared.memory), out: outAt(0), memory: memory! }
  const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
  const refused = started.find((s) => s.status === 'rejected')
  if (refused) {
    await Promise.all(workers.map((w) => w.stop()))
    throw (refused as PromiseRejectedResult).reason
  }
  let seq = 0
  let scratch = array(0)
  /** Run one pass over every row: posted to the workers, the main thread claiming rows beside them, then the workers awaited. */
  const run = (a: number, vectors: readonly Float64Array[], coefficients: Float64Array, probes: readonly Float64Array[]) => {
    if (disposed) throw new Error('the js engine is disposed')
    const all = [...vectors, ...probes]
    const inMemory = memory !== undefined && all.length <= SLOTS
    if (!inMemory && scratch.length < all.length * d) scratch = array(all.length * d)
    const into = inMemory ? memory.subarray(P * d, P * d + slots) : scratch
    all.forEach((v, j) => into.set(v, j * d))
    const pass: RowPass = {
      a,
      update: vectors.length,
      probes: probes.length,
      vectors: into,
      coefficients,
      dots: array(P * probes.length),
      norms: array(P),
      ...(inMemory ? { vectorsAt: P * d * 8 } : {}),
    }
    seq++
    Atomics.store(cursor, 0, 0)
    workers.forEach((w) => w.post(seq, pass))
    try {
      claimRows(X, d, cursor, pass, kernel)
    } finally {
      const failures = workers.flatMap((w, k) => (awaitSlot(done, k + 1, seq) ? [] : [w.failure()]))
      if (failures.length > 0) throw new Error(`the js engine's worker failed: ${failures[0]}`)
    }
    return { dots: pass.dots, norms: pass.norms }
  }
  let disposed = false
  let release = () => {}
  const stopped = new Promise<void>((resolve) => (release = resolve))
  return {
    name: 'js',
    threads,
    stopped,
    project: (probes) => run(1, [], new Float64Array(0), probes),
    advance: (a, vectors, coefficients, probes) => run(a, vectors, coefficients, probes),
    combine(weights) {
      const out = new Float64Array(d)
      for (let i = 0; i < P; i++) {
        const wi = weights[i]
        for (let k = 0, o = i * d; k < d; k++) out[k] += wi * X[o + k]
      }
      return out
    },
    gram() {
      const G = new Float64Array(P * P)
      for (let lo = 0; lo < d; lo += BLOCK) {
        const hi = Math.min(d, lo + BLOCK)
        for (let i = 0; i < P; i++) for (let j = 0; j <= i; j++) G[i * P + j] += dotRange(X, i * d, X, j * d, lo, hi)
      }
      for (let i = 0; i < P; i++) for (let j = 0; j < i; j++) G[j * P + i] = G[i * P + j]
      return G
    },
    dispose() {
      if (disposed) return
      disposed = true
      Promise.all(workers.map((w) => w.stop())).then(release, release)
    },
  }
}

/** Wait until done[slot] reports pass `seq`: true when it succeeded, false when it failed. */
function awaitSlot(done: Int32Array, slot: number, seq: number): boolean {
  for (;;) {
    const now = Atomics.load(done, slot)
    if (now === seq || now === -seq) return now === seq
    Atomics.wait(done, slot, now)
  }
}
