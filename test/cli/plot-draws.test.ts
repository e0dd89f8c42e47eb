// flowgm plot draws (issue 20's figure): the table behind the chart against the derivation by hand
// (docs/theory.md, k draws and fresh noise at every time), not against the code: at t = 1, with
// kinv = 1/k, N = n + lambda kinv, K = n + (lambda - 1) kinv, Lambda = lambda kinv (omega + sigma^2)
// + (n - 1) sigma^2: M = n / N, P^2 = Lambda / K, Q_xi = -P / N (shared noise; 0 with fresh noise),
// mse = omega (M - 1)^2 + M^2 sigma^2 / n + n kinv Q_xi^2, and C = sigma^2 (1 + kinv) (sigma^2 fresh).
import { afterAll, describe, expect, it } from 'vitest'
import { drawsFigure } from '../../src/plot/figures.js'
import { flowProblem } from '../../src/theory/problem.js'
import { inProcessCli, requireBuild, show } from './run.js'

function byHand(n: number, sigma: number, lambda: number, omega: number, draws: number, fresh: boolean) {
  const kinv = 1 / draws
  const N = n + lambda * kinv
  const K = n + (lambda - 1) * kinv
  const L = lambda * kinv * (omega + sigma ** 2) + (n - 1) * sigma ** 2
  const M = n / N
  const P2 = L / K
  const Q = fresh ? 0 : -Math.sqrt(P2) / N
  return { n_mse: n * (omega * (M - 1) ** 2 + (M * M * sigma ** 2) / n + n * kinv * Q * Q), var: P2 }
}

describe('flowgm plot draws', () => {
  it('its table: n mse(n) and P(1)^2 for k = 1, 3, inf shared and fresh noise, as derived by hand to 1e-11; C of each line in the subtitle', () => {
    const protocols = [
      { draws: 1, noise: 'shared' as const },
      { draws: 3, noise: 'shared' as const },
      { draws: Infinity, noise: 'shared' as const },
      { draws: 1, noise: 'per-time' as const },
    ]
    const ns = [2, 16, 1024]
    const figure = drawsFigure(flowProblem({ n: 2, sigma: 0.7, lambda: 0.3, omega: 1.2 }), protocols, ns)
    expect(figure.table.rows).toHaveLength(protocols.length * ns.length)
    for (const row of figure.table.rows) {
      const want = byHand(Number(row.n), 0.7, 0.3, 1.2, row.draws === 'inf' ? Infinity : Number(row.draws), row.noise === 'per-time')
      for (const k of ['n_mse', 'var'] as const) expect(Math.abs(Number(row[k]) - want[k]), `${row.protocol} n = ${row.n} ${k}`).toBeLessThanOrEqual(1e-11 * want[k])
    }
    // C = 0.49 (1 + 1/k): 0.98, 0.653333, 0.49; fresh noise 0.49.
    const subtitle = JSON.stringify(figure.spec)
    for (const c of ['k = 1: C = 0.98', 'k = 3: C = 0.653333', 'k = ∞: C = 0.49', 'k = 1 (fresh noise): C = 0.49']) expect(subtitle).toContain(c)
  })

  describe('on the command line', () => {
    requireBuild()
    const cli = inProcessCli()
    afterAll(() => cli.close())
    it('refuses --draws, --noise, --n and a bad --k-list with one line naming the flag (exit 2)', async () => {
      for (const [args, flag] of [
        [['--draws', '2'], 'draws'],
        [['--noise', 'per-time'], 'noise'],
        [['--n', '8'], 'n'],
        [['--k-list', '1,1'], 'k-list'],
        [['--k-list', '0'], 'k-list'],
      ] as const) {
        const r = await cli.run(['plot', 'draws', ...args, '--out', '/tmp/never-written.svg'])
        expect(r.code, show(r)).toBe(2)
        expect(r.stderr).toMatch(new RegExp(`^flowgm: --${flag}: `))
      }
    })
  })
})
