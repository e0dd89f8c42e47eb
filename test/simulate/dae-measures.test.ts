// simulate's DAE keys w_cos and test_mse (docs/cli.md, simulate): the trained w's cosine with mu,
// and its test error on fresh pairs from its trained c and w by the formula
// (1 - c beta)^2 (|mu|^2/d + sigma^2) + c^2 alpha^2 + |w|^2/d - 2 (1 - c beta) w.mu/d.
// Expected values: (1) a Monte Carlo average of |x1 - c x_t - w sign(w.x_t)|^2/d over fresh pairs
// drawn here, within 4 standard errors (the formula's independent route: it assumes the sign is
// s); (2) Result A's w_cos and test_mse (docs/theory.md section 3) within 4/sqrt(d) at d = 8000.
import { describe, expect, it } from 'vitest'
import { rng } from '../../src/random.js'
import { drawTrainingSet } from '../../src/simulate/data.js'
import { exactTrainer } from '../../src/simulate/train.js'
import { dae } from '../../src/simulate/simulate.js'
import { flowProblem } from '../../src/theory/problem.js'
import { learntDae } from '../../src/theory/solve.js'

describe("simulate's w_cos and test_mse of the trained denoiser", () => {
  const [d, n, sigma, lambda, omega] = [8000, 8, 0.9, 0.1, 1]
  const random = rng(3)
  const data = drawTrainingSet({ d, n, sigma, omega, rho: 0.5, draws: 1 }, random)
  const trainer = exactTrainer(data, lambda, true)
  const theory = learntDae(flowProblem({ n, sigma, lambda, omega }))
  for (const t of [0.3, 0.7]) {
    const at = [1 - t, t, -1, 1] as const
    const fit = trainer.fit(at)
    const row = dae(fit, data, at, sigma)

    it(`t = ${t}: test_mse is the mean test error over 400 fresh pairs (within 4 standard errors)`, () => {
      const [alpha, beta] = at
      const errors: number[] = []
      const x0 = new Float64Array(d)
      const z = new Float64Array(d)
      for (let j = 0; j < 400; j++) {
        random.fillNormals(x0)
        random.fillNormals(z)
        const s = j % 2 ? 1 : -1
        let wx = 0
        for (let i = 0; i < d; i++) wx += fit.w[i] * (alpha * x0[i] + beta * (s * data.mu[i] + sigma * z[i]))
        const sign = Math.sign(wx)
        let e = 0
        for (let i = 0; i < d; i++) {
          const x1 = s * data.mu[i] + sigma * z[i]
          const r = x1 - fit.c * (alpha * x0[i] + beta * x1) - fit.w[i] * sign
          e += r * r
        }
        errors.push(e / d)
      }
      const mean = errors.reduce((a, b) => a + b, 0) / errors.length
      const sd = Math.sqrt(errors.reduce((a, b) => a + (b - mean) ** 2, 0) / (errors.length - 1))
      expect(Math.abs(row.test_mse - mean), `formula ${row.test_mse}, Monte Carlo ${mean} ± ${sd / 20}`).toBeLessThan((4 * sd) / Math.sqrt(errors.length))
    })

    it(`t = ${t}: w_cos and test_mse within 4/sqrt(d) of Result A`, () => {
      const want = theory.at(t)
      for (const k of ['w_cos', 'test_mse'] as const) expect(Math.abs(row[k] - want[k]), `${k}: ${row[k]} against ${want[k]}`).toBeLessThan(4 / Math.sqrt(d))
    })
  }
})
