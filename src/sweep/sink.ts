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
  write(text: string): Promise<void>
  /** The output is complete: make it visible. */
  commit(): Promise<void>
  /** The output failed: leave nothing behind. */
  abort(): Promise<void>
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
  // Interrupted: remove the partial file, then die of the signal as usual.
  const onSignal = (signal: NodeJS.Signals) => {
    try { unlinkSync(temporary) } catch { /* already gone */ }
    process.exit(signal === 'SIGINT' ? 130 : 143)
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  const release = () => { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal) }
  let buffered: string[] = []
  let size = 0
  const flush = async () => {
    if (buffered.length) await handle.write(buffered.join(''))
    buffered = []
    size = 0
  }
  return {
    async write(text) {
      buffered.push(text)
      size += text.length
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
    async write(text) {
      if (text && !process.stdout.write(text)) await once(process.stdout, 'drain')
    },
    commit: async () => {},
    abort: async () => {},
  }
}
