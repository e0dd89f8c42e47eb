// Defect class: valid input that crashes with "Maximum call stack size exceeded". A spread of an
// array into the arguments of a call (Math.max(...xs), push(...xs)) puts every element on the
// stack, and V8 overflows beyond about 10^5 of them: an aligned table of 125k rows, an n axis of
// 10^6 values died. Tables of 200k rows go through every writer and merge here, and src/ is
// searched for the pattern itself, so that a new spread of a user-sized array is caught too.
import { readdirSync, readFileSync, statSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { maxOf, minOf } from '../../src/extent.js'
import { TABLE_FORMATS, writer, type Cells, type SweepHeader } from '../../src/sweep/writers.js'
import { mergeFiles } from '../../src/sweep/merge.js'
import { readAxis } from '../../src/sweep/grid.js'

/** More rows than V8 accepts as arguments of one call (it overflowed at about 125k). */
const ROWS = 200_000
const KEYS = ['n', 'mse']
const HEADER: SweepHeader = { flowgm: 'test', sweep: 'compare', id: 'big', shard: '1/1', rows: ROWS, keys: KEYS, axes: { n: `2:${ROWS + 1}:lin` }, params: {}, caption: 'big' }
const row = (i: number): Cells => ({ n: i + 2, mse: 1 / (i + 2) })

const scratch = mkdtempSync(join(tmpdir(), 'flowgm-stack-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** The files of src/, recursively. */
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : []
  })

describe('tables far beyond the call stack', () => {
  it.each(TABLE_FORMATS)('the %s writer renders 200k rows', (format) => {
    const w = writer(format, KEYS, { header: HEADER, exact: new Set(['n']) })
    let text = w.start()
    for (let i = 0; i < ROWS; i++) text += w.row(i, row(i))
    text += w.end()
    // Every format prints the last row's n (ROWS + 1), whatever its layout.
    expect(text).toContain(String(ROWS + 1))
  })

  it('merge reads and writes two 100k-row shards', async () => {
    const shards = [1, 2].map((k) => {
      const w = writer('jsonl', KEYS, { header: { ...HEADER, shard: `${k}/2` } })
      const lines = [w.start()]
      for (let i = k - 1; i < ROWS; i += 2) lines.push(w.row(i, row(i)))
      const file = join(scratch, `shard${k}.jsonl`)
      writeFileSync(file, lines.join(''))
      return file
    })
    const out = join(scratch, 'merged.txt')
    await mergeFiles(shards, { format: 'table', out })
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n')
    // The header line, then one line per row of the grid.
    expect(lines.length).toBe(ROWS + 1)
  })

  it('an n axis of 10^6 values is read, and its largest value found', () => {
    const axis = readAxis('n', undefined, '2:1000001:lin', { integer: true, min: 2, phrase: 'an integer >= 2' }, '8')
    // START + k for k = 0..10^6 - 1: the last is STOP.
    expect(axis.kind === 'values' && maxOf(axis.values)).toBe(1_000_001)
  })
})

describe('maxOf and minOf agree with Math.max and Math.min', () => {
  it('on arrays small enough to spread (the reference), NaN and empty included', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double(), fc.constant(NaN)), { maxLength: 50 }), (xs) => {
        expect(maxOf(xs)).toBe(Math.max(...xs))
        expect(minOf(xs)).toBe(Math.min(...xs))
      }),
      { numRuns: 300 },
    )
  })
  it('on 10^6 values, where a spread overflows the stack', () => {
    const xs = Array.from({ length: 1_000_000 }, (_, i) => (i * 7919) % 1_000_003)
    // The values are i * 7919 mod p for i < 10^6 < p: 0 at i = 0, and the largest one found by a loop written here.
    let largest = 0
    for (const x of xs) if (x > largest) largest = x
    expect(minOf(xs)).toBe(0)
    expect(maxOf(xs)).toBe(largest)
  })
})

describe('src/ spreads no array into the arguments of a call', () => {
  // Math.max/min, push/unshift and String.fromCharCode take every element as an argument; the
  // spread of a literal list of a few names would be harmless, but one rule is easier to keep.
  const SPREAD_CALL = /(Math\.(max|min)|\.push|\.unshift|\.splice|String\.fromCharCode|String\.fromCodePoint|\.apply)\((?:[^(){}[\]]*,)?\s*\.\.\./
  it.each(sources('src'))('%s', (file) => {
    const lines = readFileSync(file, 'utf8').split('\n')
    const found = lines.flatMap((l, i) => (SPREAD_CALL.test(l) && !/^\s*(\*|\/\/)/.test(l) ? [`${file}:${i + 1}: ${l.trim()}`] : []))
    expect(found).toEqual([])
  })
})
