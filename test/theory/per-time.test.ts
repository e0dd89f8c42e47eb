// Fresh noise at every t (--noise per-time; docs/theory.md, fresh noise at every time). Expected
// values by hand, from the derivation there, not from the code:
//  - the continuous flow: the DAE at each t is Result A (k draws: N = n + lambda kinv, ...), so M and
//    P solve the same equations as with shared noise, M = n beta / N and P = sqrt(D / K), while the
//    memorised part, a sum of independent increments of squared norm O(dt), vanishes: Q_xi = 0 and
//    mse = omega (M - 1)^2 + M^2 sigma^2 / n. At t = 1, M = n / N, so
//    n mse = n omega (lambda kinv)^2 / N^2 + sigma^2 n^2 / N^2 -> C = sigma^2, the Bayes-optimal constant.
//  - a K-step sampler: an independent route written here, the scheme applied to the vector of the
//    memorised part's coefficients on one direction per distinct stage time (what fresh noise
//    means), with the tableaux written out by hand; Q_xi is minus that vector's norm.
import { Decimal } from 'decimal.js'
import { afterAll, describe, expect, it } from 'vitest'
import { flowProblem, type FlowProblem } from '../../src/theory/problem.js'
import { solve } from '../../src/theory/solve.js'
import { statsHp } from '../../src/theory/hp.js'
import { rate } from '../../src/theory/rate.js'
import { variantOf } from '../../src/theory/model.js'
import { parameterValues } from '../../src/symbolic/names.js'
import { discreteFlow } from '../../src/theory/discrete.js'
import { sweep } from '../../src/sweep/iterate.js'
import { inProcessCli, requireBuild, show, type Run } from '../cli/run.js'

const X = Decimal.clone({ precision: 60 })

describe('fresh noise at every t: the continuous flow', () => {
  it('M, P as derived by hand, Q_xi = 0 and mse without the memorised part, for k = 1, 3, inf, linear and trig, within 1e-12', () => {
    const schedules: Record<string, (t: number) => [number, number]> = {
      linear: (t) => [1 - t, t],
      trig: (t) => [Math.cos((Math.PI * t) / 2), Math.sin((Math.PI * t) / 2)],
    }
    const [n, sigma, lambda, omega] = [8, 1.5, 0.1, 1.3]
    for (const [schedule, ab] of Object.entries(schedules)) {
      for (const draws of [1, 3, Infinity]) {
        const kinv = 1 / draws
        const sol = solve(flowProblem({ n, sigma, lambda, omega, schedule, draws, noise: 'per-time' }))
        for (const t of [0.3, 0.8, 1]) {
          const [a, b] = ab(t)
          const K = n + (lambda - 1) * kinv
          const L = lambda * kinv * (omega + sigma ** 2) + (n - 1) * sigma ** 2
          const M = (n * b) / (n + lambda * kinv)
          const P = Math.sqrt((a * a * K + b * b * L) / K)
          const want = { M, P, Q_xi: 0, mse: omega * (M - 1) ** 2 + (M * M * sigma ** 2) / n }
          const row = sol.stats(t)
          for (const [k, w] of Object.entries(want)) {
            expect(Math.abs(row[k] - w), `${schedule} k = ${draws} t = ${t} ${k}: ${row[k]} by hand ${w}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(w)))
          }
        }
      }
    }
  })

  // (25 digits, as for k draws, in npm run validate's table 3: seconds per case.)
  it('rate: C = sigma^2 exactly and by Richardson, agreeing on the digits asked (k = 1 and k = 3; shared noise gives sigma^2 (1 + 1/k), test/theory/draws.test.ts)', () => {
    for (const draws of [1, 3]) {
      const r = rate(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, draws, noise: 'per-time' }), { digits: 12, nMax: 1e6 })
      expect(r.exact!.text.C).toBe('sigma^2')
      expect(r.exact!.values.C.toString()).toBe('2.25')
      expect(r.agreement.C).toBeGreaterThanOrEqual(12)
      expect(r.numeric.C.minus(2.25).abs().toNumber()).toBeLessThan(1e-11)
    }
  })

  it('--digits: the two high-precision routes give Q_xi = 0 and the mse by hand to 40 digits at t = 1/2', () => {
    const r = statsHp(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, draws: 3, noise: 'per-time' }), ['0.5'], { digits: 40 })
    const row = r.rows[0]
    expect(row.Q_xi.isZero()).toBe(true)
    const N = new X(0.1).div(3).plus(8)
    const M = new X(4).div(N)
    const mse = M.minus(1).pow(2).plus(M.pow(2).times(2.25).div(8))
    expect(row.mse.minus(mse).abs().lte(mse.times('1e-40'))).toBe(true)
  })
})

// The schemes' tableaux (c, A, b), written out from their textbook definitions.
const TABLES: Record<string, { c: number[]; a: number[][]; b: number[] }> = {
  euler: { c: [0], a: [[]], b: [1] },
  heun: { c: [0, 1], a: [[], [1]], b: [0.5, 0.5] },
  midpoint: { c: [0, 0.5], a: [[], [0.5]], b: [0, 1] },
  rk4: { c: [0, 0.5, 0.5, 1], a: [[], [0.5], [0, 0.5], [0, 0, 1]], b: [1 / 6, 1 / 3, 1 / 3, 1 / 6] },
}

/**
 * Q_xi of fresh noise by the vector route: the scheme on (coefficient per direction), one direction
 * per distinct stage time, the source of Q_xi's equation entering along the direction of its
 * stage's time; `sameAtEnd` false plants the bug of a new direction at a step's end stage.
 */
function vectorRoute(problem: FlowProblem, K: number, scheme: string, sameAtEnd = true): number[] {
  const coef = variantOf(problem).ode(...parameterValues(problem))
  const { c, a, b } = TABLES[scheme]
  const h = 1 / K
  const index = new Map<string, number>()
  const direction = (k: number, j: number) => {
    const key = sameAtEnd ? String((k + c[j]) / K) : `${k}:${c[j]}`
    if (!index.has(key)) index.set(key, index.size)
    return index.get(key)!
  }
  let y: number[] = []
  const norms = [0]
  for (let k = 0; k < K; k++) {
    const slopes: number[][] = []
    for (let j = 0; j < c.length; j++) {
      const [aQ, gQ] = coef(...problem.schedule.at((k + c[j]) / K)).slice(2, 4)
      const d = direction(k, j)
      const stage = Array.from({ length: Math.max(y.length, d + 1) }, (_, i) => (y[i] ?? 0) + h * a[j].reduce((s, w, l) => s + w * (slopes[l][i] ?? 0), 0))
      slopes.push(stage.map((x, i) => aQ * x + (i === d ? gQ : 0)))
    }
    const size = Math.max(y.length, ...slopes.map((s) => s.length))
    y = Array.from({ length: size }, (_, i) => (y[i] ?? 0) + h * b.reduce((s, w, j) => s + w * (slopes[j][i] ?? 0), 0))
    norms.push(-Math.sqrt(y.reduce((s, x) => s + x * x, 0)))
  }
  return norms
}

describe('fresh noise at every t: K-step samplers', () => {
  const cases = ['euler', 'heun', 'midpoint', 'rk4'].flatMap((scheme) => ['linear', 'trig'].map((schedule) => ({ scheme, schedule })))
  it.each(cases)('$scheme, $schedule, K = 7: Q_xi at every grid time equals the vector route to 1e-13, and M, P those of shared noise', ({ scheme, schedule }) => {
    const problem = flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, schedule, steps: 7, scheme: scheme as 'euler', noise: 'per-time' })
    // discreteFlow of the problem without its sampler (as simulate calls it): the sampler given
    // decides (it once took the continuous flow's coefficients, without Q_xi's source: Q_xi = 0).
    const states = discreteFlow(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, schedule, noise: 'per-time' }), 7, scheme as 'euler')
    const want = vectorRoute(problem, 7, scheme)
    states.forEach((y, k) => expect(Math.abs(y[1] - want[k]), `t = ${k}/7: ${y[1]} against ${want[k]}`).toBeLessThanOrEqual(1e-13))
    const shared = discreteFlow(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, schedule }), 7, scheme as 'euler')
    states.forEach((y, k) => {
      expect(y[0]).toBe(shared[k][0])
      expect(y[2]).toBe(shared[k][2])
    })
  })

  it('the vector route tells the end stage shared with the next step apart (heun and rk4: a new direction there changes Q_xi)', () => {
    for (const scheme of ['heun', 'rk4']) {
      const problem = flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, steps: 7, scheme: scheme as 'heun', noise: 'per-time' })
      expect(Math.abs(vectorRoute(problem, 7, scheme, false)[7] - vectorRoute(problem, 7, scheme)[7])).toBeGreaterThan(1e-3)
    }
  })

  it('the memorised part vanishes like 1/sqrt(K) (its squared norm is a sum of K squares of O(1/K)): Q_xi(4K)/Q_xi(K) -> 1/2, and mse_K -> the continuous mse', () => {
    const at = (K: number) => solve(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, steps: K, scheme: 'rk4', noise: 'per-time' })).stats(1)
    const [q256, q1024] = [at(256).Q_xi, at(1024).Q_xi]
    expect(Math.abs(q1024 / q256 - 0.5)).toBeLessThan(2e-3)
    const continuous = solve(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, noise: 'per-time' })).stats(1).mse
    // mse_K - mse = n kinv Q_xi^2 + O(1/K^4) for rk4: the memorised part's norm dominates.
    expect(Math.abs(at(1024).mse - continuous - 8 * q1024 ** 2)).toBeLessThan(1e-9)
  })

  it('--digits 30: both evaluations of the recurrence (stages, transfer) agree with double precision at K = 9, heun', () => {
    const problem = flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, steps: 9, scheme: 'heun', noise: 'per-time' })
    const hp = statsHp(problem, ['1'], { digits: 30 }).rows[0]
    const double = solve(problem).stats(1)
    expect(Math.abs(hp.Q_xi.toNumber() - double.Q_xi)).toBeLessThan(1e-14)
    expect(hp.Q_xi.toNumber()).toBeCloseTo(vectorRoute(problem, 9, 'heun')[9], 13)
  })
})

describe('the library sweep', () => {
  it('takes draws and noise: compare rows at n = 8, 64 with k = 3 and fresh noise are the mse by hand (M = n/N, no memorised part)', async () => {
    for await (const r of sweep({ command: 'compare', n: [8, 64], sigma: 1.5, lambda: 0.1, draws: 3, noise: 'per-time' })) {
      const M = r.n! / (r.n! + 0.1 / 3)
      expect(Math.abs(r.mse - ((M - 1) ** 2 + (M * M * 2.25) / r.n!))).toBeLessThan(1e-12)
    }
  })
})

describe('--noise on the command line', () => {
  requireBuild()
  const cli = inProcessCli()
  afterAll(() => cli.close())
  const flowgm = (...args: string[]): Promise<Run> => cli.run(args)

  it('--noise shared prints what the command prints without it (byte for byte)', async () => {
    for (const args of [['stats', '--t', '0.3,1'], ['curves', '--points', '3', '--format', 'jsonl'], ['compare', '--n', '2,8'], ['closed-form'], ['stats', '--steps', '4']]) {
      expect((await flowgm(...args, '--noise', 'shared')).stdout, args.join(' ')).toBe((await flowgm(...args)).stdout)
    }
  })

  it('--noise per-time: closed-form prints Q_xi = 0 and C = sigma^2 (the derivation at the head of this file); a sweep says so in its header', async () => {
    const j = JSON.parse((await flowgm('closed-form', '--noise', 'per-time', '--json')).stdout) as { noise: string; flow: Record<string, { text: string }>; rate: Record<string, { text: string }> }
    expect([j.noise, j.flow.Q_xi.text, j.rate.C.text]).toEqual(['per-time', '0', 'sigma^2'])
    const header = (args: string[]) =>
      flowgm('compare', '--n', '2,8', '--format', 'jsonl', ...args).then((r) => JSON.parse(r.stdout.split('\n')[0]) as { id: string; params: { noise?: string }; caption: string })
    const [shared, perTime] = [await header([]), await header(['--noise', 'per-time'])]
    // Shards of the two do not merge: the header's id covers the noise.
    expect(perTime.params.noise).toBe('per-time')
    expect(perTime.caption).toMatch(/fresh noise at every \$t\$/)
    expect(perTime.id).not.toBe(shared.id)
  })

  it('--noise fresh, --noise per_time: exit 2, one line naming the flag', async () => {
    for (const v of ['fresh', 'per_time']) {
      const r = await flowgm('stats', '--noise', v)
      expect(r.code, show(r)).toBe(2)
      expect(r.stderr).toMatch(/^flowgm: --noise: must be one of shared, per-time/)
    }
  })
})
