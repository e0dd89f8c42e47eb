// openPartial (src/sweep/sink.ts) called directly, and the resume scan of src/sweep/run.ts on the
// inputs resume.test.ts leaves out. The sink: where each piece lands (also when the system writes
// a few bytes at a time, as a filling disk does), a piece the disk refuses cut off again, a failed
// flush refused before the rename, a reopened file cut to the bytes kept, every descriptor closed
// exactly once and the interruption handlers gone once the file is committed or kept. The scan: a
// header longer than the 1 MiB it first reads, a first line of exactly 1 MiB, rows missing their
// last keys or not JSON. Expected file contents are the pieces written, concatenated by hand, or
// the uninterrupted run's file (runSweep without --resume); messages are written out from the rules.
import { spawnSync } from 'node:child_process'
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { ParameterError, OutputError } from '../../src/errors.js'
import { openPartial } from '../../src/sweep/sink.js'
import { scratch, sweepFile, type Flags, once } from './sweep-files.js'

/** Faults the system's writes and flushes show, injected: a disk that fills, a flush that fails. */
const faults = vi.hoisted(() => ({
  /** Most bytes one write call takes (a short write), undefined: all it is given. */
  perCall: undefined as number | undefined,
  /** Bytes the disk still takes before it is full, undefined: unlimited. */
  room: undefined as number | undefined,
  /** fsync fails with EIO. */
  flushFails: false,
}))
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>()
  const failure = (code: string, text: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: ${text}, write`), { code })
  const writeSync = ((fd: number, buffer: Uint8Array, offset: number, length: number, position: number) => {
    if (typeof buffer === 'string' || (faults.perCall === undefined && faults.room === undefined)) return (fs.writeSync as (...a: unknown[]) => number)(fd, buffer, offset, length, position)
    if (faults.room === 0) throw failure('ENOSPC', 'no space left on device')
    const n = Math.min(length, faults.perCall ?? length, faults.room ?? length)
    if (faults.room !== undefined) faults.room -= n
    return fs.writeSync(fd, buffer, offset, n, position)
  }) as typeof fs.writeSync
  const fsyncSync = (fd: number): void => {
    if (faults.flushFails) throw failure('EIO', 'i/o error')
    fs.fsyncSync(fd)
  }
  return { ...fs, writeSync, fsyncSync, default: { ...fs, writeSync, fsyncSync } }
})

const tmp = scratch()
afterAll(() => tmp.remove())

let serial = 0
/** A fresh target name in the scratch directory. */
const fresh = (): string => tmp.path(`t${++serial}.jsonl`)

/** This process's open file descriptors. */
const descriptors = (): number => readdirSync('/proc/self/fd').length
/** Handlers an interruption runs: one of each while a resumable file is open. */
const handlers = (): number[] => [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]

const NOTE = () => 'kept'

describe('openPartial writes', () => {
  it('each piece after the last, also a few bytes per system call', async () => {
    for (const perCall of [undefined, 3]) {
      const out = fresh()
      const sink = openPartial(out, undefined, NOTE)
      faults.perCall = perCall
      try {
        await sink.write('{"a":1}\n')
        await sink.write(Buffer.from('{"b":22}\n'))
      } finally {
        faults.perCall = undefined
      }
      expect(readFileSync(`${out}.partial`, 'utf8'), `perCall ${perCall}`).toBe('{"a":1}\n{"b":22}\n')
      await sink.commit()
      expect(readFileSync(out, 'utf8')).toBe('{"a":1}\n{"b":22}\n')
      expect(existsSync(`${out}.partial`)).toBe(false)
    }
  })

  it('a reopened file: the bytes past `keep` are cut off and the next piece follows the kept ones', async () => {
    const out = fresh()
    writeFileSync(`${out}.partial`, 'header\nrow 0\nrow 1 cut')
    const sink = openPartial(out, 'header\nrow 0\n'.length, NOTE)
    expect(readFileSync(`${out}.partial`, 'utf8')).toBe('header\nrow 0\n')
    await sink.write('row 1\n')
    await sink.commit()
    expect(readFileSync(out, 'utf8')).toBe('header\nrow 0\nrow 1\n')
  })

  it('a piece the full disk refuses is cut off again (the pieces before it stay) and named', async () => {
    const out = fresh()
    const sink = openPartial(out, undefined, NOTE)
    await sink.write('whole\n')
    // Room for 3 of the next piece's 6 bytes: a short write, then ENOSPC.
    faults.room = 3
    const e = await sink.write('piece\n').then(
      () => undefined,
      (x: unknown) => x,
    )
    faults.room = undefined
    expect(e).toBeInstanceOf(OutputError)
    expect((e as Error).message).toBe(`cannot write ${out}.partial: no space left on device`)
    expect(readFileSync(`${out}.partial`, 'utf8')).toBe('whole\n')
    // Written on after the failure (room again): the piece follows the kept bytes.
    await sink.write('again\n')
    await sink.abort()
    expect(readFileSync(`${out}.partial`, 'utf8')).toBe('whole\nagain\n')
    expect(existsSync(out)).toBe(false)
  })

  it('a failed flush is refused before the rename: the partial file stays, FILE does not appear', async () => {
    const out = fresh()
    const sink = openPartial(out, undefined, NOTE)
    await sink.write('row\n')
    faults.flushFails = true
    const e = await sink.commit().then(
      () => undefined,
      (x: unknown) => x,
    )
    faults.flushFails = false
    expect(e).toBeInstanceOf(OutputError)
    expect((e as Error).message).toBe(`cannot write ${out}.partial: i/o error`)
    expect(existsSync(out)).toBe(false)
    expect(readFileSync(`${out}.partial`, 'utf8')).toBe('row\n')
    await sink.abort()
  })

  it.runIf(process.platform !== 'win32')('refuses a target that is not a regular file (a FIFO), an internal misuse', () => {
    const fifo = fresh()
    spawnSync('mkfifo', [fifo])
    expect(() => openPartial(fifo, undefined, NOTE)).toThrow(new Error(`openPartial: ${fifo} is not a regular file`))
    expect(existsSync(`${fifo}.partial`)).toBe(false)
  })
})

describe.runIf(process.platform === 'linux')('openPartial releases what it holds', () => {
  it('committed or kept: its descriptor closed, the interruption handlers removed', async () => {
    const before = { fds: descriptors(), handlers: handlers() }
    for (const end of ['commit', 'abort'] as const) {
      const sink = openPartial(fresh(), undefined, NOTE)
      expect(descriptors()).toBe(before.fds + 1)
      expect(handlers()).toEqual(before.handlers.map((n) => n + 1))
      await sink.write('x\n')
      await sink[end]()
      expect(descriptors(), end).toBe(before.fds)
      expect(handlers(), end).toEqual(before.handlers)
    }
  })

  it('closes its descriptor once: a commit that fails at the rename, then abort, leaves a file opened since alone', async () => {
    const out = fresh()
    const sink = openPartial(out, undefined, NOTE)
    await sink.write('x\n')
    // FILE became a directory after the open: the rename onto it fails, the descriptor already closed.
    mkdirSync(out)
    await expect(sink.commit()).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST/)
    // The lowest free descriptor: the number the partial file's had.
    const other = openSync(`${out}.partial`, 'r')
    try {
      await sink.abort()
      expect(fstatSync(other).size).toBe(2)
    } finally {
      closeSync(other)
    }
  })
})

/** 5 rows: chunks of 512 hold them all. */
const SMALL: Flags = { command: 'compare', args: { n: '2,4,8,16,32' } }

let small: string[]
beforeEach(
  once(async () => {
    small = (await sweepFile(SMALL, tmp.path('small.jsonl'))).split('\n')
  }),
)

/** Resume into a fresh FILE whose FILE.partial holds `partial`: its text, or the error. */
async function resumed(flags: Flags, partial: string): Promise<{ text?: string; error?: Error; file: string }> {
  const out = fresh()
  writeFileSync(`${out}.partial`, partial)
  try {
    return { text: await sweepFile(flags, out, { resume: true }), file: `${out}.partial` }
  } catch (e) {
    return { error: e as Error, file: `${out}.partial` }
  }
}

/** Resuming from `partial` is refused with exactly `rule` about the partial file, which stays as it was. */
async function refused(partial: string, rule: (file: string) => string): Promise<void> {
  const { error, file } = await resumed(SMALL, partial)
  expect(error).toBeInstanceOf(ParameterError)
  expect(error?.message).toBe(`resume: ${rule(file)}; delete it or choose another --out`)
  expect(readFileSync(file, 'utf8')).toBe(partial)
}

describe('the resume scan', () => {
  it('a row missing its last keys, or a whole line that is not JSON, is not the next row', async () => {
    // Row 1 (line 3) cut to its first keys, still valid JSON; then a line of text.
    const row1 = JSON.parse(small[2]) as Record<string, unknown>
    const keys = Object.keys(row1)
    const shortened = JSON.stringify(Object.fromEntries(keys.slice(0, 3).map((k) => [k, row1[k]])))
    for (const line of [shortened, 'not json']) {
      await refused([small[0], small[1], line, ''].join('\n'), (p) => `${p} line 3 is not row i = 1 of this sweep`)
    }
  })

  it('a first line of exactly 1 MiB is read as not a header (only the first 1 MiB is read)', async () => {
    // This sweep's header with a caption padded so that the line is 2^20 bytes, its newline after them.
    const header = JSON.parse(small[0]) as Record<string, unknown>
    const pad = (1 << 20) - JSON.stringify({ ...header, caption: '' }).length
    const line = JSON.stringify({ ...header, caption: 'c'.repeat(pad) })
    expect(Buffer.byteLength(line)).toBe(1 << 20)
    await refused(line + '\n' + small.slice(1).join('\n'), (p) => `${p} is not a flowgm sweep (its first line is not a sweep header)`)
  })

  it('a header longer than 1 MiB: its whole rows are kept, not computed again', async () => {
    // sigma written with 2^20 zeros: one row, a header line over 1 MiB (the axis as given).
    const long: Flags = { command: 'compare', args: { sigma: '0.5' + '0'.repeat(1 << 20), n: '2' } }
    const [head, row] = (await sweepFile(long, tmp.path('long-header.jsonl'))).split('\n')
    expect(Buffer.byteLength(head)).toBeGreaterThan(1 << 20)
    // The row carries an mse the sweep never computes: kept, it shows in the completed file.
    const marked = JSON.stringify({ ...(JSON.parse(row) as object), mse: 0.125 })
    const { text } = await resumed(long, `${head}\n${marked}\n`)
    // Compared in two parts: a failure would print the 1 MiB header otherwise.
    expect(text?.startsWith(`${head}\n`)).toBe(true)
    expect(text?.slice(head.length + 1)).toBe(`${marked}\n`)
  })
})
