/**
 * Where a command's output goes: stdout, or a file that appears whole or not at all. A file is
 * written under a temporary name in its directory and renamed when complete; on failure, or when
 * the process is interrupted (SIGINT, SIGTERM), the temporary file is removed.
 */
import { once } from 'node:events'
import { unlinkSync } from 'node:fs'
import { open, rename, unlink, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { InputError } from '../errors.js'

export interface Sink {
  write(data: string | Uint8Array): Promise<void>
  /** The output is complete: make it visible. */
  commit(): Promise<void>
  /** The output failed: leave nothing behind. */
  abort(): Promise<void>
}

/** Temporary files not yet renamed or removed: an interruption removes them all. */
const pending = new Set<string>()

/** Interrupted: remove the partial files, then die of the signal as usual. */
function onSignal(signal: NodeJS.Signals): void {
  for (const temporary of pending) {
    try { unlinkSync(temporary) } catch { /* already gone */ }
  }
  process.exit(signal === 'SIGINT' ? 130 : 143)
}

export async function openSink(path: string | undefined, flag = 'out'): Promise<Sink> {
  if (path === undefined) return stdoutSink()
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`)
  let handle: FileHandle
  try {
    handle = await open(temporary, 'wx')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'its directory does not exist' : code === 'EACCES' ? 'permission denied' : code ?? String(e)
    throw new InputError(flag, `cannot write ${path}: ${why}`)
  }
  pending.add(temporary)
  if (pending.size === 1) { process.once('SIGINT', onSignal); process.once('SIGTERM', onSignal) }
  const release = () => {
    pending.delete(temporary)
    if (!pending.size) { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal) }
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
