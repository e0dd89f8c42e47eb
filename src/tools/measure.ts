/**
 * A CLI run measured as a user sees it (`node bin/flowgm.js ...`, the whole process): wall time,
 * the lines it writes on stdout, and its peak resident memory (Linux: VmHWM of /proc/PID/status,
 * sampled every 20 ms until it exits).
 */
import { spawn } from 'node:child_process'
import { createReadStream, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const BIN = fileURLToPath(new URL('../../bin/flowgm.js', import.meta.url))

export interface Measured {
  readonly seconds: number
  readonly lines: number
  readonly peakMiB: number
}

export function measureCli(args: readonly string[]): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    let lines = 0
    let peak = 0
    child.stdout.on('data', (b: Buffer) => {
      for (const c of b) if (c === 10) lines++
    })
    const sample = setInterval(() => {
      peak = Math.max(peak, vmHwm(child.pid!))
    }, 20)
    child.on('error', reject)
    child.on('exit', (code) => {
      clearInterval(sample)
      if (code !== 0) return reject(new Error(`flowgm ${args.join(' ')} exited with ${code}`))
      resolve({ seconds: Number(process.hrtime.bigint() - start) / 1e9, lines, peakMiB: peak / 1024 })
    })
  })
}

/** The lines of a file (its newline bytes), read as a stream: a large output is never held whole. */
export async function countLines(file: string): Promise<number> {
  let lines = 0
  for await (const piece of createReadStream(file)) for (const c of piece as Buffer) if (c === 10) lines++
  return lines
}

function vmHwm(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) : 0
  } catch {
    return 0
  }
}
