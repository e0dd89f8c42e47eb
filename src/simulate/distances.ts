/**
 * How far the generated samples are from data (docs/simulation.md section 4): for every particle
 * X_i, the squared distance per dimension to the nearest of n samples, averaged over the
 * particles. The distances come from the dots X_i . y^nu and the squared norms,
 * |X_i - y|^2 = |X_i|^2 + |y|^2 - 2 X_i . y, taken a block of samples at a time, so that the
 * memory is N x BLOCK dots and never a copy of the N x d particles.
 */
import { nextTurn } from '../limits.js'
import type { Random } from '../random.js'
import type { TrainingSet } from './data.js'
import type { Engine } from './engine.js'
import { dot } from './vector.js'

/** Samples per pass over the particles: one pass costs N d per sample and N d for the norms. */
export const SAMPLE_BLOCK = 64

/** The rows lo..hi-1 of a sample set, as d-vectors. */
export type SampleRows = (lo: number, hi: number) => Float64Array[]

/** Rows of an n x d row-major matrix (the training samples x1). */
export const rowsOf =
  (matrix: Float64Array, d: number): SampleRows =>
  (lo, hi) =>
    Array.from({ length: hi - lo }, (_, k) => matrix.subarray((lo + k) * d, (lo + k + 1) * d))

/**
 * Fresh target samples y^nu = s^nu mu + sigma z'^nu with the training labels s^nu and new noise
 * z'^nu, drawn from `random` a block at a time when asked for (so after the particles, in the
 * order nu = 1..n: docs/simulation.md section 1).
 */
export function freshRows(data: TrainingSet, sigma: number, random: Random): SampleRows {
  const { d, mu, labels } = data
  return (lo, hi) =>
    Array.from({ length: hi - lo }, (_, k) => {
      const s = labels[lo + k]
      const y = random.fillNormals(new Float64Array(d))
      for (let i = 0; i < d; i++) y[i] = s * mu[i] + sigma * y[i]
      return y
    })
}

/**
 * mean_i min_nu |X_i - y^nu|^2/d over the n samples that `rows` gives (each row asked for once, in
 * order). Between two blocks the event loop has a turn, and a raised `signal` stops the pass.
 */
export async function meanNearest(engine: Engine, rows: SampleRows, n: number, d: number, signal?: AbortSignal): Promise<number> {
  let best: Float64Array | undefined
  for (let lo = 0; lo < n; lo += SAMPLE_BLOCK) {
    if (lo > 0) await nextTurn()
    signal?.throwIfAborted()
    const samples = rows(lo, Math.min(n, lo + SAMPLE_BLOCK))
    const { dots, norms } = engine.project(samples)
    const J = samples.length
    best ??= new Float64Array(norms.length).fill(Infinity)
    samples.forEach((y, j) => {
      const yy = dot(y, y)
      for (let i = 0; i < norms.length; i++) best![i] = Math.min(best![i], norms[i] + yy - 2 * dots[i * J + j])
    })
  }
  let sum = 0
  for (const b of best!) sum += b
  return sum / (best!.length * d)
}
