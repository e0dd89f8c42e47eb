// `npm run validate` (src/tools/validate.ts): the compiled script in --quick mode writes a complete
// document (every table present, with rows, nothing non-finite) and exits 0; and the pass/fail
// logic (src/tools/validate/compare.ts) does fail on a deliberately wrong value.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  digitsCheck, failedRows, markdownTable, passes, relDiff, row, rowPasses, summarise, usage, type Table,
} from '../../src/tools/validate/compare.js'
import { requireBuild, spawnNode, type Run } from '../cli/run.js'

const SCRIPT = fileURLToPath(new URL('../../dist/tools/validate.js', import.meta.url))
const TABLES = ['1', '2a', '2b', '3', '4', '5']

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
    const cells = (l: string) => l.slice(2, -2).split(/(?<!\\)\|/).map((c) => c.trim())
    out.set(id, { head: cells(lines[0]), rows: lines.slice(2).map(cells) })
  }
  return out
}

let dir: string
beforeAll(() => {
  requireBuild()
  if (!existsSync(SCRIPT)) throw new Error(`${SCRIPT} is missing: run \`npm run build\` before these tests`)
  dir = mkdtempSync(join(tmpdir(), 'flowgm-validate-'))
})
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }) })

describe('validate --quick', () => {
  it('writes every table with rows, all passing, no NaN or Infinity, and exits 0', async () => {
    const out = join(dir, 'validation.md')
    const r = await runValidate(['--quick', '--out', out])
    expect(r.code, show(r)).toBe(0)
    const doc = readFileSync(out, 'utf8')
    expect(doc).toMatch(/^# flowgm validation\n/)
    expect(doc).toContain('npm run validate')
    expect(doc).toMatch(/do not edit by hand/i)
    expect(doc).toMatch(/\| flowgm version \| +\d+\.\d+\.\d+/)
    expect(doc).toMatch(/\| date +\| +\d{4}-\d\d-\d\dT/)
    expect(doc).toMatch(/\| run time +\| +\d+\.\d s/)
    expect(doc).toMatch(/\| result +\| +all \d+ checks pass/)
    expect(doc).not.toMatch(/NaN|Infinity/)
    expect(doc).not.toContain('FAIL')
    const found = sections(doc)
    for (const id of TABLES) {
      const t = found.get(id)
      expect(t, `table ${id}`).toBeDefined()
      expect(t!.head.at(-1), `table ${id}`).toBe('ok')
      expect(t!.rows.length, `table ${id} has rows`).toBeGreaterThan(0)
      for (const cells of t!.rows) {
        expect(cells, `table ${id}`).toHaveLength(t!.head.length)
        expect(cells.at(-1), `table ${id}: ${cells.join(' | ')}`).toBe('pass')
      }
    }
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
    expect(markdownTable(t.head, t.rows.map((x) => x.cells))).toContain('**FAIL**')
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
