// `flowgm plot` by running the built CLI (dist/; `npm run build` first) in one process for the
// whole file (files at absolute paths; the exit code and the streams are those of a real process);
// the SIGINT test spawns `node bin/flowgm.js`. `flowgm report` is checked end to end in
// test/e2e/report.test.ts, which runs it once.
//
// Where the expected values come from:
//  - the data drawn must be the data the command prints: the chart's specification (--spec) is
//    compared with `flowgm <command> --format json` run separately;
//  - values by hand (docs/theory.md sections 3-5, derived in test/cli/hp-cli.test.ts): at t = 1 with
//    skip connection mse(1) = (omega lambda^2 + n sigma^2 + n Lambda/K)/(n+lambda)^2 with
//    K = n + lambda - 1, Lambda = lambda (omega + sigma^2) + (n - 1) sigma^2; bo_mse =
//    omega sigma^2/(n omega + sigma^2); the rate constant C = 2 sigma^2 and C_bo = sigma^2;
//  - PNG: the file signature and IHDR of the PNG specification; the size is twice the SVG's
//    (PNG_SCALE, stated in docs/cli.md).
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { expectChart } from './chart.js'
import { inProcessCli, requireBuild, show, spawnCli, type Run } from './run.js'
import { linear, offBy, only, PRINTED, readCsv, simulationMismatches, theoryAt, trig, ZERO, type FlowParams, type Row, type StepRows } from './simulate-ref.js'

requireBuild()

const cli = inProcessCli()
afterAll(() => cli.close())
const flowgm = (...args: string[]): Promise<Run> => cli.run(args)
const dir = () => mkdtempSync(join(tmpdir(), 'flowgm-plot-'))

function expectSuccess(r: Run): void {
  expect(r.code, show(r)).toBe(0)
  expect(r.stderr, show(r)).toBe('')
}

/** Exit 2, one line on stderr naming the flag, nothing on stdout. */
function expectInputError(r: Run, flag: RegExp): void {
  expect(r.code, show(r)).toBe(2)
  expect(r.stdout, show(r)).toBe('')
  expect(r.stderr, show(r)).toMatch(/^flowgm: [^\n]+\n$/)
  expect(r.stderr, show(r)).toMatch(flag)
}

interface Spec {
  $schema: string
  layer?: Layer[]
  hconcat?: { layer: Layer[] }[]
}
interface Layer {
  data: { values: { x: number; y: number; series?: string; style?: string }[] }
  mark: { type: string } | string
}
const layersOf = (s: Spec): Layer[] => s.layer ?? s.hconcat!.flatMap((p) => p.layer)

const K = (n: number, l: number) => n + l - 1
const Lam = (n: number, s: number, l: number, w: number) => l * (w + s * s) + (n - 1) * s * s
const mse1 = (n: number, s: number, l: number, w = 1) => (w * l * l + n * s * s + (n * Lam(n, s, l, w)) / K(n, l)) / (n + l) ** 2
const boMse = (n: number, s: number, w = 1) => (w * s * s) / (n * w + s * s)

const DEFAULT_FLOW: FlowParams = { n: 8, sigma: 1.5, lambda: 0.1, omega: 1 }
/** A simulation CSV row split by column suffix: measured (no suffix), _discrete, _theory. */
function bySource(row: Row): StepRows {
  const out = { measured: {} as Row, discrete: {} as Row, theory: {} as Row }
  for (const [col, v] of Object.entries(row)) {
    const [, key, suffix] = /^(.*?)(_discrete|_theory)?$/.exec(col)!
    out[suffix === '_discrete' ? 'discrete' : suffix === '_theory' ? 'theory' : 'measured'][key] = v
  }
  return out
}

describe.concurrent('flowgm plot', () => {
  it('compare: SVG, spec and CSV; the drawn values are those of flowgm compare, and match mse(1) and bo_mse by hand', async () => {
    const d = dir()
    const r = await flowgm('plot', 'compare', '--n', '2,8,64', '--sigma', '0.5,1.5', '--out', join(d, 'c.svg'), '--spec', join(d, 'c.json'), '--csv', join(d, 'c.csv'))
    expectSuccess(r)
    expect(r.stdout).toBe('')
    expectChart(readFileSync(join(d, 'c.svg'), 'utf8'), 'c.svg')
    const spec = JSON.parse(readFileSync(join(d, 'c.json'), 'utf8')) as Spec
    expect(spec.$schema).toMatch(/vega-lite/)
    const printed = JSON.parse((await flowgm('compare', '--n', '2,8,64', '--sigma', '0.5,1.5', '--json')).stdout) as Record<string, number>[]
    const flow = layersOf(spec)[0].data.values.filter((v) => v.style === 'flow model')
    expect(flow.length).toBe(6)
    // mse and bo_mse by hand (header comment), to the 12 printed digits: 5e-12 relative, 1e-11 is 2x
    for (const row of printed) {
      const drawn = flow.find((v) => v.x === row.n && v.series === `σ = ${row.sigma}`)
      expect(drawn?.y, `n = ${row.n}, sigma = ${row.sigma}`).toBe(row.mse)
      expect(Math.abs(row.mse / mse1(row.n, row.sigma, 0.1) - 1)).toBeLessThan(1e-11)
      expect(Math.abs(row.bo_mse / boMse(row.n, row.sigma) - 1)).toBeLessThan(1e-11)
    }
    const csv = readFileSync(join(d, 'c.csv'), 'utf8').trim().split('\n')
    expect(csv[0].split(',')).toEqual(expect.arrayContaining(['sigma', 'n', 'mse', 'bo_mse', 'pca_mse']))
    expect(csv.length).toBe(7)
    expect(readdirSync(d).sort()).toEqual(['c.csv', 'c.json', 'c.svg'])
  })

  it('rate: the subtitle states C = 2 sigma^2 and C_bo = sigma^2 (by hand), the CSV holds n mse(n) tending to it', async () => {
    const d = dir()
    const r = await flowgm('plot', 'rate', '--sigma', '2', '--n-max', '1e5', '--out', join(d, 'r.svg'), '--csv', join(d, 'r.csv'))
    expectSuccess(r)
    const svg = readFileSync(join(d, 'r.svg'), 'utf8')
    expectChart(svg, 'r.svg')
    expect(svg).toMatch(/C = 8,/)
    expect(svg).toMatch(/C_bo = 4,/)
    const rows = readFileSync(join(d, 'r.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').map(Number))
    expect(rows.map((x) => x[0])).toEqual([10, 100, 1000, 1e4, 1e5])
    // n mse(n) by hand at every n, to the 12 printed digits (5e-12 relative; 1e-11 is 2x); and the
    // rate: n mse = C + C1/n + O(1/n^2) with C1 = lambda - 4 lambda sigma^2 + lambda^2 = -1.49 here,
    // the remainder measured 0.31/n^2 at sigma = 2 (test/cli/sweep-cli.test.ts): 0.5/n^2 allowed.
    for (const [n, nMse] of rows) expect(Math.abs(nMse / (n * mse1(n, 2, 0.1)) - 1), `n = ${n}`).toBeLessThan(1e-11)
    expect(Math.abs(rows[4][1] - (8 - 1.49 / 1e5))).toBeLessThan(0.5 / 1e10 + 1e-11 * 8)
  })

  // The plotted data (its CSV) against the references of simulate-ref.ts: the closed forms at each
  // t, the Euler recursion by hand, the finite-d gap C/sqrt(d); 12 printed digits (PRINTED).
  const flowAt = (p: Partial<FlowParams>) => ({ ...DEFAULT_FLOW, ...p })
  const points = (count: number) => Array.from({ length: count }, (_, i) => Number((i / (count - 1)).toPrecision(12)))
  it.each([
    [
      'dae',
      ['--n', '4', '--sigma', '0.9', '--points', '11'],
      (rows: Row[]) => {
        expect(Object.keys(rows[0])).toEqual(['t', 'c', 'm', 'q_xi', 'w_norm2', 'w_cos'])
        expect(rows.map((x) => x.t)).toEqual(points(11))
        return rows.flatMap((x) => offBy(x, only(x, theoryAt(flowAt({ n: 4, sigma: 0.9 }), linear(x.t))), PRINTED, ZERO))
      },
    ],
    [
      'curves',
      ['--points', '11'],
      (rows: Row[]) => {
        expect(Object.keys(rows[0])).toEqual(['t', 'M', 'Q_xi', 'P', 'norm', 'cos', 'cos_sample', 'mse'])
        expect(rows.map((x) => x.t)).toEqual(points(11))
        return rows.flatMap((x) => offBy(x, only(x, theoryAt(DEFAULT_FLOW, linear(x.t))), PRINTED, ZERO))
      },
    ],
    [
      'dae-compare',
      ['--schedule', 'trig', '--sigma', '0.3', '--n', '2,8', '--points', '11'],
      (rows: Row[]) => {
        expect(rows.map((x) => [x.n, x.t])).toEqual([2, 8].flatMap((n) => points(11).map((t) => [n, t])))
        return rows.flatMap((x) => {
          const want = theoryAt(flowAt({ n: x.n, sigma: 0.3 }), trig(x.t))
          return offBy(x, { test_mse: want.test_mse, oracle_mse: want.oracle_mse, excess_mse: want.test_mse - want.oracle_mse }, PRINTED, ZERO)
        })
      },
    ],
    [
      'simulate',
      ['--d', '400', '--particles', '40', '--steps', '10', '--engine', 'js'],
      (rows: Row[]) => {
        expect(rows.map((x) => x.t)).toEqual(points(11))
        return simulationMismatches(DEFAULT_FLOW, 400, rows.map(bySource))
      },
    ],
  ] as const)('%s: an SVG with drawn marks; its CSV holds the values of the references', async (kind, args, mismatches) => {
    const d = dir()
    const r = await flowgm('plot', kind, ...args, '--out', join(d, `${kind}.svg`), '--csv', join(d, `${kind}.csv`))
    expectSuccess(r)
    expectChart(readFileSync(join(d, `${kind}.svg`), 'utf8'), kind)
    expect(mismatches(readCsv(readFileSync(join(d, `${kind}.csv`), 'utf8')))).toEqual([])
  })

  it('curves: M, Q_xi, P drawn at t = 1 equal flowgm stats at t = 1', async () => {
    const d = dir()
    expectSuccess(await flowgm('plot', 'curves', '--points', '5', '--spec', join(d, 's.json')))
    const values = layersOf(JSON.parse(readFileSync(join(d, 's.json'), 'utf8')) as Spec)[0].data.values.filter((v) => v.x === 1)
    const stats = JSON.parse((await flowgm('stats', '--json')).stdout) as Record<string, number>
    expect(Object.fromEntries(values.map((v) => [v.series, v.y]))).toEqual({ M_t: stats.M, 'Q^ξ_t': stats.Q_xi, P_t: stats.P })
  })

  it('components and compare --simulate-n at small d: simulation points beside the theory lines', async () => {
    const d = dir()
    const sim = ['--d', '200', '--particles', '50', '--steps', '20', '--engine', 'js']
    expectSuccess(await flowgm('plot', 'components', '--n', '4', '--sigma', '0.9', '--rho', '0.24', ...sim, '--out', join(d, 'c.svg'), '--spec', join(d, 'c.json')))
    expectChart(readFileSync(join(d, 'c.svg'), 'utf8'), 'components')
    const weight = (JSON.parse(readFileSync(join(d, 'c.json'), 'utf8')) as Spec).hconcat![1].layer.find((l) => (l.mark as { type: string }).type === 'point')!.data.values
    // 21 rows (t = 0, 1/20, ..., 1), thinned to at most 26: all drawn. The generated weight is 1/2
    // (the learnt field is odd): 50 particles give a binomial sd of 0.5/sqrt(50) = 0.071; 4 sd.
    expect(weight.length).toBe(21)
    for (const p of weight) expect(Math.abs(p.y - 0.5), `t = ${p.x}`).toBeLessThan(4 * 0.071)
    expectSuccess(await flowgm('plot', 'compare', '--n', '2,8,64', '--sigma', '1.5', '--simulate-n', '4,16', '--d', '200', '--spec', join(d, 'm.json')))
    const crosses = (JSON.parse(readFileSync(join(d, 'm.json'), 'utf8')) as Spec).hconcat![0].layer.find((l) => (l.mark as { type: string }).type === 'point')!.data.values
    expect(crosses.map((p) => p.x)).toEqual([4, 16])
  })

  it('PNG: a PNG file twice the size of the SVG', async () => {
    const d = dir()
    expectSuccess(await flowgm('plot', 'dae', '--points', '11', '--out', join(d, 'a.png')))
    expectSuccess(await flowgm('plot', 'dae', '--points', '11', '--out', join(d, 'a.svg')))
    const png = readFileSync(join(d, 'a.png'))
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR')
    const [, w, h] = /width="(\d+)" height="(\d+)"/.exec(readFileSync(join(d, 'a.svg'), 'utf8'))!
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([2 * Number(w), 2 * Number(h)])
  })

  it('without --out, the SVG goes to stdout (not a terminal here)', async () => {
    const r = await flowgm('plot', 'curves', '--points', '3')
    expectSuccess(r)
    expectChart(r.stdout, 'stdout')
  })

  it.each([
    [['plot'], /a kind is required/],
    [['plot', 'histogram'], /unknown kind 'histogram'/],
    [['plot', 'curves', '--format', 'csv'], /--format: is not used by plot/],
    [['plot', 'curves', '--json'], /--json: is not used by plot/],
    [['plot', 'compare', '--digits', '30'], /--digits: is not used by plot/],
    [['plot', 'curves', '--out', 'chart.pdf'], /--out: must name a \.svg or \.png file/],
    [['plot', 'curves', '--spec', 'spec.txt'], /--spec: must name a \.json file/],
    [['plot', 'curves', '--csv', 'data.json'], /--csv: must name a \.csv file/],
    [['plot', 'curves', '--n', '1'], /--n: /],
    [['plot', 'rate', '--n', '8'], /--n: is not used by rate/],
    [['plot', 'simulate', '--d', '1'], /--d: /],
    [['plot', 'curves', '--shard', '1/2'], /--shard: unknown flag/],
    // The kinds of issue 21: each refuses before simulating, naming the flag the user wrote.
    [['plot', 'pca', '--n', '4,8,4'], /--n: must be distinct integers >= 2/],
    [['plot', 'pca', '--n', '4,1'], /--n: /],
    [['plot', 'particles', '--particles', '0'], /--particles: /],
    [['plot', 'components', '--rho', '1'], /--rho: must be a number in \(0, 1\)/],
    [['plot', 'compare', '--simulate-n', '4,1'], /--simulate-n: /],
    [['plot', 'compare', '--simulate-n', '4,4'], /--simulate-n: must be distinct integers/],
    [['plot', 'compare', '--simulate-n', '4', '--architectures', 'skip,no-skip'], /--simulate-n: is not available with --architectures/],
    [['plot', 'compare', '--simulate-n', '4', '--lambda', '0.1,1'], /--simulate-n: needs a single --lambda/],
    [['plot', 'compare', '--d', '100'], /--d: is the dimension of the simulations of --simulate-n/],
    [['plot', 'compare', '--simulate-n', '4', '--d', '1'], /--d: /],
    [['plot', 'particles', '--particles-out', 'p.csv'], /--particles-out: is not used by plot/],
    [['plot', 'particles', '--steps', '10'], /--steps: must be a multiple of 4 for plot particles' times/],
    [['plot', 'pca', '--snapshots', '0.5'], /--snapshots: is read by plot particles only/],
  ])('%j: exit 2, one line naming the flag', async (args, message) => {
    expectInputError(await flowgm(...args), message)
  })

  it('a bad flag or path leaves no file behind; a missing directory is refused before any work', async () => {
    const d = dir()
    expectInputError(await flowgm('plot', 'compare', '--sigma', '-1', '--out', join(d, 'x.svg'), '--csv', join(d, 'x.csv')), /--sigma/)
    expectInputError(await flowgm('plot', 'compare', '--out', join(d, 'x.svg'), '--csv', join(d, 'no', 'x.csv')), /--csv: cannot write .*its directory does not exist/)
    expect(readdirSync(d)).toEqual([])
  })

  it('SIGINT during a long plot: exit 130, no file and no temporary left, an existing file untouched', async () => {
    const d = dir()
    writeFileSync(join(d, 'sim.svg'), 'previous')
    const r = await spawnCli(['plot', 'simulate', '--d', '20000', '--particles', '2000', '--steps', '1000', '--engine', 'js', '--out', join(d, 'sim.svg')], 60_000, [], (child) => {
      setTimeout(() => child.kill('SIGINT'), 1500)
    })
    expect(r.code === 130 || r.signal === 'SIGINT', show(r)).toBe(true)
    expect(readdirSync(d)).toEqual(['sim.svg'])
    expect(readFileSync(join(d, 'sim.svg'), 'utf8')).toBe('previous')
  })
})

describe('flowgm report', () => {
  it('--out naming a file: exit 2, the file untouched', async () => {
    const d = dir()
    const file = join(d, 'taken')
    writeFileSync(file, 'x')
    expectInputError(await flowgm('report', '--out', file), /--out: cannot create the directory/)
    expect(readFileSync(file, 'utf8')).toBe('x')
    expect(existsSync(join(d, 'report.html'))).toBe(false)
    expect(statSync(file).isFile()).toBe(true)
  })
})
