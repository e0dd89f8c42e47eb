// compare --architectures skip,no-skip (src/sweep/architectures.ts) against routes computed here,
// not through the sweep code: each architecture's statistics from solve(flowProblem({ ..., skip
// })).stats(1) directly; the rate constants from the closed forms derived by hand in
// docs/theory.md ("Baselines, the 1/n rate" and "Rates": C = 2 sigma^2 with skip connection and
// sigma^2 without; w2 = mse + (|P| - sigma)^2 + 4 w omega M with w = |rho - 1/2|, M(1) = n/(n +
// lambda) on the linear schedule so M_inf = 1, M_1 = -lambda; P(1)^2 -> sigma^2 with skip and
// P(1) = 0 without; kl = C/(2 sigma^2 n) + ..., infinite without skip). Shards of such a sweep
// merge to the bytes of the unsharded one, and shards of another choice of architectures do not.
import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { ParameterError } from '../../src/errors.js'
import { mergeFiles } from '../../src/sweep/merge.js'
import { prepareSweep } from '../../src/sweep/sweeps.js'
import { TABLE_FORMATS } from '../../src/sweep/writers.js'
import { flowProblem } from '../../src/theory/problem.js'
import { solve } from '../../src/theory/solve.js'
import { X } from '../theory/by-hand.js'
import { scratch, specOf, sweepFile, type Flags } from './sweep-files.js'

const tmp = scratch()
afterAll(() => tmp.remove())

const all = (f: Flags) => {
  const sweep = prepareSweep(specOf(f))
  return { sweep, rows: sweep.rows(Array.from({ length: sweep.grid.size }, (_, i) => i)) }
}

// Cells are rounded to 12 significant digits: a relative error of at most 5e-12; 1e-11 is twice
// that. A value that is 0 (var without skip connection: P(1) = 0 exactly) must print 0.
const close = (printed: unknown, expected: number, what: string) => {
  expect(typeof printed, what).toBe('number')
  if (expected === 0) expect(printed, what).toBe(0)
  else expect(Math.abs((printed as number) - expected) / Math.abs(expected), `${what}: ${String(printed)} vs ${expected}`).toBeLessThan(1e-11)
}

const SUFFIX = { skip: '_skip', 'no-skip': '_noskip' } as const

describe('compare --architectures: each architecture against its own solve and the constants by hand', () => {
  const grid = { sigma: '0.5,1.5', lambda: '0,0.1', omega: '1,2.5', n: '2,7,64' }

  for (const rho of ['0.5', '0.24']) {
    it(`rho = ${rho}: mse, var, w2, kl per architecture; sigma2; C, floor_w2, C_w2, C_kl`, () => {
      const { sweep, rows } = all({ command: 'compare', args: { ...grid, architectures: 'skip,no-skip', rho } })
      expect(sweep.keys).toEqual([
        'sigma',
        'lambda',
        'omega',
        'n',
        'mse_skip',
        'mse_noskip',
        'var_skip',
        'var_noskip',
        'sigma2',
        'w2_skip',
        'w2_noskip',
        'kl_skip',
        'kl_noskip',
        'C_skip',
        'C_noskip',
        'floor_w2_skip',
        'floor_w2_noskip',
        'C_w2_skip',
        'C_w2_noskip',
        'C_kl_skip',
        'C_kl_noskip',
        'note',
      ])
      expect(rows).toHaveLength(2 * 2 * 2 * 3)
      const w = Math.abs(Number(rho) - 0.5)
      for (const r of rows) {
        const [sigma, lambda, omega, n] = [r.sigma, r.lambda, r.omega, r.n] as number[]
        const at = `sigma ${sigma} lambda ${lambda} omega ${omega} n ${n}`
        close(r.sigma2, sigma * sigma, `${at} sigma2`)
        for (const skip of [true, false]) {
          const s = solve(flowProblem({ n, sigma, lambda, omega, rho: Number(rho), skip })).stats(1)
          const x = SUFFIX[skip ? 'skip' : 'no-skip']
          for (const k of ['mse', 'var', 'w2'] as const) close(r[`${k}${x}`], s[k], `${at} ${k}${x}`)
          // By hand: C = 2 sigma^2 (skip) or sigma^2; the floor of w2 is (|P_inf| - sigma)^2 + 4 w omega M_inf.
          const C = (skip ? 2 : 1) * sigma * sigma
          close(r[`C${x}`], C, `${at} C${x}`)
          close(r[`floor_w2${x}`], (skip ? 0 : sigma * sigma) + 4 * w * omega, `${at} floor_w2${x}`)
          close(r[`C_w2${x}`], C - 4 * w * omega * lambda, `${at} C_w2${x}`)
        }
        close(r.kl_skip, solve(flowProblem({ n, sigma, lambda, omega, rho: Number(rho), skip: true })).stats(1).kl, `${at} kl_skip`)
        close(r.C_kl_skip, 1, `${at} C_kl_skip = C / (2 sigma^2)`)
        expect(r.kl_noskip, at).toBeNull()
        expect(r.C_kl_noskip, at).toBeNull()
        expect(r.note, at).toMatch(/^kl_noskip and C_kl_noskip infinite \(printed as null\)/)
      }
    })
  }

  it('one architecture: its columns only, no note column where nothing is infinite', () => {
    const { sweep, rows } = all({ command: 'compare', args: { n: '8', architectures: 'skip' } })
    expect(sweep.keys).toEqual(['n', 'mse_skip', 'var_skip', 'sigma2', 'w2_skip', 'kl_skip', 'C_skip', 'floor_w2_skip', 'C_w2_skip', 'C_kl_skip'])
    const s = solve(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, skip: true })).stats(1)
    close(rows[0].w2_skip, s.w2, 'w2_skip')
  })

  it('under --digits: the statistics agree with double precision, the constants are the exact closed forms', () => {
    const { sweep, rows } = all({ command: 'compare', args: { n: '8', architectures: 'no-skip,skip', rho: '0.24', digits: '20' } })
    expect(sweep.keys.at(-1)).toBe('digits_verified')
    const [r] = rows
    for (const skip of [true, false]) {
      const s = solve(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, rho: 0.24, skip })).stats(1)
      const x = SUFFIX[skip ? 'skip' : 'no-skip']
      // Double precision guarantees 12 digits (docs/cli.md): 1e-11 relative.
      for (const k of ['mse', 'w2'] as const) expect(Math.abs(Number(r[`${k}${x}`]) / s[k] - 1), `${k}${x}`).toBeLessThan(1e-11)
    }
    expect(r.var_noskip).toBe('0')
    // sigma = 1.5, lambda = 0.1, omega = 1, w = 0.26: C = 4.5 and 2.25, floor_w2 = 1.04 and 3.29,
    // C_w2 = C - 0.104, C_kl = 1: exact decimals, printed to 20 digits.
    const exact = (x: string) => new X(x).toPrecision(20)
    expect([r.C_skip, r.C_noskip, r.floor_w2_skip, r.floor_w2_noskip, r.C_w2_skip, r.C_w2_noskip, r.C_kl_skip, r.C_kl_noskip]).toEqual([
      exact('4.5'),
      exact('2.25'),
      exact('1.04'),
      exact('3.29'),
      exact('4.396'),
      exact('2.146'),
      exact('1'),
      null,
    ])
    expect(r.kl_noskip).toBeNull()
  })
})

describe('compare --architectures: shards', () => {
  const flags: Flags = { command: 'compare', args: { n: '2,8,32', sigma: '0.5,1', architectures: 'skip,no-skip', rho: '0.3' } }

  it('merge to the bytes of the unsharded sweep, in every format; another rho is another sweep', async () => {
    const files = [1, 2, 3].map((k) => tmp.path(`s${k}.jsonl`))
    for (const [j, file] of files.entries()) await sweepFile(flags, file, { shard: { k: j + 1, K: 3 } })
    const header = JSON.parse(readFileSync(files[0], 'utf8').split('\n')[0]) as { params: Record<string, unknown> }
    expect(header.params).toEqual({ schedule: 'linear', architectures: 'skip,no-skip', rho: '0.3', t: 1 })
    for (const format of TABLE_FORMATS) {
      const whole = await sweepFile(flags, tmp.path(`whole.${format}`), { format })
      await mergeFiles(files, { format, out: tmp.path(`merged.${format}`) })
      expect(readFileSync(tmp.path(`merged.${format}`), 'utf8'), format).toBe(whole)
    }
    // The same columns at another rho (w2 depends on it): only the header's params tell them apart.
    const other = tmp.path('other.jsonl')
    await sweepFile({ ...flags, args: { ...flags.args, rho: '0.31' } }, other, { shard: { k: 3, K: 3 } })
    const e = await mergeFiles([files[0], files[1], other], { format: 'csv', out: tmp.path('never.csv') }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ParameterError)
    expect((e as Error).message).toMatch(new RegExp(`^${other}: is from a different sweep than ${files[0]} \\(id: `))
  })
})

describe('compare --architectures refuses', () => {
  const refusal = (args: Record<string, string | boolean>) => {
    try {
      specOf({ command: 'compare', args: args as Record<string, string> })
    } catch (e) {
      expect(e).toBeInstanceOf(ParameterError)
      return (e as Error).message
    }
    throw new Error('not refused')
  }

  it('--no-skip, --steps, an unknown or repeated architecture', () => {
    expect(refusal({ architectures: 'skip,no-skip', skip: false })).toBe('architectures: cannot be combined with --no-skip (list the architectures instead: skip, no-skip)')
    expect(refusal({ architectures: 'skip', steps: '8' })).toBe(
      'architectures: compares the continuous flows and cannot be combined with --steps (compare one architecture with --steps, and --no-skip for the other)',
    )
    expect(refusal({ architectures: 'skip,residual' })).toBe("architectures: must be a comma-separated list of skip, no-skip (got 'residual')")
    expect(refusal({ architectures: 'skip,skip' })).toBe("architectures: lists an architecture twice (got 'skip,skip')")
  })
})
