// plot distances (the explorer's fourth chart): its lines against the library's solution at t = 1,
// solve(problem).stats(1).w2 and .kl at each n, another route than the compare sweep the figure
// reads (the sweep prints 12 significant digits: 5e-12 relative); without the skip connection
// KL is infinite (docs/theory.md, distances) and its panel is left out, the subtitle saying why.
import { describe, expect, it } from 'vitest'
import { distancesFigure } from '../../src/plot/figures.js'
import { problemFrom, specFrom } from '../../src/cli/common.js'
import { solve } from '../../src/theory/solve.js'

interface Datum {
  x: number
  y: number
  series: string
}
interface Panel {
  title?: { text: string }
  layer: Array<{ data: { values: Datum[] }; mark: { type: string } }>
}
const panelsOf = (spec: unknown): Panel[] => (spec as { hconcat?: Panel[] }).hconcat ?? [spec as Panel]
const lines = (p: Panel): Datum[] => p.layer.find((l) => l.mark.type === 'line')!.data.values

describe('plot distances', () => {
  it('draws w2 and kl at t = 1 against n, as solve(problem).stats(1) gives them', async () => {
    const args = { sigma: '0.7', lambda: '0.2', 'n-range': '2:64:log' }
    const { spec, table } = await distancesFigure(specFrom('compare', args))
    const [w2, kl] = panelsOf(spec)
    expect([w2.title?.text, kl.title?.text]).toEqual(['Wasserstein-2 distance', 'Kullback–Leibler divergence'])
    expect(table.rows.map((r) => r.n)).toEqual([2, 4, 8, 16, 32, 64])
    for (const [panel, key] of [
      [w2, 'w2'],
      [kl, 'kl'],
    ] as const) {
      const drawn = lines(panel)
      expect(drawn.map((d) => d.x)).toEqual([2, 4, 8, 16, 32, 64])
      for (const d of drawn) {
        const want = solve(problemFrom({ ...args, n: String(d.x) })).stats(1)[key]
        expect(Math.abs(d.y - want), `${key} at n = ${d.x}`).toBeLessThanOrEqual(5e-12 * want)
      }
    }
  })

  it('without the skip connection draws W2 alone and says that KL is infinite', async () => {
    const { spec } = await distancesFigure(specFrom('compare', { 'n-range': '2:16:log', skip: false }))
    const panels = panelsOf(spec)
    expect(panels).toHaveLength(1)
    expect(lines(panels[0]).map((d) => d.y)).toEqual(
      [2, 4, 8, 16].map((n) =>
        Number(
          solve(problemFrom({ n: String(n), skip: false }))
            .stats(1)
            .w2.toPrecision(12),
        ),
      ),
    )
    expect(JSON.stringify((spec as { title: unknown }).title)).toContain('KL is infinite')
  })
})
