// `npm run validate` (src/tools/validate.ts): the compiled script in --quick mode writes a complete
// document (every table present, with rows, nothing non-finite) and exits 0; its figures are
// checked here against references by hand, and each row's verdict is recomputed from the printed
// differences and tolerances (the document's own pass column is not trusted); and the pass/fail
// logic (src/tools/validate/compare.ts) does fail on a deliberately wrong value.
//
// References by hand (docs/theory.md; test/theory/by-hand.ts): the flow's closed forms at t; at
// t = 1, n mse(n) = C + C1/n + ... with C = 2 sigma^2, C1 = lambda omega - 4 lambda sigma^2 +
// lambda^2 omega (skip; test/cli/hp-cli.test.ts) and, without skip (M = n/(n+lambda), Q_xi = 0,
// mse = (omega lambda^2 + n sigma^2)/(n+lambda)^2), C = sigma^2, C1 = omega lambda^2 - 2 lambda sigma^2;
// n bo_mse = n omega sigma^2/(n omega + sigma^2) gives C_bo = sigma^2, C_bo1 = -sigma^4/omega.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { digitsCheck, failedRows, markdownTable, passes, relDiff, row, rowPasses, summarise, usage, type Table } from '../../src/tools/validate/compare.js'
import { requireBuild, spawnNode, type Run } from '../cli/run.js'
import { baselinesByHand, statsByHand, X, type Dec } from '../theory/by-hand.js'

const SCRIPT = fileURLToPath(new URL('../../dist/tools/validate.js', import.meta.url))
const TABLES = ['1', '2a', '2b', '3', '4', '5', '6', '7a', '7b', '7c', '7d', '7e', '8']

const runValidate = (args: readonly string[]): Promise<Run> => spawnNode([SCRIPT, ...args], 30_000)
const show = (r: Run) => `--- exit ${r.code}\n--- stdout:\n${r.stdout}\n--- stderr:\n${r.stderr}`

/** The Markdown tables of the document, by section id: header cells and data rows (cells). */
function sections(doc: string): Map<string, { head: string[]; rows: string[][] }> {
  const out = new Map<string, { head: string[]; rows: string[][] }>()
  const parts = doc.split(/^## /m).slice(1)
  for (const part of parts) {
    const id = /^(\w+)\. /.exec(part)?.[1]
    if (!id) continue
    const lines = part.split('\n').filter((l) => l.startsWith('| '))
    const cells = (l: string) =>
      l
        .slice(2, -2)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim())
    out.set(id, { head: cells(lines[0]), rows: lines.slice(2).map(cells) })
  }
  return out
}

type Section = { head: string[]; rows: string[][] }
/** The leading number of a cell ('0.013 (0.59/√d)' -> 0.013); NaN for '—' and text. */
const lead = (cell: string): number => Number(cell.split(' ')[0])
const col = (t: Section, name: string): number => t.head.indexOf(name)

const FLOW = { n: '8', sigma: '1.5', lambda: '0.1', omega: '1' }
const PI = new X(-1).acos()
/** alpha, beta of the named schedules at t (trig: cos and sin of pi t/2). */
const schedule = (name: string, t: string): [Dec, Dec] => (name === 'trig' ? [PI.times(t).div(2).cos(), PI.times(t).div(2).sin()] : [new X(1).minus(t), new X(t)])

/** The rate constants by hand (header comment), sigma = 1.5, lambda = 0.1, omega = 1. */
function rateByHand(skip: boolean): Record<string, number> {
  const [s2, l, w] = [2.25, 0.1, 1]
  const C = skip ? 2 * s2 : s2
  // The distances at rho = 0.24 (docs/theory.md, rates): M(1) = n/(n + lambda), so M_inf = 1,
  // M_1 = -lambda; floor_w2 = (P_inf - sigma)^2 + 4 |rho - 1/2| omega M_inf with P_inf = sigma (skip)
  // or 0; C_w2 = C + 4 |rho - 1/2| omega M_1; floor_kl = 0 and C_kl = C/(2 sigma^2) with skip.
  const e = 0.26
  const distances = skip ? { floor_w2: 4 * e * w, C_w2: C - 4 * e * w * l, floor_kl: 0, C_kl: C / (2 * s2) } : { floor_w2: s2 + 4 * e * w, C_w2: C - 4 * e * w * l }
  return { C, C1: skip ? l * w - 4 * l * s2 + l * l * w : w * l * l - 2 * l * s2, C_bo: s2, C_bo1: -(s2 * s2) / w, ratio: C / s2, ...distances }
}

/**
 * Rows whose printed reference figure differs from the one by hand, or whose verdict does not
 * follow from its printed differences and tolerances (diff <= tol for every pair).
 */
function wrongRows(found: Map<string, Section>): string[] {
  const bad: string[] = []
  const near = (label: string, printed: number, want: number, rel: number, abs = 0) => {
    if (!(Math.abs(printed - want) <= rel * Math.abs(want) + abs)) bad.push(`${label}: printed ${printed}, by hand ${want}`)
  }
  const verdict = (label: string, t: Section, cells: string[], pairs: Array<[number[], number]>) => {
    const pass = pairs.every(([diffs, tol]) => diffs.every((x) => Number.isNaN(x) || x <= tol))
    if ((cells.at(-1) === 'pass') !== pass) bad.push(`${label}: printed ${cells.at(-1)}, its own figures say ${pass ? 'pass' : 'fail'}`)
  }
  // 1: the closed form column by hand. It is the double evaluation of the closed form, printed to
  // 16 digits: observed at most 3.2e-16 relative (Q_xi), so 1e-15 (3x); 1e-16 absolute where the
  // exact value is 0 (trig at t = 1: the decimal cos(pi/2) is 1e-130, printed 0). Verdict: the
  // ODE, quadrature and by-hand differences all <= tol.
  const t1 = found.get('1')!
  for (const cells of t1.rows) {
    const [scheduleName, variant] = cells[0].split(', ').slice(-2)
    const want = statsByHand(FLOW, schedule(scheduleName, cells[1]), variant === 'skip')[cells[2]].toNumber()
    near(`1. ${cells.slice(0, 3).join(' ')}`, lead(cells[3]), want, 1e-15, 1e-16)
    verdict(`1. ${cells.slice(0, 3).join(' ')}`, t1, cells, [[[4, 5, 6].map((i) => lead(cells[i])), lead(cells[7])]])
  }
  // 2a, 2b: the verdict from the per-key differences and the tolerance (max is their maximum)
  for (const id of ['2a', '2b']) {
    const t = found.get(id)!
    const [first, max, tol] = [2, col(t, 'max'), col(t, 'tol')]
    for (const cells of t.rows) {
      const diffs = cells.slice(first, max).map(lead)
      near(`${id}. ${cells[0]} t=${cells[1]} max`, lead(cells[max]), Math.max(...diffs), 0)
      verdict(`${id}. ${cells[0]} t=${cells[1]}`, t, cells, [[diffs, lead(cells[tol])]])
    }
  }
  // 3: both routes against the constants by hand; printed at the digits asked (>= 16), they equal
  // the double values by hand exactly (observed 0); 1e-15 allows the last bits of that arithmetic
  const t3 = found.get('3')!
  for (const cells of t3.rows) {
    const want = rateByHand(!cells[0].includes('no-skip'))[cells[3]]
    near(`3. ${cells[0]} ${cells[3]} exact`, lead(cells[4]), want, 1e-15)
    // A floor that vanishes (floor_kl) is extrapolated to the working precision's noise (1e-38 at
    // 16 + 20 digits): absolutely within 1e-30.
    near(`3. ${cells[0]} ${cells[3]} Richardson`, lead(cells[5]), want, 1e-15, want === 0 ? 1e-30 : 0)
  }
  // 4: the asymptotic column by hand (10 significant digits printed: rounding at most 5e-10
  // relative; observed 1.0e-10); the verdict
  // from |finite - asymptotic| recomputed from the printed columns against the printed tol
  const t4 = found.get('4')!
  const asymptotic = { ...baselinesByHand(FLOW), omega_hat: new X(1), sigma2_hat: new X('2.25') }
  for (const cells of t4.rows) {
    near(`4. ${cells[1]} asymptotic`, lead(cells[2]), asymptotic[cells[1] as keyof typeof asymptotic].toNumber(), 5e-10)
    verdict(`4. ${cells[1]}`, t4, cells, [[[Math.abs(lead(cells[4]) - lead(cells[2]))], lead(cells[7])]])
  }
  // 5: the continuous column by hand at t = 1 (7 significant digits printed: rounding at most
  // 5e-7 relative; observed 3.2e-7); the
  // verdict from the printed measured, discrete and continuous columns against the printed tols
  // The generated weight is 1/2 (an odd field from a symmetric start); the distances to the nearest
  // sample of the particle's cluster, by hand from |X|^2/d = norm, |x1|^2/d = omega + sigma^2 and
  // X.x1/d = M (omega + sigma^2/n) for a training sample (its noise is part of mu_emp), M omega for a fresh one.
  const t5 = found.get('5')!
  for (const cells of t5.rows) {
    const skip = !cells[0].includes('no-skip')
    const flow = statsByHand(FLOW, schedule('linear', '1'), skip)
    const [w, s2, n] = [Number(FLOW.omega), Number(FLOW.sigma) ** 2, Number(FLOW.n)]
    // Fresh noise at every t: the same M and P, no memorised part (docs/theory.md, fresh noise):
    // Q_xi = 0 in mse, cos and norm.
    const fresh = cells[0].includes('per-time')
    const [M, P] = [flow.M.toNumber(), flow.P.toNumber()]
    const norm = fresh ? M * M * (w + s2 / n) + P * P : flow.norm.toNumber()
    const byHand: Record<string, number> = {
      ...Object.fromEntries(Object.entries(flow).map(([k, v]) => [k, v.toNumber()])),
      ...(fresh ? { Q_xi: 0, norm, mse: w * (M - 1) ** 2 + (M * M * s2) / n, cos: (M * w) / Math.sqrt(w * M * M * (w + s2 / n)) } : {}),
      weight: 0.5,
      dist_train: norm + w + s2 - 2 * M * (w + s2 / n),
      dist_fresh: norm + w + s2 - 2 * M * w,
      mem_gap: (-2 * M * s2) / n,
    }
    // The closed forms by hand are those of one noise draw; the k-draw case is checked by its verdict.
    if (!cells[0].includes('draws')) near(`5. ${cells[0]} ${cells[1]} continuous`, lead(cells[4]), byHand[cells[1]], 5e-7)
    const [m, dsc, cont] = [2, 3, 4].map((i) => lead(cells[i]))
    verdict(`5. ${cells[0]} ${cells[1]}`, t5, cells, [
      [[Math.abs(m - dsc)], lead(cells[6])],
      [[Math.abs(m - cont)], lead(cells[8])],
    ])
  }
  // 6: the verdict from the printed high-precision and double differences against their printed tols
  const t6 = found.get('6')!
  for (const cells of t6.rows) {
    const [hp, hpTol, dbl, dblTol] = [7, 8, 9, 10].map((i) => lead(cells[i]))
    verdict(`6. ${cells.slice(0, 3).join(' ')}`, t6, cells, [
      [[hp], hpTol],
      [[dbl], dblTol],
    ])
  }
  return bad
}

let dir: string
beforeAll(() => {
  requireBuild()
  if (!existsSync(SCRIPT)) throw new Error(`${SCRIPT} is missing: run \`npm run build\` before these tests`)
  dir = mkdtempSync(join(tmpdir(), 'flowgm-validate-'))
})
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('validate --quick', () => {
  it('writes every table with rows, figures equal to the references by hand, verdicts that follow from the printed differences, and exits 0', async () => {
    const out = join(dir, 'validation.md')
    const r = await runValidate(['--quick', '--out', out])
    const doc = readFileSync(out, 'utf8')
    expect(doc).toMatch(/^# flowgm validation\n/)
    expect(doc).toContain('npm run validate')
    expect(doc).toMatch(/do not edit by hand/i)
    expect(doc).toMatch(/\| flowgm version \| +\d+\.\d+\.\d+/)
    expect(doc).toMatch(/\| date +\| +\d{4}-\d\d-\d\dT/)
    expect(doc).toMatch(/\| run time +\| +\d+\.\d s/)
    expect(doc).not.toMatch(/NaN|Infinity/)
    const found = sections(doc)
    for (const id of TABLES) {
      const t = found.get(id)
      expect(t, `table ${id}`).toBeDefined()
      expect(t!.head.at(-1), `table ${id}`).toBe('ok')
      expect(t!.rows.length, `table ${id} has rows`).toBeGreaterThan(0)
      for (const cells of t!.rows) expect(cells, `table ${id}`).toHaveLength(t!.head.length)
    }
    // the figures by hand and the verdicts from the printed figures, not the pass column; then
    // the exit status and the summary, which must agree with them
    expect(wrongRows(found)).toEqual([])
    expect(r.code, show(r)).toBe(0)
    expect(doc).toMatch(/\| result +\| +all \d+ checks pass/)
    // The summary lists every table; nothing is left behind but the document.
    for (const id of TABLES) expect(doc).toMatch(new RegExp(`^\\| ${id}\\. `, 'm'))
    expect(readdirSync(dir)).toEqual(['validation.md'])
  })

  it('refuses an unknown argument and an --out in a missing directory with exit 2, writing nothing', async () => {
    const bad = await runValidate(['--frobnicate'])
    expect(bad.code, show(bad)).toBe(2)
    expect(bad.stderr).toMatch(/unknown argument '--frobnicate'/)
    const missing = join(dir, 'no-such-dir', 'v.md')
    const r = await runValidate(['--quick', '--out', missing])
    expect(r.code, show(r)).toBe(2)
    expect(r.stderr).toMatch(/--out: cannot write .*its directory does not exist/)
    expect(existsSync(missing)).toBe(false)
  })
})

describe('pass/fail logic', () => {
  it('a deliberately wrong value fails its tolerance; the right one passes', () => {
    const exact = 0.9876543209876543
    const tol = 1e-11
    expect(passes({ diff: relDiff(exact * (1 + 1e-15), exact), tol })).toBe(true)
    const wrong = { diff: relDiff(exact * (1 + 1e-9), exact), tol }
    expect(passes(wrong)).toBe(false)
    expect(usage(wrong)).toBeGreaterThan(1)
    const r = row('wrong M', ['M', String(exact)], [{ diff: 0, tol }, wrong])
    expect(rowPasses(r)).toBe(false)
    expect(r.cells.at(-1)).toBe('**FAIL**')
    const t: Table = { id: 'x', title: 'x', intro: [], head: ['key', 'value', 'ok'], rows: [row('right M', ['M', '1'], [{ diff: 0, tol }]), r] }
    expect(failedRows([t])).toBe(1)
    expect(summarise(t)).toMatchObject({ rows: 2, checks: 3, failed: 1, worst: { label: 'wrong M' } })
    expect(
      markdownTable(
        t.head,
        t.rows.map((x) => x.cells),
      ),
    ).toContain('**FAIL**')
  })

  it('NaN, infinite or negative figures fail; exact zeros compare absolutely', () => {
    expect(passes({ diff: Number.NaN, tol: 1 })).toBe(false)
    expect(passes({ diff: relDiff(Number.NaN, 1), tol: 1 })).toBe(false)
    expect(passes({ diff: Number.POSITIVE_INFINITY, tol: 1 })).toBe(false)
    expect(passes({ diff: 0, tol: Number.NaN })).toBe(false)
    expect(passes({ diff: -1, tol: 1 })).toBe(false)
    expect(rowPasses(row('no checks', [], []))).toBe(false)
    expect(relDiff(1e-17, 0)).toBe(1e-17)
    expect(relDiff(0, 0)).toBe(0)
    expect(relDiff(0, 1e-300)).toBe(1)
  })

  it('digits of agreement: enough passes, too few fails', () => {
    expect(passes(digitsCheck(35, 20))).toBe(true)
    expect(passes(digitsCheck(20, 20))).toBe(true)
    expect(passes(digitsCheck(19, 20))).toBe(false)
    expect(passes(digitsCheck(0, 20))).toBe(false)
  })
})
