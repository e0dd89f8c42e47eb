/** Dot products of Float64Array d-vectors and rows of row-major matrices. */

/** a . b, or the row of `a` at `offsetA` (length d) with b. */
export function dot(a: Float64Array, b: Float64Array, offsetA = 0, d = a.length - offsetA): number {
  return dotRange(a, offsetA, b, 0, 0, d)
}

/** sum_{k in [lo, hi)} x[ox + k] y[oy + k], with four accumulators. */
export function dotRange(x: Float64Array, ox: number, y: Float64Array, oy: number, lo: number, hi: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0
  let k = lo
  for (; k + 3 < hi; k += 4) {
    s0 += x[ox + k] * y[oy + k]
    s1 += x[ox + k + 1] * y[oy + k + 1]
    s2 += x[ox + k + 2] * y[oy + k + 2]
    s3 += x[ox + k + 3] * y[oy + k + 3]
  }
  for (; k < hi; k++) s0 += x[ox + k] * y[oy + k]
  return s0 + s1 + (s2 + s3)
}

/**
 * d-vectors lent and taken back. A simulation makes a few d-vectors a step (each fit's w, u, v) and
 * drops them a step later; as new arrays they are memory outside the JavaScript heap that V8 frees
 * only at its next full collection, which their size alone (a step's worth, 64 MB in all) does not
 * bring on soon: at d = 5e4 the process grew by 0.6 MB a step. The pool hands the dropped arrays out
 * again. `take` gives an array of length d with any contents (the taker writes all of it); `give`
 * takes back arrays the pool lent, ignores any other, and any given twice (u is w without skip
 * connection).
 */
export function vectorPool(d: number): { take(): Float64Array; give(...vectors: Float64Array[]): void } {
  const lent = new WeakSet<Float64Array>()
  const free = new Set<Float64Array>()
  return {
    take() {
      for (const v of free) {
        free.delete(v)
        return v
      }
      const v = new Float64Array(d)
      lent.add(v)
      return v
    },
    give(...vectors) {
      for (const v of vectors) if (lent.has(v)) free.add(v)
    },
  }
}
