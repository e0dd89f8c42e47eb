// runSweep(..., { resume: true }) in-process (so that mutation testing sees the resume code of
// src/sweep/run.ts and openPartial of src/sweep/sink.ts): a FILE.partial cut anywhere (in the
// header, mid-row, on a chunk boundary, past it) completes to exactly the bytes an uninterrupted
// run writes (the reference: runSweep without --resume, as docs/cli.md promises "byte for byte");
// the rows of whole chunks are kept as they are and those of an unfinished chunk recomputed; and
// every refusal gives its own message and leaves the files as they were. Chunks hold 512 rows in
// double precision (run.ts chunkSize); byte offsets and line numbers are counted from the
// reference file itself.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { ParameterError } from '../../src/errors.js'
import type { Shard } from '../../src/sweep/grid.js'
import { scratch, sweepFile, type Flags, once } from './sweep-files.js'

const tmp = scratch()
afterAll(() => tmp.remove())

/** 1299 rows: chunks of 512, 512 and 275. */
const LONG: Flags = { command: 'compare', args: { 'n-range': '2:1300:lin' } }
/** 5 rows, for the refusals. */
const SMALL: Flags = { command: 'compare', args: { n: '2,4,8,16,32' } }
const CHUNK = 512

let serial = 0
/** A fresh --out name in the scratch directory. */
const fresh = (): string => tmp.path(`out${++serial}.jsonl`)

let long: Buffer
let small: string
beforeEach(
  once(async () => {
    long = Buffer.from(await sweepFile(LONG, tmp.path('long.jsonl')))
    small = await sweepFile(SMALL, tmp.path('small.jsonl'))
  }),
)

/** The byte offset just after line `n` (1: the header) of a file. */
function lineEnd(text: Buffer, n: number): number {
  let at = 0
  for (let j = 0; j < n; j++) at = text.indexOf(10, at) + 1
  return at
}

/** Resume from a partial file holding `kept`; the completed file's text (the partial is gone). */
async function resumed(flags: Flags, kept: Buffer | string, shard?: Shard): Promise<string> {
  const out = fresh()
  writeFileSync(`${out}.partial`, kept)
  const text = await sweepFile(flags, out, { resume: true, shard })
  expect(existsSync(`${out}.partial`)).toBe(false)
  return text
}

describe('a partial file completes to the uninterrupted run, byte for byte', () => {
  it('cut anywhere: empty, in the header, mid-row, on and past chunk boundaries, complete', async () => {
    const header = lineEnd(long, 1)
    const row = (r: number) => lineEnd(long, r + 1)
    const cuts = [0, 10, header - 1, header, header + 10, row(300), row(CHUNK) - 1, row(CHUNK), row(CHUNK) + 7, row(700), row(2 * CHUNK), row(1298), long.length - 1, long.length]
    for (const cut of cuts) expect(await resumed(LONG, long.subarray(0, cut)), `cut at byte ${cut}`).toBe(long.toString('utf8'))
    // Every row, then the start of a line past the last: what is dropped is cut off the file.
    expect(await resumed(LONG, Buffer.concat([long, Buffer.from('{"i":1299,"n":')]))).toBe(long.toString('utf8'))
  })

  it('keeps the rows of whole chunks as they are and recomputes those of an unfinished chunk', async () => {
    // 700 rows kept: rows 0..511 (one whole chunk) stay, rows 512..699 are computed again. Rows
    // 511 and 512 (lines 513 and 514) carry a value the sweep never computes: only 511's stays.
    const lines = long.toString('utf8').split('\n')
    const marked = (line: number) => JSON.stringify({ ...(JSON.parse(lines[line - 1]) as object), mse: 0.125 })
    const edited = lines.slice()
    edited[512] = marked(513)
    edited[513] = marked(514)
    const kept = edited.slice(0, 701).join('\n') + '\n'
    const expected = lines.slice()
    expected[512] = marked(513)
    expect(await resumed(LONG, kept)).toBe(expected.join('\n'))
  })

  it('a shard: its rows are i = k - 1, k - 1 + K, ... (shard 2/2: 649 rows, chunks of 512 and 137)', async () => {
    const shard = { k: 2, K: 2 }
    const whole = Buffer.from(await sweepFile(LONG, tmp.path('long-2of2.jsonl'), { shard }))
    for (const rows of [0, 100, CHUNK, 600, 649]) {
      expect(await resumed(LONG, whole.subarray(0, lineEnd(whole, rows + 1)), shard), `${rows} rows`).toBe(whole.toString('utf8'))
    }
  })

  it('without a partial file: a new run, the reference itself', async () => {
    expect(await sweepFile(SMALL, fresh(), { resume: true })).toBe(small)
  })
})

describe('the partial file is watched only while it is written', () => {
  it('SIGINT and SIGTERM handlers (which report the kept rows) are gone once the file is complete', async () => {
    const listeners = () => [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM'), process.listenerCount('exit')]
    const before = listeners()
    await resumed(SMALL, small.slice(0, 200))
    expect(listeners()).toEqual(before)
  })
})

describe('--resume refuses, leaving the files as they were', () => {
  /** `--resume` with `partial` (and `out`, if given) present must be refused with exactly `message(out)`. */
  async function refused(flags: Flags, files: { partial?: string; out?: string }, message: (out: string, partial: string) => string, o: { shard?: Shard; resume?: boolean } = {}): Promise<void> {
    const out = fresh()
    const partial = `${out}.partial`
    if (files.partial !== undefined) writeFileSync(partial, files.partial)
    if (files.out !== undefined) writeFileSync(out, files.out)
    const e = await sweepFile(flags, out, { resume: o.resume ?? true, shard: o.shard }).then(
      () => undefined,
      (x: unknown) => x,
    )
    expect(e).toBeInstanceOf(ParameterError)
    expect((e as Error).message).toBe(message(out, partial))
    expect(existsSync(partial) ? readFileSync(partial, 'utf8') : undefined).toBe(files.partial)
    expect(existsSync(out) ? readFileSync(out, 'utf8') : undefined).toBe(files.out)
  }
  /** The reference's lines: the header, then rows 0..4 (and '' after the last newline). */
  let head: string
  let rows: string[]
  beforeEach(() => {
    ;[head, ...rows] = small.split('\n')
  })
  const headerOf = (text: string) => JSON.parse(text.split('\n')[0]) as Record<string, unknown>
  const another = (p: string, why: string) => `resume: ${p} is another sweep (${why}); delete it or choose another --out`
  const notSweep = (p: string) => `resume: ${p} is not a flowgm sweep (its first line is not a sweep header); delete it or choose another --out`

  it('a partial file of another sweep, naming the first field that differs', async () => {
    const half = await sweepFile(SMALL, tmp.path('small-1of2.jsonl'), { shard: { k: 1, K: 2 } })
    await refused(SMALL, { partial: half }, (_, p) => another(p, 'shard: "1/2" in the file, "2/2" for this command'), { shard: { k: 2, K: 2 } })
    const dae = await sweepFile({ command: 'dae-compare', args: { n: '2', points: '2' } }, tmp.path('dae.jsonl'))
    await refused(SMALL, { partial: dae }, (_, p) => another(p, 'sweep: "dae-compare" in the file, "compare" for this command'))
    const three = await sweepFile({ command: 'compare', args: { n: '2,4,8' } }, tmp.path('three.jsonl'))
    await refused(SMALL, { partial: three }, (_, p) => another(p, 'rows: 3 in the file, 5 for this command'))
    // Only the id differs: it is checked too.
    const id = JSON.stringify(headerOf(small).id)
    const forged = [JSON.stringify({ ...headerOf(small), id: '0123456789abcdef' }), ...rows].join('\n')
    await refused(SMALL, { partial: forged }, (_, p) => another(p, `id: "0123456789abcdef" in the file, ${id} for this command`))
    // A field missing from the file's header is shown as nothing; a long value cut to 60 characters.
    const { shard: _, ...noShard } = headerOf(small)
    await refused(SMALL, { partial: [JSON.stringify(noShard), ...rows].join('\n') }, (_, p) => another(p, 'shard: nothing in the file, "1/1" for this command'))
    const caption = JSON.stringify(headerOf(small).caption)
    expect(caption.length).toBeGreaterThan(60)
    const recaptioned = [JSON.stringify({ ...headerOf(small), caption: 'x' }), ...rows].join('\n')
    await refused(SMALL, { partial: recaptioned }, (_, p) => another(p, `caption: "x" in the file, ${caption.slice(0, 57)}... for this command`))
    const extra = [JSON.stringify({ ...headerOf(small), note: 1 }), ...rows].join('\n')
    await refused(SMALL, { partial: extra }, (_, p) => `resume: ${p} has a header line other than the one this command writes; delete it or choose another --out`)
  })

  it('a partial file that is not a sweep, with or without a whole first line', async () => {
    for (const partial of ['hello\n', 'hello', '{"flowgm":"0.1"}\n', '{"sweep":"compare"}\n', 'null\n', '7\n', head.slice(0, 20) + 'x']) {
      await refused(SMALL, { partial }, (_, p) => notSweep(p))
    }
  })

  it('a row that is not the next row of this sweep, exactly as written', async () => {
    // Lines 2.. hold rows 0, 1, ...: a row left out, spaces added, keys reordered.
    const row1 = rows[1]
    const { mse, ...others } = JSON.parse(row1) as Record<string, unknown>
    const cases = [
      [head, rows[0], rows[2], ''],
      [head, rows[0], row1.replace(/,/g, ', '), ''],
      [head, rows[0], JSON.stringify({ ...others, mse }), ''],
      [head, rows[0], row1.replace('"n":4,', '"n":4.0,'), ''],
    ]
    for (const lines of cases) await refused(SMALL, { partial: lines.join('\n') }, (_, p) => `resume: ${p} line 3 is not row i = 1 of this sweep; delete it or choose another --out`)
  })

  it('a partial file holding more rows than the sweep', async () => {
    await refused(SMALL, { partial: small + rows[4] + '\n' }, (_, p) => `resume: ${p} holds more than the 5 rows of this sweep (line 7); delete it or choose another --out`)
  })

  it('FILE without a partial file: incomplete, with a trailing fragment, or another sweep', async () => {
    const held = (n: number) => (out: string, p: string) =>
      `resume: ${out} holds ${n} of the 5 rows of this sweep and there is no ${p} to continue; delete it, or run without --resume to compute it again`
    await refused(SMALL, { out: [head, ...rows.slice(0, 3), ''].join('\n') }, held(3))
    await refused(SMALL, { out: small + '{"i":5' }, held(5))
    await refused(SMALL, { out: [head, ''].join('\n') }, held(0))
    await refused(SMALL, { out: 'hello\n' }, (out) => notSweep(out))
  })

  it('a new run where an interrupted one left its partial file', async () => {
    await refused(SMALL, { partial: [head, rows[0], ''].join('\n') }, (_, p) => `out: ${p} holds an interrupted sweep; continue it with --resume or delete it`, { resume: false })
  })

  it('a new run into a directory that does not exist', async () => {
    const out = tmp.path('no-such-dir/out.jsonl')
    const e = await sweepFile(SMALL, out).then(
      () => undefined,
      (x: unknown) => x,
    )
    expect(e).toBeInstanceOf(ParameterError)
    expect((e as Error).message).toBe(`out: cannot write ${out}: its directory does not exist`)
  })

  it('a complete FILE is left alone, saying so', async () => {
    const out = fresh()
    writeFileSync(out, small)
    const said = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      await sweepFile(SMALL, out, { resume: true })
      expect(said.mock.calls).toEqual([[`flowgm: ${out} is already complete\n`]])
    } finally {
      said.mockRestore()
    }
    expect(readFileSync(out, 'utf8')).toBe(small)
    expect(existsSync(`${out}.partial`)).toBe(false)
  })
})
