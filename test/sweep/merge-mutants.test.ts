// mergeFiles in-process, on the inputs merge.test.ts leaves out: the bounds of a header's rows
// and shard fields, axis definitions that only look like a grid's, blank and non-object lines, a
// 60-character value in a message, an output larger than the 64 KiB merge buffers, a file that
// changes between the check and the write, and how much of a file its header takes to read. The
// expected texts are the input files themselves (a whole sweep merges to itself) or messages
// written out by hand from merge's rules; row indices are counted from the grid (the last axis
// fastest).
import { readdirSync, readFileSync, writeFileSync, type ReadStream } from 'node:fs'
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { ParameterError } from '../../src/errors.js'
import { mergeFiles } from '../../src/sweep/merge.js'
import { scratch, sweepFile, type Flags, once } from './sweep-files.js'

/**
 * Openings of a file (by path) redirected to other files, in turn: a file that changes while it
 * is merged, without a race (merge reads each file three times: header, check, write). And every
 * stream opened, to see how much of a file was read.
 */
const { redirected, opened } = vi.hoisted(() => ({ redirected: new Map<string, string[]>(), opened: [] as Array<{ path: string; stream: ReadStream }> }))
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>()
  const createReadStream = ((path: string, options?: object) => {
    const stream = fs.createReadStream(redirected.get(String(path))?.shift() ?? path, options)
    opened.push({ path: String(path), stream })
    return stream
  }) as typeof fs.createReadStream
  return { ...fs, createReadStream, default: { ...fs, createReadStream } }
})

const tmp = scratch()
afterAll(() => tmp.remove())

// 6 rows: (sigma, n) = (0.5, 2), (0.5, 4), (0.5, 8), (1, 2), (1, 4), (1, 8).
const COMPARE: Flags = { command: 'compare', args: { n: '2,4,8', sigma: '0.5,1' } }
// 12 rows, t = k/11: a uniform axis whose point count has two digits.
const CURVES: Flags = { command: 'curves', args: { points: '12' } }
// 1299 rows, about 0.3 MB of JSONL: several times the 64 KiB (2^16) merge buffer.
const LONG: Flags = { command: 'compare', args: { 'n-range': '2:1300:lin' } }

let whole: string
let curves: string
let long: string
beforeEach(
  once(async () => {
    whole = await sweepFile(COMPARE, tmp.path('whole.jsonl'))
    curves = await sweepFile(CURVES, tmp.path('curves.jsonl'))
    long = await sweepFile(LONG, tmp.path('long.jsonl'))
  }),
)

let serial = 0
/** A fresh file holding `text`. */
function placed(text: string): string {
  const file = tmp.path(`in${++serial}.jsonl`)
  writeFileSync(file, text)
  return file
}

/** The header of a sweep's text, edited. */
const withHeader = (text: string, edit: (h: Record<string, unknown>) => Record<string, unknown>): string => {
  const [first, ...rest] = text.split('\n')
  return [JSON.stringify(edit(JSON.parse(first) as Record<string, unknown>)), ...rest].join('\n')
}

/** Shard k/K of a whole sweep's text, cut by hand: its rows i with i mod K = k - 1. */
const withShard = (text: string, k: number, K: number): string => {
  const [head, ...rows] = withHeader(text, (h) => ({ ...h, shard: `${k}/${K}` })).split('\n')
  return [head, ...rows.filter((r) => r !== '' && (JSON.parse(r) as { i: number }).i % K === k - 1), ''].join('\n')
}

/** The lines of a sweep's text, line 1 its header. */
const linesOf = (text: string): string[] => text.split('\n')

/** What merging `files` into a fresh JSONL file gives: its text, or the error. */
async function merged(files: readonly string[]): Promise<{ text?: string; error?: Error; out: string }> {
  const out = tmp.path(`out${++serial}.jsonl`)
  try {
    await mergeFiles(files, { format: 'jsonl', out })
    return { text: readFileSync(out, 'utf8'), out }
  } catch (e) {
    return { error: e as Error, out }
  }
}

/** Merging `files` is refused (a ParameterError) with exactly `message`. */
async function refused(files: readonly string[], message: string): Promise<void> {
  const { error } = await merged(files)
  expect(error).toBeInstanceOf(ParameterError)
  expect(error?.message).toBe(message)
}

const NOT_A_HEADER = 'is not a flowgm sweep (its first line is not a sweep header; write sweeps with --format jsonl)'

describe('header fields at the edges of their rules', () => {
  it('axes and params are JSON objects: null or an array is not a sweep header', async () => {
    // typeof null and typeof [] are both 'object'; a header with "axes": null used to crash with a
    // TypeError, "axes": [] merged with no coordinate check.
    for (const edit of [{ axes: null }, { axes: [] }, { params: null }, { params: [] }]) {
      const f = placed(withHeader(whole, (h) => ({ ...h, ...edit })))
      await refused([f], `${f}: ${NOT_A_HEADER}`)
    }
  })

  it('rows = 0 and rows = 2^31 - 1 are row counts: only the grid of the axes refuses them', async () => {
    // rows is an integer in [0, 2^31 - 1] (one Int32 owner per row); the compare grid has 6 rows.
    for (const rows of [0, 2 ** 31 - 1]) {
      const f = placed(withHeader(whole, (h) => ({ ...h, rows })))
      await refused([f], `${f}: header: its axes make a grid of 6 rows, not rows = ${rows}`)
    }
  })

  it('a shard is k/K and nothing else, k and K of several digits', async () => {
    for (const shard of ['x1/1', '1/1x']) {
      const f = placed(withHeader(whole, (h) => ({ ...h, shard })))
      await refused([f], `${f}: ${NOT_A_HEADER}`)
    }
    // Shard 1/12 holds row 0 only; shard 10/12 would hold row 9, beyond the 6 rows: none.
    const [head, row0] = linesOf(whole)
    const first = placed([JSON.stringify({ ...(JSON.parse(head) as object), shard: '1/12' }), row0, ''].join('\n'))
    await refused([first], `${first}: 5 of 6 rows missing (i = 1, 2, 3, 4, 5); shards 2/12, 3/12, 4/12, 5/12, 6/12 not given`)
    const tenth = placed(JSON.stringify({ ...(JSON.parse(head) as object), shard: '10/12' }) + '\n')
    await refused([tenth], `${tenth}: 6 of 6 rows missing (i = 0, 1, 2, 3, 4, ...); shards 1/12, 2/12, 3/12, 4/12, 5/12, 6/12 not given`)
  })
})

describe('axis definitions read back from a header', () => {
  it('a uniform t axis of 12 points merges to itself', async () => {
    expect(JSON.parse(linesOf(curves)[0]).axes.t).toBe('12 points in [0, 1]')
    expect((await merged([placed(curves)])).text).toBe(curves)
  })

  it('text around "N points in [0, 1]" is a list of numbers, refused as one', async () => {
    // Not the uniform form: read as the list "x12 points in [0" , "1]" whose first entry is no number.
    const cases: Array<[string, string]> = [
      ['x12 points in [0, 1]', 'x12 points in [0'],
      ['12 points in [0, 1]x', '12 points in [0'],
    ]
    for (const [t, first] of cases) {
      const f = placed(withHeader(curves, (h) => ({ ...h, axes: { ...(h.axes as object), t } })))
      await refused([f], `${f}: header: axis t: must be a decimal number (got '${first}')`)
    }
  })

  it('an axis named with "-range" inside: only the suffix the range flag adds is taken off', async () => {
    // readAxis names a range's faults by the flag x-range-y-range; the message names the axis x-range-y.
    const f = placed(withHeader(whole, (h) => ({ ...h, axes: { 'x-range-y': '1:oops' } })))
    await refused([f], `${f}: header: axis x-range-y: must be START:STOP:lin|log[:POINTS], e.g. 2:1024:log (got '1:oops')`)
  })
})

describe('rows merge reads', () => {
  it('blank lines between rows are skipped', async () => {
    const lines = linesOf(whole)
    const spaced = [...lines.slice(0, 3), '', ...lines.slice(3)].join('\n')
    expect((await merged([placed(spaced)])).text).toBe(whole)
  })

  it('a row that is null, or has a negative index, has no row index', async () => {
    const lines = linesOf(whole)
    const nul = placed([...lines.slice(0, 2), 'null', ...lines.slice(3)].join('\n'))
    await refused([nul], `${nul}: line 3 has no row index i`)
    const negative = placed([lines[0], JSON.stringify({ ...(JSON.parse(lines[1]) as object), i: -1 }), ...lines.slice(2)].join('\n'))
    await refused([negative], `${negative}: line 2 has no row index i`)
  })

  it('a value whose JSON is exactly 60 characters is shown whole', async () => {
    // brief() cuts beyond 60 characters; "" around 58 letters make 60.
    const lines = linesOf(whole)
    const v = 'm'.repeat(58)
    const f = placed([lines[0], JSON.stringify({ ...(JSON.parse(lines[1]) as object), mse: v }), ...lines.slice(2)].join('\n'))
    await refused([f], `${f}: line 2 (row 0): mse = "${v}" is not a finite number`)
  })

  it('an output several times the 64 KiB buffer is the input, byte for byte', async () => {
    expect(long.length).toBeGreaterThan(4 << 16)
    expect((await merged([placed(long)])).text).toBe(long)
  })
})

describe('a file that changes between the check and the write', () => {
  it('fails the merge (not refused: the check passed) and leaves no output', async () => {
    const lines = linesOf(whole)
    // Row 0 gone (the next row read is 1), or every row gone (nothing left to read).
    for (const changed of [[lines[0], ...lines.slice(2)].join('\n'), lines[0] + '\n']) {
      const f = placed(whole)
      redirected.set(f, [f, f, placed(changed)])
      const { error, out } = await merged([f])
      redirected.delete(f)
      expect(error).not.toBeInstanceOf(ParameterError)
      expect(error?.message).toBe(`merge: ${f} changed while it was read`)
      expect(readdirSync(tmp.dir).filter((name) => name === out.slice(tmp.dir.length + 1) || name.endsWith('.tmp'))).toEqual([])
    }
  })

  it("fails the merge when a shard file was rewritten with another shard's rows of the same count", async () => {
    // Shards 1/2 (rows 0, 2, 4) and 2/2 (rows 1, 3, 5); by the write, 1/2's file holds 2/2's rows.
    const [first, second] = [1, 2].map((k) => placed(withShard(whole, k, 2)))
    expect((await merged([first, second])).text).toBe(whole)
    redirected.set(first, [first, first, second])
    const { error } = await merged([first, second])
    redirected.delete(first)
    expect(error?.message).toBe(`merge: ${first} changed while it was read`)
  })
})

describe('the files merge opens', () => {
  it('a header is read without reading the rest of its file', async () => {
    // Merge opens long.jsonl thrice (header, check, write); the first stream stops after the
    // header's line: it has read one 64 KiB chunk (the stream's default), a second at most if one
    // was in flight, of the ~0.3 MB file, and is closed. Read to its end it would be 0.3 MB.
    const f = placed(long)
    opened.length = 0
    expect((await merged([f])).text).toBe(long)
    const streams = opened.filter((o) => o.path === f).map((o) => o.stream)
    expect(streams.length).toBe(3)
    for (let tries = 0; tries < 100 && !streams[0].closed; tries++) await new Promise((r) => setTimeout(r, 10))
    expect(streams[0].closed).toBe(true)
    expect(streams[0].bytesRead).toBeLessThanOrEqual(2 << 16)
  })
})
