// The figures of the published study (issue 21) against where their numbers come from:
//  - theory lines against the library's solution (solve(problem).stats(t), .dae(t)), another route
//    than the sweep the figures read, and against closed forms of docs/theory.md by hand:
//    Q_eta = M sigma / n, w_cos = m omega / sqrt(omega w_norm2), cos_sample = M omega / sqrt(omega norm)
//    (a series drawn from the wrong key fails these);
//  - simulation points and particle clouds against a small synthetic document (values chosen here,
//    the INTERFACE of simulate's particle export), so the expected positions are the document's own
//    numbers, mirrored (-u, -v) for the cluster s = -1 by hand.
// Tolerances: the sweep prints 12 significant digits (rounded: 5e-12 relative each); a formula by
// hand combines up to three printed values, so 2e-11 relative.
import { describe, expect, it } from 'vitest'
import { compareFigure, curvesFigure, daeCompareFigure, daeFigure } from '../../src/plot/figures.js'
import { componentsFigure, particlesFigure, pcaFigure } from '../../src/plot/published.js'
import { plotGrid, specFrom } from '../../src/cli/common.js'
import { problemFrom } from '../../src/cli/common.js'
import { solve } from '../../src/theory/solve.js'
import type { ChartSpec } from '../../src/plot/render.js'
import type { SimulationDocument } from '../../src/simulate/simulate.js'

interface Datum {
  x: number
  y: number
  series: string
  style?: string
  marker?: string
}
interface Layer {
  data: { values: Datum[] }
  mark: { type: string }
  encoding: { shape?: { scale?: { domain: string[]; range: string[] } } }
}
interface Panel {
  title?: { text: string }
  layer: Layer[]
}
const panels = (s: ChartSpec): Panel[] => {
  const spec = s as unknown as Panel & { hconcat?: Panel[] }
  return spec.hconcat ?? [spec]
}
const linesOf = (p: Panel): Datum[] => p.layer.find((l) => l.mark.type === 'line' && l.data.values.some((v) => 'series' in v))?.data.values ?? []
const pointsOf = (p: Panel): Datum[] => p.layer.find((l) => l.mark.type === 'point')?.data.values ?? []
const series = (data: Datum[], name: string): Datum[] => data.filter((d) => d.series === name)
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(2e-11 * Math.max(1, Math.abs(b)))

const ARGS = { n: '4', sigma: '0.9', lambda: '0.1', points: '11' }

/** A simulation document with only what the figures read (values chosen by hand). */
function syntheticDoc(extra: Partial<SimulationDocument> = {}, params: Record<string, number | string> = {}): SimulationDocument {
  const row = (t: number) => ({ t, M: t, Q_xi: -0.1 * t, P: 1 - t / 2, norm: 1 + t, cos_sample: 0.5 * t, weight: 0.5, M_mu: 0.9 * t, Q_eta: 0.2 * t, c: 1 - t, m: t, q_xi: -t / 4, w_norm2: 2 * t })
  const steps = [0, 0.5, 1].map(row)
  return {
    params: { n: 16, sigma: 2, lambda: 0.1, omega: 1, schedule: 'linear', d: 500, particles: 3, steps: 2, scheme: 'euler', trainer: 'exact', seed: 0, ...params },
    measured: { final: { ...steps[2], mse: 0.125, cos: 0.75 }, steps },
    theory: { final: steps[2], steps },
    theory_discrete: { final: steps[2], steps },
    ...extra,
  }
}

const PARTICLES = {
  snapshots: [0, 1],
  rows: [
    { t: 0, particle: 0, u: 0.1, v: -0.2 },
    { t: 1, particle: 0, u: 1.5, v: 0.25 },
  ],
  theory: [
    { t: 0, u: 0, v: 0 },
    { t: 1, u: 1.25, v: -0.5 },
  ],
  pca: {
    rows: [{ particle: 0, pc1: 2, pc2: -1 }],
    theory: [
      { cluster: 1 as const, pc1: 1.75, pc2: 0.125 },
      { cluster: -1 as const, pc1: -1.75, pc2: -0.125 },
    ],
  },
}

describe('figures of the published study: theory lines', () => {
  it('dae (figure 1): the cosine panel is w_cos = m omega / sqrt(omega w_norm2) of the drawn weights, and solve().dae(t).w_cos', async () => {
    const f = await daeFigure(plotGrid(ARGS))
    const [weights, cosine] = panels(f.spec)
    const m = series(linesOf(weights), 'm_t')
    const w2 = series(linesOf(weights), '‖ŵ‖²/d')
    const cos = series(linesOf(cosine), 'cos∠(ŵ, μ)')
    expect(cos.length).toBe(11)
    const sol = solve(problemFrom(ARGS))
    cos.forEach((c, i) => {
      // omega = 1 (default): w_cos = m / sqrt(w_norm2) (t = 0 and 1 are the limits; w_norm2 > 0 inside).
      if (c.x > 0 && c.x < 1) close(c.y, m[i].y / Math.sqrt(w2[i].y))
      close(c.y, sol.dae(c.x).w_cos)
    })
  })

  it('curves (figure 2 left): norm and cos_sample in the second panel, cos_sample = M omega / sqrt(omega norm)', async () => {
    const f = await curvesFigure(plotGrid({ n: '8', sigma: '1.5', lambda: '0.1', points: '11' }))
    const [stats, sample] = panels(f.spec)
    const M = series(linesOf(stats), 'M_t')
    const norm = series(linesOf(sample), '‖X_t‖²/d')
    const cos = series(linesOf(sample), 'cos∠(X_t, μ)')
    expect(norm.length).toBe(11)
    const sol = solve(problemFrom({ n: '8', sigma: '1.5', lambda: '0.1' }))
    norm.forEach((p, i) => {
      close(p.y, sol.stats(p.x).norm)
      close(cos[i].y, M[i].y / Math.sqrt(norm[i].y))
    })
  })

  it('dae-compare (figure 4): one cosine line per n, each solve().dae(t).w_cos at that n', async () => {
    const f = await daeCompareFigure(specFrom('dae-compare', { schedule: 'trig', sigma: '0.3', lambda: '0.1', n: '2,32', points: '5' }))
    const [, cosine] = panels(f.spec)
    for (const n of ['2', '32']) {
      const line = series(linesOf(cosine), `n = ${n}`)
      expect(line.length).toBe(5)
      const sol = solve(problemFrom({ schedule: 'trig', sigma: '0.3', lambda: '0.1', n }))
      for (const p of line) close(p.y, sol.dae(p.x).w_cos)
    }
  })

  it('components (figure 5): M^mu = stats M_mu, Q^xi, and Q^eta = M sigma / n by hand; the weight panel has the guides 1/2 and rho', async () => {
    const args = { n: '4', sigma: '0.9', lambda: '0.1', rho: '0.24', points: '11' }
    const f = await componentsFigure(plotGrid(args), syntheticDoc())
    const [components, weight] = panels(f.spec)
    const lines = linesOf(components)
    const sol = solve(problemFrom(args))
    const M = series(lines, 'M^μ_t')
    const Qeta = series(lines, 'Q^η_t')
    const Qxi = series(lines, 'Q^ξ_t')
    expect(M.length).toBe(11)
    M.forEach((p, i) => {
      close(p.y, sol.stats(p.x).M)
      close(Qeta[i].y, (p.y * 0.9) / 4)
      close(Qxi[i].y, sol.stats(p.x).Q_xi)
    })
    // The measured components and weight are the document's (chosen above: M_mu = 0.9 t, Q_eta = 0.2 t, weight 0.5).
    expect(series(pointsOf(components), 'M^μ_t').map((p) => [p.x, p.y])).toEqual([
      [0, 0],
      [0.5, 0.45],
      [1, 0.9],
    ])
    expect(series(pointsOf(components), 'Q^η_t').map((p) => p.y)).toEqual([0, 0.1, 0.2])
    expect(series(pointsOf(weight), 'generated weight').map((p) => p.y)).toEqual([0.5, 0.5, 0.5])
    const guides = weight.layer.filter((l) => l.mark.type === 'line').map((l) => l.data.values.map((v) => v.y))
    expect(guides).toEqual([
      [0.5, 0.5],
      [0.24, 0.24],
    ])
  })
})

describe('figures of the published study: simulation points', () => {
  it('dae: the measured weights as points (|q|), and none where the simulation measured none', async () => {
    const f = await daeFigure(plotGrid(ARGS), syntheticDoc())
    const [weights, cosine] = panels(f.spec)
    expect(series(pointsOf(weights), '|q_t|').map((p) => p.y)).toEqual([0, 0.125, 0.25])
    expect(series(pointsOf(weights), 'ĉ_t').map((p) => p.y)).toEqual([1, 0.5, 0])
    expect(pointsOf(cosine)).toEqual([])
  })

  it('compare (figure 3): a cross per simulation at (n, measured mse) and (n, measured cos), in its sigma series', async () => {
    const docs = [syntheticDoc({}, { n: 4, sigma: 0.5 }), syntheticDoc({}, { n: 16, sigma: 1.5 })]
    const f = await compareFigure(specFrom('compare', { n: '2,8,64', sigma: '0.5,1.5', lambda: '0.1' }), docs)
    const [mse, cos] = panels(f.spec)
    expect(pointsOf(mse).map((p) => [p.x, p.y, p.series, p.marker])).toEqual([
      [4, 0.125, 'σ = 0.5', 'simulation'],
      [16, 0.125, 'σ = 1.5', 'simulation'],
    ])
    expect(pointsOf(cos).map((p) => p.y)).toEqual([0.75, 0.75])
    // The table: the theory's 6 rows, then a row per simulation with its measured values.
    const cells = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== ''))
    expect(f.table.rows.slice(6).map(cells)).toEqual([
      { n: 4, sigma: 0.5, mse: 0.125, cos: 0.75, source: 'simulation d = 500' },
      { n: 16, sigma: 1.5, mse: 0.125, cos: 0.75, source: 'simulation d = 500' },
    ])
    expect(Object.keys(f.table.rows[6])).toEqual(f.table.keys)
    expect(f.table.rows[0].source).toBe('theory')
    expect(pointsOf(mse)[0]).toBeDefined()
    const shape = mse.layer.find((l) => l.mark.type === 'point')!.encoding.shape!.scale!
    expect(shape).toEqual({ domain: ['simulation'], range: ['cross'] })
  })

  it('particles (figure 2 middle): each particle at (u, v) coloured by t; the theory mean and its mirror (-u, -v)', () => {
    const f = particlesFigure(syntheticDoc({ particles: PARTICLES }))
    const [p] = panels(f.spec)
    expect(pointsOf(p).map((q) => [q.x, q.y, q.series])).toEqual([
      [0.1, -0.2, 't = 0'],
      [1.5, 0.25, 't = 1'],
    ])
    const lines = linesOf(p)
    expect(lines.filter((q) => q.style === 's = +1').map((q) => [q.x, q.y])).toEqual([
      [0, 0],
      [1.25, -0.5],
    ])
    expect(lines.filter((q) => q.style === 's = −1').map((q) => [q.x, q.y])).toEqual([
      [-0, -0],
      [-1.25, 0.5],
    ])
    expect(f.table.rows.at(-1)).toEqual({ t: 1, particle: 'theory', u: 1.25, v: -0.5 })
  })

  it('pca (figure 2 right): one panel per simulation, the particles and the predicted means as crosses', () => {
    const f = pcaFigure([syntheticDoc({ particles: PARTICLES }, { n: 4 }), syntheticDoc({ particles: PARTICLES }, { n: 64 })])
    const ps = panels(f.spec)
    expect(ps.map((p) => p.title?.text)).toEqual(['n = 4', 'n = 64'])
    const points = pointsOf(ps[1])
    expect(points.filter((q) => q.marker === 'theory').map((q) => [q.x, q.y])).toEqual([
      [1.75, 0.125],
      [-1.75, -0.125],
    ])
    expect(points.filter((q) => q.marker === 'particle').map((q) => [q.x, q.y])).toEqual([[2, -1]])
    expect(ps[0].layer.find((l) => l.mark.type === 'point')!.encoding.shape!.scale!.range).toEqual(['circle', 'cross'])
    expect(f.table.rows.map((r) => r.n)).toEqual([4, 4, 4, 64, 64, 64])
  })

  it('particles and pca refuse a document without a particle export (a simulation run without snapshots)', () => {
    expect(() => particlesFigure(syntheticDoc())).toThrow(/no particles/)
    expect(() => pcaFigure([syntheticDoc()])).toThrow(/no particles/)
  })
})
