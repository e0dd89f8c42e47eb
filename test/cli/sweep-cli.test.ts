// The grid commands (compare, dae-compare, curves) and merge, by running the built CLI in one
// process for the file (files at absolute paths; exit code and streams as from a real process;
// the pipe closed early and the terminal spawn node). The
// numbers of the rows are checked against hand-derived closed forms in test/sweep/sweeps.test.ts;
// here: every format, sharding and merging byte for byte, worker threads, atomic output, and
// refusals (exit 2, one line on stderr naming the flag or file, nothing written).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, expectSuccess, inProcessCli, requireBuild, show, type Run } from './run.js'
import { offBy, PRINTED, theoryAt, trig, ZERO } from './simulate-ref.js'

beforeAll(requireBuild)
const cli = inProcessCli()
afterAll(() => cli.close())

const COMPARE = ['compare', '--n', '2,4,8,16,32,64,128,256,512,1024', '--sigma', '0.5,1,1.5,2', '--lambda', '0.1']
const COMPARE_KEYS = ['sigma', 'n', 'mse', 'cos', 'bo_mse', 'bo_cos', 'pca_mse', 'pca_cos', 'mse_ratio', 'n_mse', 'n_bo_mse', 'w2', 'kl']
const FORMATS = ['table', 'csv', 'json', 'jsonl', 'markdown', 'latex'] as const

const ok = async (...args: string[]): Promise<Run> => expectSuccess(await cli.run(args))

async function refused(args: string[], names: RegExp): Promise<Run> {
  const r = await cli.run(args)
  expect(r.code, show(r)).toBe(2)
  expect(r.stdout, show(r)).toBe('')
  expect(r.stderr, show(r)).toMatch(/^[^\n]+\n$/)
  expect(r.stderr, show(r)).toMatch(names)
  expect(r.stderr, show(r)).not.toMatch(/^\s*at\s|\b[A-Za-z]*Error:/m)
  return r
}

const scratch = (): string => mkdtempSync(join(tmpdir(), 'flowgm-sweep-'))

describe.concurrent('compare in every format', () => {
  it('json: 40 rows in grid order (sigma outer, n inner) with the contract keys', async () => {
    const rows = JSON.parse((await ok(...COMPARE, '--format', 'json')).stdout) as Array<Record<string, number>>
    expect(rows).toHaveLength(40)
    for (const r of rows) expect(Object.keys(r)).toEqual(COMPARE_KEYS)
    expect(rows.map((r) => r.sigma)).toEqual([0.5, 1, 1.5, 2].flatMap((s) => new Array<number>(10).fill(s)))
    expect(rows.slice(0, 10).map((r) => r.n)).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512, 1024])
    // The 1/n rate (docs/theory.md, rate): n mse = C + C1/n + O(1/n^2) with C = 2 sigma^2,
    // C1 = lambda omega - 4 lambda sigma^2 + lambda^2 omega (test/cli/hp-cli.test.ts), and
    // n bo_mse = sigma^2/(1 + sigma^2/n) = sigma^2 - sigma^4/n + r, |r| <= sigma^6/n^2 (alternating
    // series, omega = 1). The mse remainder n^2 |n mse - C - C1/n| is 0.08-0.31 over these sigma at
    // n = 1024 (the closed form mse(1), by hand): 0.5/n^2 allowed. Printing (12 digits) adds 1e-11.
    for (const r of rows.filter((x) => x.n === 1024)) {
      const [s2, l, n] = [r.sigma ** 2, 0.1, r.n]
      expect(Math.abs(r.n_mse - (2 * s2 + (l - 4 * l * s2 + l * l) / n)), `sigma = ${r.sigma}`).toBeLessThan(0.5 / n ** 2)
      expect(Math.abs(r.n_bo_mse - (s2 - (s2 * s2) / n)), `sigma = ${r.sigma}`).toBeLessThanOrEqual((s2 * s2 * s2) / n ** 2 + 1e-11)
    }
  })

  it('csv, table, markdown and jsonl hold the same rows', async () => {
    const json = JSON.parse((await ok(...COMPARE, '--json')).stdout) as Array<Record<string, number>>
    const csv = (await ok(...COMPARE, '--format', 'csv')).stdout.trim().split('\n')
    expect(csv[0]).toBe(COMPARE_KEYS.join(','))
    expect(csv.slice(1).map((l) => l.split(',').map(Number))).toEqual(json.map((r) => COMPARE_KEYS.map((k) => r[k])))
    const table = (await ok(...COMPARE)).stdout.trim().split('\n')
    expect(table[0].trim().split(/\s+/)).toEqual(COMPARE_KEYS)
    expect(table.slice(1).map((l) => l.trim().split(/\s+/).map(Number))).toEqual(json.map((r) => COMPARE_KEYS.map((k) => r[k])))
    const md = (await ok(...COMPARE, '--format', 'markdown')).stdout.trim().split('\n')
    expect(md[0]).toBe(`| ${COMPARE_KEYS.join(' | ')} |`)
    expect(md[1]).toBe(`|${'---:|'.repeat(COMPARE_KEYS.length)}`)
    expect(md).toHaveLength(42)
    // 4 significant digits by default: 0.2702535... -> 0.2703
    expect(md[2].split(' | ')[2]).toBe(Number(json[0].mse.toPrecision(4)).toFixed(4))
    const jsonl = (await ok(...COMPARE, '--format', 'jsonl')).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(jsonl[0]).toMatchObject({ sweep: 'compare', shard: '1/1', rows: 40, keys: COMPARE_KEYS })
    expect(jsonl.slice(1)).toEqual(json.map((r, i) => ({ i, ...r })))
  })

  it('latex: a booktabs tabular in a table with a caption naming the parameters; --sig-figs rounds every value cell', async () => {
    const tex = (await ok(...COMPARE, '--format', 'latex', '--sig-figs', '3')).stdout
    const caption = /^\\caption\{(.*)\}$/m.exec(tex)?.[1] ?? ''
    for (const part of ['$\\lambda = 0.1$', '$\\sigma \\in \\{0.5, 1, 1.5, 2\\}$', '$\\omega = 1$', 'linear schedule', 'with skip connection']) expect(caption).toContain(part)
    expect(tex).toMatch(/\\begin\{tabular\}\{r{13}\}\n\\toprule\n/)
    expect(tex).toMatch(/\\bottomrule\n\\end\{tabular\}\n\\end\{table\}\n$/)
    const body = tex
      .split('\n')
      .filter((l) => l.endsWith('\\\\'))
      .slice(1)
    expect(body).toHaveLength(40)
    for (const line of body) {
      const cells = line.slice(0, -3).split(' & ')
      expect(cells).toHaveLength(13)
      // value cells: $d.dd$, $0.0ddd$ or $d.dd \times 10^{e}$ (3 significant digits)
      for (const c of cells.slice(2)) expect(c).toMatch(/^\$(-?(\d\.\d\d|0\.\d*[1-9]\d\d|\d\d\.\d|\d{3})( \\times 10\^\{-?\d+\})?)\$$/)
    }
  })

  // Compiling needs a TeX installation (Debian: texlive-latex-base texlive-latex-recommended);
  // without one this test is reported as skipped, and the structure test above still runs.
  const pdflatex = (() => {
    try {
      execFileSync('pdflatex', ['--version'], { stdio: 'ignore' })
      return true
    } catch {
      return false
    }
  })()
  it.skipIf(!pdflatex)('latex compiles with pdflatex in a standard article with booktabs', async () => {
    const dir = scratch()
    writeFileSync(join(dir, 'table.tex'), (await ok(...COMPARE, '--format', 'latex')).stdout)
    writeFileSync(join(dir, 'doc.tex'), '\\documentclass{article}\n\\usepackage{booktabs}\n\\begin{document}\n\\input{table.tex}\n\\end{document}\n')
    execFileSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', 'doc.tex'], { cwd: dir, stdio: 'ignore', timeout: 60_000 })
    expect(existsSync(join(dir, 'doc.pdf'))).toBe(true)
    expect(readFileSync(join(dir, 'doc.log'), 'utf8')).not.toMatch(/^! /m)
  })

  it('--n-range 2:1024:log is the list 2,4,...,1024; --n-range 2:100:lin gives 99 rows', async () => {
    const list = await ok(...COMPARE, '--format', 'csv')
    const range = await ok('compare', '--n-range', '2:1024:log', '--sigma', '0.5,1,1.5,2', '--lambda', '0.1', '--format', 'csv')
    expect(range.stdout).toBe(list.stdout)
    const lin = (await ok('compare', '--n-range', '2:100:lin', '--format', 'csv')).stdout.trim().split('\n')
    expect(lin.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(Array.from({ length: 99 }, (_, k) => k + 2))
  })

  it('--digits 20: decimal strings with 20 significant digits and digits_verified', async () => {
    const rows = JSON.parse((await ok('compare', '--n', '2,1000', '--digits', '20', '--json')).stdout) as Array<Record<string, unknown>>
    expect(rows).toHaveLength(2)
    expect(rows[0].n).toBe('2')
    expect(rows[1].mse).toMatch(/^0\.00\d{20}$/)
    expect(rows[1].digits_verified).toBeGreaterThanOrEqual(20)
  })

  it('dae-compare: test_mse against oracle_mse over t for several n (trig, sigma = 0.3, lambda = 0.1)', async () => {
    const rows = JSON.parse((await ok('dae-compare', '--n', '2,8,32', '--schedule', 'trig', '--sigma', '0.3', '--lambda', '0.1', '--points', '5', '--json')).stdout) as Array<Record<string, number>>
    expect(rows.map((r) => [r.n, r.t])).toEqual([2, 8, 32].flatMap((n) => [0, 0.25, 0.5, 0.75, 1].map((t) => [n, t])))
    for (const r of rows) expect(Object.keys(r)).toEqual(['n', 't', 'test_mse', 'oracle_mse', 'excess_mse'])
    // the values: Result A's test error and the oracle's by hand (simulate-ref.ts), to the 12 printed digits
    const bad = rows.flatMap((r) => {
      const want = theoryAt({ n: r.n, sigma: 0.3, lambda: 0.1, omega: 1 }, trig(r.t))
      return offBy(r, { test_mse: want.test_mse, oracle_mse: want.oracle_mse, excess_mse: want.test_mse - want.oracle_mse }, PRINTED, ZERO)
    })
    expect(bad).toEqual([])
    // The denoiser's excess error falls with n at every 0 < t < 1.
    for (const t of [0.25, 0.5, 0.75]) {
      const ex = rows.filter((r) => r.t === t).map((r) => r.excess_mse)
      expect(ex[0]).toBeGreaterThan(ex[1])
      expect(ex[1]).toBeGreaterThan(ex[2])
    }
  })
})

describe.concurrent('shards merged equal the whole sweep byte for byte', () => {
  it.each([
    ['compare, K = 3', COMPARE, 3],
    ['compare --digits 15, K = 2', ['compare', '--n', '2,64', '--sigma', '1,2', '--digits', '15'], 2],
    ['dae-compare, K = 4', ['dae-compare', '--n', '2,8', '--points', '7', '--schedule', 'trig'], 4],
    ['curves, K = 5 (more shards than some need)', ['curves', '--points', '13'], 5],
  ] as const)('%s, in every format', async (_name, args, K) => {
    const dir = scratch()
    const files: string[] = []
    for (let k = K; k >= 1; k--) {
      const file = join(dir, `part${k}.jsonl`)
      await ok(...args, '--shard', `${k}/${K}`, '--format', 'jsonl', '--out', file)
      files.push(file)
    }
    for (const format of FORMATS) {
      const whole = await ok(...args, '--format', format)
      const merged = await ok('merge', ...files, '--format', format)
      expect(merged.stdout, format).toBe(whole.stdout)
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })
})

describe.concurrent('worker threads and output files', () => {
  it('--jobs 2 prints exactly what --jobs 1 prints (4000 rows)', async () => {
    const args = ['compare', '--n-range', '2:1001:lin', '--sigma', '0.5,1,1.5,2', '--format', 'csv']
    const one = await ok(...args, '--jobs', '1')
    const two = await ok(...args, '--jobs', '2')
    expect(two.stdout).toBe(one.stdout)
    expect(one.stdout.trim().split('\n')).toHaveLength(4001)
  })

  it('a reader that stops early (| head -1) ends the sweep quietly: exit 0, nothing on stderr', () => {
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} compare --n-range 2:30000:lin --format csv 2>/tmp/flowgm-epipe-$$.err | head -1; echo "exit \${PIPESTATUS[0]}"; cat /tmp/flowgm-epipe-$$.err; rm -f /tmp/flowgm-epipe-$$.err`
    const out = execFileSync('bash', ['-c', command], { encoding: 'utf8', timeout: 60_000 })
    expect(out).toBe(`${COMPARE_KEYS.slice(1).join(',')}\nexit 0\n`)
  })

  it('--out writes the file (what stdout would show) and nothing else', async () => {
    const dir = scratch()
    const file = join(dir, 'table.csv')
    const r = await ok(...COMPARE, '--format', 'csv', '--out', file)
    expect(r.stdout).toBe('')
    expect(readFileSync(file, 'utf8')).toBe((await ok(...COMPARE, '--format', 'csv')).stdout)
    expect(readdirSync(dir)).toEqual(['table.csv'])
  })
})

// A terminal for stderr: util-linux `script` runs the command under a pseudo-terminal.
const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

describe('progress bar', () => {
  it.skipIf(!hasScript)('drawn on a terminal (rows done of the shard), absent when stderr is a pipe (every other test)', async () => {
    const dir = scratch()
    const file = join(dir, 'rows.csv')
    const env: NodeJS.ProcessEnv = { ...process.env }
    delete env.CI
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} compare --n-range 2:3000:lin --format csv --out ${JSON.stringify(file)}`
    const tty = execFileSync('script', ['-qec', command, '/dev/null'], { env, encoding: 'utf8', timeout: 60_000 })
    expect(tty).toMatch(/\rcompare \[[#-]{30}\] +\d+% \d+\/2999 rows/)
    expect(readFileSync(file, 'utf8')).toBe((await ok('compare', '--n-range', '2:3000:lin', '--format', 'csv')).stdout)
  })
})

describe.concurrent('merge refuses what is not one whole sweep', () => {
  const parts = async (args: readonly string[], K: number, dir: string): Promise<string[]> => {
    const files: string[] = []
    for (let k = 1; k <= K; k++) {
      const file = join(dir, `s${k}.jsonl`)
      await ok(...args, '--shard', `${k}/${K}`, '--format', 'jsonl', '--out', file)
      files.push(file)
    }
    return files
  }

  it('a missing shard, an overlap, another sweep, a foreign or cut file: exit 2 naming the file, no output file', async () => {
    const dir = scratch()
    const [a, b, c] = await parts(['compare', '--n', '2,4,8,16'], 3, dir)
    const other = (await parts(['compare', '--n', '2,4,8,16', '--sigma', '2'], 1, scratch()))[0]
    const foreign = join(dir, 'foreign.jsonl')
    writeFileSync(foreign, '{"hello": 1}\n')
    const cut = join(dir, 'cut.jsonl')
    writeFileSync(cut, readFileSync(c, 'utf8').slice(0, -10))
    const huge = join(dir, 'huge.jsonl')
    writeFileSync(huge, readFileSync(a, 'utf8').replace('"rows":4,', '"rows":1000000000000,'))
    const copy = join(dir, 'copy.jsonl')
    writeFileSync(copy, readFileSync(a, 'utf8'))
    const out = join(dir, 'merged.csv')
    const cases: Array<[string[], RegExp]> = [
      [[a, b], /rows missing \(i = 2\); shard 3\/3 not given/],
      [[a, b, c, copy], /copy\.jsonl: overlaps .*s1\.jsonl: both hold row 0/],
      [[a, b, other], /other|s1\.jsonl: is from a different sweep than .*s1\.jsonl \(id/],
      [[a, b, foreign], /foreign\.jsonl: is not a flowgm sweep/],
      [[huge], /huge\.jsonl: is not a flowgm sweep/],
      [[a, b, cut], /cut\.jsonl: line \d+ is not JSON/],
      [[a, b, join(dir, 'absent.jsonl')], /absent\.jsonl: cannot be read/],
      [[a, a], /s1\.jsonl: given twice/],
    ]
    for (const [files, message] of cases) {
      await refused(['merge', ...files, '--format', 'csv', '--out', out], message)
      expect(existsSync(out)).toBe(false)
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })
})

describe.concurrent('bad grids and flags: exit 2, one line naming the flag, nothing written', () => {
  it.each([
    [['compare', '--n', '2,,4'], /--n: must be a number or a comma-separated list/],
    [['compare', '--n', '2,x'], /--n\b/],
    [['compare', '--n', '1,2'], /--n: must be an integer >= 2/],
    [['compare', '--sigma', '0.5,-1'], /--sigma: must be a number in \[1e-30, 1e30\] \(got -1\)/],
    [['compare', '--n-range', '100:2:lin'], /--n-range: is empty/],
    [['compare', '--n-range', '2:100'], /--n-range: must be START:STOP:lin\|log/],
    [['compare', '--n-range', '2:100:lin', '--n', '4'], /--n-range: cannot be combined with --n/],
    [['compare', '--shard', '0/3'], /--shard: must be k\/K/],
    [['compare', '--shard', '4/3'], /--shard: must be k\/K/],
    [['compare', '--shard', 'x'], /--shard: must be k\/K/],
    [['compare', '--format', 'xml'], /--format: must be one of/],
    [['compare', '--format', 'csv', '--sig-figs', '3'], /--sig-figs: applies to --format markdown and latex only/],
    [['compare', '--jobs', '0'], /--jobs: must be an integer/],
    [['compare', '--out', '/nonexistent-dir/x.csv'], /--out: cannot write \/nonexistent-dir\/x\.csv: its directory does not exist/],
    [['dae-compare', '--points', '5', '--t', '0.5'], /--points: cannot be combined with --t/],
    [['dae-compare', '--t', '0.5,1.5'], /--t: must be a time in \[0, 1\]/],
    [['curves', '--sigma', '1,2'], /--sigma: takes one value here/],
    [['curves', '--digits', '20', '--shard', '1/2'], /--shard: curves under --digits/],
    [['merge'], /^flowgm: merge: needs at least one JSONL file/],
  ])('flowgm %j', async (args, message) => {
    await refused(args, message)
  })
})
