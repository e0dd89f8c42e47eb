/**
 * One explicit Runge-Kutta step of the particles (docs/simulation.md section 3), for any explicit
 * tableau (src/theory/discrete.ts TABLEAUX); phi is sign, or tanh for Adam's tanh network. Stage j evaluates the learnt velocity
 *   b_j(Y) = gamma_j Y + v_j phi(u_j . Y)   at   Y_j = X + h sum_{l<j} A_jl k_l,   k_l = b_l(Y_l),
 * and the step is X' = X + h sum_j b_j k_j. Every Y_j lies in span(X, v_1..v_{j-1}):
 *   Y_j = alpha_j X + sum_{m<j} C_jm v_m,
 * with alpha_j the same for every particle (it involves the gammas only) and C_jm depending on the
 * particle's earlier signs. So phi(u_j . Y_j) = phi(alpha_j u_j.X + sum_m C_jm u_j.v_m) needs the
 * dots u_j.X (one projection of the particles per step) and the scalars u_j.v_m, and the step is
 * again X' = a X + sum_f c_f v_f, one update of the particle engine. Stages that share a time
 * (rk4's two at k + 1/2) share a fit, hence a direction and a vector.
 */
import { lowest, stageTime, TABLEAUX, type Ratio, type Scheme } from '../theory/discrete.js'
import { activate, type Velocity } from './train.js'
import { dot } from './vector.js'

/** A scheme's stage weights h A and step weights h b for the step h = 1/K, in double. */
export interface StepWeights {
  readonly A: ReadonlyArray<readonly number[]>
  readonly B: readonly number[]
}

/** p/(q K), the nearest double to the ratio times h = 1/K. */
const timesH = ([p, q]: Ratio, steps: number): number => p / (q * steps)

export function stepWeights(scheme: Scheme, steps: number): StepWeights {
  const { a, b } = TABLEAUX[scheme]
  return { A: a.map((row) => row.map((r) => timesH(r, steps))), B: b.map((r) => timesH(r, steps)) }
}

/** The update X' = a X + sum_f coefficients[i F + f] vectors[f] of the particle engine. */
export interface ParticleUpdate {
  readonly a: number
  readonly vectors: Float64Array[]
  readonly coefficients: Float64Array
}

/**
 * One step of the P particles. `fits`: the distinct velocities of the step (F of them), `stage[j]`
 * the index in `fits` of stage j's velocity; `dots[i J + f]` = u_f . X_i (the first F of the J dots
 * of particle i projected at the start of the step).
 */
export function rungeKuttaStep(w: StepWeights, fits: readonly Velocity[], stage: readonly number[], dots: Float64Array, J: number): ParticleUpdate {
  const S = stage.length,
    F = fits.length,
    P = dots.length / J
  const gamma = stage.map((f) => fits[f].gamma)
  const phi = stage.map((f) => fits[f].phi ?? 'sign')
  // alpha_j: the coefficient of X in Y_j, common to all particles.
  const alpha: number[] = []
  for (let j = 0; j < S; j++) alpha.push(1 + w.A[j].reduce((sum, hA, l) => sum + hA * gamma[l] * alpha[l], 0))
  const a = 1 + w.B.reduce((sum, hB, j) => sum + hB * gamma[j] * alpha[j], 0)
  // uv[j][m] = u_(stage j) . v_(stage m), m < j: a dot of length d per distinct pair of fits.
  const pairs = new Map<number, number>()
  const uv = stage.map((fj, j) =>
    stage.slice(0, j).map((fm) => {
      const key = fj * F + fm
      if (!pairs.has(key)) pairs.set(key, dot(fits[fj].u, fits[fm].v))
      return pairs.get(key)!
    }),
  )
  const coefficients = new Float64Array(P * F)
  // Per particle: slope[l][m], the coefficient of v_m in k_l (m <= l), and C[m] of the stage at hand.
  const slope = Array.from({ length: S }, () => new Float64Array(S))
  const C = new Float64Array(S)
  for (let i = 0; i < P; i++) {
    for (let j = 0; j < S; j++) {
      let y = alpha[j] * dots[i * J + stage[j]]
      for (let m = 0; m < j; m++) {
        let c = 0
        for (let l = m; l < j; l++) c += w.A[j][l] * slope[l][m]
        C[m] = c
        y += c * uv[j][m]
      }
      for (let m = 0; m < j; m++) slope[j][m] = gamma[j] * C[m]
      slope[j][j] = activate(phi[j], y)
    }
    for (let m = 0; m < S; m++) {
      let c = 0
      for (let l = m; l < S; l++) c += w.B[l] * slope[l][m]
      coefficients[i * F + stage[m]] += c
    }
  }
  return { a, vectors: fits.map((f) => f.v), coefficients }
}

/** The fits of one step: the distinct ones in order of first use, and each stage's index among them. */
export interface StepFits<T> {
  readonly fits: T[]
  readonly stage: number[]
}

/**
 * The DAE fits at the stage times (k + c_j)/K of each step, each time trained once: stages at the
 * same time share a fit, and a fit at the end of a step (Heun's, rk4's) is the next step's start.
 * Times are fitted in increasing order (Adam warm-starts from the previous time); `fitAt` gets the
 * time as an exact fraction in lowest terms. Steps are asked for in order k = 0, 1, ...
 */
export function stageFits<T>(scheme: Scheme, steps: number, fitAt: (t: Ratio) => T | Promise<T>): { step(k: number): Promise<StepFits<T>> } {
  const { c } = TABLEAUX[scheme]
  const cache = new Map<string, T>()
  return {
    async step(k) {
      const times = c.map((cj) => lowest(stageTime(k, cj, steps)))
      const keys = times.map(([p, q]) => `${p}/${q}`)
      // Earlier steps' times are never asked for again.
      for (const key of [...cache.keys()]) if (!keys.includes(key)) cache.delete(key)
      const order = times.map((t, j) => j).sort((i, j) => times[i][0] * times[j][1] - times[j][0] * times[i][1])
      for (const j of order) if (!cache.has(keys[j])) cache.set(keys[j], await fitAt(times[j]))
      const distinct = [...new Set(keys)]
      return { fits: distinct.map((key) => cache.get(key)!), stage: keys.map((key) => distinct.indexOf(key)) }
    },
  }
}
