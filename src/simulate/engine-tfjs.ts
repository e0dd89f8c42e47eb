/**
 * The tfjs engine (see engine.ts): X in float32 on the WebAssembly backend. It stores Y with
 * X = s Y for a scalar s, so that the update X <- a X + C V is one product and one sum
 * (Y <- Y + (C / s') V with s' = a s) instead of a full-size scaling as well.
 */
import type { Engine, RowSource } from './engine.js'

/**
 * The part of the tfjs API used here, typed locally so that the project builds without the
 * optional packages installed (npm ci --omit=optional).
 */
interface Tensor {
  dataSync(): Float32Array
  dispose(): void
}
interface Tf {
  setBackend(name: string): Promise<boolean>
  ready(): Promise<void>
  tidy<T extends Tensor | Tensor[]>(f: () => T): T
  tensor2d(values: Float32Array, shape: [number, number], dtype: 'float32'): Tensor
  matMul(a: Tensor, b: Tensor, transposeA?: boolean, transposeB?: boolean): Tensor
  mul(a: Tensor, b: number): Tensor
  add(a: Tensor, b: Tensor): Tensor
  sum(a: Tensor, axis: number): Tensor
  square(a: Tensor): Tensor
}

let ready: Promise<Tf> | undefined

async function load(): Promise<Tf> {
  const tf = (await import('@tensorflow/tfjs' as string)) as unknown as Tf
  await import('@tensorflow/tfjs-backend-wasm' as string)
  if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend failed to initialise')
  await tf.ready()
  return tf
}

export async function tfjsEngine(P: number, d: number, next: RowSource): Promise<Engine> {
  const tf = await (ready ??= load())
  const rows = new Float32Array(P * d)
  const row = new Float64Array(d)
  for (let i = 0; i < P; i++) {
    next(row)
    rows.set(row, i * d)
  }
  let Y = tf.tensor2d(rows, [P, d], 'float32')
  let s = 1
  const matrix = (vectors: readonly Float64Array[], scale = 1) => {
    const flat = new Float32Array(vectors.length * d)
    vectors.forEach((v, j) => {
      for (let k = 0; k < d; k++) flat[j * d + k] = v[k] * scale
    })
    return tf.tensor2d(flat, [vectors.length, d], 'float32')
  }
  const project = (probes: readonly Float64Array[]) => {
    const [dots, norms] = tf.tidy(() => [tf.mul(tf.matMul(Y, matrix(probes), false, true), s), tf.mul(tf.sum(tf.square(Y), 1), s * s)])
    const out = { dots: Float64Array.from(dots.dataSync()), norms: Float64Array.from(norms.dataSync()) }
    dots.dispose()
    norms.dispose()
    return out
  }
  return {
    name: 'tfjs',
    project,
    advance(a, vectors, coefficients, probes) {
      const J = vectors.length
      const scaled = s * a
      // The scale leaves the comfortable range of float32 (a = 0 happens: without skip connection
      // the last Euler step of the linear schedule sends the x0 part to 0): fold it into Y.
      const rebase = !(Math.abs(scaled) >= 2 ** -40 && Math.abs(scaled) <= 2 ** 40)
      s = rebase ? 1 : scaled
      const next = tf.tidy(() => {
        const base = rebase ? tf.mul(Y, scaled) : Y
        return tf.add(
          base,
          tf.matMul(
            tf.tensor2d(
              Float32Array.from(coefficients, (x) => x / s),
              [P, J],
              'float32',
            ),
            matrix(vectors),
          ),
        )
      })
      Y.dispose()
      Y = next
      return project(probes)
    },
    combine(weights) {
      const out = tf.tidy(() =>
        tf.matMul(
          tf.tensor2d(
            Float32Array.from(weights, (x) => x * s),
            [1, P],
            'float32',
          ),
          Y,
        ),
      )
      const values = Float64Array.from(out.dataSync())
      out.dispose()
      return values
    },
    gram() {
      const G = tf.tidy(() => tf.mul(tf.matMul(Y, Y, false, true), s * s))
      const values = Float64Array.from(G.dataSync())
      G.dispose()
      return values
    },
    dispose() {
      Y.dispose()
    },
  }
}
