// The command line against its contract (docs/cli.md), by spawning the real CLI
// (`node bin/flowgm.js ...`, which runs the build in dist/; run `npm run build` first).
//
// Independent reference values, derived by hand (not taken from src/):
//  - DAE (docs/theory.md section 3, closed-form solution of the self-consistent equations): with
//    K = n + lambda - 1, Lambda = lambda (omega + sigma^2) + (n - 1) sigma^2, D = alpha^2 K + beta^2 Lambda,
//      c = beta Lambda / D,  m = n alpha^2 K / ((n+lambda) D),  q_xi = -alpha beta Lambda / ((n+lambda) D);
//    without skip connection, the w-stationarity equations (n+lambda) m = n (1 - c beta),
//    (n+lambda) q = -c alpha with c = 0 give c = 0, m = n/(n+lambda), q_xi = 0.
//    The other dae keys follow from the formulas listed in section 3.
//  - Flow (docs/theory.md section 4): dM/dt = gamma M + zeta m, dQ/dt = gamma Q + zeta q, dP/dt = gamma P,
//    gamma = alphadot/alpha + zeta c, zeta = W/alpha. Substituting the DAE above gives
//    gamma = (alpha alphadot K + beta betadot Lambda)/D = D'/(2D), so (D(0) = K)
//      P = sqrt(D/K),  M = n beta/(n+lambda),  Q_xi = (alpha - P)/(n+lambda) = -beta^2 Lambda/(K (n+lambda) (alpha+P)),
//    for every schedule (checked by differentiating, with W = alpha betadot - alphadot beta:
//    gamma M + zeta m = n/((n+lambda) D) (alphadot alpha K beta + betadot beta^2 Lambda + W alpha K) = M', and
//    (n+lambda)(Q' - gamma Q - zeta q) = alphadot - P' - gamma (alpha - P) + W beta Lambda/D
//    = alphadot - gamma alpha + W beta Lambda/D = 0, using P' = gamma P).
//    Without skip: gamma = alphadot/alpha, so P = alpha, M = n beta/(n+lambda), Q_xi = 0.
//    The other stats keys follow from the formulas of section 4 (var = P^2).
import { availableParallelism } from 'node:os'
import { beforeAll, describe, expect, it } from 'vitest'
import { limiter, requireBuild, show, spawnCli, type Run } from './run.js'

// The keys of docs/cli.md's dae and stats sections.
const DAE_KEYS = ['t', 'c', 'm', 'q_xi', 'w_norm2', 'w_cos', 'test_mse', 'oracle_mse', 'margin', 'm_mu', 'q_eta']
const STATS_KEYS = ['t', 'M', 'Q_xi', 'P', 'norm', 'cos', 'cos_sample', 'mse', 'var', 'M_mu', 'Q_eta', 'weight_error', 'w2', 'kl', 'kl_reverse', 'dist_train', 'dist_fresh', 'mem_gap']
/** Keys that are null where P = 0 (infinite KL), with a `note` in the row (docs/cli.md, stats). */
const NULL_WHERE_P0 = ['kl', 'kl_reverse']
const CURVES_KEYS = [...DAE_KEYS, ...STATS_KEYS.slice(1)]

// ---------------------------------------------------------------------------------------------
// Running the CLI: each distinct argv is spawned once (memoised), at most a few at a time.

const MAX_PROCESSES = Math.max(2, Math.min(4, availableParallelism()))
const slot = limiter(MAX_PROCESSES)

const cache = new Map<string, Promise<Run>>()
function flowgm(...args: string[]): Promise<Run> {
  const key = JSON.stringify(args)
  let p = cache.get(key)
  if (!p) {
    p = slot(() => spawnCli(args))
    cache.set(key, p)
  }
  return p
}

/** A successful run: exit 0, nothing on stderr, no NaN / Infinity printed. */
function expectSuccess(r: Run): void {
  expect(r.code, show(r)).toBe(0)
  expect(r.stderr, show(r)).toBe('')
  expect(r.stdout.length, show(r)).toBeGreaterThan(0)
  expect(r.stdout, show(r)).not.toMatch(/NaN|Infinity/)
}

type Row = Record<string, number>

/** Run, check success and parse JSON output. */
async function json(...args: string[]): Promise<unknown> {
  const r = await flowgm(...args)
  expectSuccess(r)
  return JSON.parse(r.stdout) as unknown
}

/** One JSON object with exactly `keys`, every value a finite number. */
function expectRow(x: unknown, keys: readonly string[]): Row {
  expect(x !== null && typeof x === 'object' && !Array.isArray(x), JSON.stringify(x)).toBe(true)
  const row = x as Row
  const nulls = keys.filter((k) => row[k] === null)
  // A table with a null anywhere has a note column: a string where the row has nulls, else null.
  expect(Object.keys(row).sort()).toEqual([...keys, ...('note' in row ? ['note'] : [])].sort())
  if (nulls.length) expect(typeof row.note).toBe('string')
  for (const k of keys) {
    if (nulls.includes(k)) {
      expect(NULL_WHERE_P0.includes(k) && row.P === 0, `${k} = null where P = ${row.P}`).toBe(true)
      continue
    }
    expect(typeof row[k], `${k} = ${JSON.stringify(row[k])}`).toBe('number')
    expect(Number.isFinite(row[k]), `${k} = ${row[k]}`).toBe(true)
  }
  return row
}

function expectRows(x: unknown, keys: readonly string[], count: number): Row[] {
  expect(Array.isArray(x), JSON.stringify(x).slice(0, 200)).toBe(true)
  const rows = x as unknown[]
  expect(rows).toHaveLength(count)
  return rows.map((r) => expectRow(r, keys))
}

/** Parse a CSV or whitespace-aligned table into a header and numeric rows. */
function parseGrid(text: string, sep: RegExp): { header: string[]; rows: number[][] } {
  expect(text.endsWith('\n'), JSON.stringify(text.slice(-20))).toBe(true)
  const lines = text.slice(0, -1).split('\n')
  const split = (line: string) => line.trim().split(sep)
  const header = split(lines[0])
  const rows = lines.slice(1).map((line) => {
    const cells = split(line)
    expect(cells, line).toHaveLength(header.length)
    return cells.map((c) => {
      expect(c, line).toMatch(/^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/)
      return Number(c)
    })
  })
  return { header, rows }
}

// ---------------------------------------------------------------------------------------------
// Reference values by hand (see the header comment).

interface Params {
  n: number
  sigma: number
  lambda: number
  omega: number
}
const DEFAULT: Params = { n: 8, sigma: 1.5, lambda: 0.1, omega: 1 }
const flagsOf = (p: Params) => ['--n', String(p.n), '--sigma', String(p.sigma), '--lambda', String(p.lambda), '--omega', String(p.omega)]

type Sched = (t: number) => [number, number]
const LINEAR: Sched = (t) => [1 - t, t]
// Boundary values are part of the schedule's definition (alpha(1) = 0 exactly; cos(pi/2) is 6e-17 in double).
const TRIG: Sched = (t) => [t === 1 ? 0 : Math.cos((Math.PI * t) / 2), t === 0 ? 0 : Math.sin((Math.PI * t) / 2)]
const SQUARE: Sched = (t) => [1 - t * t, t * t]

function daeByHand(p: Params, [a, b]: [number, number], skip: boolean): Row {
  const { n, sigma: s, lambda: l, omega: w } = p
  const K = n + l - 1
  const L = l * (w + s * s) + (n - 1) * s * s
  const D = a * a * K + b * b * L
  const c = skip ? (b * L) / D : 0
  const m = skip ? (n * a * a * K) / ((n + l) * D) : n / (n + l)
  const q = skip ? (-a * b * L) / ((n + l) * D) : 0
  const wn2 = m * m * (w + (s * s) / n) + n * q * q
  const row: Row = {
    c,
    m,
    q_xi: q,
    w_norm2: wn2,
    test_mse: (1 - c * b) ** 2 * (w + s * s) + c * c * a * a + wn2 - 2 * (1 - c * b) * m * w,
    oracle_mse: (a * a * s * s) / (a * a + b * b * s * s),
  }
  if (wn2 > 0) row.w_cos = (m * w) / Math.sqrt(w * wn2) // 0/0 when w = 0 (t = 1): a convention, not checked
  if (skip) row.margin = (a * a * b * w * (n - 1)) / D // stated for the skip connection only
  return row
}

function statsByHand(p: Params, [a, b]: [number, number], skip: boolean): Row {
  const { n, sigma: s, lambda: l, omega: w } = p
  const K = n + l - 1
  const L = l * (w + s * s) + (n - 1) * s * s
  const D = a * a * K + b * b * L
  const P = skip ? Math.sqrt(D / K) : a
  const M = (n * b) / (n + l)
  const Q = skip ? (-b * b * L) / (K * (n + l) * (a + P)) : 0
  const mu2 = M * M * (w + (s * s) / n) + n * Q * Q
  const norm = mu2 + P * P
  const row: Row = { M, Q_xi: Q, P, norm, cos_sample: (M * w) / Math.sqrt(w * norm), mse: w * (M - 1) ** 2 + (M * M * s * s) / n + n * Q * Q, var: P * P }
  if (mu2 > 0) row.cos = (M * w) / Math.sqrt(w * mu2) // 0/0 at t = 0 (mu_hat = 0): not checked there
  return row
}

/** A curves row by hand: the dae and the stats keys at the same t. */
const curvesByHand = (p: Params, ab: [number, number], skip: boolean): Row => ({ ...daeByHand(p, ab, skip), ...statsByHand(p, ab, skip) })

/** Mismatches between CLI rows and reference rows (empty when all agree). */
function mismatches(rows: Row[], ref: (t: number) => Row, rel: Record<string, number>, abs = 1e-14): string[] {
  const out: string[] = []
  for (const row of rows) {
    const want = ref(row.t)
    for (const [k, v] of Object.entries(want)) {
      const tol = (rel[k] ?? rel.default) * Math.abs(v) + abs
      if (!(Math.abs(row[k] - v) <= tol)) out.push(`t=${row.t} ${k}: cli ${row[k]}, by hand ${v} (|diff| ${Math.abs(row[k] - v).toExponential(2)} > ${tol.toExponential(2)})`)
    }
  }
  return out
}

// 1e-11 relative: 12 significant digits are printed (rounding error <= 5e-12 relative); the
// reference values here are computed to ~1e-15 (no catastrophic cancellation in these forms).
// Observed over every row of this file: at most 4.98e-12 relative (Q_xi, the last printed digit),
// so the tolerance is 2x the observed error. The absolute 1e-14 is for references that are exactly
// 0 (c, q_xi, margin without skip; M, Q_xi at t = 0), where the printed value was exactly 0.
const DAE_TOL = { default: 1e-11 }
const STATS_TOL = { default: 1e-11 }
const TS = ['0', '0.1', '0.25', '0.5', '0.75', '0.9', '1']

// ---------------------------------------------------------------------------------------------

beforeAll(requireBuild)

// Parameter sets checked against the closed forms; their runs are shared with the other tests.
interface Case {
  name: string
  p: Params
  sched: Sched
  flags: string[]
  skip: boolean
}
const CASES: Case[] = [
  { name: 'linear, defaults n=8 sigma=1.5 lambda=0.1 omega=1', p: DEFAULT, sched: LINEAR, flags: [], skip: true },
  { name: 'linear, --omega 2, n=2 sigma=0.5 lambda=0', p: { n: 2, sigma: 0.5, lambda: 0, omega: 2 }, sched: LINEAR, flags: [], skip: true },
  { name: '--schedule trig, defaults', p: DEFAULT, sched: TRIG, flags: ['--schedule', 'trig'], skip: true },
  { name: "--alpha '1-t^2' --beta 't^2', n=50 sigma=2 lambda=3 omega=0.5", p: { n: 50, sigma: 2, lambda: 3, omega: 0.5 }, sched: SQUARE, flags: ['--alpha', '1-t^2', '--beta', 't^2'], skip: true },
  { name: '--no-skip, linear, n=3 sigma=0.7 lambda=2 omega=3', p: { n: 3, sigma: 0.7, lambda: 2, omega: 3 }, sched: LINEAR, flags: ['--no-skip'], skip: false },
]
const caseRun = (cmd: 'dae' | 'stats', c: Case) => json(cmd, '--t', TS.join(','), ...flagsOf(c.p), ...c.flags, '--json')
const caseRows = async (cmd: 'dae' | 'stats', c: Case) => expectRows(await caseRun(cmd, c), cmd === 'dae' ? DAE_KEYS : STATS_KEYS, TS.length)
const [BASE, OMEGA2, TRIG_CASE, CUSTOM, NOSKIP] = CASES

describe.concurrent('flowgm CLI: successful commands', () => {
  it('stats --n 8 --sigma 1.5 --lambda 0.1 --json prints one object with exactly the stats keys, equal to the closed forms at t = 1', async () => {
    const row = expectRow(await json('stats', '--n', '8', '--sigma', '1.5', '--lambda', '0.1', '--json'), STATS_KEYS)
    expect(row.t).toBe(1) // default t = 1
    // the values, not only the keys: omega defaults to 1 and the schedule to linear (docs/cli.md)
    expect(mismatches([row], (t) => statsByHand(DEFAULT, LINEAR(t), true), STATS_TOL)).toEqual([])
  })

  it('dae --t 0.5 --json prints one object with exactly the dae keys, equal to the closed forms (defaults n=8 sigma=1.5 lambda=0.1 omega=1 linear)', async () => {
    const row = expectRow(await json('dae', '--t', '0.5', '--json'), DAE_KEYS)
    expect(row.t).toBe(0.5)
    expect(mismatches([row], (t) => daeByHand(DEFAULT, LINEAR(t), true), DAE_TOL)).toEqual([])
    // the same row as with every default given explicitly, in a list of times
    expect(row).toEqual((await caseRows('dae', BASE)).find((r) => r.t === 0.5))
    // a custom schedule equal to the linear one gives the same numbers
    expect(await json('dae', '--t', '0.5', '--alpha', '1-t', '--beta', 't', '--json')).toEqual(row)
  })

  it('curves --points 5 --format csv: header t, dae keys, stats keys; 5 rows from t = 0 to t = 1', async () => {
    const r = await flowgm('curves', '--points', '5', '--format', 'csv')
    expectSuccess(r)
    const { header, rows } = parseGrid(r.stdout, /,/)
    expect(header).toEqual(CURVES_KEYS)
    expect(rows).toHaveLength(5)
    expect(rows.map((row) => row[0])).toEqual([0, 0.25, 0.5, 0.75, 1])
    for (const row of rows) for (const x of row) expect(Number.isFinite(x)).toBe(true)
    // the same numbers as the JSON output
    const j = expectRows(await json('curves', '--points', '5', '--json'), CURVES_KEYS, 5)
    expect(rows).toEqual(j.map((o) => CURVES_KEYS.map((k) => o[k])))
    expect(mismatches(j, (t) => curvesByHand(DEFAULT, LINEAR(t), true), DAE_TOL)).toEqual([])
  })

  it('curves rows agree with dae and stats at the same t', async () => {
    const c = expectRows(await json('curves', '--points', '5', '--json'), CURVES_KEYS, 5)
    const [d, s] = await Promise.all([caseRows('dae', BASE), caseRows('stats', BASE)])
    const ref = (t: number): Row => {
      const dr = d.find((r) => r.t === t)
      const sr = s.find((r) => r.t === t)
      expect(dr && sr, `t=${t} missing from dae/stats output`).toBeTruthy()
      const { t: _, ...rest } = { ...dr!, ...sr! }
      return rest
    }
    expect(mismatches(c, ref, { default: 1e-11 })).toEqual([])
  })

  it('--format table: aligned table with the right header and the JSON numbers; table is the default', async () => {
    for (const [args, keys, count] of [
      [['curves', '--points', '5'], CURVES_KEYS, 5],
      [['stats', '--t', '0,0.5,1'], STATS_KEYS, 3],
    ] as const) {
      const r = await flowgm(...args, '--format', 'table')
      expectSuccess(r)
      const { header, rows } = parseGrid(r.stdout, /\s+/)
      expect(header).toEqual(keys)
      const j = expectRows(await json(...args, '--json'), keys, count)
      expect(rows).toEqual(j.map((o) => keys.map((k) => o[k])))
      // aligned: every line has the same length
      expect(
        new Set(
          r.stdout
            .slice(0, -1)
            .split('\n')
            .map((l) => l.length),
        ).size,
      ).toBe(1)
    }
    const plain = await flowgm('curves', '--points', '5')
    expectSuccess(plain)
    expect(plain.stdout).toBe((await flowgm('curves', '--points', '5', '--format', 'table')).stdout)
  })

  it('--json and --format json print identical output', async () => {
    const pairs: Array<[string[], string[]]> = [
      [
        ['dae', '--t', '0.5', '--json'],
        ['dae', '--t', '0.5', '--format', 'json'],
      ],
      [
        ['stats', '--n', '8', '--sigma', '1.5', '--lambda', '0.1', '--json'],
        ['stats', '--n', '8', '--sigma', '1.5', '--lambda', '0.1', '--json', '--format', 'json'],
      ],
    ]
    const runs = await Promise.all(pairs.flat().map((a) => flowgm(...a)))
    for (const r of runs) expectSuccess(r)
    for (let i = 0; i < runs.length; i += 2) expect(runs[i + 1].stdout, runs[i + 1].args.join(' ')).toBe(runs[i].stdout)
  })

  it('stats --t 0,0.5,1 --json prints an array of 3 rows, consistent with single-t calls', async () => {
    const rows = expectRows(await json('stats', '--t', '0,0.5,1', '--json'), STATS_KEYS, 3)
    expect(rows.map((r) => r.t)).toEqual([0, 0.5, 1])
    expect(rows[2]).toEqual(expectRow(await json('stats', '--n', '8', '--sigma', '1.5', '--lambda', '0.1', '--json'), STATS_KEYS))
    expect(rows[1]).toEqual((await caseRows('stats', BASE)).find((r) => r.t === 0.5))
    // t = 0 is the base distribution: X_0 = x_0 (docs/theory.md section 4: M_0 = Q_0 = 0, P_0 = 1)
    expect(rows[0]).toMatchObject({ M: 0, Q_xi: 0, P: 1, norm: 1, var: 1, mse: 1 })
  })

  it("custom schedule --alpha '1-t^2' --beta 't^2' works for dae, stats and curves", async () => {
    const d = await caseRows('dae', CUSTOM)
    expect(mismatches(await caseRows('stats', CUSTOM), (t) => statsByHand(CUSTOM.p, SQUARE(t), true), STATS_TOL)).toEqual([])
    const r = await flowgm('curves', '--points', '3', ...flagsOf(CUSTOM.p), ...CUSTOM.flags, '--format', 'csv')
    expectSuccess(r)
    const { header, rows } = parseGrid(r.stdout, /,/)
    expect(header).toEqual(CURVES_KEYS)
    expect(rows).toHaveLength(3)
    expect(rows[1].slice(0, DAE_KEYS.length)).toEqual(DAE_KEYS.map((k) => d.find((x) => x.t === 0.5)![k]))
    const curves = rows.map((row) => Object.fromEntries(header.map((k, i) => [k, row[i]])))
    expect(mismatches(curves, (t) => curvesByHand(CUSTOM.p, SQUARE(t), true), DAE_TOL)).toEqual([])
  })

  it('--omega 2 reaches the numbers: the omega = 2 closed forms, e.g. margin(1/2) = beta omega (n-1)/(K + Lambda) = 4/5', async () => {
    const [dae, stats] = await Promise.all([caseRows('dae', OMEGA2), caseRows('stats', OMEGA2)])
    // n = 2, sigma = 1/2, lambda = 0: K = 1, Lambda = 1/4, D(1/2) = (K + Lambda)/4, margin = alpha^2 beta omega (n-1)/D
    // (omega = 1 would give 2/5); printed to 12 digits, so 5e-12 absolute here
    expect(dae[3].margin).toBeCloseTo(4 / 5, 11)
    expect(mismatches(dae, (t) => daeByHand(OMEGA2.p, LINEAR(t), true), DAE_TOL)).toEqual([])
    expect(mismatches(stats, (t) => statsByHand(OMEGA2.p, LINEAR(t), true), STATS_TOL)).toEqual([])
  })

  it('--no-skip: c = 0 at every t, P = alpha; with skip c(1/2) = 2 Lambda/(K + Lambda)', async () => {
    for (const r of await caseRows('dae', NOSKIP)) expect(r.c, `t=${r.t}`).toBe(0)
    // defaults: K = 7.1, Lambda = 0.1 (1 + 2.25) + 7 (2.25) = 16.075; printed to 12 digits (5e-12 relative)
    expect((await caseRows('dae', BASE)).find((r) => r.t === 0.5)!.c).toBeCloseTo((2 * 16.075) / (7.1 + 16.075), 11)
    const stats = await caseRows('stats', NOSKIP)
    expect(stats.map((r) => r.P)).toEqual(TS.map((t) => Number((1 - Number(t)).toPrecision(12))))
    expect(mismatches(stats, (t) => statsByHand(NOSKIP.p, LINEAR(t), false), STATS_TOL)).toEqual([])
  })

  it('--schedule trig reaches the numbers: alpha = beta = 1/sqrt(2) at t = 1/2, so c = sqrt(2) Lambda/(K + Lambda)', async () => {
    const [dae, stats] = await Promise.all([caseRows('dae', TRIG_CASE), caseRows('stats', TRIG_CASE)])
    // D(1/2) = (K + Lambda)/2 with the defaults K = 7.1, Lambda = 16.075; printed to 12 digits
    expect(dae[3].c).toBeCloseTo((Math.SQRT2 * 16.075) / (7.1 + 16.075), 11)
    expect(stats[3].M).toBeCloseTo((8 * Math.SQRT1_2) / 8.1, 11)
    expect(mismatches(dae, (t) => daeByHand(DEFAULT, TRIG(t), true), DAE_TOL)).toEqual([])
    expect(mismatches(stats, (t) => statsByHand(DEFAULT, TRIG(t), true), STATS_TOL)).toEqual([])
  })
})

describe.concurrent('flowgm CLI: numbers against hand-derived closed forms', () => {
  it.each(CASES)('dae ($name) = docs/theory.md section 3 closed form', async (c) => {
    const rows = await caseRows('dae', c)
    expect(rows.map((r) => r.t)).toEqual(TS.map(Number))
    expect(mismatches(rows, (t) => daeByHand(c.p, c.sched(t), c.skip), DAE_TOL)).toEqual([])
  })

  it.each(CASES)('stats ($name) = integrating-factor solution of the section 4 ODEs', async (c) => {
    const rows = await caseRows('stats', c)
    expect(rows.map((r) => r.t)).toEqual(TS.map(Number))
    expect(mismatches(rows, (t) => statsByHand(c.p, c.sched(t), c.skip), STATS_TOL)).toEqual([])
  })

  it('no skip connection: c = 0, m = n/(n+lambda), q_xi = 0 as printed (12 significant digits)', async () => {
    const { n, lambda } = NOSKIP.p
    for (const r of await caseRows('dae', NOSKIP)) {
      expect(r.c).toBe(0)
      expect(r.q_xi).toBe(0)
      expect(r.m).toBe(Number((n / (n + lambda)).toPrecision(12)))
    }
  })
})

// ---------------------------------------------------------------------------------------------

interface Bad {
  args: string[]
  names: RegExp
}
const stats = (...a: string[]): string[] => ['stats', ...a]
const BAD: Bad[] = [
  { args: stats('--n', '1'), names: /--n\b/ },
  { args: stats('--n', '2.5'), names: /--n\b/ },
  { args: stats('--n', 'abc'), names: /--n\b/ },
  { args: stats('--sigma', '0'), names: /--sigma\b/ },
  { args: stats('--sigma', '-1'), names: /--sigma\b/ },
  { args: stats('--lambda', '-0.1'), names: /--lambda\b/ },
  { args: stats('--omega', '0'), names: /--omega\b/ },
  { args: ['dae', '--t', '1.5'], names: /--t\b/ },
  { args: stats('--t', '-0.1'), names: /--t\b/ },
  { args: ['curves', '--points', '1'], names: /--points\b/ },
  { args: stats('--alpha', '1-t'), names: /--beta\b|--alpha\b/ },
  { args: stats('--beta', 't'), names: /--alpha\b|--beta\b/ },
  { args: stats('--alpha', 'import("fs")', '--beta', 't'), names: /--alpha\b/ },
  { args: stats('--alpha', 'evaluate("1")', '--beta', 't'), names: /--alpha\b/ },
  { args: stats('--alpha', 'x=1', '--beta', 't'), names: /--alpha\b/ },
  { args: stats('--alpha', 'f(x)=x', '--beta', 't'), names: /--alpha\b/ },
  { args: stats('--alpha', '[1,2]', '--beta', 't'), names: /--alpha\b/ },
  { args: stats('--alpha', '"s"', '--beta', 't'), names: /--alpha\b/ },
  { args: stats('--alpha', '5 cm', '--beta', 't'), names: /--alpha\b/ },
  { args: stats('--alpha', '1-', '--beta', 't'), names: /--alpha\b/ },
  // alpha(1) = 1/2 != 0
  { args: stats('--alpha', '1-t/2', '--beta', 't'), names: /--alpha\b/ },
  // beta decreases on (0.25, 0.75) (beta' = 1 + pi cos(2 pi t) < 0 at t = 1/2) so W < 0 there:
  // W(1/2) = (1/2)(1 - pi) + 1/2 = 1 - pi/2 < 0. (By contrast beta = t^2(3-2t) has W = 6t(1-t)^2 + 3t^2 - 2t^3 > 0.)
  { args: ['dae', '--t', '0.5', '--alpha', '1-t', '--beta', 't+sin(2*pi*t)/2'], names: /--alpha\b|--beta\b/ },
  // alpha < 0 on (1/3, 1)
  { args: stats('--alpha', '(1-t)*(1-3*t)', '--beta', 't'), names: /--alpha\b/ },
  { args: stats('--unknown-flag', '1'), names: /unknown-flag/ },
  { args: stats('--sigma', 'NaN'), names: /--sigma\b/ },
  { args: stats('--sigma', 'Infinity'), names: /--sigma\b/ },
  { args: stats('--sigma', '1e309'), names: /--sigma\b/ },
  { args: stats('--n', '0x10'), names: /--n\b/ },
  { args: stats('--format', 'xml'), names: /--format\b/ },
  { args: stats('--schedule', 'cosine'), names: /--schedule\b/ },
  { args: stats('--json', '--format', 'csv'), names: /--json\b|--format\b/ },
  { args: stats('--n', '4', '--n', '5'), names: /--n\b/ },
  { args: [], names: /command/ },
  { args: ['foo'], names: /foo/ },
  { args: ['dae'], names: /--t\b/ },
]

describe.concurrent('flowgm CLI: invalid input', () => {
  it.each(BAD.map((b) => ({ ...b, label: b.args.length ? b.args.join(' ') : '(no command)' })))('flowgm $label: exit 2, one line on stderr naming the flag, empty stdout', async ({ args, names }) => {
    const r = await flowgm(...args)
    expect(r.code, show(r)).toBe(2)
    expect(r.stdout, show(r)).toBe('')
    expect(r.stderr, show(r)).toMatch(/^[^\n]+\n$/) // exactly one non-empty line
    expect(r.stderr, show(r)).toMatch(names)
    expect(r.stderr, show(r)).not.toMatch(/^\s*at\s/m)
    expect(r.stderr, show(r)).not.toMatch(/\b[A-Za-z]*Error:/)
    // (an echo of the user's own 'NaN' / 'Infinity' is fine)
    if (!/NaN|Infinity/.test(args.join(' '))) expect(r.stderr, show(r)).not.toMatch(/NaN|Infinity/)
  })
})

describe.concurrent('flowgm CLI: help', () => {
  it('--help exits 0 and lists the commands', async () => {
    const r = await flowgm('--help')
    expect(r.code, show(r)).toBe(0)
    expect(r.stderr).toBe('')
    for (const c of ['dae', 'stats', 'curves']) expect(r.stdout).toMatch(new RegExp(`\\b${c}\\b`))
  })

  it.each(['--t', '--n', '--sigma', '--lambda', '--omega', '--schedule', '--alpha', '--beta', '--no-skip', '--format', '--json'])('dae --help lists %s', async (flag) => {
    const r = await flowgm('dae', '--help')
    expect(r.code, show(r)).toBe(0)
    expect(r.stderr).toBe('')
    const pattern = flag === '--no-skip' ? /(^|\s)--(no-)?skip\b/m : new RegExp(`(^|\\s)${flag}(?![\\w-])`, 'm')
    expect(r.stdout, r.stdout).toMatch(pattern)
  })
})
