// The distances to the target, the class weight rho and the null of an infinite KL (docs/theory.md,
// "Distances to the target, imbalanced targets, components and memorisation"). The limits
// themselves are checked against actual Gaussian mixtures in test/theory/distances-numeric.test.ts;
// here, what follows from their derivation without computing them a second way:
//  - rho enters only w2 and weight_error: Result A contains s^2 = 1 only, and the KL per dimension
//    does not see the weights (they add O(1/d));
//  - kl at large n, where P -> sigma and r - 1 - log r ~ (r - 1)^2/2, keeps its digits in double
//    (against the two routes of --digits at 30 digits);
//  - the rate constants by hand for the linear schedule with skip connection: M(1) = n/(n + lambda)
//    (docs/theory.md section 4), so M_inf = 1 and M_1 = -lambda; C = 2 sigma^2 (the published
//    constant, `flowgm rate`); hence floor_w2 = 4 |rho - 1/2| omega, C_w2 = 2 sigma^2 - 4 |rho - 1/2|
//    omega lambda and C_kl = C / (2 sigma^2) = 1 whatever sigma.
import { Decimal } from 'decimal.js'
import { afterAll, describe, expect, it } from 'vitest'
import { flowProblem } from '../../src/theory/problem.js'
import { solve } from '../../src/theory/solve.js'
import { statsHp } from '../../src/theory/hp.js'
import { rate } from '../../src/theory/rate.js'
import { STATS_KEYS } from '../../src/generated/keys.js'
import { inProcessCli, requireBuild, show, type Run } from '../cli/run.js'

const base = { n: 8, sigma: 1.5, lambda: 0.1 }
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b))

describe('the class weight rho', () => {
  it('changes only w2 and weight_error, at every t, with and without skip connection', () => {
    for (const skip of [true, false]) {
      const ts = [0, 0.3, 0.7, 1]
      const half = solve(flowProblem({ ...base, skip })).statsGrid(ts)
      const imbalanced = solve(flowProblem({ ...base, skip, rho: 0.24 })).statsGrid(ts)
      half.forEach((row, i) => {
        for (const k of STATS_KEYS) {
          if (k === 'w2' || k === 'weight_error') continue
          expect(imbalanced[i][k], `${k} at t = ${ts[i]}, skip ${skip}`).toBe(row[k])
        }
        // The weights' total variation by definition: (|1/2 - rho| + |1/2 - (1 - rho)|)/2.
        expect(imbalanced[i].weight_error).toBeCloseTo(0.26, 15)
        expect(row.weight_error).toBe(0)
        // Crossing mass costs: w2 grows with |rho - 1/2| (M >= 0 on a valid flow).
        expect(imbalanced[i].w2).toBeGreaterThanOrEqual(row.w2)
      })
    }
  })

  it('is refused outside (0, 1), naming the flag', () => {
    for (const rho of [0, 1, -0.1, 1.5, Number.NaN]) expect(() => flowProblem({ ...base, rho })).toThrow(/rho: must be a number in \(0, 1\)/)
  })
})

describe('kl where P = 0, and where P -> sigma', () => {
  it('is +Infinity in the library where P(1) = 0 (no skip connection), finite elsewhere', () => {
    const row = solve(flowProblem({ ...base, skip: false })).stats(1)
    expect(row.P).toBe(0)
    expect(row.kl).toBe(Infinity)
    expect(row.kl_reverse).toBe(Infinity)
    expect(Number.isFinite(row.w2)).toBe(true)
    expect(Number.isFinite(solve(flowProblem({ ...base, skip: false })).stats(0.9).kl)).toBe(true)
  })

  it('keeps 12 digits at n = 1e9 in double, against both routes at 30 digits (r - 1 - log r, nothing cancels)', () => {
    for (const n of [1e6, 1e9]) {
      const p = flowProblem({ ...base, n, lambda: 2 })
      const d = solve(p).stats(1)
      const hp = statsHp(p, ['1'], { digits: 30 }).rows[0]
      for (const k of ['kl', 'kl_reverse', 'w2'] as const) expect(rel(d[k], new Decimal(hp[k]).toNumber()), `${k} at n = ${n}`).toBeLessThan(5e-13)
    }
  })
})

describe('the rate constants of the distances (linear schedule, skip connection)', () => {
  it('match the hand derivation exactly and by Richardson, for rho = 1/2 and 0.24', () => {
    for (const rho of [0.5, 0.24]) {
      const sigma = 1.5
      const lambda = 0.1
      const r = rate(flowProblem({ n: 8, sigma, lambda, rho }), { digits: 20, nMax: 1e8 })
      const e = Math.abs(rho - 0.5)
      const hand = { floor_w2: 4 * e, C_w2: 2 * sigma ** 2 - 4 * e * lambda, C_kl: 1, floor_kl: 0 }
      for (const [k, v] of Object.entries(hand) as Array<[keyof typeof hand, number]>) {
        expect(Math.abs(r.distances.exact![k]!.toNumber() - v), `${k} exact, rho ${rho}`).toBeLessThan(1e-15)
        expect(Math.abs(r.distances.numeric[k]!.toNumber() - v), `${k} by Richardson, rho ${rho}`).toBeLessThan(1e-12)
      }
    }
  })

  it('has no C_kl without skip connection (kl is infinite), and says why', () => {
    const r = rate(flowProblem({ ...base, skip: false, rho: 0.3 }), { digits: 12, nMax: 1e6 })
    expect(r.distances.numeric.C_kl).toBeUndefined()
    expect(r.distances.reason).toMatch(/kl is infinite/)
    // Without skip: w2 = mse + sigma^2 + 4 |rho - 1/2| omega M, M(1) = n/(n + lambda): floor sigma^2 + 0.8.
    expect(Math.abs(r.distances.numeric.floor_w2!.toNumber() - (2.25 + 0.8))).toBeLessThan(1e-10)
  })
})

describe('on the command line', () => {
  requireBuild()
  const cli = inProcessCli()
  afterAll(() => cli.close())
  const flowgm = (...args: string[]): Promise<Run> => cli.run(args)

  it('stats --no-skip --json prints kl and kl_reverse as null with a note, w2 as a number', async () => {
    const r = await flowgm('stats', '--t', '1', '--rho', '0.24', '--no-skip', '--json')
    expect(r.code, show(r)).toBe(0)
    const o = JSON.parse(r.stdout)
    expect(o.kl).toBeNull()
    expect(o.kl_reverse).toBeNull()
    expect(o.note).toMatch(/^kl and kl_reverse infinite/)
    expect(typeof o.w2).toBe('number')
    expect(o.weight_error).toBe(0.26)
  })

  it('under --digits the same null and note; with skip connection no note', async () => {
    const r = await flowgm('stats', '--no-skip', '--digits', '15', '--json')
    expect(r.code, show(r)).toBe(0)
    const o = JSON.parse(r.stdout)
    expect(o.kl).toBeNull()
    expect(o.note).toMatch(/infinite/)
    const s = JSON.parse((await flowgm('stats', '--digits', '15', '--json')).stdout)
    expect(s.note).toBeUndefined()
    expect(typeof s.kl).toBe('string')
  })

  it('csv: an empty field for null and the note (no comma in it) in a last column', async () => {
    const r = await flowgm('stats', '--t', '0.5,1', '--no-skip', '--format', 'csv')
    expect(r.code, show(r)).toBe(0)
    const [head, half, one] = r.stdout.trim().split('\n')
    expect(head.split(',').at(-1)).toBe('note')
    expect(half.endsWith(',')).toBe(true)
    expect(one).toMatch(/,,,.*,kl and kl_reverse infinite[^,]*$/)
    expect(one.split(',')).toHaveLength(head.split(',').length)
  })

  it('curves and compare take --rho as stats does (their w2 at t = 1 is that of stats), and it enters the sweep header', async () => {
    const stats = JSON.parse((await flowgm('stats', '--rho', '0.24', '--json')).stdout)
    const curves = JSON.parse((await flowgm('curves', '--rho', '0.24', '--points', '2', '--format', 'json')).stdout)
    const compare = JSON.parse((await flowgm('compare', '--rho', '0.24', '--n', '8', '--format', 'json')).stdout)
    expect(curves[1].w2).toBe(stats.w2)
    expect(compare[0].w2).toBe(stats.w2)
    // 4 |rho - 1/2| omega M(1) more than at rho = 1/2 (docs/theory.md, w2): 4 0.26 (8/8.1).
    const half = JSON.parse((await flowgm('compare', '--n', '8', '--format', 'json')).stdout)
    expect(compare[0].w2 - half[0].w2).toBeCloseTo((4 * 0.26 * 8) / 8.1, 11)
    const header = async (...args: string[]) => JSON.parse((await flowgm('compare', '--n', '2,4', '--shard', '1/2', '--format', 'jsonl', ...args)).stdout.split('\n')[0])
    expect((await header('--rho', '0.3')).id).not.toBe((await header()).id)
    expect((await header('--rho', '0.5')).id).toBe((await header()).id)
  })

  it('rate prints a floor that is exactly 0 (rho = 1/2, skip: 4 |rho - 1/2| omega) as 0, not the noise of the extrapolation', async () => {
    // (n up to 1e8: the floors then agree with 0 to the working precision; at 1e6 they show -6e-23 with 0 digits agreeing.)
    const r = await flowgm('rate', '--n-max', '1e8', '--json')
    expect(r.code, show(r)).toBe(0)
    const o = JSON.parse(r.stdout)
    expect([o.floor_w2, o.numeric.floor_w2, o.floor_kl, o.numeric.floor_kl]).toEqual(['0', '0', '0', '0'])
  })

  it('rate prints C1 that is exactly 0 as 0 (k -> infinity: mse(1) = sigma^2/n exactly; lambda = 0: C1 = lambda (...) = 0), as the floors', async () => {
    for (const args of [
      ['--draws', 'inf'],
      ['--lambda', '0'],
    ]) {
      const o = JSON.parse((await flowgm('rate', '--n-max', '1e8', '--json', ...args)).stdout)
      expect([o.C1, o.numeric.C1], args.join(' ')).toEqual(['0', '0'])
    }
  })

  it('--rho outside (0, 1): exit 2, one line naming the flag', async () => {
    for (const v of ['0', '1', '-0.5', 'x']) {
      const r = await flowgm('stats', '--rho', v)
      expect(r.code, show(r)).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(/^flowgm: --rho: /)
    }
  })
})
