// The particles' distances to the nearest training and fresh sample (src/simulate/distances.ts),
// the generated cluster weight, and the labels' class weight: first against direct computations
// on explicit vectors, then the whole simulation against the d -> infinity theory.
import { describe, expect, it } from 'vitest'
import { rng } from '../../src/random.js'
import { drawTrainingSet } from '../../src/simulate/data.js'
import { freshRows, meanNearest, rowsOf } from '../../src/simulate/distances.js'
import { createEngine } from '../../src/simulate/engine.js'

describe('meanNearest', () => {
  it('is mean_i min_nu |X_i - y^nu|^2/d computed on the vectors themselves, over more than one block of samples', async () => {
    // 70 samples: two passes of 64 and 6, so a sample missed or counted twice at the block edge
    // changes some particle's minimum. The direct route subtracts the vectors coordinate by
    // coordinate; the two agree to rounding (sums of ~50 terms of size ~10).
    const d = 50,
      N = 9,
      n = 70
    const source = rng(4)
    const X: Float64Array[] = []
    const engine = await createEngine('js', N, d, (row) => {
      source.fillNormals(row)
      X.push(row.slice())
    })
    const samples = rng(5).fillNormals(new Float64Array(n * d))
    // The first and last sample of each block sit next to a particle (0.1 away per coordinate, the
    // others ~2): each is some particle's nearest, so dropping or doubling an edge sample shows.
    ;[0, 63, 64, 69].forEach((k, j) => {
      for (let i = 0; i < d; i++) samples[k * d + i] = X[j][i] + 0.1 * samples[k * d + i]
    })
    let direct = 0
    for (const x of X) {
      let best = Infinity
      for (let k = 0; k < n; k++) {
        let s = 0
        for (let i = 0; i < d; i++) s += (x[i] - samples[k * d + i]) ** 2
        best = Math.min(best, s)
      }
      direct += best / (N * d)
    }
    expect(await meanNearest(engine, rowsOf(samples, d), n, d)).toBeCloseTo(direct, 12)
  })

  it('draws the fresh samples y = s mu + sigma z from the stream, with the training labels, in order', () => {
    const d = 7,
      n = 5,
      sigma = 0.6
    const data = drawTrainingSet({ d, n, sigma, omega: 2, rho: 0.5 }, rng(2))
    // Asked for in two blocks, as meanNearest does: the second starts at sample 2.
    const fresh = freshRows(data, sigma, rng(11))
    const rows = [...fresh(0, 2), ...fresh(2, n)]
    // The same stream read by hand: d normals per sample, sample by sample.
    const r = rng(11)
    rows.forEach((y, k) => {
      for (let i = 0; i < d; i++) expect(y[i]).toBeCloseTo(data.labels[k] * data.mu[i] + sigma * r.normal(), 14)
    })
  })
})

describe('the labels of --rho', () => {
  it('are +1 with probability rho', () => {
    // 40000 labels: their fraction of +1 is Binomial(40000, rho)/40000, standard deviation
    // sqrt(rho (1 - rho)/40000) = 0.0021 at rho = 0.24; 4 of those allowed. A draw with 1 - rho
    // (the classes swapped) is off by 0.52.
    const n = 40000
    for (const rho of [0.24, 0.5, 0.9]) {
      const { labels } = drawTrainingSet({ d: 2, n, sigma: 1, omega: 1, rho }, rng(3))
      const plus = labels.reduce((s, x) => s + (x > 0 ? 1 : 0), 0) / n
      expect(Math.abs(plus - rho), `rho = ${rho}`).toBeLessThan(4 * Math.sqrt((rho * (1 - rho)) / n))
    }
  })
})
