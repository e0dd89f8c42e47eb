/**
 * Where a command's output goes: stdout, or a file that appears whole or not at all. A file is
 * written under a temporary name in its directory and renamed when complete; on failure, or when
 * the process is interrupted (SIGINT, SIGTERM), the temporary file is removed.
 *
 * A resumable file (a sweep's JSONL, openPartial) is written under the fixed name FILE.partial
 * instead, each piece as it comes (so it is always a whole number of pieces), and renamed to FILE
 * when complete; on failure or interruption it is kept, for --resume to complete it.
 */
import { once } from 'node:events'
import { closeSync, ftruncateSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { open, rename, unlink, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { InputError } from '../errors.js'

export interface Sink {
  write(data: string | Uint8Array): Promise<void>
  /** The output is complete: make it visible. */
  commit(): Promise<void>
  /** The output failed: leave nothing behind (a resumable file: keep what is written). */
  abort(): Promise<void>
}

/** Temporary files not yet renamed or removed: an interruption removes them all. */
const pending = new Set<string>()
/** Resumable files not yet renamed, each with the line an interruption prints about it. */
const kept = new Map<string, () => string>()

/** Interrupted: remove the temporary files, say what is kept, then die of the signal as usual. */
function onSignal(signal: NodeJS.Signals): void {
  for (const temporary of pending) {
    try { unlinkSync(temporary) } catch { /* already gone */ }
  }
  for (const note of kept.values()) process.stderr.write(`flowgm: ${note()}\n`)
  process.exit(signal === 'SIGINT' ? 130 : 143)
}

/** Install the signal handler when the first file opens, remove it when the last one closes. */
function watching(): void {
  if (pending.size + kept.size === 1) { process.once('SIGINT', onSignal); process.once('SIGTERM', onSignal) }
}
function unwatching(): void {
  if (pending.size + kept.size === 0) { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal) }
}

/** Why a file cannot be opened, as the rule of `--flag`. */
function cannotWrite(flag: string, path: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code
  const why = code === 'ENOENT' ? 'its directory does not exist' : code === 'EACCES' ? 'permission denied' : code ?? String(e)
  return new InputError(flag, `cannot write ${path}: ${why}`)
}

export async function openSink(path: string | undefined, flag = 'out'): Promise<Sink> {
  if (path === undefined) return stdoutSink()
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`)
  let handle: FileHandle
  try {
    handle = await open(temporary, 'wx')
  } catch (e) {
    throw cannotWrite(flag, path, e)
  }
  pending.add(temporary)
  watching()
  const release = () => {
    pending.delete(temporary)
    unwatching()
  }
  let buffered: (string | Uint8Array)[] = []
  let size = 0
  const flush = async () => {
    if (buffered.length) await handle.write(Buffer.concat(buffered.map((b) => (typeof b === 'string' ? Buffer.from(b) : b))))
    buffered = []
    size = 0
  }
  return {
    async write(data) {
      buffered.push(data)
      size += data.length
      if (size > 1 << 20) await flush()
    },
    async commit() {
      await flush()
      await handle.close()
      await rename(temporary, path)
      release()
    },
    async abort() {
      await handle.close().catch(() => {})
      await unlink(temporary).catch(() => {})
      release()
    },
  }
}

/** The fixed name under which a resumable file is written until it is complete. */
export const partialFile = (path: string): string => `${path}.partial`

/**
 * A resumable file: written to partialFile(path), every piece straight to the file (synchronously,
 * so an interruption always finds whole pieces), renamed to `path` on commit, kept on abort and on
 * SIGINT or SIGTERM (then `interrupted()` is printed on stderr). `keep` undefined: a new partial
 * file (refused if one exists: it holds resumable work); a number: continue the existing one
 * after its first `keep` bytes (the rest is cut off).
 */
export function openPartial(path: string, keep: number | undefined, interrupted: () => string): Sink {
  const file = partialFile(path)
  let fd: number
  try {
    fd = openSync(file, keep === undefined ? 'wx' : 'r+')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new InputError('out', `${file} holds an interrupted sweep; continue it with --resume or delete it`)
    throw cannotWrite('out', path, e)
  }
  let position = keep ?? 0
  if (keep !== undefined) ftruncateSync(fd, keep)
  kept.set(file, interrupted)
  watching()
  let closed = false
  const close = () => {
    if (!closed) closeSync(fd)
    closed = true
  }
  const release = () => {
    kept.delete(file)
    unwatching()
  }
  return {
    async write(data) {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data
      for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at, position + at)
      position += bytes.length
    },
    async commit() {
      close()
      renameSync(file, path)
      release()
    },
    async abort() {
      close()
      release()
    },
  }
}

function stdoutSink(): Sink {
  return {
    async write(data) {
      if (data.length && !process.stdout.write(data)) await once(process.stdout, 'drain')
    },
    commit: async () => {},
    abort: async () => {},
  }
}

/**
 * Write several files so that each appears whole or not at all: every temporary file is opened
 * before `produce` runs (so a bad path is refused before any work), and all are renamed once
 * every content is known. `files` maps a key to its path (undefined: not asked for); an error
 * names the flag `flagOf(key)` (by default the key itself).
 */
export async function writeAll<K extends string>(
  files: Readonly<Record<K, string | undefined>>,
  produce: () => Promise<Readonly<Record<K, string | Uint8Array | undefined>>>,
  flagOf: (key: K) => string = (key) => key,
): Promise<void> {
  const sinks: [K, Sink][] = []
  try {
    for (const flag of Object.keys(files) as K[]) {
      const path = files[flag]
      if (path !== undefined) sinks.push([flag, await openSink(path, flagOf(flag))])
    }
    const content = await produce()
    for (const [flag, sink] of sinks) {
      const data = content[flag]
      // A file asked for and not produced is a bug, not an empty file.
      if (data === undefined) throw new Error(`nothing was produced for ${files[flag]}`)
      await sink.write(data)
    }
    for (const [, sink] of sinks) await sink.commit()
  } catch (e) {
    for (const [, sink] of sinks) await sink.abort()
    throw e
  }
}
