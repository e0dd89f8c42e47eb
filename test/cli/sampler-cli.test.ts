// --steps K --scheme S on stats, curves, compare (docs/cli.md, K-step samplers), by the built CLI
// in one process (run `npm run build` first). The discrete theory itself is checked against an
// independent recurrence in test/theory/sampler-reference.test.ts; here: the flags, the grid
// times, the refusals, and one case derived by hand.
//
// By hand (docs/theory.md sections 3-4, linear schedule): one Euler step evaluates the velocity
// at t = 0 only, where alpha = 1, beta = 0, alpha' = -1, beta' = 1, so c = 0, m = n/(n + lambda),
// q_xi = 0, zeta = beta' - alpha' beta/alpha = 1, gamma = alpha'/alpha + zeta c = -1. From
// (M, Q, P) = (0, 0, 1): M_1 = m = n/(n + lambda), Q_1 = 0, P_1 = 1 - 1 = 0, and
// mse = omega (M - 1)^2 + M^2 sigma^2/n.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Decimal } from 'decimal.js'
import { afterAll, describe, expect, it } from 'vitest'
import { inProcessCli, requireBuild, show, type Run } from './run.js'

const cli = inProcessCli()
afterAll(() => cli.close())
const flowgm = (...args: string[]): Promise<Run> => cli.run(args)
const json = (r: Run) => {
  expect(r.code, show(r)).toBe(0)
  return JSON.parse(r.stdout)
}

describe('K-step samplers on the command line', () => {
  requireBuild()

  it('one Euler step on the linear schedule gives the hand-derived state, in double and at 30 digits', async () => {
    const D = Decimal.clone({ precision: 60 })
    const M = new D(8).div(8.1)
    const mse = M.minus(1).pow(2).plus(M.pow(2).times(2.25).div(8))
    const row = json(await flowgm('stats', '--steps', '1', '--n', '8', '--sigma', '1.5', '--lambda', '0.1', '--json'))
    // 12 significant digits printed: within half a unit of the 12th.
    expect(Math.abs(row.M - M.toNumber())).toBeLessThan(5e-13)
    expect(row.Q_xi).toBe(0)
    expect(row.P).toBe(0)
    expect(Math.abs(row.mse - mse.toNumber()) / mse.toNumber()).toBeLessThan(5e-12)
    const precise = json(await flowgm('stats', '--steps', '1', '--n', '8', '--sigma', '1.5', '--lambda', '0.1', '--digits', '30', '--json'))
    expect(precise.M).toBe(M.toPrecision(30))
    expect(precise.mse).toBe(mse.toPrecision(30))
  })

  it('without skip connection, K = 3 and 7 (no finite decimal step): P lands on 0 exactly at --digits, M on n/(n + lambda)', async () => {
    // Linear schedule, no skip connection: P' = (alpha'/alpha) P, and the last Euler factor is
    // 1 + h (-1/alpha(1 - h)) = 1 - h/h = 0 exactly (docs/theory.md section 6); midpoint's too
    // (1 + z_half (1 + z_0/2) = 1 - 2 (1/2)). M: with c = 0, m = n/(n + lambda) at every t, and
    // M' = -M/alpha + m/alpha keeps M = m beta = m t on the grid, so M_K = n/(n + lambda) (= 80/81).
    const M = new (Decimal.clone({ precision: 60 }))(80).div(81).toPrecision(30)
    for (const [K, scheme] of [
      ['3', 'euler'],
      ['7', 'midpoint'],
    ]) {
      const row = json(await flowgm('stats', '--steps', K, '--scheme', scheme, '--no-skip', '--digits', '30', '--json'))
      expect(row.P).toBe('0')
      expect(row.M).toBe(M)
    }
  })

  it('curves --steps K prints the K + 1 grid times, its last row the state of stats --steps K at t = 1', async () => {
    const rows = json(await flowgm('curves', '--steps', '4', '--scheme', 'midpoint', '--json'))
    expect(rows.map((r: { t: number }) => r.t)).toEqual([0, 0.25, 0.5, 0.75, 1])
    const end = json(await flowgm('stats', '--steps', '4', '--scheme', 'midpoint', '--json'))
    for (const k of ['M', 'Q_xi', 'P', 'mse']) expect(rows[4][k]).toBe(end[k])
    // Every second grid time: 3 points divide 4 steps.
    expect(json(await flowgm('curves', '--steps', '4', '--points', '3', '--json')).map((r: { t: number }) => r.t)).toEqual([0, 0.5, 1])
  })

  it('compare --steps K: each row is stats --steps K at t = 1 for its n', async () => {
    const rows = json(await flowgm('compare', '--steps', '20', '--scheme', 'rk4', '--n', '4,64', '--json'))
    for (const r of rows) {
      const s = json(await flowgm('stats', '--steps', '20', '--scheme', 'rk4', '--n', String(r.n), '--json'))
      expect(r.mse).toBe(s.mse)
      expect(r.cos).toBe(s.cos)
    }
  })

  it('the sampler is part of a sweep header (shards of different samplers never merge)', async () => {
    const r = await flowgm('compare', '--steps', '20', '--n', '4', '--format', 'jsonl')
    expect(r.code, show(r)).toBe(0)
    const header = JSON.parse(r.stdout.split('\n')[0])
    expect(header.params).toMatchObject({ steps: 20, scheme: 'euler' })
    expect(header.caption).toContain('sampled by 20 euler steps')
    const continuous = JSON.parse((await flowgm('compare', '--n', '4', '--format', 'jsonl')).stdout.split('\n')[0])
    expect(continuous.id).not.toBe(header.id)
  })

  it('plot curves --steps K draws the grid times of the sampler, named in the subtitle', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowgm-sampler-'))
    try {
      const csv = join(dir, 'c.csv')
      const spec = join(dir, 'c.json')
      const r = await flowgm('plot', 'curves', '--steps', '4', '--scheme', 'rk4', '--csv', csv, '--spec', spec, '--out', join(dir, 'c.svg'))
      expect(r.code, show(r)).toBe(0)
      const lines = readFileSync(csv, 'utf8').trim().split('\n')
      expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual([0, 0.25, 0.5, 0.75, 1])
      const end = json(await flowgm('stats', '--steps', '4', '--scheme', 'rk4', '--json'))
      const keys = lines[0].split(',')
      expect(Number(lines[5].split(',')[keys.indexOf('M')])).toBe(end.M)
      expect(readFileSync(spec, 'utf8')).toContain('4 rk4 steps')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('plot steps: one Euler step lands where the hand derivation says; K*(n) as steps --n prints it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowgm-steps-plot-'))
    try {
      const csv = join(dir, 's.csv')
      const r = await flowgm('plot', 'steps', '--n', '8', '--scheme', 'euler', '--k-list', '1,2', '--csv', csv, '--out', join(dir, 's.svg'))
      expect(r.code, show(r)).toBe(0)
      const [head, ...lines] = readFileSync(csv, 'utf8').trim().split('\n')
      const keys = head.split(',')
      const row = Object.fromEntries(lines[0].split(',').map((v, j) => [keys[j], v]))
      // The continuous mse at t = 1 with skip connection (docs/theory.md; test/cli/hp-cli.test.ts):
      // (omega lambda^2 + n sigma^2 + n Lambda/K)/(n + lambda)^2, K = n + lambda - 1,
      // Lambda = lambda (omega + sigma^2) + (n - 1) sigma^2; one Euler step: as at the top of this file.
      const D = Decimal.clone({ precision: 40 })
      const [n, s2, l] = [new D(8), new D(2.25), new D(0.1)]
      const K = n.plus(l).minus(1)
      const Lambda = l.times(s2.plus(1)).plus(n.minus(1).times(s2))
      const continuous = l.pow(2).plus(n.times(s2)).plus(n.times(Lambda).div(K)).div(n.plus(l).pow(2))
      const M = n.div(n.plus(l))
      const euler1 = M.minus(1).pow(2).plus(M.pow(2).times(s2).div(n))
      expect(row.scheme).toBe('euler')
      expect(Number(row.K)).toBe(1)
      // Both sides printed to 12 digits (double): within 1e-11 of the difference's scale.
      expect(Math.abs(Number(row.d_mse) - euler1.minus(continuous).toNumber())).toBeLessThan(1e-11)
      const needed = join(dir, 'k.csv')
      expect((await flowgm('plot', 'steps', '--n', '2,8', '--criterion', 'var', '--csv', needed, '--out', join(dir, 'k.svg'))).code).toBe(0)
      const printed = json(await flowgm('steps', '--n', '2,8', '--criterion', 'var', '--json'))
      const [kHead, ...kLines] = readFileSync(needed, 'utf8').trim().split('\n')
      const cols = kHead.split(',')
      for (const [i, line] of kLines.entries()) {
        const cells = line.split(',')
        for (const scheme of ['euler', 'heun', 'midpoint', 'rk4']) expect(Number(cells[cols.indexOf(scheme)])).toBe(printed.k_star[scheme][i])
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it.each([
    [['stats', '--scheme', 'rk4'], '--scheme: needs --steps K (without it the continuous flow is computed)'],
    [['stats', '--steps', '0'], '--steps: must be an integer in [1, 1000000]'],
    [['stats', '--steps', '10', '--scheme', 'rk5'], "--scheme: must be one of euler, heun, midpoint, rk4 (got 'rk5')"],
    [['stats', '--steps', '3', '--t', '0.5'], '--t: must be a grid time k/3 of the 3-step sampler (its states exist there only; got 0.5)'],
    [
      ['stats', '--steps', '4', '--scheme', 'heun', '--no-skip'],
      '--scheme: heun evaluates the velocity at t = 1 in its last step, a pole of the flow without skip connection (the learnt velocity is unbounded there); use euler or midpoint, or the skip connection',
    ],
    // Beyond the hour (src/limits.ts: the stage times' cost, fitted at 30 digits), refused before computing.
    [['stats', '--steps', '1000000', '--digits', '40', '--schedule', 'trig'], '--steps: 40 digits with 1e6 stage times would take about'],
    [['rate', '--steps', '1000000', '--schedule', 'trig'], "--steps: the rate's sequence (n = 10 ... 1e12) at 12 digits with 1e6 stage times would take about"],
    [['curves', '--steps', '10', '--points', '4'], "--points: must be 1 + a divisor of --steps 10 (the sampler's states exist at the grid times k/10 only; got 4)"],
    [['dae', '--t', '0.5', '--steps', '10'], '--steps: unknown flag (see flowgm dae --help for the flags)'],
  ])('refuses %j with one line, exit 2', async (args, line) => {
    const r = await flowgm(...args)
    expect(r.code, show(r)).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().startsWith(`flowgm: ${line}`), show(r)).toBe(true)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })
})
