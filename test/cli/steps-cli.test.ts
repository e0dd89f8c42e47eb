// `flowgm steps` against its contract (docs/cli.md), by running the built CLI (`npm run build` first).
// Expected values by hand (docs/theory.md; as in test/cli/hp-cli.test.ts and test/theory/discrete.test.ts):
//  - one Euler step of the linear schedule: M_1 = n/(n+lambda), Q_1 = 0, P_1 = 0 (alphadot = -1);
//  - the continuous flow at t = 1 with skip connection: M = n/(n+lambda), P^2 = Lambda/K with
//    K = n + lambda - 1, Lambda = lambda (omega + sigma^2) + (n - 1) sigma^2, Q_xi = -P/(n+lambda);
//  - mse = omega (M - 1)^2 + M^2 sigma^2/n + n Q_xi^2 (equations/flow.eq).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectInputError, inProcessCli, requireBuild, show, type Run } from './run.js'

const cli = inProcessCli()
afterAll(() => cli.close())
beforeAll(requireBuild)
const flowgm = (...args: string[]): Promise<Run> => cli.run(args)

describe('flowgm steps', () => {
  it('--k-list 1,2 --json: one Euler step and the continuous flow as derived by hand', async () => {
    const r = await flowgm('steps', '--k-list', '1,2', '--json')
    expect(r.code, show(r)).toBe(0)
    expect(r.stdout).not.toMatch(/NaN|Infinity/)
    const out = JSON.parse(r.stdout)
    const [n, sigma, lambda, omega] = [8, 1.5, 0.1, 1]
    const M = n / (n + lambda)
    const Lambda = lambda * (omega + sigma ** 2) + (n - 1) * sigma ** 2
    const P = Math.sqrt(Lambda / (n + lambda - 1))
    const mse = (m: number, q: number) => omega * (m - 1) ** 2 + (m * m * sigma ** 2) / n + n * q * q
    const mse1 = mse(M, 0)
    const mseInf = mse(M, -P / (n + lambda))
    expect(out.scheme).toBe('euler')
    expect(out.rows.map((row: { K: number }) => row.K)).toEqual([1, 2])
    // 12 significant digits printed: agreement to 1e-11 relative.
    expect(Number(out.rows[0].mse)).toBeCloseTo(mse1, 11)
    expect(Number(out.rows[0].P)).toBe(0)
    expect(Number(out.continuous.P)).toBeCloseTo(P, 11)
    expect(Number(out.rows[0].d_mse)).toBeCloseTo(mse1 - mseInf, 11)
    expect(Number(out.rows[0].d_P)).toBeCloseTo(-P, 11)
    expect(typeof out.rows[0].order).toBe('number')
    expect(out.rows[1].order).toBeNull()
    // Two K are too few for Richardson: no constant, and a note says why.
    expect(out.constant).toBeNull()
    expect(out.notes.join(' ')).toMatch(/three consecutive powers of 2/)
  })

  it('--n 8,64 --scheme heun --json: K*(n) for that scheme and the slope through the two points', async () => {
    const r = await flowgm('steps', '--n', '8,64', '--scheme', 'heun', '--criterion', 'var', '--json')
    expect(r.code, show(r)).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.criterion).toBe('var')
    expect(out.tol).toBe(0.1)
    expect(Object.keys(out.k_star)).toEqual(['heun'])
    const [k8, k64] = out.k_star.heun
    expect(out.exponents.heun).toBeCloseTo(Math.log(k64 / k8) / Math.log(8), 12)
  })

  it.each([
    [['--scheme', 'rk5'], 'scheme'],
    [['--scheme', 'heun', '--no-skip'], 'scheme'],
    [['--scheme', 'rk4', '--no-skip', '--n', '8,16'], 'scheme'],
    [['--k-list', '1,2.5'], 'k-list'],
    [['--k-list', '0,1'], 'k-list'],
    [['--k-list', '2,2'], 'k-list'],
    // Beyond the hour (src/limits.ts, the stage times' fit): refused before anything is computed.
    [['--schedule', 'trig', '--scheme', 'rk4', '--k-list', '1,1000000'], 'k-list'],
    [['--n', '8,16', '--tol', '1'], 'tol'],
    [['--n', '8,16', '--tol', '0'], 'tol'],
    [['--n', '8,16', '--criterion', 'w3'], 'criterion'],
    [['--tol', '0.5'], 'tol'],
    [['--n', '8,16', '--k-list', '1,2'], 'k-list'],
    [['--n', '8,1e15'], 'n'],
  ])('refuses %j naming --%s', async (args, flag) => {
    expectInputError(await flowgm('steps', ...args), flag)
  })
})
