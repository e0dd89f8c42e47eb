/**
 * The particle engines: they hold the P x d matrix of particles X and do the three bulk operations
 * of the transport, which cost O(P d) each and dominate a simulation:
 *   project(probes)  -> the dots X_i . p_j (P x J, row-major) and the squared norms |X_i|^2;
 *   update(a, V, C)  -> X_i <- a X_i + sum_j C_ij V_j;
 *   combine(weights) -> sum_i weights_i X_i (a d-vector);
 *   gram()           -> the P x P dots X_i . X_j (the PCA of the generated sample, particles.ts).
 * `js` keeps X in a Float64Array; `tfjs` (optional dependencies @tensorflow/tfjs and
 * @tensorflow/tfjs-backend-wasm) keeps it in float32 on the WebAssembly backend.
 */
import { ParameterError } from '../errors.js'
import { dotRange } from './vector.js'

export const ENGINES = ['tfjs', 'js'] as const
export type EngineName = (typeof ENGINES)[number]

export interface Engine {
  readonly name: EngineName
  project(probes: readonly Float64Array[]): { dots: Float64Array; norms: Float64Array }
  update(a: number, vectors: readonly Float64Array[], coefficients: Float64Array): void
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

/** Coordinates per block: a block of a particle and of each probe stays in cache across the probes. */
const BLOCK = 2048

function jsEngine(P: number, d: number, next: RowSource): Engine {
  const X = new Float64Array(P * d)
  for (let i = 0; i < P; i++) next(X.subarray(i * d, (i + 1) * d))
  return {
    name: 'js',
    project(probes) {
      const J = probes.length
      const dots = new Float64Array(P * J)
      const norms = new Float64Array(P)
      for (let lo = 0; lo < d; lo += BLOCK) {
        const hi = Math.min(d, lo + BLOCK)
        for (let i = 0; i < P; i++) {
          const o = i * d
          norms[i] += dotRange(X, o, X, o, lo, hi)
          for (let j = 0; j < J; j++) dots[i * J + j] += dotRange(X, o, probes[j], 0, lo, hi)
        }
      }
      return { dots, norms }
    },
    update(a, vectors, coefficients) {
      const J = vectors.length
      for (let lo = 0; lo < d; lo += BLOCK) {
        const hi = Math.min(d, lo + BLOCK)
        for (let i = 0; i < P; i++) {
          const o = i * d
          if (J === 1) {
            const c0 = coefficients[i],
              v0 = vectors[0]
            for (let k = lo; k < hi; k++) X[o + k] = a * X[o + k] + c0 * v0[k]
          } else {
            for (let k = lo; k < hi; k++) X[o + k] *= a
            for (let j = 0; j < J; j++) {
              const cj = coefficients[i * J + j],
                v = vectors[j]
              for (let k = lo; k < hi; k++) X[o + k] += cj * v[k]
            }
          }
        }
      }
    },
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
    dispose() {},
  }
}
