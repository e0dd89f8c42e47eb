// The least-squares fit of the DAE with the labels' sign pattern by a direct solve of its normal
// equations (Gaussian elimination), on a training set given by its rows: the route the exact
// trainer's closed form is checked against (train-a-mutants.test.ts, draws.test.ts).
import type { TrainingSet } from '../../src/simulate/data.js'

export type Vec = number[]
export const dotv = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i] * b[i]
  return s
}
export const rows = (m: Float64Array, d: number): Vec[] => Array.from({ length: m.length / d }, (_, k) => [...m.subarray(k * d, (k + 1) * d)])
export const signedSum = (xs: Vec[], s: ArrayLike<number>): Vec => xs[0].map((_, i) => xs.reduce((acc, x, k) => acc + s[k] * x[i], 0))
/** sum_mu xs^mu . ys^mu. */
export const sumDots = (xs: Vec[], ys: Vec[]): number => xs.reduce((acc, x, k) => acc + dotv(x, ys[k]), 0)
export const rms = (x: ArrayLike<number>): number => Math.sqrt(dotv(x, x) / x.length)
export const worst = (got: ArrayLike<number>, want: ArrayLike<number>): number => Math.max(...Array.from(want, (x, i) => Math.abs(got[i] - x)))
/** The largest deviation in units of the reference's root mean square. */
export const maxRel = (got: ArrayLike<number>, want: ArrayLike<number>): number => worst(got, want) / rms(want)

/** x_t^mu = alpha x0^mu + beta x1^mu, as rows. */
export const inputsOf = (data: TrainingSet, alpha: number, beta: number): Vec[] => {
  const x1 = rows(data.x1, data.d)
  return rows(data.x0, data.d).map((x, k) => x.map((v, i) => alpha * v + beta * x1[k][i]))
}

/** Solve M z = y by Gaussian elimination with partial pivoting. */
function solve(M: Vec[], y: Vec): Vec {
  const m = M.map((r, i) => [...r, y[i]])
  const N = y.length
  for (let j = 0; j < N; j++) {
    const p = m.slice(j).reduce((best, r, i) => (Math.abs(r[j]) > Math.abs(m[best][j]) ? i + j : best), j)
    ;[m[j], m[p]] = [m[p], m[j]]
    for (let i = j + 1; i < N; i++) {
      const f = m[i][j] / m[j][j]
      for (let k = j; k <= N; k++) m[i][k] -= f * m[j][k]
    }
  }
  const z = new Array<number>(N).fill(0)
  for (let j = N - 1; j >= 0; j--) z[j] = (m[j][N] - dotv(m[j].slice(j + 1, N), z.slice(j + 1))) / m[j][j]
  return z
}

/**
 * The minimiser of R_t(c, w) = 1/2 sum |x1 - c x_t - s w|^2 + lambda/2 |w|^2 with the labels' sign
 * pattern (docs/theory.md section 2), from its normal equations in (c, w):
 *   c sum|x_t|^2 + w.B = sum x_t.x1,   c B + (n + lambda) w = A,   B = sum s x_t;
 * without skip connection c = 0 is no parameter and only the second holds.
 */
export function leastSquares(data: TrainingSet, lambda: number, skip: boolean, alpha: number, beta: number): { c: number; w: Vec } {
  const { d, n, labels } = data
  const xt = inputsOf(data, alpha, beta)
  const A = [...data.A]
  const nl = n + lambda
  if (!skip) return { c: 0, w: A.map((x) => x / nl) }
  const B = signedSum(xt, labels)
  const x1 = rows(data.x1, d)
  const M = [[sumDots(xt, xt), ...B], ...B.map((b, i) => [b, ...B.map((_, j) => (i === j ? nl : 0))])]
  const [c, ...w] = solve(M, [sumDots(xt, x1), ...A])
  return { c, w }
}
