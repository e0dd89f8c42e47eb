// Running the built CLI (`node bin/flowgm.js ...`) for the CLI tests; `npm run build` comes first.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { Runner } from '../fuzz/harness.js'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const BIN = fileURLToPath(new URL('../../bin/flowgm.js', import.meta.url))
const BUILT = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))

export interface Run {
  readonly args: readonly string[]
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** Where a run happens: working directory (default ROOT) and variables added to the environment. */
export interface SpawnOptions {
  readonly cwd?: string
  readonly env?: Readonly<Record<string, string>>
}

/** One run of node on `argv` (a script and its arguments), killed after `timeoutMs`; `args` names it in messages. */
export function spawnNode(argv: readonly string[], timeoutMs = 30_000, args: readonly string[] = argv, onSpawn?: (child: ChildProcess) => void, options: SpawnOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s
    })
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    onSpawn?.(child)
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ args, code, signal, stdout, stderr })
    })
  })
}

/** One run of the CLI, killed after `timeoutMs`; `nodeArgs` go to node before the script; `options`: see spawnNode. */
export function spawnCli(args: readonly string[], timeoutMs = 30_000, nodeArgs: readonly string[] = [], onSpawn?: (child: ChildProcess) => void, options: SpawnOptions = {}): Promise<Run> {
  return spawnNode([...nodeArgs, BIN, ...args], timeoutMs, args, onSpawn, options)
}

/** A limit of `max` jobs running at once: `slot(job)` waits for a free place, then runs the job. */
export function limiter(max: number): <T>(job: () => Promise<T>) => Promise<T> {
  let running = 0
  const waiting: Array<() => void> = []
  return async (job) => {
    if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve))
    running++
    try {
      return await job()
    } finally {
      running--
      waiting.shift()?.()
    }
  }
}

/** A run as text, for assertion messages. */
export const show = (r: Run): string => `flowgm ${r.args.join(' ')}\n--- exit ${r.code} (signal ${r.signal})\n--- stdout:\n${r.stdout}\n--- stderr:\n${r.stderr}`

/** A refusal of bad input: exit 2, nothing on stdout, one line on stderr naming the flag. */
export function expectInputError(r: Run, flag: string): void {
  expect(r.code, show(r)).toBe(2)
  expect(r.stdout, show(r)).toBe('')
  expect(r.stderr, show(r)).toMatch(new RegExp(`^flowgm: --${flag}: [^\\n]+\\n$`))
}

/** A successful run: exit 0, nothing on stderr, no NaN or Infinity printed; the run, for its output. */
export function expectSuccess(r: Run): Run {
  expect(r.code, show(r)).toBe(0)
  expect(r.stderr, show(r)).toBe('')
  expect(r.stdout, show(r)).not.toMatch(/NaN|Infinity/)
  return r
}

/** Refuse to run the CLI tests against a missing build. */
export function requireBuild(): void {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` before these tests`)
}

/** The CLI run in one long-lived process: see inProcessCli. */
export interface InProcessCli {
  run(args: readonly string[]): Promise<Run>
  close(): Promise<void>
}

/**
 * The CLI run in one long-lived process (the fuzz runner of test/fuzz/harness.ts), for tests that
 * need only the exit code, the two streams and files at absolute paths: milliseconds a run instead
 * of ~0.4 s to start node and load the CLI. Runs are queued (one at a time). The working
 * directory is a scratch directory emptied after each run. A run that throws past main's error
 * handling, or gives no answer, has code null and the reason on stderr. Close it in afterAll.
 */
export function inProcessCli(): InProcessCli {
  const runner = new Runner()
  return {
    async run(args) {
      const o = await runner.run(args)
      const failed = o.code < 0 || o.thrown !== undefined
      return { args, code: failed ? null : o.code, signal: null, stdout: o.stdout, stderr: failed ? `${o.stderr}${o.thrown ?? ''}` : o.stderr }
    },
    close: () => runner.close(),
  }
}
