/**
 * The js engine's work on a range of the particles' rows (engine.ts), shared by the main thread
 * and the engine's worker threads (engine-worker.ts): each row is updated and then projected on
 * the probes in one pass, a block of coordinates at a time, so that the matrix is read from
 * memory once per time step. Each dot keeps the arithmetic of dotRange (vector.ts): four
 * accumulators per block, the blocks summed in order; rows are independent, so however they are
 * shared between threads no result changes.
 */
import { dotRange } from './vector.js'
import type { Kernel } from './kernel.js'

/** Coordinates per block: a block of a particle and of each probe stays in cache across the probes. */
export const BLOCK = 2048

/**
 * One pass over rows: X_i <- a X_i + sum_f coefficients[i F + f] V_f for the F update vectors
 * (none: a projection only), then dots[i J + j] = X_i . p_j for the J probes and norms[i] = |X_i|^2.
 * `vectors` holds the F update vectors, then the J probes, d entries each.
 */
export interface RowPass {
  readonly a: number
  readonly update: number
  readonly probes: number
  readonly vectors: Float64Array
  readonly coefficients: Float64Array
  readonly dots: Float64Array
  readonly norms: Float64Array
  /** Where `vectors` starts in the kernel's memory (bytes), when the pass runs on the kernel. */
  readonly vectorsAt?: number
}

/**
 * The WebAssembly kernel (kernel.ts) a thread runs its rows on, when X lives in the kernel's
 * memory: its functions, and the 16 bytes of that memory where this thread's dot2 leaves its sums.
 */
export interface RowKernel {
  readonly kernel: Kernel
  readonly out: number
  /** The memory as doubles, to read the sums. */
  readonly memory: Float64Array
}

/** Entries per claim of rows (64 KB; a row at least): a thread held up delays the pass little. */
const CLAIM_ENTRIES = 2 ** 13

/**
 * Run `pass` on the rows of X (P rows of d entries) that this thread claims: chunks of rows in
 * turn from the shared counter `cursor` (0 at the start of the pass) until none are left, so the
 * threads sharing a pass finish together even when one of them is held up (on a busy machine).
 */
export function claimRows(X: Float64Array, d: number, cursor: Int32Array, pass: RowPass, kernel?: RowKernel): void {
  const P = X.length / d
  const rows = Math.max(1, Math.floor(CLAIM_ENTRIES / d))
  const ops = kernel && pass.vectorsAt !== undefined ? kernelOps(X, d, pass, kernel) : loopOps(X, d, pass)
  for (let first = Atomics.add(cursor, 0, rows); first < P; first = Atomics.add(cursor, 0, rows)) passRows(d, first, Math.min(P, first + rows), pass, ops)
}

/**
 * A pass's work on the block [lo, hi) of row i (at o = i d): the update and the new squared norm
 * (the norm alone without update vectors), and the dots with the probe vectors f and g (the index
 * among the pass's vectors), the pair's into sums[0], sums[1].
 */
interface BlockOps {
  norm(i: number, o: number, lo: number, hi: number): number
  pair(o: number, f: number, g: number, lo: number, hi: number, sums: Float64Array): void
  dot(o: number, f: number, lo: number, hi: number): number
}

/** The JavaScript loops (vector.ts, below). */
function loopOps(X: Float64Array, d: number, pass: RowPass): BlockOps {
  const { vectors } = pass
  return {
    norm: (i, o, lo, hi) => (pass.update === 0 ? dotRange(X, o, X, o, lo, hi) : updateBlock(X, o, d, i, pass, lo, hi)),
    pair: (o, f, g, lo, hi, sums) => dotPair(X, o, vectors, f * d, g * d, lo, hi, sums),
    dot: (o, f, lo, hi) => dotRange(X, o, vectors, f * d, lo, hi),
  }
}

/** The kernel's functions: X at byte 0 of its memory, the vectors at pass.vectorsAt (more than one update vector: the JavaScript update). */
function kernelOps(X: Float64Array, d: number, pass: RowPass, { kernel, out, memory }: RowKernel): BlockOps {
  const { a, update: F, coefficients } = pass
  const vectors = pass.vectorsAt!
  const at = (f: number, lo: number) => vectors + (f * d + lo) * 8
  return {
    norm: (i, o, lo, hi) =>
      F === 0 ? kernel.dot((o + lo) * 8, (o + lo) * 8, hi - lo) : F === 1 ? kernel.update((o + lo) * 8, at(0, lo), hi - lo, a, coefficients[i]) : updateBlock(X, o, d, i, pass, lo, hi),
    pair(o, f, g, lo, hi, sums) {
      kernel.dot2((o + lo) * 8, at(f, lo), at(g, lo), hi - lo, out)
      sums[0] = memory[out / 8]
      sums[1] = memory[out / 8 + 1]
    },
    dot: (o, f, lo, hi) => kernel.dot((o + lo) * 8, at(f, lo), hi - lo),
  }
}

/** Run `pass` on the rows [first, last) of the row-major matrix of rows of d entries, block by block. */
function passRows(d: number, first: number, last: number, pass: RowPass, ops: BlockOps): void {
  const { update: F, probes: J, dots, norms } = pass
  const sums = new Float64Array(2)
  for (let i = first; i < last; i++) {
    const o = i * d
    for (let lo = 0; lo < d; lo += BLOCK) {
      const hi = Math.min(d, lo + BLOCK)
      norms[i] += ops.norm(i, o, lo, hi)
      let j = 0
      for (; j + 1 < J; j += 2) {
        ops.pair(o, F + j, F + j + 1, lo, hi, sums)
        dots[i * J + j] += sums[0]
        dots[i * J + j + 1] += sums[1]
      }
      if (j < J) dots[i * J + j] += ops.dot(o, F + j, lo, hi)
    }
  }
}

/** The update of the block [lo, hi) of row i (at o), and its squared norm afterwards. */
function updateBlock(X: Float64Array, o: number, d: number, i: number, pass: RowPass, lo: number, hi: number): number {
  const { a, update: F, vectors, coefficients } = pass
  if (F === 1) return updateOne(X, o, a, coefficients[i], vectors, lo, hi)
  for (let k = lo; k < hi; k++) X[o + k] *= a
  for (let f = 0; f < F; f++) {
    const cf = coefficients[i * F + f],
      ov = f * d
    for (let k = lo; k < hi; k++) X[o + k] += cf * vectors[ov + k]
  }
  return dotRange(X, o, X, o, lo, hi)
}

/** X[o + k] <- a X[o + k] + c v[k] on [lo, hi), returning the new values' dotRange with themselves. */
function updateOne(X: Float64Array, o: number, a: number, c: number, v: Float64Array, lo: number, hi: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0
  let k = lo
  for (; k + 3 < hi; k += 4) {
    const x0 = a * X[o + k] + c * v[k],
      x1 = a * X[o + k + 1] + c * v[k + 1],
      x2 = a * X[o + k + 2] + c * v[k + 2],
      x3 = a * X[o + k + 3] + c * v[k + 3]
    X[o + k] = x0
    X[o + k + 1] = x1
    X[o + k + 2] = x2
    X[o + k + 3] = x3
    s0 += x0 * x0
    s1 += x1 * x1
    s2 += x2 * x2
    s3 += x3 * x3
  }
  for (; k < hi; k++) {
    const x = a * X[o + k] + c * v[k]
    X[o + k] = x
    s0 += x * x
  }
  return s0 + s1 + (s2 + s3)
}

/** dotRange(x, ox, y, oy, lo, hi) and dotRange(x, ox, y, oz, lo, hi) into sums[0], sums[1], reading x once. */
function dotPair(x: Float64Array, ox: number, y: Float64Array, oy: number, oz: number, lo: number, hi: number, sums: Float64Array): void {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0,
    t0 = 0,
    t1 = 0,
    t2 = 0,
    t3 = 0
  let k = lo
  for (; k + 3 < hi; k += 4) {
    const x0 = x[ox + k],
      x1 = x[ox + k + 1],
      x2 = x[ox + k + 2],
      x3 = x[ox + k + 3]
    s0 += x0 * y[oy + k]
    s1 += x1 * y[oy + k + 1]
    s2 += x2 * y[oy + k + 2]
    s3 += x3 * y[oy + k + 3]
    t0 += x0 * y[oz + k]
    t1 += x1 * y[oz + k + 1]
    t2 += x2 * y[oz + k + 2]
    t3 += x3 * y[oz + k + 3]
  }
  for (; k < hi; k++) {
    s0 += x[ox + k] * y[oy + k]
    t0 += x[ox + k] * y[oz + k]
  }
  sums[0] = s0 + s1 + (s2 + s3)
  sums[1] = t0 + t1 + (t2 + t3)
}
