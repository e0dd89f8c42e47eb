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
