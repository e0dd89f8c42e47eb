// Defect class: a command that fails after writing the start of its output. A sweep wrote its
// CSV header (or JSON's '[', LaTeX's preamble) before computing a row, so a failure on the first
// rows (e.g. under --digits near 1000) left stdout looking like the start of a table. Now the
// header goes out with the first rows; a failure after them leaves a table cut short on stdout
// (the exit code says so) and, with --out, no file at all. The rows are made to fail here by
// wrapping the real sweep, so every format and every failing row can be tried.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { specFrom } from '../../src/cli/common.js'
import { ParameterError, OutputError } from '../../src/errors.js'
import { WHOLE } from '../../src/sweep/grid.js'
import { runSweep } from '../../src/sweep/run.js'
import { TABLE_FORMATS, type TableFormat } from '../../src/sweep/writers.js'

/** Rows at and beyond this index fail (Infinity: none). */
const planted = { from: Infinity, refusal: false }

vi.mock('../../src/sweep/sweeps.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/sweep/sweeps.js')>()
  return {
    ...real,
    prepareSweep: (spec: Parameters<typeof real.prepareSweep>[0]) => {
      const sweep = real.prepareSweep(spec)
      return {
        ...sweep,
        rows: (indices: readonly number[]) => {
          if (indices.some((i) => i >= planted.from)) throw planted.refusal ? new ParameterError('sigma', 'planted refusal') : new Error('planted failure')
          return sweep.rows(indices)
        },
      }
    },
  }
})

/** 2000 points: four chunks of 512 rows (run.ts), so a failure can come before or after the first. */
const POINTS = 2000
const spec = specFrom('curves', { points: String(POINTS) })
const scratch = mkdtempSync(join(tmpdir(), 'flowgm-output-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

let stdout = ''
beforeEach(() => {
  stdout = ''
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
    ;(rest.find((x) => typeof x === 'function') as (() => void) | undefined)?.()
    return true
  }) as typeof process.stdout.write)
})
afterEach(() => {
  vi.restoreAllMocks()
  planted.from = Infinity
  planted.refusal = false
})

/** The sweep on stdout (or to `out`): what was written, and what it threw. */
async function run(format: TableFormat, failFrom: number, out?: string): Promise<{ text: string; error?: string }> {
  planted.from = failFrom
  const error = await runSweep(spec, { format, shard: WHOLE, jobs: 1, progress: false, out }).then(
    () => undefined,
    (e: Error) => e.message,
  )
  const text = stdout
  stdout = ''
  return { text, error }
}

describe('a sweep failing on its first rows writes nothing', () => {
  it.each(TABLE_FORMATS)('--format %s on stdout', async (format) => {
    // The rule: nothing on stdout when no row was computed.
    expect(await run(format, 0)).toEqual({ text: '', error: 'planted failure' })
  })
  it('--format csv --out FILE: no file, no temporary', async () => {
    const out = join(scratch, 'first.csv')
    expect((await run('csv', 0, out)).error).toBe('planted failure')
    expect(readdirSync(scratch)).toEqual([])
  })
})

describe('a sweep failing later', () => {
  it('property: stdout holds a prefix of the whole table, the header only with rows; --out leaves no file', async () => {
    const whole = new Map<TableFormat, string>()
    for (const f of TABLE_FORMATS) whole.set(f, (await run(f, Infinity)).text)
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TABLE_FORMATS), fc.integer({ min: 0, max: POINTS }), fc.boolean(), async (format, from, toFile) => {
        // jsonl to a file is resumable by design: its rows so far are kept in FILE.partial.
        const out = toFile && format !== 'jsonl' ? join(scratch, `t.${format}`) : undefined
        const r = await run(format, from, out)
        const complete = from >= POINTS
        expect(r.error).toBe(complete ? undefined : 'planted failure')
        if (out !== undefined) {
          expect(readdirSync(scratch)).toEqual(complete ? [`t.${format}`] : [])
          rmSync(out, { force: true })
          return
        }
        expect(whole.get(format)!.startsWith(r.text)).toBe(true)
        // Rows are written a chunk (512 rows) at a time: before the first chunk is whole, nothing.
        if (from < 512) expect(r.text).toBe('')
        if (complete) expect(r.text).toBe(whole.get(format))
      }),
      { numRuns: 40, seed: 15 },
    )
  })
})

describe('a refusal raised by a row after others were printed', () => {
  // The contract (docs/cli.md, exit codes): exit 2 means nothing on stdout. A row refused after
  // the first chunk reached stdout cannot keep that promise, so it is reported as an incomplete
  // output (OutputError, exit 1); before any row, or into a file, it stays a refusal.
  const refused = async (from: number, out?: string) => {
    planted.from = from
    planted.refusal = true
    const error = await runSweep(spec, { format: 'csv', shard: WHOLE, jobs: 1, progress: false, out }).then(
      () => undefined,
      (e: Error) => e,
    )
    const text = stdout
    stdout = ''
    return { text, error }
  }
  it('after the first chunk on stdout: OutputError naming the flag and the rows printed', async () => {
    const r = await refused(600)
    expect(r.text.split('\n').length - 2).toBe(512)
    expect(r.error).toBeInstanceOf(OutputError)
    expect((r.error as Error).message).toBe(`--sigma: planted refusal (at a row after 512 of ${POINTS} rows were printed: the table on standard output is incomplete)`)
  })
  it('before any row, or with --out: still the refusal (exit 2)', async () => {
    expect((await refused(0)).error).toBeInstanceOf(ParameterError)
    expect((await refused(600, join(scratch, 'r.csv'))).error).toBeInstanceOf(ParameterError)
    expect(readdirSync(scratch)).toEqual([])
  })
})
