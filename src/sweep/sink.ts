/**
 * Where a command's output goes: stdout, or a file that appears whole or not at all. A file is
 * written under a temporary name in its directory, flushed to disk, closed, and renamed when
 * complete; on failure (a full disk included), or when the process is interrupted (SIGINT,
 * SIGTERM) or exits, the temporary file is removed and the previous file is left as it was.
 *
 * What the name is decides how it is written (outputTarget): a symbolic link is followed and the
 * file it points to is replaced (the link stays a link; a dangling link gets its file, as a shell
 * redirection does); a device or a FIFO cannot be replaced, so it is written to as stdout would be
 * (opening a FIFO waits for its reader); a directory is refused.
 *
 * A resumable file (a sweep's JSONL, openPartial) is written under the fixed name FILE.partial
 * instead, each piece as it comes (so it is always a whole number of pieces, also when a write
 * fails), and renamed to FILE when complete; on failure or interruption it is kept, for --resume
 * to complete it.
 */
import { once } from 'node:events'
import { closeSync, constants, fsyncSync, ftruncateSync, openSync, readlinkSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs'
import { open, rename, unlink, type FileHandle } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join } from 'node:path'
import { ParameterError, OutputError } from '../errors.js'

export interface Sink {
  write(data: string | Uint8Array): Promise<void>
  /** The output is complete: make it visible. */
  commit(): Promise<void>
  /** The output failed: leave nothing behind (a resumable file: keep what is written). */
  abort(): Promise<void>
}

/** A sink whose commit is split in two, so that several files are all written before any appears. */
interface FileSink extends Sink {
  /** Writes to a device or FIFO, which cannot wait for a rename. */
  readonly streams: boolean
  /** Write out, flush and close: every write error surfaces here. */
  finish(): Promise<void>
  /** Rename into place (after finish). */
  publish(): Promise<void>
}

/** Temporary files not yet renamed or removed: an interruption or an exit removes them all. */
const pending = new Set<string>()
/** Resumable files not yet renamed, each with the line an interruption prints about it. */
const kept = new Map<string, () => string>()

function removeTemporaries(): void {
  for (const temporary of pending) {
    try {
      unlinkSync(temporary)
    } catch {
      /* already gone */
    }
  }
  pending.clear()
}

/** Interrupted: remove the temporary files, say what is kept, then die of the signal as usual. */
function onSignal(signal: NodeJS.Signals): void {
  removeTemporaries()
  for (const note of kept.values()) process.stderr.write(`flowgm: ${note()}\n`)
  process.exit(signal === 'SIGINT' ? 130 : 143)
}

/** Install the handlers when the first file opens, remove them when the last one closes. */
function watching(): void {
  if (pending.size + kept.size !== 1) return
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  // An exit while a file is open (stdout's reader gone, an error elsewhere) leaves no temporary.
  process.once('exit', removeTemporaries)
}
function unwatching(): void {
  if (pending.size + kept.size !== 0) return
  process.off('SIGINT', onSignal)
  process.off('SIGTERM', onSignal)
  process.off('exit', removeTemporaries)
}

/** The system's words for an I/O error ("no space left on device"), from its message or its code. */
export function ioReason(e: unknown): string {
  const error = e as NodeJS.ErrnoException
  return /^[A-Z]+: ([^,]+)/.exec(error?.message ?? '')?.[1] ?? error?.code ?? String(e)
}

/** A write to `what` failed (the name was fine): the one line of an OutputError. */
export const writeFailure = (what: string, e: unknown): OutputError => new OutputError(`cannot write ${what}: ${ioReason(e)}`)

/** Run an I/O step, its error told as a failure to write `what`. */
const failingAs =
  (what: string) =>
  async (step: () => Promise<void>): Promise<void> => {
    try {
      await step()
    } catch (e) {
      throw writeFailure(what, e)
    }
  }

/** Errors of the machine's resources, not of the name given: exit 1 even when opening. */
const RESOURCE_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EFBIG', 'EMFILE', 'ENFILE'])

/** Why a file cannot be opened, as the rule of `--flag` (or an OutputError for a lack of resources). */
function cannotOpen(flag: string, path: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code ?? ''
  if (RESOURCE_ERRORS.has(code)) return writeFailure(path, e)
  const why = code === 'ENOENT' ? 'its directory does not exist' : code === 'EACCES' ? 'permission denied' : ioReason(e)
  return new ParameterError(flag, `cannot write ${path}: ${why}`)
}

/** Most symbolic links followed in a row (as Linux's MAXSYMLINKS). */
const MAX_LINKS = 40

/** The name a path's symbolic links lead to (only the last component's: the directories are as given). */
export function followLinks(path: string): string {
  let at = path
  for (let hops = 0; hops < MAX_LINKS; hops++) {
    let link: string
    try {
      link = readlinkSync(at)
    } catch {
      return at // not a link (or not there): the open that follows says what is wrong
    }
    at = isAbsolute(link) ? link : join(dirname(at), link)
  }
  const loop = new Error(`ELOOP: too many levels of symbolic links, open '${path}'`) as NodeJS.ErrnoException
  loop.code = 'ELOOP'
  throw loop
}

/** What an output name is: a regular file (existing or not) replaced whole, or a device or FIFO written through. */
export interface OutputTarget {
  /** The name as given (for messages). */
  readonly name: string
  /** Where the bytes go: `name` with its symbolic links followed. */
  readonly path: string
  readonly kind: 'file' | 'stream'
  /** The existing file's (its mode is kept), if any. */
  readonly stats?: Stats
}

/** Decide how `path` is written, refusing a directory (`--flag: PATH is a directory`). */
export function outputTarget(path: string, flag = 'out'): OutputTarget {
  if (path === '') throw new ParameterError(flag, 'needs a file name (got an empty one)')
  let resolved: string
  let stats: Stats | undefined
  try {
    resolved = followLinks(path)
    stats = statSync(resolved, { throwIfNoEntry: false })
  } catch (e) {
    throw cannotOpen(flag, path, e)
  }
  if (stats?.isDirectory()) throw new ParameterError(flag, `${path} is a directory`)
  // A name ending in a slash can only be a directory; as a file name it would write another name.
  if (/[\\/]$/.test(path)) throw new ParameterError(flag, `${path} names a directory (it ends with a slash), not a file`)
  const kind = stats === undefined || stats.isFile() ? 'file' : 'stream'
  return { name: path, path: resolved, kind, stats }
}

/** Write all of `bytes` at `position` (a short write, as a filling disk gives, is continued). */
async function writeFully(handle: FileHandle, bytes: Uint8Array, position: number | null): Promise<void> {
  for (let at = 0; at < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, at, bytes.length - at, position === null ? null : position + at)
    at += bytesWritten
  }
}

const toBytes = (data: string | Uint8Array): Uint8Array => (typeof data === 'string' ? Buffer.from(data) : data)

/** A device or FIFO: written as the data comes, closed at the end (there is nothing to undo). */
async function openStream(target: OutputTarget, flag: string): Promise<FileSink> {
  let handle: FileHandle
  try {
    // Without O_CREAT or O_TRUNC: a device or FIFO is neither created nor truncated.
    handle = await open(target.path, constants.O_WRONLY | constants.O_NOCTTY)
  } catch (e) {
    throw cannotOpen(flag, target.name, e)
  }
  let closed = false
  const close = async () => {
    if (!closed) {
      closed = true
      await handle.close()
    }
  }
  const guarded = failingAs(target.name)
  return {
    streams: true,
    write: (data) => guarded(() => writeFully(handle, toBytes(data), null)),
    finish: () => guarded(close),
    publish: async () => {},
    commit: () => guarded(close),
    abort: () => close().catch(() => {}),
  }
}

/** A regular file: a temporary beside it, renamed over it once finished. */
async function openReplacement(target: OutputTarget, flag: string): Promise<FileSink> {
  const temporary = join(dirname(target.path), `.${basename(target.path)}.${process.pid}.tmp`)
  let handle: FileHandle
  try {
    handle = await open(temporary, 'wx')
  } catch (e) {
    throw cannotOpen(flag, target.name, e)
  }
  pending.add(temporary)
  watching()
  const release = () => {
    pending.delete(temporary)
    unwatching()
  }
  let closed = false
  let buffered: Uint8Array[] = []
  let size = 0
  let position = 0
  const flush = async () => {
    const bytes = Buffer.concat(buffered)
    buffered = []
    size = 0
    await writeFully(handle, bytes, position)
    position += bytes.length
  }
  const guarded = failingAs(target.name)
  const finish = () =>
    guarded(async () => {
      await flush()
      // The replaced file's permissions carry over to its replacement.
      if (target.stats) await handle.chmod(target.stats.mode & 0o7777)
      // Some file systems (NFS, quotas) report a full disk only here.
      await handle.sync()
      closed = true
      await handle.close()
    })
  const publish = async () => {
    await rename(temporary, target.path)
    release()
  }
  return {
    streams: false,
    async write(data) {
      buffered.push(toBytes(data))
      size += data.length
      if (size > 1 << 20) await guarded(flush)
    },
    finish,
    publish,
    async commit() {
      await finish()
      await publish()
    },
    async abort() {
      if (!closed) await handle.close().catch(() => {})
      closed = true
      await unlink(temporary).catch(() => {})
      release()
    },
  }
}

async function openFile(path: string, flag: string): Promise<FileSink> {
  const target = outputTarget(path, flag)
  return target.kind === 'stream' ? openStream(target, flag) : openReplacement(target, flag)
}

export async function openSink(path: string | undefined, flag = 'out'): Promise<Sink> {
  return path === undefined ? stdoutSink() : openFile(path, flag)
}

/** The fixed name under which a resumable file is written until it is complete (beside the file a link points to). */
export const partialFile = (path: string): string => `${followLinks(path)}.partial`

/**
 * A resumable file: written to partialFile(path), every piece straight to the file (synchronously,
 * so an interruption always finds whole pieces; a piece whose write fails is cut off again),
 * renamed to `path` (the file its link points to) on commit, kept on abort and on SIGINT or
 * SIGTERM (then `interrupted()` is printed on stderr). `keep` undefined: a new partial file
 * (refused if one exists: it holds resumable work); a number: continue the existing one after its
 * first `keep` bytes (the rest is cut off). Only for a target of kind 'file' (outputTarget).
 */
export function openPartial(path: string, keep: number | undefined, interrupted: () => string): Sink {
  const target = outputTarget(path)
  if (target.kind !== 'file') throw new Error(`openPartial: ${path} is not a regular file`)
  const file = partialFile(path)
  let fd: number
  try {
    fd = openSync(file, keep === undefined ? 'wx' : 'r+')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ParameterError('out', `${file} holds an interrupted sweep; continue it with --resume or delete it`)
    throw cannotOpen('out', path, e)
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
      const bytes = toBytes(data)
      try {
        for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at, position + at)
      } catch (e) {
        // Whole pieces only: what a full disk let through of this one is cut off again.
        try {
          ftruncateSync(fd, position)
        } catch {
          /* --resume drops a cut last line anyway */
        }
        throw writeFailure(file, e)
      }
      position += bytes.length
    },
    async commit() {
      try {
        fsyncSync(fd)
        close()
      } catch (e) {
        throw writeFailure(file, e)
      }
      renameSync(file, target.path)
      release()
    },
    async abort() {
      try {
        close()
      } catch {
        /* the rows written are kept all the same */
      }
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
 * Write several files so that each appears whole or not at all, and none appears unless all can:
 * every file is opened before `produce` runs (so a bad path is refused before any work), then
 * all are written, flushed and closed, and only then renamed into place; a failure anywhere
 * removes every temporary file. A device or FIFO among them is written last, once the files are
 * known to be complete. `files` maps a key to its path (undefined: not asked for); an error names
 * the flag `flagOf(key)` (by default the key itself).
 */
export async function writeAll<K extends string>(
  files: Readonly<Record<K, string | undefined>>,
  produce: () => Promise<Readonly<Record<K, string | Uint8Array | undefined>>>,
  flagOf: (key: K) => string = (key) => key,
): Promise<void> {
  const sinks: [K, FileSink][] = []
  try {
    for (const key of Object.keys(files) as K[]) {
      const path = files[key]
      if (path !== undefined) sinks.push([key, await openFile(path, flagOf(key))])
    }
    const content = await produce()
    // Regular files first: a device or FIFO receives its content only once they are safe.
    sinks.sort(([, a], [, b]) => Number(a.streams) - Number(b.streams))
    for (const [key, sink] of sinks) {
      const data = content[key]
      // A file asked for and not produced is a bug, not an empty file.
      if (data === undefined) throw new Error(`nothing was produced for ${files[key]}`)
      await sink.write(data)
      await sink.finish()
    }
    for (const [, sink] of sinks) await sink.publish()
  } catch (e) {
    for (const [, sink] of sinks) await sink.abort()
    throw e
  }
}
