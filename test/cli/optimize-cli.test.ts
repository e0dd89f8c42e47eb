// `flowgm optimize` against its contract (docs/cli.md), by running the built CLI (`npm run build` first).
// Expected values by hand from docs/theory.md §5: with skip connection
//   mse_1(lambda) = N / (n + lambda)^2,  N = lambda^2 omega + 2 n sigma^2 + n lambda omega / (n + lambda - 1),
// so mse_1' = 0 where g = N' (n + lambda) - 2 N vanishes, N' = 2 lambda omega + n (n - 1) omega / (n + lambda - 1)^2;
// g is found here by bisection (independent of the series and the search on values of src/theory/optimize.ts).
// Without skip connection lambda* = sigma^2/omega (M = n omega/(n omega + sigma^2) minimises
// omega (M - 1)^2 + M^2 sigma^2 / n), and bo_mse = omega sigma^2 / (n omega + sigma^2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Decimal } from '../../src/hp/arith.js'
import { expectInputError, inProcessCli, requireBuild, show, type Run } from './run.js'

const cli = inProcessCli()
afterAll(() => cli.close())
beforeAll(requireBuild)
const flowgm = (...args: string[]): Promise<Run> => cli.run(args)

/** The hand-derived mse_1 and the root of its slope, at `precision` digits. */
function byHand(n: number, sigma: string, omega: string, precision: number) {
  const D = Decimal.clone({ precision })
  const [N, s2, w] = [new D(n), new D(sigma).pow(2), new D(omega)]
  const numerator = (l: Decimal) =>
    l
      .pow(2)
      .times(w)
      .plus(N.times(s2).times(2))
      .plus(N.times(l).times(w).div(N.plus(l).minus(1)))
  const mse = (l: Decimal) => numerator(l).div(N.plus(l).pow(2))
  const g = (l: Decimal) =>
    l
      .times(w)
      .times(2)
      .plus(N.times(N.minus(1)).times(w).div(N.plus(l).minus(1).pow(2)))
      .times(N.plus(l))
      .minus(numerator(l).times(2))
  // g < 0 at 0 for these parameters (the slope of mse_1 is negative there), > 0 at 1e3.
  let [a, b] = [new D(0), new D(1000)]
  for (let i = 0; i < 4 * precision; i++) {
    const m = a.plus(b).div(2)
    if (g(m).lt(0)) a = m
    else b = m
  }
  return { star: a, mse, bo: w.times(s2).div(N.times(w).plus(s2)) }
}

describe('flowgm optimize', () => {
  it('the done-when check: --objective mse --n 8 --sigma 1.5 --json, lambda* verified by a search on values', async () => {
    const r = await flowgm('optimize', '--objective', 'mse', '--n', '8', '--sigma', '1.5', '--json')
    expect(r.code, show(r)).toBe(0)
    expect(r.stdout).not.toMatch(/NaN|Infinity/)
    const out = JSON.parse(r.stdout)
    const h = byHand(8, '1.5', '1', 40)
    // 12 significant digits printed: agreement to 1e-11 relative.
    expect(Math.abs(out.lambda_star / h.star.toNumber() - 1)).toBeLessThan(1e-11)
    expect(out.minimised).toBe('mse')
    expect(out.boundary).toBe(false)
    expect(out.digits_agree).toBeGreaterThanOrEqual(12)
    expect(out.digits_derivative).toBeGreaterThanOrEqual(12)
    expect(out.route).toBe('exact')
    expect(out.objective).toBeCloseTo(h.mse(h.star).toNumber(), 11)
    expect(out.lambda).toBe(0.1)
    expect(out.objective_at_lambda).toBeCloseTo(h.mse(new Decimal(0.1)).toNumber(), 11)
    expect(out.bo_mse).toBeCloseTo(h.bo.toNumber(), 11)
    expect(out.ratio).toBeCloseTo(h.mse(h.star).div(h.bo).toNumber(), 10)
  })

  it('--digits 25: decimal strings of exactly 25 digits, lambda* as the hand formula gives it', async () => {
    const r = await flowgm('optimize', '--digits', '25', '--sigma', '2', '--omega', '0.5', '--json')
    expect(r.code, show(r)).toBe(0)
    const out = JSON.parse(r.stdout)
    const h = byHand(8, '2', '0.5', 60)
    expect(out.lambda_star).toBe(h.star.toPrecision(25))
    expect(out.objective).toBe(h.mse(h.star).toPrecision(25))
    expect(out.bo_mse).toBe(h.bo.toPrecision(25))
    expect(out.lambda).toBe('0.1')
  })

  it('--no-skip --format csv: lambda* = sigma^2/omega, and mse there is bo_mse', async () => {
    const r = await flowgm('optimize', '--no-skip', '--sigma', '0.9', '--omega', '3', '--format', 'csv')
    expect(r.code, show(r)).toBe(0)
    const [head, row] = r.stdout.trim().split('\n')
    const cells = Object.fromEntries(head.split(',').map((k, i) => [k, row.split(',')[i]]))
    expect(Number(cells.lambda_star)).toBe(0.27)
    expect(Number(cells.ratio)).toBe(1)
    expect(cells.boundary).toBe('false')
  })

  // Without skip connection P = 0 at t = 1, so w2 = mse + sigma^2 (rho = 1/2): the same lambda*.
  it('--objective w2 --no-skip: lambda* = sigma^2/omega again, w2 = bo_mse + sigma^2 there', async () => {
    const r = await flowgm('optimize', '--objective', 'w2', '--no-skip', '--json')
    expect(r.code, show(r)).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.minimised).toBe('w2')
    expect(out.lambda_star).toBe(2.25)
    expect(out.objective).toBeCloseTo(2.25 / (8 + 2.25) + 2.25, 11)
  })

  // Boundary: the slope of mse_1 at 0 is omega/(n(n-1)) - 4 sigma^2/n^2, >= 0 for sigma = 0.5, n = 8.
  it('a boundary minimum: lambda_star 0 and boundary true', async () => {
    const r = await flowgm('optimize', '--sigma', '0.5', '--json')
    expect(r.code, show(r)).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.lambda_star).toBe(0)
    expect(out.boundary).toBe(true)
  })

  // lambda*(n) -> (4 sigma^2 - omega)/(2 omega) = 4 and n mse -> C = 2 sigma^2 = 4.5 (docs/theory.md, the best regularisation).
  it('--n-range: lambda*(n), its limit and the constant of the 1/n rate at lambda* and at --lambda', async () => {
    const r = await flowgm('optimize', '--n-range', '64:2048:log', '--json')
    expect(r.code, show(r)).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.rows.map((row: { n: number }) => row.n)).toEqual([64, 128, 256, 512, 1024, 2048])
    expect(out.limit_of).toBe('lambda_star')
    expect(out.limit_digits).toBeGreaterThanOrEqual(8)
    expect(Number(out.limit)).toBeCloseTo(4, out.limit_digits - 2)
    expect(Number(out.C_at_lambda_star)).toBeCloseTo(4.5, out.C_at_lambda_star_digits - 2)
    expect(Number(out.C_at_lambda)).toBeCloseTo(4.5, out.C_at_lambda_digits - 2)
    expect(out.limit_exact).toBe('4.00000000000')
    expect(out.limit_exact_digits_agree).toBeGreaterThanOrEqual(out.limit_digits)
    const table = await flowgm('optimize', '--n-range', '64:256:log')
    expect(table.code, show(table)).toBe(0)
    expect(table.stdout).toMatch(/^lambda_star -> 4\.0+ as n -> infinity/m)
  })

  it('refusals name the flag', async () => {
    expectInputError(await flowgm('optimize', '--objective', 'entropy'), 'objective')
    expectInputError(await flowgm('optimize', '--objective', 'kl', '--no-skip'), 'objective')
    expectInputError(await flowgm('optimize', '--n', '8', '--n-range', '8:64:log'), 'n-range')
    expectInputError(await flowgm('optimize', '--digits', '0'), 'digits')
    // k = inf: lambda enters dae.eq only as lambda kinv = 0 (docs/theory.md, k draws); it said "kl still decreases".
    for (const objective of ['mse', 'kl']) expectInputError(await flowgm('optimize', '--objective', objective, '--draws', 'inf'), 'draws')
    // 10^6 Euler steps: about 40 evaluations of stats at 34 digits, hours by src/limits.ts's estimate.
    const r = await flowgm('optimize', '--steps', '1000000')
    expectInputError(r, 'steps')
    expect(r.stderr).toMatch(/hours \(limit 1 hour\)/)
  })
})
