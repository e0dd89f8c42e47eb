// Helpers of the output tests (issue 15, classes 1 and 2): what a path is (its kind and content),
// a tiny tmpfs for a real "no space left on device", private device nodes (so that a defect
// replaces a test's own null device, never the machine's /dev/null), and a FIFO with a reader.
import { execFileSync, spawn } from 'node:child_process'
import { closeSync, lstatSync, mkdtempSync, openSync, readFileSync, readdirSync, readlinkSync, rmSync, statfsSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A path as a test sees it: its kind, the text of a file, the target of a link. */
export interface PathState {
  readonly kind: 'missing' | 'file' | 'dir' | 'symlink' | 'fifo' | 'char' | 'other'
  readonly text?: string
  readonly link?: string
}

export function stateOf(path: string): PathState {
  let s
  try {
    s = lstatSync(path)
  } catch {
    return { kind: 'missing' }
  }
  if (s.isSymbolicLink()) return { kind: 'symlink', link: readlinkSync(path) }
  if (s.isFile()) return { kind: 'file', text: readFileSync(path, 'utf8') }
  if (s.isDirectory()) return { kind: 'dir', text: readdirSync(path).sort().join('\n') }
  if (s.isFIFO()) return { kind: 'fifo' }
  if (s.isCharacterDevice()) return { kind: 'char', text: `${s.rdev}` }
  return { kind: 'other' }
}

/** A scratch directory, removed by `remove`. */
export function scratch(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `flowgm-${prefix}-`))
}

/**
 * A tmpfs of `kb` KiB mounted on a new directory, or why there can be none (a skip reason). As
 * root it is mounted here; otherwise in a user and mount namespace of its own (`unshare -rm`),
 * held open by a sleeping child and reached through that child's /proc/PID/root.
 */
export interface Tmpfs {
  readonly dir: string
  unmount(): void
}
export async function mountTmpfs(kb: number): Promise<Tmpfs | string> {
  const dir = scratch('tmpfs')
  const options = ['-t', 'tmpfs', '-o', `size=${kb}k`, 'tmpfs', dir]
  const removeDir = () => rmSync(dir, { recursive: true, force: true })
  try {
    execFileSync('mount', options, { stdio: 'pipe' })
    return {
      dir,
      unmount() {
        try {
          execFileSync('umount', [dir], { stdio: 'pipe' })
        } catch {
          execFileSync('umount', ['-l', dir], { stdio: 'pipe' })
        }
        removeDir()
      },
    }
  } catch (e) {
    const direct = String((e as Error).message).split('\n')[0]
    const holder = spawn('unshare', ['-rm', 'sh', '-c', 'mount "$@" && echo ready && exec sleep 100000', 'sh', ...options], { stdio: ['ignore', 'pipe', 'pipe'] })
    const ready = await new Promise<boolean>((resolve) => {
      holder.stdout.on('data', () => resolve(true))
      holder.on('close', () => resolve(false))
      holder.on('error', () => resolve(false))
    })
    if (!ready) {
      removeDir()
      return `cannot mount a tmpfs: not as this user (${direct}), nor in a user namespace (unshare -rm)`
    }
    return {
      dir: `/proc/${holder.pid}/root${dir}`,
      unmount() {
        holder.kill()
        removeDir()
      },
    }
  }
}

/** The name of the file that takes up a tmpfs's space (not part of any case). */
export const FILLER = '.filler'

/** Fill `dir`'s file system so that about `free` bytes are left (0: completely full). */
export function leaveFree(dir: string, free: number): void {
  rmSync(join(dir, FILLER), { force: true })
  const { bavail, bsize } = statfsSync(dir)
  const fd = openSync(join(dir, FILLER), 'w')
  try {
    // Write until the disk is full, or until only `free` bytes are left.
    let room = Number(bavail) * Number(bsize) - free
    const block = Buffer.alloc(4096, 120)
    while (room > 0) {
      try {
        room -= writeSync(fd, block, 0, Math.min(block.length, room))
      } catch {
        break
      }
    }
  } finally {
    closeSync(fd)
  }
}

/** Names in `dir` other than the filler. */
export const namesIn = (dir: string): string[] =>
  readdirSync(dir)
    .filter((n) => n !== FILLER)
    .sort()

/** Private device nodes like /dev/null (1, 3) and /dev/full (1, 7) in `dir`, or why not. */
export function makeDevice(dir: string, name: string, minor: 3 | 7): string | undefined {
  try {
    execFileSync('mknod', [join(dir, name), 'c', '1', String(minor)], { stdio: 'pipe' })
    return undefined
  } catch (e) {
    return `cannot create a device node (needs root; ${String((e as Error).message).split('\n')[0]})`
  }
}

/** A reader of the FIFO at `path`: `text()` is what it read once the writer closed (or within 2 s); `stop()` ends it. */
export function fifoReader(path: string): { text(): Promise<string>; stop(): void } {
  const cat = spawn('cat', [path], { stdio: ['ignore', 'pipe', 'ignore'] })
  let out = ''
  cat.stdout.setEncoding('utf8').on('data', (s: string) => {
    out += s
  })
  const done = new Promise<string>((resolve) => cat.on('close', () => resolve(out)))
  const stop = () => {
    if (cat.exitCode === null) cat.kill()
  }
  // A writer that has closed the FIFO gives an end of file at once: waiting longer means no writer came.
  const text = () =>
    Promise.race([done, new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())]).then(() => {
      stop()
      return done
    })
  return { text, stop }
}

/** Stderr as its lines (without the empty string after the last newline). */
export const linesOf = (stderr: string): string[] => stderr.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1)
/**
 * vega numbers an SVG's clip paths with a counter of the process (so that charts inlined in one
 * page never share an id): two runs in one process differ only there.
 */
export const sameChart = (text: string | undefined): string | undefined => text?.replace(/clip\d+/g, 'clip#')
