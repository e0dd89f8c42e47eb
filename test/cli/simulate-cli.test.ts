// `flowgm simulate` from the command line: formats, refusals, the tfjs fallback, interruption.
// Most runs go through one in-process CLI (exit code and streams as from a real process); those
// that need a process of their own (no tfjs installed, a signal, a terminal) are spawned.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { simulationEstimate, simulationSpecFrom } from '../../src/cli/simulate.js'
import { BIN, inProcessCli, requireBuild, show, spawnCli, type Run } from './run.js'
import { baselinesAt, beyondFiniteD, eulerByHand, linear, offBy, PRINTED, readCsv, simulationMismatches, theoryAt, ZERO, type Row } from './simulate-ref.js'

beforeAll(requireBuild)
const cli = inProcessCli()
afterAll(() => cli.close())

const SMALL = ['simulate', '--d', '300', '--particles', '20', '--steps', '4', '--engine', 'js']
// SMALL's flow parameters (the defaults) and its K = 4 steps on d = 300.
const DEFAULTS = { n: 8, sigma: 1.5, lambda: 0.1, omega: 1 }
const [D, K] = [300, 4]

type Steps = { steps: Row[]; final: Row }
interface Doc {
  params: Record<string, unknown>
  measured: Steps
  theory: Steps
  theory_discrete: Steps
}
// One run of SMALL --json, shared by the tests that compare other formats with it.
let smallJson: Promise<Run> | undefined
const smallRun = (): Promise<Run> => (smallJson ??= cli.run([...SMALL, '--json']))
const smallDoc = async (): Promise<Doc> => JSON.parse((await smallRun()).stdout) as Doc

const NO_TFJS = ['--import', fileURLToPath(new URL('./no-tfjs.mjs', import.meta.url))]

const refused = (r: Run, flag: string) => {
  expect(r.code, show(r)).toBe(2)
  expect(r.stdout, show(r)).toBe('')
  const lines = r.stderr.trim().split('\n')
  expect(lines, show(r)).toHaveLength(1)
  expect(lines[0], show(r)).toMatch(new RegExp(`^flowgm: --${flag}: `))
}

describe('flowgm simulate', () => {
  it('prints the document { params, measured, theory, theory_discrete } as JSON', async () => {
    const r = await smallRun()
    expect(r.code, show(r)).toBe(0)
    const doc = JSON.parse(r.stdout)
    expect(Object.keys(doc)).toEqual(['params', 'measured', 'theory', 'theory_discrete'])
    expect(doc.params).toMatchObject({ d: 300, n: 8, sigma: 1.5, lambda: 0.1, particles: 20, steps: 4, engine: 'js', trainer: 'exact', scheme: 'euler', seed: 0 })
    for (const part of ['measured', 'theory', 'theory_discrete']) expect(doc[part].steps.map((s: { t: number }) => s.t)).toEqual([0, 0.25, 0.5, 0.75, 1])
    expect(Object.keys(doc.measured.final)).toEqual([
      'M',
      'Q_xi',
      'P',
      'norm',
      'cos',
      'cos_sample',
      'mse',
      'var',
      'weight',
      'weight_error',
      'dist_train',
      'dist_fresh',
      'mem_gap',
      'bo_mse',
      'bo_cos',
      'pca_mse',
      'pca_cos',
      'label_agreement',
    ])
    // The theory at t = 1 is the one `flowgm stats` prints.
    const stats = JSON.parse((await cli.run(['stats', '--json'])).stdout)
    expect(doc.theory.final.mse).toBe(stats.mse)
    expect(r.stdout).not.toMatch(/NaN|Infinity|null/)
    // The values: theory = the closed forms at t_k, theory_discrete = Euler on the overlaps by
    // hand, measured = Euler within the finite-d gap (simulate-ref.ts states each reference).
    const bad = simulationMismatches(
      DEFAULTS,
      D,
      doc.measured.steps.map((measured: Row, k: number) => ({ measured, discrete: doc.theory_discrete.steps[k], theory: doc.theory.steps[k] })),
    )
    const euler = eulerByHand(DEFAULTS, K)
    const finalTheory = { ...theoryAt(DEFAULTS, linear(1)), ...baselinesAt(DEFAULTS) }
    bad.push(...offBy(doc.theory.final, Object.fromEntries(Object.keys(doc.theory.final).map((x) => [x, finalTheory[x]])), PRINTED, ZERO))
    bad.push(...offBy(doc.theory_discrete.final, Object.fromEntries(Object.keys(doc.theory_discrete.final).map((x) => [x, euler[K][x]])), PRINTED, ZERO))
    bad.push(...beyondFiniteD(doc.measured.final, euler[K], D))
    expect(bad).toEqual([])
  })

  it('prints one CSV row per step with measured and predicted columns side by side', async () => {
    const r = await cli.run([...SMALL, '--format', 'csv'])
    expect(r.code, show(r)).toBe(0)
    const [head, ...rows] = r.stdout.trim().split('\n')
    expect(head.split(',').slice(0, 7)).toEqual(['t', 'M', 'M_discrete', 'M_theory', 'Q_xi', 'Q_xi_discrete', 'Q_xi_theory'])
    expect(head).toContain('c,c_theory,m,m_theory')
    expect(rows.map((x) => x.split(',')[0])).toEqual(['0', '0.25', '0.5', '0.75', '1'])
    expect(rows.every((x) => x.split(',').length === head.split(',').length)).toBe(true)
    // each column holds the JSON document's number for its source and step (same seed, same run)
    const doc = await smallDoc()
    const source = (col: string): [keyof Doc, string] => {
      const m = /^(.*)_(discrete|theory)$/.exec(col)
      return m ? [m[2] === 'discrete' ? 'theory_discrete' : 'theory', m[1]] : ['measured', col]
    }
    const bad: string[] = []
    readCsv(r.stdout).forEach((row, k) => {
      // every header column: an empty cell where the document has no value (no denoiser is trained at t = 1)
      for (const col of head.split(',')) {
        const [part, key] = source(col)
        const want = (doc[part] as Steps).steps[k][key]
        if (row[col] !== want) bad.push(`t=${row.t} ${col}: csv ${row[col]}, json ${part}.${key} ${want}`)
      }
    })
    expect(bad).toEqual([])
  })

  it('prints the summary at t = 1 as a table', async () => {
    const r = await cli.run(SMALL)
    expect(r.code, show(r)).toBe(0)
    expect(r.stdout).toMatch(/quantity\s+measured\s+theory_discrete\s+theory/)
    // every quantity's row holds the JSON document's final values to the 6 significant digits shown
    const doc = await smallDoc()
    const table = new Map(
      r.stdout
        .split('\n')
        .map((l) => l.trim().split(/\s+/))
        .filter((c) => c[0] in doc.measured.final)
        .map((c) => [c[0], c.slice(1).map(Number)]),
    )
    expect([...table.keys()]).toEqual(Object.keys(doc.measured.final))
    const six = (x: number | undefined) => (x === undefined ? [] : [Number(x.toPrecision(6))])
    for (const [q, printed] of table) {
      expect(printed, q).toEqual([...six(doc.measured.final[q]), ...six(doc.theory_discrete.final[q]), ...six(doc.theory.final[q])])
    }
    // With one step no DAE is trained inside (0, 1): said so, never a non-finite number.
    const one = await cli.run([...SMALL.slice(0, 5), '--steps', '1'])
    expect(one.stdout).toContain('no such t_k with K = 1')
    expect(one.stdout).not.toMatch(/NaN|Infinity/)
  })

  it('theory_discrete at K = 10 is the Euler recursion by hand, and both give the table of docs/theory.md section 6', async () => {
    // docs/theory.md section 6, "euler, 10" (12 significant digits): M, Q_xi, P, mse at t = 1
    const published = { M: 0.987654320988, Q_xi: -0.162183139716, P: 1.3136834317, mse: 0.484927804751 }
    const r = await cli.run([...SMALL.slice(0, 5), '--steps', '10', '--engine', 'js', '--json'])
    expect(r.code, show(r)).toBe(0)
    const printed = (JSON.parse(r.stdout) as Doc).theory_discrete.final
    const byHand = eulerByHand(DEFAULTS, 10)[10]
    expect(offBy(printed, published, 0, 0)).toEqual([])
    expect(offBy(byHand, published, PRINTED, ZERO)).toEqual([])
  })

  it.each([
    ['rk4', []],
    ['midpoint', ['--no-skip']],
  ])('--scheme %s %j: its theory_discrete at t = 1 is what `flowgm stats --steps 4 --scheme` prints', async (scheme, extra) => {
    // Both print the same stage recurrence (src/theory/discrete.ts) rounded the same way, so the
    // printed numbers are equal; midpoint never evaluates the velocity at t = 1, so it runs
    // without the skip connection, where heun and rk4 are refused.
    const r = await cli.run([...SMALL, '--scheme', scheme, ...extra, '--json'])
    expect(r.code, show(r)).toBe(0)
    const doc = JSON.parse(r.stdout) as Doc
    expect(doc.params.scheme).toBe(scheme)
    const stats = JSON.parse((await cli.run(['stats', '--t', '1', '--steps', String(K), '--scheme', scheme, ...extra, '--json'])).stdout)
    for (const key of ['M', 'Q_xi', 'P', 'mse', 'cos']) expect(doc.theory_discrete.final[key], key).toBe(stats[key])
    expect(r.stdout).not.toMatch(/NaN|Infinity|null/)
  })

  it('refuses rk4 without the skip connection with the line that names the pole', async () => {
    const r = await cli.run([...SMALL, '--no-skip', '--scheme', 'rk4'])
    refused(r, 'scheme')
    expect(r.stderr).toContain('rk4 evaluates the velocity at t = 1 in its last step, a pole of the flow without skip connection')
  })

  it('uses the js engine without --engine, installed tfjs or not (the default of docs/cli.md)', async () => {
    const r = await cli.run([...SMALL.filter((a) => a !== '--engine' && a !== 'js'), '--json'])
    expect(r.code, show(r)).toBe(0)
    expect(JSON.parse(r.stdout).params.engine).toBe('js')
  })

  it('uses the js engine when tfjs is not installed, and says how to install it when asked for', async () => {
    const fallback = await spawnCli([...SMALL.filter((a) => a !== '--engine' && a !== 'js'), '--json'], 30_000, NO_TFJS)
    expect(fallback.code, show(fallback)).toBe(0)
    expect(JSON.parse(fallback.stdout).params.engine).toBe('js')
    const asked = await spawnCli([...SMALL.slice(0, -2), '--engine', 'tfjs'], 30_000, NO_TFJS)
    refused(asked, 'engine')
    expect(asked.stderr).toContain('npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm')
  })

  it.concurrent.each([
    [['--d', '1'], 'd'],
    [['--d', '2.5'], 'd'],
    [['--particles', '0'], 'particles'],
    [['--steps', '0'], 'steps'],
    [['--rho', '0'], 'rho'],
    [['--rho', '1'], 'rho'],
    [['--rho', 'NaN'], 'rho'],
    [['--trainer', 'sgd'], 'trainer'],
    [['--scheme', 'rk5'], 'scheme'],
    [['--engine', 'gpu'], 'engine'],
    [['--seed', '-1'], 'seed'],
    [['--lr', '0.1'], 'lr'],
    [['--trainer', 'adam', '--lr', '0'], 'lr'],
    [['--trainer', 'adam', '--epochs', '0'], 'epochs'],
    [['--digits', '20'], 'digits'],
    [['--no-skip', '--scheme', 'heun'], 'scheme'],
    [['--no-skip', '--scheme', 'rk4'], 'scheme'],
    [['--sigma', '-1'], 'sigma'],
    [['--format', 'latex'], 'format'],
    [['--n', '1e16'], 'n'],
  ])('refuses %j with one line naming --%s and exit 2', async (extra, flag) => {
    refused(await cli.run(['simulate', '--d', '100', '--particles', '5', '--steps', '2', ...extra]), flag)
  })

  it.each(['js', 'tfjs'])('prints finite numbers when the x0 part vanishes (no skip, linear, K = 64: P(1) = 0), engine %s', async (engine) => {
    // The last Euler factor is 1 + h alpha'/alpha = 1 - (1/64)/(1/64) = 0 exactly (docs/theory.md
    // section 7: P_1 = 0 without skip; docs/simulation.md section 5).
    const r = await cli.run(['simulate', '--no-skip', '--steps', '64', '--d', '500', '--particles', '20', '--engine', engine, '--json'])
    expect(r.code, show(r)).toBe(0)
    const doc = JSON.parse(r.stdout)
    // P-hat^2 is |X|^2 minus the projection: a cancellation, so P-hat is at most about
    // sqrt(eps |X|^2/d): 1e-8 in float64 (js; observed exactly 0) and sqrt(6e-8 |X|^2/d) ~ 3e-4 in
    // float32 (tfjs; observed 3.4e-4). Bounds: 1e-7 and 1e-3 (3x).
    expect(doc.measured.final.P).toBeLessThan(engine === 'js' ? 1e-7 : 1e-3)
    // var is P-hat^2 (12 printed digits of each: 1e-11 relative)
    expect(Math.abs(doc.measured.final.var - doc.measured.final.P ** 2)).toBeLessThanOrEqual(1e-11 * doc.measured.final.var)
    // The theory's P(1) is 0 exactly: the last Euler step multiplies P by 1 + h alpha'/alpha = 1 - h/h
    // with alpha(t_{K-1}) = 1/K exact in double for this K (a power of 2); the compensated sum's
    // carried part is multiplied by that factor too (src/theory/discrete.ts).
    expect(doc.theory_discrete.final.P).toBe(0)
    expect(r.stdout).not.toMatch(/NaN|Infinity|null/)
  })

  it('states the memory it would need when refusing', async () => {
    const r = await cli.run(['simulate', '--particles', '1000000', '--d', '1000000', '--engine', 'js'])
    // 1e12 coordinates x 8 bytes = 7450.6 GiB (plus 0.2 GiB for the training set).
    expect(r.stderr).toMatch(/need about 745\d\.\d GiB/)
  })

  it('stops at once on SIGINT, leaving no output', async () => {
    let started = 0
    const r = await spawnCli(['simulate', '--d', '20000', '--particles', '2000', '--steps', '1000', '--engine', 'js'], 60_000, [], (child) => {
      setTimeout(() => {
        started = Date.now()
        child.kill('SIGINT')
      }, 1500)
    })
    expect(Date.now() - started).toBeLessThan(5000)
    expect(r.code === 130 || r.signal === 'SIGINT', show(r)).toBe(true)
    expect(r.stdout).toBe('')
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

describe.skipIf(!hasScript)('simulate progress bar', () => {
  it('is drawn on a terminal, in steps', () => {
    const env = { ...process.env, CI: '' }
    delete env.CI
    const command = `node ${BIN} ${SMALL.join(' ')} --json > /dev/null`
    const tty = execFileSync('script', ['-qec', command, '/dev/null'], { env, encoding: 'utf8', timeout: 60_000 })
    expect(tty).toMatch(/simulate \[#+-*\]\s+\d+% \d\/4 steps/)
  })
})

describe('flowgm simulate: activation, init, particles', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'flowgm-particles-'))
  afterAll(() => rmSync(tmp, { recursive: true, force: true }))
  const TINY = ['simulate', '--d', '200', '--particles', '10', '--steps', '4', '--engine', 'js']

  it('refuses tanh with the exact trainer and with a scheme that evaluates t = 1, and --init without Adam', async () => {
    const tanhExact = await cli.run([...TINY, '--activation', 'tanh'])
    refused(tanhExact, 'activation')
    expect(tanhExact.stderr).toMatch(/the exact trainer solves the sign network's stationarity only; use --trainer adam/)
    refused(await cli.run([...TINY, '--activation', 'tanh', '--trainer', 'adam', '--scheme', 'heun']), 'activation')
    refused(await cli.run([...TINY, '--init', 'fresh']), 'init')
    refused(await cli.run([...TINY, '--trainer', 'adam', '--init', 'cold']), 'init')
  })

  it("judges a tanh run's time at three times the sign network's Adam epochs", async () => {
    // Measured: a tanh epoch takes 1.3 to 3 times a sign epoch (n = 4 to 32, d = 5000), and the
    // estimate takes the upper end. 4e5 epochs of the defaults are about 0.74 day with sign, 2.2
    // days with tanh, across the 1-day limit (src/limits.ts).
    const args = ['simulate', '--trainer', 'adam', '--epochs', '400000', '--engine', 'js']
    const spec = await simulationSpecFrom({ trainer: 'adam', epochs: '400000', engine: 'js' })
    expect(simulationEstimate({ ...spec, activation: 'tanh' }).seconds / simulationEstimate(spec).seconds).toBeGreaterThan(2.9)
    refused(await cli.run([...args, '--activation', 'tanh']), 'epochs')
  })

  it('refuses snapshots off the grid k/K, out of order, and too many particles for the PCA', async () => {
    const off = await cli.run([...TINY, '--snapshots', '0.3'])
    refused(off, 'snapshots')
    expect(off.stderr).toMatch(/grid time k\/K .* K = 4 steps \(got 0.3\)/)
    refused(await cli.run([...TINY, '--snapshots', '0.5,0.25']), 'snapshots')
    refused(await cli.run([...TINY, '--particles', '5001', '--particles-out', join(tmp, 'big.csv')]), 'particles')
  })

  it('writes the cloud as CSV, the same numbers as the JSON document', async () => {
    const file = join(tmp, 'cloud.csv')
    const r = await cli.run([...TINY, '--particles-out', file, '--json'])
    expect(r.code, show(r)).toBe(0)
    const doc = JSON.parse(r.stdout) as {
      particles: {
        snapshots: number[]
        rows: Array<Record<string, number>>
        theory: Array<Record<string, number>>
        pca: { rows: Array<Record<string, number>>; theory: Array<Record<string, number>> }
      }
    }
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    expect(lines[0]).toBe('kind,t,particle,u,v')
    const kinds = lines.slice(1).map((l) => l.split(',')[0])
    // Default snapshots 0, 1/4, 1/2, 3/4, 1: 10 particles at each, 5 theory points, 10 PCA scores, 2 crosses.
    expect(doc.particles.snapshots).toEqual([0, 0.25, 0.5, 0.75, 1])
    expect(['particle', 'theory', 'pca', 'pca-theory'].map((k) => kinds.filter((x) => x === k).length)).toEqual([50, 5, 10, 2])
    const cells = (i: number) => lines[i + 1].split(',')
    doc.particles.rows.forEach((p, i) => expect(cells(i)).toEqual(['particle', String(p.t), String(p.particle), String(p.u), String(p.v)]))
    const cross = doc.particles.pca.theory[1]
    expect(cells(66)).toEqual(['pca-theory', '1', '-1', String(cross.pc1), String(cross.pc2)])
  })

  it('leaves the file as it was when the run fails (whole or not at all)', async () => {
    // Adam at --lr 1e300 overflows: the run is refused after it ran, when the file is open.
    const file = join(tmp, 'kept.csv')
    writeFileSync(file, 'old\n')
    const r = await cli.run([...TINY, '--trainer', 'adam', '--epochs', '3', '--lr', '1e300', '--particles-out', file])
    refused(r, 'lr')
    expect(readFileSync(file, 'utf8')).toBe('old\n')
  })

  it('simulates the tanh network with Adam (--json), and --rho 0.24 generates weight 1/2', async () => {
    const tanh = await cli.run([...TINY, '--trainer', 'adam', '--activation', 'tanh', '--epochs', '50', '--json'])
    expect(tanh.code, show(tanh)).toBe(0)
    expect(JSON.parse(tanh.stdout).params).toMatchObject({ activation: 'tanh', trainer: 'adam' })
    // The learnt field is odd, so the generated weight is 1/2 whatever rho (simulation.md section
    // 4); measured over N = 400 particles its standard deviation is 1/(2 sqrt N) = 0.025: 4 of them.
    const rho = await cli.run(['simulate', '--d', '200', '--particles', '400', '--steps', '4', '--engine', 'js', '--rho', '0.24', '--json'])
    const doc = JSON.parse(rho.stdout) as Doc
    expect(doc.theory.final.weight).toBe(0.5)
    expect(Math.abs(doc.measured.final.weight - 0.5)).toBeLessThan(4 * 0.025)
    expect(Math.abs(doc.measured.final.weight_error - 0.26)).toBeLessThan(4 * 0.025)
  })
})
