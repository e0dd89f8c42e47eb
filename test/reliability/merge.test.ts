// merge trusts nothing in a shard it can check (issue 15, class 6): each row's coordinates are
// recomputed from the header's grid and the row index, each cell must be what a sweep writes (a
// finite JSON number, or under --digits a decimal string), each line exactly as flowgm wrote it;
// --out may not be one of the inputs, however spelt. The reference for an untampered merge is
// the unsharded sweep (docs/cli.md: "the merged output is byte for byte what the unsharded
// command prints"); a tampered one must be refused as `flowgm: FILE: rule` (or `--out: ...`).
import { symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireBuild } from '../cli/run.js'
import { Runner, showArgv, type Outcome } from '../fuzz/harness.js'

const runner = new Runner()
afterAll(() => runner.close())

const SEED = 20261206

/** A sweep, cut into shards: the shard files' texts and the unsharded output in csv. */
interface Fixture {
  readonly args: readonly string[]
  readonly shards: readonly string[]
  readonly whole: string
}

const SWEEPS: ReadonlyArray<readonly string[]> = [
  ['compare', '--n', '2,4,8', '--sigma', '0.5,1'],
  ['compare', '--n-range', '2:40:log:5', '--lambda-range', '0:0.5:lin:2'],
  ['dae-compare', '--n', '2,4', '--t-range', '0:1:lin:3'],
  ['curves', '--points', '7'],
  ['compare', '--n', '2,4', '--digits', '5'],
]
const K = 3
const fixtures: Fixture[] = []

beforeAll(async () => {
  requireBuild()
  for (const args of SWEEPS) {
    const shards: string[] = []
    for (let k = 1; k <= K; k++) {
      const o = await runner.run([...args, '--shard', `${k}/${K}`, '--format', 'jsonl', '--out', 's.jsonl'])
      expect(o.code, o.stderr).toBe(0)
      shards.push(o.files['s.jsonl'])
    }
    const whole = await runner.run([...args, '--format', 'csv'])
    expect(whole.code, whole.stderr).toBe(0)
    fixtures.push({ args, shards, whole: whole.stdout })
  }
}, 120_000)

/** Write the shard texts into the runner's directory as s1.jsonl, s2.jsonl, ... */
function place(texts: readonly string[]): string[] {
  return texts.map((t, j) => {
    writeFileSync(join(runner.dir, `s${j + 1}.jsonl`), t)
    return `s${j + 1}.jsonl`
  })
}

/** Why a refusal is not right: exit 2, one line naming `names` (a file, or --out), inputs intact. */
function misjudged(o: Outcome, texts: readonly string[], names: readonly RegExp[]): string | undefined {
  if (o.code !== 2) return `exit ${o.code} (${o.stderr.trim().slice(0, 120)})`
  const lines = o.stderr.split('\n')
  if (lines.length !== 2 || o.stdout !== '') return `not one line on stderr: ${o.stderr.slice(0, 200)}`
  if (!names.some((n) => n.test(lines[0]))) return `the line names neither the file nor --out: ${lines[0]}`
  const changed = texts.findIndex((t, j) => o.files[`s${j + 1}.jsonl`] !== Buffer.from(t).toString('latin1'))
  return changed >= 0 ? `input s${changed + 1}.jsonl changed` : undefined
}

describe('regressions', () => {
  const refusedWith = async (texts: readonly string[], extra: readonly string[], expected: string) => {
    const o = await runner.run(['merge', ...place(texts), ...extra])
    expect(o.code, o.stderr).toBe(2)
    expect(o.stderr).toBe(`flowgm: ${expected}\n`)
  }
  const rowLine = (text: string, i: number) => text.split('\n').findIndex((l) => l.startsWith(`{"i":${i},`))

  it('a row whose n was edited is refused with the grid point it should be', async () => {
    // compare --n 2,4,8 --sigma 0.5,1: row 4 is sigma = 1, n = 4 (the last axis fastest); shard 2/3 holds rows 1 and 4.
    const [a, b, c] = fixtures[0].shards
    const edited = b.replace('{"i":4,"sigma":1,"n":4,', '{"i":4,"sigma":1,"n":5,')
    expect(edited).not.toBe(b)
    await refusedWith([a, edited, c], [], `s2.jsonl: line ${rowLine(b, 4) + 1}: n = 5 is not point i = 4 of the grid (n = 4)`)
  })

  it('a value stringified, null, an object or 1e999 is refused', async () => {
    const [a, b, c] = fixtures[0].shards
    const line = rowLine(a, 0) + 1
    for (const [value, rule] of [
      ['"0.5"', 'mse = "0.5" is not a finite number'],
      ['null', 'mse = null is not a finite number'],
      ['{"x":1}', 'mse = {"x":1} is not a finite number'],
      ['1e999', 'mse overflows double precision'],
    ]) {
      await refusedWith([a.replace(/"mse":[^,]*/, `"mse":${value}`), b, c], [], `s1.jsonl: line ${line} (row 0): ${rule}`)
    }
  })

  it('under --digits a number where a decimal string belongs is refused', async () => {
    const [a, b, c] = fixtures[4].shards
    await refusedWith([a.replace(/"mse":"[^"]*"/, '"mse":0.5'), b, c], [], `s1.jsonl: line ${rowLine(a, 0) + 1} (row 0): mse = 0.5 is not a decimal string`)
  })

  it('--out naming an input, as written, spelt ./ or through a symlink, is refused and the input kept', async () => {
    const shards = fixtures[0].shards
    for (const out of ['s1.jsonl', './s2.jsonl', 'link.jsonl']) {
      const files = place(shards)
      if (out === 'link.jsonl') symlinkSync('s3.jsonl', join(runner.dir, 'link.jsonl'))
      const o = await runner.run(['merge', ...files, '--out', out])
      const input = out === 'link.jsonl' ? 's3.jsonl' : out.replace('./', '')
      expect(o.stderr).toBe(`flowgm: --out: is one of the input files (${input})\n`)
      expect(misjudged(o, shards, [/^flowgm: --out: /])).toBeUndefined()
    }
  })

  it('one file given twice under two spellings is refused', async () => {
    const [a] = place(fixtures[0].shards)
    const o = await runner.run(['merge', a, `./${a}`])
    expect(o.stderr).toBe(`flowgm: ./${a}: is the same file as ${a}\n`)
  })
})

/** One tampering of a shard set: the texts after it, extra merge flags, and who must be named. */
interface Tampered {
  readonly texts: string[]
  readonly extra: string[]
  readonly names: RegExp[]
  readonly what: string
}

const file = (j: number) => new RegExp(`^flowgm: s${j + 1}\\.jsonl: `)

/** Rows (not the header) of a shard text, as [line index, parsed row]. */
const rowsOf = (text: string) =>
  text
    .split('\n')
    .map((l, n) => [n, l] as const)
    .filter(([n, l]) => n > 0 && l !== '')
    .map(([n, l]) => [n, JSON.parse(l) as Record<string, unknown>] as const)

function tamper(shards: readonly string[], kind: number, pick: number, variant: number): Tampered | undefined {
  const j = pick % shards.length
  const lines = shards[j].split('\n')
  const rows = rowsOf(shards[j])
  if (!rows.length) return undefined
  const [n, row] = rows[pick % rows.length]
  const texts = shards.slice()
  const keys = Object.keys(row).filter((k) => k !== 'i')
  const set = (k: string, v: unknown) => {
    lines[n] = JSON.stringify({ ...row, [k]: v })
    texts[j] = lines.join('\n')
  }
  switch (kind % 6) {
    case 0: {
      // edit a coordinate: the grid columns are the first keys (n, t, swept parameters)
      const k = keys.find((x) => ['n', 't', 'sigma', 'lambda', 'omega'].includes(x))
      if (k === undefined) return undefined
      const v = row[k]
      set(k, typeof v === 'number' ? [v + 1, v * 2 + 0.5, -v, v + 1e-9][variant % 4] : `${v}1`)
      return { texts, extra: [], names: [file(j)], what: `s${j + 1} line ${n + 1}: ${k} edited` }
    }
    case 1: {
      // a value in a form no sweep writes
      const k = keys[variant % keys.length]
      const v = row[k]
      const forms: unknown[] = typeof v === 'number' ? [String(v), null, { v }, [v], true, 'NaN'] : [Number(v), null, { v }, 'abc', '0x10', 'Infinity']
      set(k, forms[variant % forms.length])
      return { texts, extra: [], names: [file(j)], what: `s${j + 1} line ${n + 1}: ${k} as ${JSON.stringify(forms[variant % forms.length])}` }
    }
    case 2: {
      // two rows of one file swapped
      if (rows.length < 2) return undefined
      const [m] = rows[(pick + 1) % rows.length]
      if (m === n) return undefined
      ;[lines[n], lines[m]] = [lines[m], lines[n]]
      texts[j] = lines.join('\n')
      return { texts, extra: [], names: [file(j)], what: `s${j + 1}: lines ${n + 1} and ${m + 1} swapped` }
    }
    case 3: {
      // a row duplicated, in its own file or in another shard
      const other = variant % 2 === 0 ? j : (j + 1) % shards.length
      const target = texts[other].split('\n')
      target.splice(variant % 3 === 0 ? 1 : target.length - 1, 0, lines[n])
      texts[other] = target.join('\n')
      return { texts, extra: [], names: [file(j), file(other)], what: `s${j + 1} line ${n + 1} copied into s${other + 1}` }
    }
    case 4: {
      // the same number in another spelling (a trailing zero, an exponent): not what flowgm wrote
      const k = keys.find((x) => typeof row[x] === 'number' && !Number.isInteger(row[x]) && !JSON.stringify(row[x]).includes('e'))
      if (k === undefined) return undefined
      lines[n] = lines[n].replace(`"${k}":${JSON.stringify(row[k])}`, `"${k}":${JSON.stringify(row[k])}${['0', 'e0', 'E+0'][variant % 3]}`)
      texts[j] = lines.join('\n')
      return { texts, extra: [], names: [file(j)], what: `s${j + 1} line ${n + 1}: ${k} respelt` }
    }
    default: // --out one of the inputs
      return { texts, extra: ['--out', [`s${j + 1}.jsonl`, `./s${j + 1}.jsonl`][variant % 2]], names: [/^flowgm: --out: is one of the input files /], what: `--out s${j + 1}` }
  }
}

describe('property: tampered shard sets are refused, untampered ones merge to the unsharded sweep', () => {
  it("random tamperings of five sweeps' shards", async () => {
    const failures: string[] = []
    let judged = 0
    await fc.assert(
      fc.asyncProperty(fc.nat(SWEEPS.length - 1), fc.nat(5), fc.nat(1000), fc.nat(1000), async (s, kind, pick, variant) => {
        const fixture = fixtures[s]
        const t = tamper(fixture.shards, kind, pick, variant)
        if (t === undefined) return
        judged++
        const o = await runner.run(['merge', ...place(t.texts), '--format', 'csv', ...t.extra])
        const why = misjudged(o, t.texts, t.names)
        if (why !== undefined) failures.push(`${showArgv(fixture.args)}, ${t.what}: ${why}`)
      }),
      { seed: SEED, numRuns: 150 },
    )
    expect(judged).toBeGreaterThan(100)
    expect(failures.slice(0, 10).join('\n')).toBe('')
  }, 120_000)

  it('untampered, in any file order, the merge is the unsharded sweep byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(SWEEPS.length - 1), fc.constantFrom([0, 1, 2], [2, 1, 0], [1, 2, 0]), async (s, order) => {
        const fixture = fixtures[s]
        const o = await runner.run(['merge', ...place(order.map((k) => fixture.shards[k])), '--format', 'csv'])
        expect(o.stderr).toBe('')
        expect(o.stdout).toBe(fixture.whole)
      }),
      { seed: SEED, numRuns: 15 },
    )
  }, 60_000)
})
