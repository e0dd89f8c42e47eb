// The example scripts (examples/*.mjs, discovered by listing the directory, so a new example is
// never left untested): each runs as a child process on the build in dist/ (`npm run build`
// first) with small settings into a temporary directory, must exit 0, print one `wrote FILE` line
// per file it writes, write SVG charts with drawn marks and CSV tables of finite numbers, and
// its numbers must agree with an independent expectation derived from docs/theory.md (not taken from
// src/; evaluated by the references of test/theory/by-hand.ts):
//
//  - DAE (section 3): K = n + λ − 1, Λ = λ(ω + σ²) + (n − 1)σ², D = α²K + β²Λ,
//      c = βΛ/D, m = nα²K/((n+λ)D), q = −αβΛ/((n+λ)D), w_norm2 = m²(ω + σ²/n) + nq²,
//      test_mse = (1 − cβ)²(ω + σ²) + c²α² + w_norm2 − 2(1 − cβ)mω, oracle_mse = α²σ²/(α² + β²σ²).
//  - Flow (section 4): with γ = α̇/α + ζc and ζ = W/α, W = αβ̇ − α̇β, the DAE above gives
//      γ = (αα̇K + ββ̇Λ)/D = D'/(2D), hence P = √(D/K) (P₀ = 1, D(0) = K); and
//      γM + ζm = n(βα̇D + W(β²Λ + α²K))/((n+λ)αD) = n(βα̇ + W)/((n+λ)α) = nβ̇/(n+λ), so
//      M = nβ/(n+λ) (M₀ = 0). Q = (α − P)/(n+λ): (n+λ)(Q' − γQ) = α̇ − γα = −WβΛ/D = (n+λ)ζq.
//      At t = 1 (α = 0, β = 1): M₁ = n/(n+λ), P₁ = √(Λ/K), Q₁ = −P₁/(n+λ), and
//      mse = ω(M₁ − 1)² + M₁²σ²/n + nQ₁², cos = M₁ω/√(ω(M₁²(ω + σ²/n) + nQ₁²)).
//  - The Euler scheme of section 6, Y_{k+1} = Y_k + h(γ_k Y_k + ζ_k y_k): by the identity above
//    M_{k+1} = M_k + h nβ̇_k/(n+λ), which for the linear schedule is M = nβ/(n+λ) on the grid
//    again; P_{k+1} = P_k(1 + hγ_k) is a product computed here.
//  - Baselines (section 5): bo_mse = ωσ²/(nω + σ²), pca_mse = 2ω(1 − √(nω/(nω + σ²))).
//  - Rate (section 4 "Rate"): with h = 1/n, n²/(n+λ)² = 1 − 2λh + O(h²) and Λ/K = σ² + λωh/(1 +
//    (λ−1)h) (since Λ − σ²K = λω), so n·mse = nωλ²/(n+λ)² + (n²/(n+λ)²)(σ² + Λ/K)
//    = 2σ² + (λω − 4λσ² + λ²ω)h + O(h²): C = 2σ² = 4.5 and C1 = −0.79 at σ = 1.5, λ = 0.1, ω = 1
//    (docs/theory.md section 5 states the same); n·bo_mse = σ²/(1 + σ²h/ω): C_bo = σ², C_bo1 = −σ⁴/ω.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectChart } from '../cli/chart.js'
import { limiter, requireBuild, ROOT, spawnNode, type Run } from '../cli/run.js'
import { baselinesByHand, daeByHand, statsByHand, X, type Dec } from '../theory/by-hand.js'
import { beyondFiniteD } from '../cli/simulate-ref.js'

const EXAMPLES = join(ROOT, 'examples')
const SCRIPTS = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.mjs'))
  .sort()

// ---------------------------------------------------------------------------------------------
// Running a script: each distinct argv once (memoised), at most a few at a time.

const show = (r: Run) => `node ${r.args.join(' ')}\n--- exit ${r.code}\n--- stdout:\n${r.stdout}\n--- stderr:\n${r.stderr}`
const slot = limiter(4)
const cache = new Map<string, Promise<Run>>()
function example(script: string, ...flags: string[]): Promise<Run> {
  const args = [join('examples', script), ...flags]
  const key = JSON.stringify(args)
  if (!cache.has(key))
    cache.set(
      key,
      slot(() => spawnNode(args, 60_000)),
    )
  return cache.get(key)!
}

// ---------------------------------------------------------------------------------------------
// Reading the output.

type Table = { header: string[]; rows: Record<string, string>[] }

/** A CSV file: a header, then rows of as many cells (double-quoted cells may hold commas). */
function parseCsv(text: string, file: string): Table {
  expect(text.endsWith('\n'), `${file} ends with a newline`).toBe(true)
  const split = (line: string) => {
    const cells = ['']
    let quoted = false
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]
      if (ch === '"' && quoted && line[i + 1] === '"') cells[cells.length - 1] += line[++i]
      else if (ch === '"') quoted = !quoted
      else if (ch === ',' && !quoted) cells.push('')
      else cells[cells.length - 1] += ch
    }
    return cells
  }
  const [head, ...lines] = text.slice(0, -1).split('\n')
  const header = split(head)
  expect(header.length, `${file}: header ${head}`).toBeGreaterThan(0)
  expect(
    header.every((h) => /^[A-Za-z_][\w]*$/.test(h)),
    `${file}: header ${head}`,
  ).toBe(true)
  expect(lines.length, `${file}: rows`).toBeGreaterThan(0)
  const rows = lines.map((line) => {
    const cells = split(line)
    expect(cells, `${file}: ${line}`).toHaveLength(header.length)
    for (const c of cells) expect(c, `${file}: ${line}`).not.toMatch(/nan|infinity|undefined|null/i)
    return Object.fromEntries(header.map((h, i) => [h, cells[i]]))
  })
  return { header, rows }
}

/** A number cell (finite, decimal). */
function num(row: Record<string, string>, key: string): number {
  const s = row[key]
  expect(s, `${key} in ${JSON.stringify(row)}`).toMatch(/^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i)
  return Number(s)
}

/**
 * |actual − expected| within a relative tolerance. The CSVs carry 12 significant digits (rounding
 * <= 5e-12 relative); observed at most 4.2e-12 over every number of this file, so 1e-11 (2.4x);
 * 1e-14 absolute for the exact zeros (c, q_xi at t = 0, m at t = 1), printed exactly 0.
 */
function close(actual: number, expected: number, what: string, rel = 1e-11, abs = 1e-14): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} against ${expected}`).toBeLessThanOrEqual(rel * Math.abs(expected) + abs)
}

// ---------------------------------------------------------------------------------------------
// Independent formulas (see the header comment).

interface Params {
  n: number
  sigma: number
  lambda: number
  omega: number
}
type Sched = (t: number) => { a: number; b: number; da: number; db: number }
const LINEAR: Sched = (t) => ({ a: 1 - t, b: t, da: -1, db: 1 })
// α(1) = 0 and β(0) = 0 exactly, by the schedule's definition (cos(π/2) is 6e-17 in double).
const TRIG: Sched = (t) => ({
  a: t === 1 ? 0 : Math.cos((Math.PI * t) / 2),
  b: t === 0 ? 0 : Math.sin((Math.PI * t) / 2),
  da: (-Math.PI / 2) * Math.sin((Math.PI * t) / 2),
  db: (Math.PI / 2) * Math.cos((Math.PI * t) / 2),
})

const KL = ({ n, sigma: s, lambda: l, omega: w }: Params) => ({ K: n + l - 1, L: l * (w + s * s) + (n - 1) * s * s })

// The formulas above are those of test/theory/by-hand.ts (decimal.js), evaluated at α, β here.
const text = (p: Params) => ({ n: String(p.n), sigma: String(p.sigma), lambda: String(p.lambda), omega: String(p.omega) })
const at = ({ a, b }: { a: number; b: number }): [Dec, Dec] => [new X(a), new X(b)]
const numbers = (r: Record<string, Dec>): Record<string, number> => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.toNumber()]))

/** The DAE keys at t. */
const dae = (p: Params, s: { a: number; b: number }) => numbers(daeByHand(text(p), at(s)))

/** The flow statistics at t (continuous, any schedule, with skip connection). */
const flow = (p: Params, s: { a: number; b: number }) => numbers(statsByHand(text(p), at(s), true))

/** The statistics of the generated cluster mean at t = 1, and the baselines. */
const atOne = (p: Params) => ({ ...flow(p, { a: 0, b: 1 }), ...numbers(baselinesByHand(text(p))) })

// ---------------------------------------------------------------------------------------------
// Each example: its small settings and the values checked. A new example needs an entry here.

type Files = Record<string, Table>
interface Expectation {
  readonly flags: readonly string[]
  readonly check: (files: Files) => void
}

const rowsOf = (files: Files, name: string) => {
  expect(Object.keys(files), `${name} written`).toContain(name)
  return files[name].rows
}

const EXPECTED: Record<string, Expectation> = {
  'fig1-dae-weights.mjs': {
    flags: ['--points', '11'],
    check(files) {
      const rows = rowsOf(files, 'fig1-dae-weights.csv')
      expect(rows).toHaveLength(11)
      const p = { n: 4, sigma: 0.9, lambda: 0.1, omega: 1 }
      for (const r of rows) {
        const want = dae(p, LINEAR(num(r, 't')))
        for (const k of ['c', 'm', 'q_xi', 'w_norm2']) close(num(r, k), want[k], `${k} at t = ${r.t}`)
      }
    },
  },
  'fig2-summary-statistics.mjs': {
    flags: ['--points', '11', '--d', '500', '--particles', '50', '--steps', '10'],
    check(files) {
      const p = { n: 8, sigma: 1.5, lambda: 0.1, omega: 1 }
      const theory = rowsOf(files, 'fig2-summary-statistics.csv')
      expect(theory).toHaveLength(11)
      for (const r of theory) {
        const want = flow(p, LINEAR(num(r, 't')))
        for (const k of ['M', 'Q_xi', 'P']) close(num(r, k), want[k], `${k} at t = ${r.t}`)
      }
      // M₁ = nβ/(n+λ) at t = 1 = 8/8.1, and the headline mse.
      const last = theory[theory.length - 1]
      close(num(last, 'M'), 8 / 8.1, 'M at t = 1')
      close(num(last, 'mse'), atOne(p).mse, 'mse at t = 1')
      const sim = rowsOf(files, 'fig2-summary-statistics-simulation.csv')
      expect(sim).toHaveLength(11) // t_k = k/10, k = 0..10
      const { K, L } = KL(p)
      let P = 1
      sim.forEach((r, k) => {
        const t = k / 10
        close(num(r, 't'), t, `t of step ${k}`)
        const { a, b, da, db } = LINEAR(t)
        close(num(r, 'M_discrete'), (p.n * b) / (p.n + p.lambda), `M_discrete at t = ${t}`)
        close(num(r, 'P_discrete'), P, `P_discrete at t = ${t}`)
        P *= 1 + (a * da * K + b * db * L) / (a * a * K + b * b * L) / 10
        // The measured statistics deviate from the same scheme's theory by C/√d, C per quantity
        // measured over seeds in test/cli/simulate-ref.ts (at 20 and 40 particles; 50 here).
        const pick = (suffix: string) => Object.fromEntries(['M', 'Q_xi', 'P'].map((key) => [key, num(r, `${key}${suffix}`)]))
        expect(beyondFiniteD({ t, ...pick('') }, pick('_discrete'), 500)).toEqual([])
      })
    },
  },
  'fig3-mse-against-n.mjs': {
    flags: ['--n-range', '2:16:log', '--sigma', '0.5,1.5'],
    check(files) {
      const rows = rowsOf(files, 'fig3-mse-against-n.csv')
      expect(rows).toHaveLength(8)
      for (const r of rows) {
        const p = { n: num(r, 'n'), sigma: num(r, 'sigma'), lambda: 0.1, omega: 1 }
        const want = atOne(p)
        for (const k of ['mse', 'cos', 'bo_mse', 'pca_mse']) close(num(r, k), want[k], `${k} at n = ${p.n}, σ = ${p.sigma}`)
      }
      // n = 8, σ = 1.5: bo_mse = ωσ²/(nω + σ²) = 2.25/10.25 (docs/theory.md section 5), typed out.
      const row = rows.find((r) => r.n === '8' && r.sigma === '1.5')!
      close(num(row, 'bo_mse'), 2.25 / 10.25, 'bo_mse at n = 8')
    },
  },
  'fig4-denoiser-error.mjs': {
    flags: ['--n', '2,8', '--points', '11'],
    check(files) {
      const rows = rowsOf(files, 'fig4-denoiser-error.csv')
      expect(rows).toHaveLength(22)
      for (const r of rows) {
        const p = { n: num(r, 'n'), sigma: 0.3, lambda: 0.1, omega: 1 }
        const want = dae(p, TRIG(num(r, 't')))
        close(num(r, 'test_mse'), want.test_mse, `test_mse at n = ${p.n}, t = ${r.t}`)
        close(num(r, 'oracle_mse'), want.oracle_mse, `oracle_mse at t = ${r.t}`)
      }
      // At t = 1/2, α = β = 1/√2: the oracle's error is σ²/(1 + σ²) = 0.09/1.09.
      close(
        num(
          rows.find((r) => r.t === '0.5')!,
          'oracle_mse',
        ),
        0.09 / 1.09,
        'oracle_mse at t = 0.5',
      )
    },
  },
  'rate-constant.mjs': {
    flags: ['--n-max', '1e4'],
    check(files) {
      const [c] = rowsOf(files, 'rate-constant.csv')
      const { sigma: s, lambda: l, omega: w } = { sigma: 1.5, lambda: 0.1, omega: 1 }
      close(num(c, 'C'), 2 * s * s, 'C = 2σ²', 1e-15) // 4.5
      close(num(c, 'C1'), l * w - 4 * l * s * s + l * l * w, 'C1', 1e-15) // −0.79
      close(num(c, 'C_bo'), s * s, 'C_bo = σ²', 1e-15)
      close(num(c, 'C_bo1'), -(s ** 4) / w, 'C_bo1 = −σ⁴/ω', 1e-15)
      close(num(c, 'ratio'), 2, 'C/C_bo', 1e-15)
      const seq = rowsOf(files, 'rate-constant-sequence.csv')
      expect(seq.map((r) => r.n)).toEqual(['1e1', '1e2', '1e3', '1e4'])
      for (const r of seq) {
        const n = num(r, 'n')
        const want = atOne({ n, sigma: s, lambda: l, omega: w })
        close(num(r, 'n_mse'), n * want.mse, `n mse at n = ${n}`, 1e-12)
        close(num(r, 'n_bo_mse'), n * want.bo_mse, `n bo_mse at n = ${n}`, 1e-12)
      }
    },
  },
}

// ---------------------------------------------------------------------------------------------

let tmp = ''
beforeAll(() => {
  requireBuild()
  tmp = mkdtempSync(join(tmpdir(), 'flowgm-examples-'))
})
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

describe('examples/*.mjs', () => {
  it('lists the example scripts', () => {
    expect(SCRIPTS.length).toBeGreaterThanOrEqual(5)
  })

  describe.each(SCRIPTS)('%s', (script) => {
    const outDir = () => join(tmp, script.replace(/\.mjs$/, ''))

    it('runs with small settings, writes SVG charts and CSV tables, and its numbers agree with docs/theory.md', async () => {
      const expected = EXPECTED[script]
      expect(expected, `examples/${script} has no entry in EXPECTED (test/examples/examples.test.ts): add its small settings and a checked value`).toBeDefined()
      const r = await example(script, ...expected.flags, '--out-dir', outDir())
      expect(r.code, show(r)).toBe(0)
      expect(r.stderr, show(r)).toBe('')
      // One `wrote FILE` line per file written, and nothing else written.
      const wrote = r.stdout
        .split('\n')
        .filter((l) => l.startsWith('wrote '))
        .map((l) => l.slice('wrote '.length))
      const written = readdirSync(outDir()).sort()
      expect(wrote.map((f) => f.split(/[\\/]/).pop()).sort(), show(r)).toEqual(written)
      for (const f of wrote) expect(existsSync(f), `${f} (printed path)`).toBe(true)
      expect(
        written.some((f) => f.endsWith('.svg')),
        show(r),
      ).toBe(true)
      expect(
        written.some((f) => f.endsWith('.csv')),
        show(r),
      ).toBe(true)
      const tables: Files = {}
      for (const f of written) {
        const text = readFileSync(join(outDir(), f), 'utf8')
        if (f.endsWith('.svg')) expectChart(text, f)
        else if (f.endsWith('.csv')) tables[f] = parseCsv(text, f)
        else throw new Error(`unexpected file ${f}`)
      }
      expected.check(tables)
    })

    it('refuses an unknown flag with one line on stderr and exit 2, writing nothing', async () => {
      const dir = join(tmp, `${script}-refused`)
      const r = await example(script, '--no-such-flag', '3', '--out-dir', dir)
      expect(r.code, show(r)).toBe(2)
      expect(r.stdout, show(r)).toBe('')
      expect(r.stderr.trimEnd().split('\n'), show(r)).toHaveLength(1)
      expect(r.stderr, show(r)).toContain('--no-such-flag')
      expect(existsSync(dir), show(r)).toBe(false)
    })

    it('prints its flags under --help', async () => {
      const r = await example(script, '--help')
      expect(r.code, show(r)).toBe(0)
      expect(r.stdout, show(r)).toContain(`usage: node examples/${script}`)
      expect(r.stdout, show(r)).toContain('--out-dir')
    })
  })

  it('reports a bad value as the library does: the flag and the rule on one line, exit 2', async () => {
    const r = await example('fig1-dae-weights.mjs', '--points', '1', '--out-dir', join(tmp, 'bad-value'))
    expect(r.code, show(r)).toBe(2)
    expect(r.stderr.trimEnd(), show(r)).toBe('fig1-dae-weights.mjs: --points: must be an integer in [2, 10000000] (got 1)')
  })
})

// examples/library.ts, the worked example of docs/api.md: it type-checks under --strict as a
// user's project would (module nodenext, 'flowgm' resolved through package.json's exports), and
// what it prints agrees with the closed forms above (12 digits in double, 40 at high precision).
describe('examples/library.ts', () => {
  const out = join(EXAMPLES, 'out', `ts-${process.pid}`)
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it('compiles under tsc --strict and prints what the closed forms give', () => {
    const tsc = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/typescript/bin/tsc'),
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--rootDir',
        EXAMPLES,
        '--outDir',
        out,
        join(EXAMPLES, 'library.ts'),
      ],
      { encoding: 'utf8' },
    )
    expect(tsc.stdout + tsc.stderr).toBe('')
    const run = spawnSync(process.execPath, [join(out, 'library.js')], { encoding: 'utf8', cwd: ROOT, timeout: 60_000 })
    expect(run.stderr).toBe('')
    const lines = run.stdout.trimEnd().split('\n')
    const p = { n: 8, sigma: 1.5, lambda: 0.1, omega: 1 }
    const want = atOne(p)
    const value = (pattern: RegExp) => {
      const m = lines.map((l) => pattern.exec(l)).find((x) => x)
      expect(m, `${pattern} in\n${run.stdout}`).toBeTruthy()
      return m!
    }
    // 12 digits printed with toPrecision(12): within half a unit of the 12th digit.
    const twelve = (x: string, ref: number, what: string) => close(Number(x), ref, what, 5e-12)
    const first = value(/^mse\(1\) = (\S+), cos\(1\) = (\S+)$/)
    twelve(first[1], want.mse, 'mse(1)')
    twelve(first[2], want.cos, 'cos(1)')
    twelve(value(/^c\(0\.5\) = (\S+)$/)[1], dae(p, { a: 0.5, b: 0.5 }).c, 'c(0.5)')
    // 40 digits against the closed form at 130 (decimal.js): the printed value has exactly 40.
    const precise = value(/^mse\(1\) = (0\.\d{40}) \((\d+) digits verified\)$/)
    const ref = statsByHand(text(p), [new X(0), new X(1)], true).mse
    expect(new X(precise[1]).minus(ref).abs().lte(ref.times('5e-40')), `${precise[1]} vs ${ref}`).toBe(true)
    expect(Number(precise[2])).toBeGreaterThanOrEqual(40)
    // C = 2 sigma^2 (header comment, "Rate").
    expect(value(/^C = (.+) = (\S+)$/).slice(1)).toEqual(['2*sigma^2', '4.5'])
    twelve(value(/^bo_mse = (\S+)$/)[1], want.bo_mse, 'bo_mse')
    for (const n of [16, 64, 256]) {
      const row = value(new RegExp(`^n = ${n}: n mse = (\\S+), n bo_mse = (\\S+)$`))
      const at = atOne({ ...p, n })
      close(Number(row[1]), n * at.mse, `n mse at n = ${n}`)
      close(Number(row[2]), n * at.bo_mse, `n bo_mse at n = ${n}`)
    }
    expect(lines).toContain('simulated 20 steps')
    // d = 500: the measured mse within 6/sqrt(d) of the theory's (as for fig2 above, a loose bound
    // for a print of 3 digits), and the theory's own 3 digits.
    const sim = value(/^simulated mse\(1\) = (\S+), theory (\S+)$/)
    expect(Number(sim[2])).toBe(Number(want.mse.toPrecision(3)))
    expect(Math.abs(Number(sim[1]) - want.mse)).toBeLessThanOrEqual(6 / Math.sqrt(500))
    expect(lines.at(-1)).toBe('refused: n: must be an integer >= 2 (got 1)')
    // docs/api.md shows this file and what it prints (the simulation is seeded: the same digits).
    const doc = readFileSync(join(ROOT, 'docs/api.md'), 'utf8')
    expect(doc).toContain('```ts\n' + readFileSync(join(EXAMPLES, 'library.ts'), 'utf8'))
    expect(doc).toContain('```\n' + run.stdout + '```')
  }, 120_000)
})
