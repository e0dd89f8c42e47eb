// Property-based fuzzing of the command line (issue 7): random and adversarial flag values for
// every command never produce a stack trace or a NaN/Infinity value, and always exit 0 with a
// valid document of the requested format or 2 with one clear line naming the flag; no file
// appears but those asked for. The cases run in this process (harness.ts); a handful are
// spawned as real processes to check the real exit codes and stderr.
//
// Each property gathers every failing case instead of stopping at the first (fast-check would
// then shrink, re-running cases that may take seconds each), and fails listing each distinct
// problem once with its command line. The seed is fixed: a failure reproduces.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { limiter, requireBuild, show, spawnCli } from '../cli/run.js'
import { report, Runner, showArgv, violations, type Outcome } from './harness.js'
import * as V from './values.js'

const SEED = 20240607
/** Time limit of a property (each case is bounded by the runner's 30 s). */
const LIMIT = 300_000
/** Cases without an answer (30 s each) after which a property stops. */
const MAX_SILENT = 2

const runner = new Runner()
beforeAll(requireBuild)
afterAll(() => runner.close())

interface Failure {
  readonly argv: readonly string[]
  readonly problems: readonly string[]
}

/**
 * Defects of today's code that the checks find, with their class in issue 15. A problem that
 * matches one is reported on the console, not failed, so that the property keeps running on
 * everything else; the list is emptied as the fixes land.
 */
const KNOWN: ReadonlyArray<{ readonly issue: string; readonly problem: RegExp; readonly command?: string }> = []

const knownOf = (argv: readonly string[], problem: string) => KNOWN.find((k) => k.problem.test(problem) && (k.command === undefined || k.command === argv[0]))
const isKnown =
  (argv: readonly string[]) =>
  (problem: string): boolean =>
    knownOf(argv, problem) !== undefined

/** Run `runs` command lines of `lines` (fixed seed), check each, fail listing every problem. */
async function fuzz(name: string, lines: fc.Arbitrary<string[]>, runs: number): Promise<void> {
  const failures: Failure[] = []
  let cases = 0
  let silent = 0
  let slowest: Outcome | undefined
  let succeeded = 0
  const known = new Set<string>()
  const start = performance.now()
  // The property holds unless cases stop answering: each costs the runner's time limit, so the
  // run ends (without shrinking) after MAX_SILENT of them.
  await fc.check(
    fc.asyncProperty(lines, async (argv) => {
      const o = await runner.run(argv)
      cases++
      if (o.code === -2) silent++
      if (!slowest || o.ms > slowest.ms) slowest = o
      if (o.code === 0) succeeded++
      const all = violations(o)
      for (const p of all.filter(isKnown(argv))) known.add(knownOf(argv, p)!.issue)
      const problems = all.filter((p) => !isKnown(argv)(p))
      if (problems.length) failures.push({ argv, problems })
      return silent < MAX_SILENT
    }),
    { seed: SEED, numRuns: runs, endOnFailure: true },
  )
  const seconds = ((performance.now() - start) / 1000).toFixed(1)
  for (const issue of known) console.log(`fuzz: ${name}: known defect: ${issue}`)
  console.log(`fuzz: ${name}: ${cases} cases (${succeeded} exit 0), ${failures.length} failing, ${seconds} s (slowest ${slowest!.ms.toFixed(0)} ms: flowgm ${showArgv(slowest!.argv)})`)
  if (silent >= MAX_SILENT) failures.push({ argv: [], problems: [`stopped after ${cases} of ${runs} cases: ${silent} cases gave no answer`] })
  else expect(cases).toBe(runs)
  if (failures.length) expect.fail(`fuzz: ${name}: ${report(failures)}`)
}

/** Cases per property: the suite's budget is ~40 s for all the fuzz tests. */
const RUNS = { valid: 40, dae: 200, stats: 200, 'closed-form': 60, rate: 40, curves: 80, compare: 80, 'dae-compare': 80, merge: 60, simulate: 60, plot: 20, report: 30 } as const

describe('fuzz: the model commands', () => {
  it(`valid lines in every format: ${RUNS.valid} command lines`, () => fuzz('valid', V.validLine, RUNS.valid), LIMIT)
  it(`dae: ${RUNS.dae} command lines`, () => fuzz('dae', V.daeLine, RUNS.dae), LIMIT)
  it(`stats: ${RUNS.stats} command lines`, () => fuzz('stats', V.statsLine, RUNS.stats), LIMIT)
  it(`closed-form: ${RUNS['closed-form']} command lines`, () => fuzz('closed-form', V.closedFormLine, RUNS['closed-form']), LIMIT)
  it(`rate: ${RUNS.rate} command lines`, () => fuzz('rate', V.rateLine, RUNS.rate), LIMIT)
})

describe('fuzz: the grid commands', () => {
  const fixtures = mkdtempSync(join(tmpdir(), 'flowgm-fuzz-shards-'))
  afterAll(() => rmSync(fixtures, { recursive: true, force: true }))
  const files: string[] = []

  beforeAll(async () => {
    // Shards of one curves sweep, the whole sweep, and damaged copies, for merge.
    const jsonl = async (...args: string[]) => {
      const o = await runner.run(['curves', '--points', '5', '--format', 'jsonl', '--out', 'f.jsonl', ...args])
      expect(o.code, o.stderr).toBe(0)
      return o.files['f.jsonl']
    }
    const a = await jsonl('--shard', '1/2')
    const [head, first, ...rest] = a.split('\n')
    const texts: Record<string, string> = {
      'a.jsonl': a,
      'b.jsonl': await jsonl('--shard', '2/2'),
      'whole.jsonl': await jsonl(),
      'huge.jsonl': [head, first.replace(/("c":)[^,]*/, '$11e400'), ...rest].join('\n'),
      'nan.jsonl': [head, first.replace(/("c":)[^,]*/, '$1NaN'), ...rest].join('\n'),
      'string.jsonl': [head, first.replace(/("c":)[^,]*/, '$1"Infinity"'), ...rest].join('\n'),
      'junk.jsonl': 'hello\n',
      'empty.jsonl': '',
      'header.jsonl': `${head}\n`,
      'cut.jsonl': a.slice(0, Math.floor(a.length / 2)),
    }
    for (const [name, text] of Object.entries(texts)) {
      writeFileSync(join(fixtures, name), text)
      files.push(join(fixtures, name))
    }
    mkdirSync(join(fixtures, 'dir.jsonl'))
    files.push(join(fixtures, 'dir.jsonl'), join(fixtures, 'missing.jsonl'))
    expect(readFileSync(join(fixtures, 'b.jsonl'), 'utf8')).toMatch(/^\{"flowgm"/)
  }, LIMIT)

  it(
    'merge of the two shards, in every format: exit 0 and a plausible table',
    async () => {
      const failures: Failure[] = []
      for (const format of ['table', 'csv', 'json', 'jsonl', 'markdown', 'latex']) {
        const argv = ['merge', files[0], files[1], '--format', format]
        const o = await runner.run(argv)
        const problems = o.code === 0 ? violations(o) : [`exit ${o.code}: ${o.stderr.trim()}`]
        if (problems.length) failures.push({ argv, problems })
      }
      if (failures.length) expect.fail(`fuzz: merge: ${report(failures)}`)
    },
    LIMIT,
  )
  it(`curves: ${RUNS.curves} command lines`, () => fuzz('curves', V.curvesLine, RUNS.curves), LIMIT)
  it(`compare: ${RUNS.compare} command lines`, () => fuzz('compare', V.compareLine, RUNS.compare), LIMIT)
  it(`dae-compare: ${RUNS['dae-compare']} command lines`, () => fuzz('dae-compare', V.daeCompareLine, RUNS['dae-compare']), LIMIT)
  it(`merge: ${RUNS.merge} command lines`, () => fuzz('merge', V.mergeLine(files), RUNS.merge), LIMIT)
})

describe('fuzz: simulate, plot, report', () => {
  it(`simulate: ${RUNS.simulate} command lines`, () => fuzz('simulate', V.simulateLine, RUNS.simulate), LIMIT)
  for (const [kind, lines] of Object.entries(V.plotLines)) {
    it(`plot ${kind}: ${RUNS.plot} command lines`, () => fuzz(`plot ${kind}`, lines, RUNS.plot), LIMIT)
  }
  it(`report: ${RUNS.report} command lines, each refused before anything is computed`, () => fuzz('report', V.reportLine, RUNS.report), LIMIT)
})

/**
 * The ends of the supported parameter range (src/theory/problem.ts: sigma, omega in [1e-30, 1e30],
 * lambda 0 or up to 1e30; n unbounded), each once. Left out for time, and reported: stats --n 1e300
 * (19 s, then "internal error: high precision: the two routes agree on only 0 digits").
 */
const EXTREMES: readonly string[][] = [
  ['stats', '--sigma', '1e30'],
  ['stats', '--sigma', '1e-30'],
  ['stats', '--lambda', '1e30'],
  ['stats', '--sigma', '1e-30', '--lambda', '1e-30'],
  ['dae', '--t', '0.3', '--sigma', '1e30', '--lambda', '1e30', '--omega', '1e30'],
  ['stats', '--omega', '1e-30', '--t', '0.5', '--json'],
  ['stats', '--sigma', '1e30', '--lambda', '1e30', '--omega', '1e-30', '--schedule', 'trig', '--no-skip', '--t', '0,0.5,1'],
  ['stats', '--n', '1e40', '--t', '0.5,1'],
  ['dae', '--n', '1e300', '--t', '0,0.5,1', '--json'],
  ['compare', '--n', '2,9007199254740991', '--sigma', '1e-30,1e30', '--format', 'jsonl'],
  ['compare', '--n', '2,1e14', '--sigma', '1e-30', '--format', 'csv'],
  ['simulate', '--d', '8', '--particles', '4', '--steps', '2', '--sigma', '1e30', '--json'],
  ['simulate', '--d', '8', '--particles', '4', '--steps', '2', '--sigma', '1e30', '--engine', 'tfjs'],
  ['simulate', '--d', '8', '--particles', '4', '--steps', '2', '--omega', '1e30', '--lambda', '1e30'],
  ['simulate', '--d', '8', '--particles', '4', '--steps', '2', '--trainer', 'adam', '--epochs', '3', '--lr', '1e300'],
  ['simulate', '--d', '8', '--particles', '4', '--steps', '2', '--trainer', 'adam', '--epochs', '3', '--lr', '1e300', '--json'],
]

describe('fuzz: valid extremes', () => {
  it(
    `${EXTREMES.length} command lines at the ends of the parameter domains`,
    async () => {
      const failures: Failure[] = []
      for (const argv of EXTREMES) {
        const problems = violations(await runner.run(argv)).filter((p) => !isKnown(argv)(p))
        if (problems.length) failures.push({ argv, problems })
      }
      console.log(`fuzz: extremes: ${EXTREMES.length} cases, ${failures.length} failing`)
      if (failures.length) expect.fail(`fuzz: extremes: ${report(failures, 100)}`)
    },
    LIMIT,
  )
})

describe('fuzz: real processes', () => {
  const slot = limiter(2)
  // Cases the in-process runner cannot show: the real exit code, stderr as written, no stack trace.
  // (A NUL byte cannot be passed in argv; it is covered in process.)
  const cases: ReadonlyArray<readonly [string[], number]> = [
    [['stats', '--sigma', 'NaN'], 2],
    [['dae', '--t', '1e309'], 2],
    [['stats', '--n', '٣'], 2],
    [['curves', '--points', 'x'.repeat(100_000)], 2],
    [['simulate', '--d', '-1'], 2],
    [['plot', 'dae', '--out', 'x.gif'], 2],
    [['merge', join(tmpdir(), 'flowgm-fuzz-missing.jsonl')], 2],
    [['frobnicate', '--n', '2'], 2],
    [['stats', '--n', '2', '--n', '3'], 2],
    [['stats', '--lambda', '0', '--json'], 0],
  ]
  // The one success, stats --lambda 0 at t = 1 (defaults n = 8, sigma = 1.5, omega = 1), by hand:
  // K = n - 1, Lambda = (n-1) sigma^2, so P = sqrt(Lambda/K) = sigma, M = n/(n+lambda) = 1,
  // Q_xi = -P/n, mse = (n sigma^2 + n Lambda/K)/n^2 = 2 sigma^2/n, var = sigma^2, |mu_hat|^2 =
  // M^2 (omega + sigma^2/n) + n Q_xi^2 = 1.5625, norm = 1.5625 + P^2, cos = M omega/sqrt(omega 1.5625)
  // = 0.8; short decimals, which the 12 printed digits give exactly.
  const LAMBDA_ZERO = { t: 1, M: 1, Q_xi: -0.1875, P: 1.5, norm: 3.8125, cos: 0.8, mse: 0.5625, var: 2.25 }
  it(
    `${cases.length} command lines in real processes: the exit code, one stderr line, no stack trace`,
    async () => {
      const runs = await Promise.all(cases.map(([argv]) => slot(() => spawnCli(argv))))
      runs.forEach((r, i) => {
        expect(r.code, show(r)).toBe(cases[i][1])
        expect(r.stderr, show(r)).not.toMatch(/\n\s+at /)
        if (r.code === 2) expect(r.stderr, show(r)).toMatch(/^flowgm: [^\n]+\n$/)
        else expect(JSON.parse(r.stdout), show(r)).toMatchObject(LAMBDA_ZERO)
      })
      console.log(`fuzz: real processes: ${runs.length} cases`)
    },
    LIMIT,
  )
})
