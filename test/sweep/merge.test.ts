// mergeFiles in-process (so that mutation testing sees src/sweep/merge.ts): K JSONL shards merge
// to exactly the bytes the unsharded sweep writes, in every format and in any file order (the
// reference is runSweep over the whole grid: docs/cli.md promises "the merged output is byte for
// byte what the unsharded command prints"); and every rule merge enforces refuses with its own
// message, naming the file (a ParameterError, exit 2 from the CLI). The expected messages are
// written out from merge's rules, with line numbers and row indices counted by hand from the
// grid (row i of shard k/K is i with i mod K = k - 1, the last axis fastest).
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { ParameterError } from '../../src/errors.js'
import { mergeFiles } from '../../src/sweep/merge.js'
import { TABLE_FORMATS } from '../../src/sweep/writers.js'
import { scratch, sweepFile, type Flags, once } from './sweep-files.js'

const tmp = scratch()
afterAll(() => tmp.remove())

const SWEEPS: Readonly<Record<string, Flags>> = {
  // 6 rows: (sigma, n) = (0.5, 2), (0.5, 4), (0.5, 8), (1, 2), (1, 4), (1, 8).
  compare: { command: 'compare', args: { n: '2,4,8', sigma: '0.5,1' } },
  daeCompare: { command: 'dae-compare', args: { n: '2,4', 't-range': '0:1:lin:3' } },
  // n from a log range of 5 points, rounded to integers: merge must round them as the sweep did.
  ranges: { command: 'compare', args: { 'n-range': '2:40:log:5', 'lambda-range': '0:0.5:lin:2' } },
  curves: { command: 'curves', args: { points: '7' } },
  // Without skip connection kl and kl_reverse are null at t = 1, with a note (a string) in every row.
  curvesNoSkip: { command: 'curves', args: { points: '4', skip: false } },
  // 2 rows in 3 shards: shard 3/3 holds none.
  digits: { command: 'compare', args: { n: '2,4', digits: '5' } },
}
const K = 3

/** Each sweep's shard files s1..sK.jsonl (in a directory of its own) and texts. */
const shards: Record<string, { files: string[]; texts: string[] }> = {}

beforeEach(
  once(async () => {
    for (const [name, flags] of Object.entries(SWEEPS)) {
      mkdirSync(tmp.path(name))
      const files: string[] = []
      const texts: string[] = []
      for (let k = 1; k <= K; k++) {
        const file = tmp.path(`${name}/s${k}.jsonl`)
        texts.push(await sweepFile(flags, file, { shard: { k, K } }))
        files.push(file)
      }
      shards[name] = { files, texts }
    }
  }),
)

let serial = 0
/** Files holding `texts` (a fresh name each: a refusal test never sees another's files). */
function place(texts: readonly string[]): string[] {
  serial++
  return texts.map((t, j) => {
    const file = tmp.path(`m${serial}-${j + 1}.jsonl`)
    writeFileSync(file, t)
    return file
  })
}

/** mergeFiles(files) must refuse with exactly `message`, writing nothing to `out`. */
async function refused(files: readonly string[], message: string, out = tmp.path(`never-${serial}.csv`)): Promise<void> {
  const inputs = files.map((f) => {
    try {
      return readFileSync(f, 'utf8')
    } catch {
      return undefined
    }
  })
  const e = await mergeFiles(files, { format: 'csv', out }).then(
    () => undefined,
    (x: unknown) => x,
  )
  expect(e).toBeInstanceOf(ParameterError)
  expect((e as Error).message).toBe(message)
  expect(
    files.map((f) => {
      try {
        return readFileSync(f, 'utf8')
      } catch {
        return undefined
      }
    }),
  ).toEqual(inputs)
}

/** A shard's text with line `n` (1: the header) replaced by `edit` of its JSON. */
function editLine(text: string, n: number, edit: (r: Record<string, unknown>) => unknown): string {
  const lines = text.split('\n')
  lines[n - 1] = JSON.stringify(edit(JSON.parse(lines[n - 1]) as Record<string, unknown>))
  return lines.join('\n')
}
const lineOf = (text: string, n: number): string => text.split('\n')[n - 1]

describe('merged shards are byte for byte the unsharded sweep', () => {
  for (const name of Object.keys(SWEEPS)) {
    it(`${name}: every format, files in grid order and reversed`, async () => {
      for (const format of TABLE_FORMATS) {
        const whole = await sweepFile(SWEEPS[name], tmp.path(`${name}/whole.${format}`), { format })
        const merged = tmp.path(`${name}/merged.${format}`)
        await mergeFiles(shards[name].files, { format, out: merged })
        expect(readFileSync(merged, 'utf8'), `${name} ${format}`).toBe(whole)
        await mergeFiles(shards[name].files.slice().reverse(), { format, out: merged })
        expect(readFileSync(merged, 'utf8'), `${name} ${format} reversed`).toBe(whole)
      }
    })
  }

  it('a single unsharded file merges to itself', async () => {
    const whole = await sweepFile(SWEEPS.compare, tmp.path('compare/one.jsonl'))
    const merged = tmp.path('compare/one-merged.jsonl')
    await mergeFiles([tmp.path('compare/one.jsonl')], { format: 'jsonl', out: merged })
    expect(readFileSync(merged, 'utf8')).toBe(whole)
  })
})

describe('files merge refuses', () => {
  it('a missing file, a directory, a file given twice or under another name', async () => {
    const [a, b, c] = shards.compare.files
    await refused([a, tmp.path('absent.jsonl')], `${tmp.path('absent.jsonl')}: cannot be read (no such file or no permission)`)
    await refused([a, tmp.dir], `${tmp.dir}: is a directory, not a JSONL file`)
    await refused([a, b, a], `${a}: given twice`)
    const link = tmp.path('link-to-s1.jsonl')
    symlinkSync(a, link)
    await refused([a, b, c, link], `${link}: is the same file as ${a}`)
  })

  it('--out naming one of the inputs, however spelt', async () => {
    const [a, b, c] = shards.compare.files
    await refused([a, b, c], `out: is one of the input files (${b})`, b)
    const link = tmp.path('link-to-s3.jsonl')
    symlinkSync(c, link)
    await refused([a, b, c], `out: is one of the input files (${c})`, link)
  })

  it('a file that is not a sweep: empty, not JSON, JSON that is not a header', async () => {
    const [a] = shards.compare.texts
    const [f, empty, text, json, noShard] = place([a, '', 'mse,cos\n', '{"flowgm":"1"}\n', a.replace('"shard":"1/3",', '')])
    await refused([f, empty], `${empty}: is empty (not a flowgm sweep)`)
    await refused([f, text], `${text}: is not a flowgm sweep (its first line is not JSON; write sweeps with --format jsonl)`)
    await refused([f, json], `${json}: is not a flowgm sweep (its first line is not a sweep header; write sweeps with --format jsonl)`)
    await refused([f, noShard], `${noShard}: is not a flowgm sweep (its first line is not a sweep header; write sweeps with --format jsonl)`)
  })

  it('a header missing a field, or with one of the wrong type', async () => {
    const [a] = shards.compare.texts
    const header = JSON.parse(lineOf(a, 1)) as Record<string, unknown>
    const faults: Array<Record<string, unknown>> = [
      ...['flowgm', 'sweep', 'id', 'rows', 'keys', 'axes', 'params', 'caption', 'shard'].map((k) => ({ [k]: undefined })),
      { flowgm: 1 },
      { sweep: null },
      { id: 7 },
      { rows: -1 },
      { rows: 1.5 },
      { rows: '6' },
      { rows: 2 ** 31 },
      { keys: 'n' },
      { keys: ['n', 1] },
      { axes: 'n' },
      { params: 1 },
      { caption: 0 },
      { shard: '1/3x' },
      { shard: 'a/3' },
      { shard: 13 },
    ]
    for (const fault of faults) {
      const [f] = place([[JSON.stringify({ ...header, ...fault }), ...a.split('\n').slice(1)].join('\n')])
      await refused([f], `${f}: is not a flowgm sweep (its first line is not a sweep header; write sweeps with --format jsonl)`)
    }
    const [nul] = place(['null\n'])
    await refused([nul], `${nul}: is not a flowgm sweep (its first line is not a sweep header; write sweeps with --format jsonl)`)
  })

  it('a header whose precision, axes or row count is not a sweep', async () => {
    const [a] = shards.compare.texts
    const [digits] = place([editLine(a, 1, (h) => ({ ...h, params: { ...(h.params as object), digits: 0 } }))])
    await refused([digits], `${digits}: header: digits = 0 is not a precision`)
    const [rows] = place([editLine(a, 1, (h) => ({ ...h, rows: 7 }))])
    await refused([rows], `${rows}: header: its axes make a grid of 6 rows, not rows = 7`)
    const [axis] = place([editLine(a, 1, (h) => ({ ...h, axes: { ...(h.axes as object), n: 7 } }))])
    await refused([axis], `${axis}: header: axis n: axis 7 is not a grid`)
    // The rules of the axes are grid.ts's (readAxis), the flag named without -range.
    const [range] = place([editLine(a, 1, (h) => ({ ...h, axes: { ...(h.axes as object), n: '40:2:log' } }))])
    await refused([range], `${range}: header: axis n: is empty: START 40 exceeds STOP 2`)
    const [half] = place([editLine(a, 1, (h) => ({ ...h, axes: { ...(h.axes as object), n: '2.5' } }))])
    await refused([half], `${half}: header: axis n: must be a number (got 2.5)`)
    const [fraction] = place([editLine(a, 1, (h) => ({ ...h, params: { ...(h.params as object), digits: 1.5 } }))])
    await refused([fraction], `${fraction}: header: digits = 1.5 is not a precision`)
    // digits = 1 is a precision: the double-precision cells (numbers) are then refused.
    const [one] = place([editLine(a, 1, (h) => ({ ...h, params: { ...(h.params as object), digits: 1 } }))])
    await refused([one], `${one}: line 2 (row 0): sigma = 0.5 is not a decimal string`)
  })

  it('shards of different sweeps, naming the first field that differs', async () => {
    const [a] = shards.compare.files
    const other = shards.daeCompare.files[1]
    const id = (f: string) => JSON.stringify((JSON.parse(lineOf(readFileSync(f, 'utf8'), 1)) as { id: string }).id)
    // Both are flowgm sweeps of 6 rows; the first of flowgm, sweep, id, ... that differs is sweep.
    await refused([a, other], `${other}: is from a different sweep than ${a} (sweep: "dae-compare" vs "compare")`)
    // Same command, other grid of the same size: the id (a digest of the grid) differs first.
    const sameCommand = await sweepFile({ command: 'compare', args: { n: '2,4,16', sigma: '0.5,1' } }, tmp.path('compare/other.jsonl'), { shard: { k: 2, K } })
    const [b] = place([sameCommand])
    await refused([a, b], `${b}: is from a different sweep than ${a} (id: ${id(b)} vs ${id(a)})`)
  })

  it('shards whose headers differ in a field the id does not cover, a long value cut to 60 characters', async () => {
    const [a, b, c] = shards.compare.texts
    const [a1, c1] = place([a, c])
    const original = JSON.parse(lineOf(b, 1)) as Record<string, unknown>
    // A value as the message shows it: its JSON, cut to 57 characters and "..." beyond 60.
    const shown = (v: unknown) => {
      const j = JSON.stringify(v)
      return j.length > 60 ? `${j.slice(0, 57)}...` : j
    }
    const forged: Array<[string, unknown]> = [
      ['flowgm', '0.0.0'],
      ['keys', [...(original.keys as string[]), 'extra']],
      ['params', { schedule: 'cosine' }],
      ['caption', 'x'],
    ]
    for (const [field, value] of forged) {
      const [f] = place([editLine(b, 1, (h) => ({ ...h, [field]: value }))])
      await refused([a1, f, c1], `${f}: is from a different sweep than ${a1} (${field}: ${shown(value)} vs ${shown(original[field])})`)
    }
    expect(shown(original.caption)).toMatch(/^".{56}\.\.\.$/)
  })

  it('rows out of grid order, repeated, of another shard or beyond the grid', async () => {
    // compare, shard 1/3 holds rows 0 and 3 (lines 2, 3); shard 2/3 rows 1 and 4.
    const [a, b, c] = shards.compare.texts
    const [l1, l2, l3] = a.split('\n')
    const [swapped, b1, c1] = place([[l1, l3, l2, ''].join('\n'), b, c])
    await refused([swapped, b1, c1], `${swapped}: line 3: row 0 after row 3 (rows must come in grid order)`)
    const [repeated] = place([[l1, l2, l2, l3, ''].join('\n')])
    await refused([repeated, b1, c1], `${repeated}: line 3: row 0 after row 0 (rows must come in grid order)`)
    const [foreign] = place([[l1, l2, lineOf(b, 3), ''].join('\n')])
    await refused([foreign, b1, c1], `${foreign}: line 3: row 4 does not belong to shard 1/3 of a 6-row sweep`)
    // Row 6 would be shard 1/3's next (6 mod 3 = 0), but the grid has rows 0..5.
    const [beyond] = place([a + JSON.stringify({ ...(JSON.parse(l3) as object), i: 6 }) + '\n'])
    await refused([beyond, b1, c1], `${beyond}: line 4: row 6 does not belong to shard 1/3 of a 6-row sweep`)
  })

  it('two files holding the same row', async () => {
    const [a, b, c] = shards.compare.files
    const [copy] = place([shards.compare.texts[1]])
    await refused([a, b, c, copy], `${copy}: overlaps ${b}: both hold row 1`)
  })

  it('missing rows: the shards not given, or a shard file cut short', async () => {
    const [a, b, c] = shards.compare.files
    await refused([a, c], `${a} ${c}: 2 of 6 rows missing (i = 1, 4); shard 2/3 not given`)
    await refused([b], `${b}: 4 of 6 rows missing (i = 0, 2, 3, 5); shards 1/3, 3/3 not given`)
    // Shard 2/3 without its last row (4).
    const [cut] = place([shards.compare.texts[1].split('\n').slice(0, 2).join('\n') + '\n'])
    await refused([a, cut, c], `${a} ${cut} ${c}: 1 of 6 rows missing (i = 4); a shard file is incomplete`)
    // Shards of different K, 1/2 (rows 0, 2, 4) and 2/4 (rows 1, 5): no shard can be named.
    const half = await sweepFile(SWEEPS.compare, tmp.path('compare/half.jsonl'), { shard: { k: 1, K: 2 } })
    const quarter = await sweepFile(SWEEPS.compare, tmp.path('compare/quarter.jsonl'), { shard: { k: 2, K: 4 } })
    const [h, q] = place([half, quarter])
    await refused([h, q], `${h} ${q}: 1 of 6 rows missing (i = 3)`)
    // Exactly five missing: all shown.
    const sixth = await sweepFile(SWEEPS.compare, tmp.path('compare/sixth.jsonl'), { shard: { k: 1, K: 6 } })
    const [x] = place([sixth])
    await refused([x], `${x}: 5 of 6 rows missing (i = 1, 2, 3, 4, 5); shards 2/6, 3/6, 4/6, 5/6, 6/6 not given`)
    // --digits sweep of 2 rows in 3 shards: 3/3 holds no row, so only 2/3 is wanted.
    await refused([shards.digits.files[0]], `${shards.digits.files[0]}: 1 of 2 rows missing (i = 1); shard 2/3 not given`)
    // More than five missing: the first five, then "...".
    const big = await sweepFile({ command: 'compare', args: { n: '2,3,4,5,6,7,8,9,10,11,12,13' } }, tmp.path('compare/big.jsonl'), { shard: { k: 1, K: 2 } })
    const [g] = place([big])
    await refused([g], `${g}: 6 of 12 rows missing (i = 1, 3, 5, 7, 9, ...); shard 2/2 not given`)
  })

  it('a line cut short, without its index, or with keys other than the header lists', async () => {
    const [a, b, c] = shards.compare.texts
    const [b1, c1] = place([b, c])
    const row = lineOf(a, 3)
    const check = async (line3: string, rule: string) => {
      const [f] = place([[lineOf(a, 1), lineOf(a, 2), line3, ''].join('\n')])
      await refused([f, b1, c1], `${f}: ${rule}`)
    }
    await check(row.slice(0, 40), 'line 3 is not JSON (a file cut short? rerun that shard)')
    const { i: _, ...noIndex } = JSON.parse(row) as Record<string, unknown>
    await check(JSON.stringify(noIndex), 'line 3 has no row index i')
    await check(JSON.stringify({ ...(JSON.parse(row) as object), i: 1.5 }), 'line 3 has no row index i')
    const { mse: __, ...noMse } = JSON.parse(row) as Record<string, unknown>
    await check(JSON.stringify(noMse), 'line 3 (row 3) has no value for mse')
    await check(JSON.stringify({ ...(JSON.parse(row) as object), extra: 1 }), 'line 3 (row 3) has a key the header does not list ("extra")')
  })

  it('cells that are not what a sweep writes, in double precision and under --digits', async () => {
    const [a, b, c] = shards.compare.texts
    const [b1, c1] = place([b, c])
    const cell = async (edit: (r: Record<string, unknown>) => unknown, rule: string, texts = [a], rest = [b1, c1]) => {
      const [f] = place([editLine(texts[0], 3, edit)])
      await refused([f, ...rest], `${f}: ${rule}`)
    }
    await cell((r) => ({ ...r, mse: 'x' }), 'line 3 (row 3): mse = "x" is not a finite number')
    await cell((r) => ({ ...r, cos: null }), 'line 3 (row 3): cos = null is not a finite number')
    await cell((r) => ({ ...r, cos: '0.5' }), 'line 3 (row 3): cos = "0.5" is not a finite number')
    // 1e999 parses as Infinity; JSON.stringify would write null, so the text is edited directly.
    const [inf] = place([a.replace(/("i":3,[^\n]*"mse":)[^,]+/, '$11e999')])
    await refused([inf, b1, c1], `${inf}: line 3 (row 3): mse overflows double precision`)
    // --digits 5, 2 rows in 3 shards: shard 1/3 holds row 0 only (line 2); its cells are strings.
    const d = shards.digits.texts
    const [d2, d3] = place([d[1], d[2]])
    const [num] = place([editLine(d[0], 2, (r) => ({ ...r, mse: Number(r.mse) }))])
    await refused([num, d2, d3], `${num}: line 2 (row 0): mse = ${JSON.stringify(Number(JSON.parse(lineOf(d[0], 2)).mse))} is not a decimal string`)
    const [word] = place([editLine(d[0], 2, (r) => ({ ...r, cos: 'one' }))])
    await refused([word, d2, d3], `${word}: line 2 (row 0): cos = "one" is not a decimal string`)
    // digits_verified is a count even under --digits.
    const [count] = place([editLine(d[0], 2, (r) => ({ ...r, digits_verified: String(r.digits_verified) }))])
    const verified = JSON.stringify(String(JSON.parse(lineOf(d[0], 2)).digits_verified))
    await refused([count, d2, d3], `${count}: line 2 (row 0): digits_verified = ${verified} is not a finite number`) // A sweep with a note column (curves --no-skip, 4 points in 3 shards: shard 1/3 holds rows 0
    // and 3, lines 2 and 3): its cells may be null, its note a string or null, never anything else.
    const n = shards.curvesNoSkip.texts
    const [n2, n3] = place([n[1], n[2]])
    await cell((r) => ({ ...r, note: 5 }), 'line 3 (row 3): note = 5 is not a note', [n[0]], [n2, n3])
    await cell((r) => ({ ...r, mse: 'x' }), 'line 3 (row 3): mse = "x" is not a finite number', [n[0]], [n2, n3])
  })

  it('grid coordinates other than the row index gives', async () => {
    // Row 3 is (sigma, n) = (1, 2).
    const [a, b, c] = shards.compare.texts
    const [b1, c1] = place([b, c])
    const [n] = place([editLine(a, 3, (r) => ({ ...r, n: 4 }))])
    await refused([n, b1, c1], `${n}: line 3: n = 4 is not point i = 3 of the grid (n = 2)`)
    const [sigma] = place([editLine(a, 3, (r) => ({ ...r, sigma: 0.5 }))])
    await refused([sigma, b1, c1], `${sigma}: line 3: sigma = 0.5 is not point i = 3 of the grid (sigma = 1)`)
    // dae-compare, t-range 0:1:lin:3: row 1 (shard 2/3, line 2) is (n, t) = (2, 0.5).
    const e = shards.daeCompare.texts
    const [e1, e3] = place([e[0], e[2]])
    const [t] = place([editLine(e[1], 2, (r) => ({ ...r, t: 0.25 }))])
    await refused([e1, t, e3], `${t}: line 2: t = 0.25 is not point i = 1 of the grid (t = 0.5)`)
  })

  it('a line not as flowgm wrote it: spaces, a number spelt otherwise', async () => {
    const [a, b, c] = shards.compare.texts
    const [b1, c1] = place([b, c])
    const row = lineOf(a, 3)
    // Keys in another order are not refused: the merge writes each row by the header's keys.
    const mse = String((JSON.parse(row) as { mse: number }).mse)
    const edits = [row.replace(/,/g, ', '), row.replace('"n":2,', '"n":2.0,'), row.replace(`"mse":${mse},`, `"mse":${mse}0,`)]
    for (const line of edits) {
      expect(line).not.toBe(row)
      const [f] = place([[lineOf(a, 1), lineOf(a, 2), line, ''].join('\n')])
      await refused([f, b1, c1], `${f}: line 3 (row 3) is not as flowgm wrote it (edited?)`)
    }
  })
})

describe('merge without --out', () => {
  it('prints the unsharded table on standard output', async () => {
    const whole = await sweepFile(SWEEPS.compare, tmp.path('compare/stdout-reference.csv'), { format: 'csv' })
    const printed: string[] = []
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((data) => {
      printed.push(String(data))
      return true
    })
    try {
      await mergeFiles(shards.compare.files, { format: 'csv' })
    } finally {
      write.mockRestore()
    }
    expect(printed.join('')).toBe(whole)
  })
})

describe('merge writes --out whole', () => {
  it('replaces an existing file and writes to an unused name alike', async () => {
    const out = tmp.path('compare/replaced.csv')
    writeFileSync(out, 'old\n')
    const whole = await sweepFile(SWEEPS.compare, tmp.path('compare/whole-again.csv'), { format: 'csv' })
    await mergeFiles(shards.compare.files, { format: 'csv', out })
    expect(readFileSync(out, 'utf8')).toBe(whole)
  })
})
