// The fuzz tests' runner and judge. Spawning node costs ~0.4 s a case, too slow for hundreds of
// cases: a Runner forks one process (runner.mjs) that calls main(argv) of the built CLI for each
// case, in a scratch working directory emptied after each case (so a stray file is seen). A case
// that does not answer within the time limit is a failure; the process is then killed and
// replaced. `violations` checks an outcome against the CLI contract (docs/cli.md, exit codes and
// output formats): exit 0 with a valid document whose every number is plausible (documents.ts,
// plausible.ts), or exit 2 with one clear line on stderr; never a stack trace on either stream,
// NaN or Infinity; within the case's budget of time and memory (budget.ts).
import { fork, type ChildProcess } from 'node:child_process'
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { flagValue, formatOf, requestOf } from './argv.js'
import { budgetOf, type Budget } from './budget.js'
import { plausibility } from './documents.js'

export { flagValue }

export interface Outcome {
  readonly argv: readonly string[]
  /** The exit code (0 when main returns); -1: main threw past its error handling; -2: no answer in time. */
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  /** Files in the working directory after the run, with their text (latin1). */
  readonly files: Readonly<Record<string, string>>
  readonly ms: number
  /** Growth of the runner's resident memory during the case (runner.mjs: exact when the case set a new peak). */
  readonly bytes?: number
  /** The runner's peak resident memory after the case. */
  readonly peak?: number
  /** What main threw instead of exiting, or why there is no outcome. */
  readonly thrown?: string
}

const RUNNER = fileURLToPath(new URL('./runner.mjs', import.meta.url))

/**
 * A runner whose peak resident memory passed this is replaced after the case: a high peak hides
 * the next cases' peaks (runner.mjs), so that their memory would go unmeasured.
 */
const RESTART_PEAK = 1024 * 2 ** 20

/** The end of a runner's own stderr kept (what V8 prints when it dies: out of memory, a fatal error). */
const STDERR_TAIL = 2000

/** A runner process in its own scratch directory; `close()` ends it and removes the directory. */
export class Runner {
  readonly dir = mkdtempSync(join(tmpdir(), 'flowgm-fuzz-'))
  private child?: Promise<ChildProcess>
  private stderrTail = ''

  /** `timeoutMs`: the most a case may take. */
  constructor(readonly timeoutMs = 30_000) {}

  private start(): Promise<ChildProcess> {
    this.child ??= new Promise((resolve, reject) => {
      const child = fork(RUNNER, [], { cwd: this.dir, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } })
      this.stderrTail = ''
      child.stderr!.setEncoding('utf8').on('data', (s: string) => {
        this.stderrTail = (this.stderrTail + s).slice(-STDERR_TAIL)
      })
      child.once('message', () => resolve(child))
      child.once('exit', (code) => reject(new Error(`fuzz runner exited (${code}) before it was ready:\n${this.stderrTail}`)))
    })
    return this.child
  }

  /** Cases run one at a time (a property abandoned by a test timeout must not interleave). */
  private queue: Promise<unknown> = Promise.resolve()
  private next = 0

  /**
   * Run the CLI on argv, stopped after its budget's time (or `timeoutMs`: a whole report, whose
   * time no estimate covers). `allocate`: bytes the runner holds during the case (a planted
   * over-allocation, for the harness's own tests).
   */
  async run(argv: readonly string[], options: { allocate?: number; timeoutMs?: number } = {}): Promise<Outcome> {
    const start = performance.now()
    const answer = await this.request<Outcome>({ argv: [...argv], allocate: options.allocate }, options.timeoutMs ?? budgetOf(argv).ms)
    if (typeof answer !== 'string') {
      if ((answer.peak ?? 0) > RESTART_PEAK) await this.restart()
      return answer
    }
    const files: Record<string, string> = {}
    for (const name of readdirSync(this.dir)) {
      files[name] = ''
      rmSync(join(this.dir, name), { recursive: true, force: true })
    }
    return { argv, code: -2, stdout: '', stderr: '', files, ms: performance.now() - start, thrown: answer }
  }

  /** Call library operation `op` of runner.mjs: its reply, or why there is none (a string). */
  call<T>(op: string, ...args: unknown[]): Promise<T | string> {
    return this.request<T>({ op, args }, this.timeoutMs)
  }

  private request<T>(message: object, timeoutMs: number): Promise<T | string> {
    const reply = this.queue.then(() => this.exchange<T>(message, timeoutMs))
    this.queue = reply.catch(() => undefined)
    return reply
  }

  private async exchange<T>(message: object, timeoutMs: number): Promise<T | string> {
    const child = await this.start()
    const start = performance.now()
    const id = this.next++
    const answer = await new Promise<T | string>((resolve) => {
      const timer = setTimeout(() => done(`no answer within ${timeoutMs / 1000} s`), timeoutMs)
      const done = (x: T | string) => {
        clearTimeout(timer)
        child.off('message', onMessage)
        child.off('exit', onExit)
        resolve(x)
      }
      // Replies carry the request's id: a late reply to an earlier one is not this one's.
      const onMessage = (m: { id: number; outcome: T }) => {
        if (m.id === id) done(m.outcome)
      }
      // Its stderr says why (V8's out-of-memory or fatal error report), after the exit event at worst.
      const onExit = (code: number | null, signal: string | null) => setTimeout(() => done(`the runner process died (exit ${code}, signal ${signal}): ${this.stderrTail.trim().slice(-400)}`), 50)
      child.on('message', onMessage)
      child.once('exit', onExit)
      child.send({ id, ...message })
    })
    // FUZZ_LOG=FILE traces every request with its time (to find a slow case).
    if (process.env.FUZZ_LOG) appendFileSync(process.env.FUZZ_LOG, `${(performance.now() - start).toFixed(0)} ms ${JSON.stringify(message).slice(0, 400)}\n`)
    // No answer: a new process for the next request.
    if (typeof answer === 'string') {
      child.kill('SIGKILL')
      this.child = undefined
    }
    return answer
  }

  /** End the process; the next request starts a new one. */
  private async restart(): Promise<void> {
    const child = await this.child?.catch(() => undefined)
    child?.kill()
    this.child = undefined
  }

  async close(): Promise<void> {
    await this.restart()
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** The first line of an input error: `flowgm: ` then a flag, a positional or the command. */
const ERROR_HEAD = /^flowgm: (--[^\n]+?: |files: |(dae|stats|curves|compare|dae-compare|merge|closed-form|rate|simulate|plot|report): |unknown command '|a command is required )/

/** Longest acceptable error line: a clear line, with a long value clipped. */
const MAX_LINE = 400

const NON_FINITE_TEXT = /\b(NaN|-?Infinity)\b/

/** Why a document is not valid (empty list: valid). */
export function documentViolations(text: string, format: string): string[] {
  const out: string[] = []
  if (text.length === 0) return ['empty document']
  const finite = (x: unknown, where: string): void => {
    if (typeof x === 'number' && !Number.isFinite(x)) out.push(`non-finite number at ${where}`)
    else if (typeof x === 'string' && /^[+-]?(NaN|Infinity)$/.test(x)) out.push(`'${x}' as a value at ${where}`)
    else if (x !== null && typeof x === 'object') for (const [k, v] of Object.entries(x)) finite(v, `${where}.${k}`)
  }
  const parse = (s: string, where: string): void => {
    try {
      finite(JSON.parse(s), where)
    } catch (e) {
      out.push(`not JSON at ${where}: ${(e as Error).message}`)
    }
  }
  if (format === 'json') parse(text, '$')
  else if (format === 'jsonl')
    text
      .trimEnd()
      .split('\n')
      .forEach((line, i) => parse(line, `line ${i + 1}`))
  else {
    if (NON_FINITE_TEXT.test(text)) out.push(`'${NON_FINITE_TEXT.exec(text)![0]}' printed`)
    if (format === 'csv') {
      const [head, ...rows] = text.trimEnd().split('\n')
      const width = head.split(',').length
      rows.forEach((r, i) => {
        if (r.split(',').length !== width) out.push(`csv row ${i + 1} has ${r.split(',').length} cells, the header ${width}`)
      })
    }
  }
  if (!text.endsWith('\n')) out.push('no final newline')
  return out
}

/** A chart: an SVG document without non-finite coordinates, or a PNG file. */
function imageViolations(text: string, type: string): string[] {
  if (type === '.png') return text.startsWith('\x89PNG') ? [] : ['not a PNG file']
  if (!/^(<\?xml[^>]*>\s*)?<svg[\s>]/.test(text)) return ['not an SVG document']
  return NON_FINITE_TEXT.test(text) ? [`'${NON_FINITE_TEXT.exec(text)![0]}' in the SVG`] : []
}

/** Names the run may create: the values of its file flags. */
function asked(argv: readonly string[]): Map<string, string> {
  const files = new Map<string, string>()
  for (const flag of ['out', 'spec', 'csv']) {
    const v = flagValue(argv, flag)
    if (v !== undefined) files.set(v, flag)
  }
  return files
}

/**
 * What a stack trace or a crash leaves in a stream: a stack frame, an error's name and message
 * (`TypeError: x is not a function`, also inside a line: `flowgm: internal error: RangeError: ...`),
 * node's internal modules, V8's fatal reports.
 */
const CRASH: ReadonlyArray<readonly [RegExp, string]> = [
  [/^\s+at \S/m, 'a stack frame'],
  [/\b[A-Z]\w*Error: /, 'an error name (Error: ...)'],
  [/node:internal|internal\/modules/, 'node:internal'],
  [/FATAL ERROR|Fatal (JavaScript|error)|JavaScript heap out of memory|Allocation failed|Segmentation fault|core dumped|^#\s*Fatal/m, 'a V8 fatal report'],
]

/** The crash traces in a stream's text. */
export function crashTraces(text: string, stream: string): string[] {
  return CRASH.filter(([re]) => re.test(text)).map(([re, what]) => `${what} on ${stream}: ${JSON.stringify(re.exec(text)![0].trim().slice(0, 80))}`)
}

/** The resources an outcome used beyond its budget. */
export function overBudget(o: Outcome, budget: Budget): string[] {
  const out: string[] = []
  if (o.ms > budget.ms) out.push(`took ${(o.ms / 1000).toFixed(1)} s, over the budget of ${(budget.ms / 1000).toFixed(1)} s`)
  if ((o.bytes ?? 0) > budget.bytes) out.push(`memory grew by ${(o.bytes! / 2 ** 20).toFixed(0)} MiB, over the budget of ${(budget.bytes / 2 ** 20).toFixed(0)} MiB`)
  return out
}

/** Everything wrong with an outcome against the CLI contract (empty list: it holds); `budget` from budgetOf by default. */
export function violations(o: Outcome, budget: Budget = budgetOf(o.argv)): string[] {
  const out: string[] = []
  if (o.thrown !== undefined && o.code !== -2) out.push(`main threw past its error handling: ${o.thrown.split('\n')[0]}`)
  if (o.code === -2) out.push(o.thrown!, ...crashTraces(o.thrown!, "the runner's stderr"))
  else if (o.code !== 0 && o.code !== 2) out.push(`exit ${o.code}: ${o.stderr.trim().split('\n').pop()}`)
  out.push(...crashTraces(o.stdout, 'stdout'), ...crashTraces(o.stderr, 'stderr'), ...overBudget(o, budget))
  const wanted = asked(o.argv)
  for (const name of Object.keys(o.files)) {
    if (o.code !== 0) out.push(`file ${JSON.stringify(name.slice(0, 60))} left behind by a failed run`)
    else if (!wanted.has(name)) out.push(`file ${JSON.stringify(name.slice(0, 60))} created, not asked for`)
  }
  if (o.code === 2) {
    const lines = o.stderr.split('\n')
    if (lines.length !== 2 || lines[1] !== '') out.push(`stderr has ${lines.length - 1} lines, not one: ${JSON.stringify(o.stderr.slice(0, 300))}`)
    // merge names a file it refuses as `flowgm: FILE: rule`.
    else if (!ERROR_HEAD.test(lines[0]) && !o.argv.some((a) => a !== '' && !a.startsWith('-') && lines[0].startsWith(`flowgm: ${a}: `)))
      out.push(`error line names no flag or command: ${JSON.stringify(lines[0].slice(0, 200))}`)
    else if (lines[0].length > MAX_LINE) out.push(`error line of ${lines[0].length} characters: ${JSON.stringify(lines[0].slice(0, 120))}...`)
    if (o.stdout !== '') out.push(`exit 2 with output on stdout: ${JSON.stringify(o.stdout.slice(0, 100))}`)
  }
  if (o.code === 0) {
    for (const line of o.stderr.split('\n').filter((l) => l !== '')) {
      if (!line.startsWith('flowgm: warning: ')) out.push(`exit 0 with stderr ${JSON.stringify(line.slice(0, 200))}`)
    }
    const help = o.argv.includes('--help') || o.argv.includes('--version')
    const plot = o.argv[0] === 'plot' && !help
    const format = formatOf(o.argv)
    if (help) {
      if (o.stdout === '') out.push('empty help')
    } else if (plot) {
      const image = flagValue(o.argv, 'out')
      if (image === undefined) out.push(...imageViolations(o.stdout, '.svg'))
      else out.push(...imageViolations(o.files[image] ?? '', image.slice(-4).toLowerCase()).map((v) => `--out: ${v}`))
      const spec = flagValue(o.argv, 'spec')
      if (spec !== undefined) out.push(...documentViolations(o.files[spec] ?? '', 'json').map((v) => `--spec: ${v}`))
      const csv = flagValue(o.argv, 'csv')
      if (csv !== undefined) out.push(...documentViolations(o.files[csv] ?? '', 'csv').map((v) => `--csv: ${v}`))
    } else if (o.argv[0] === 'report') {
      if (o.stdout === '') out.push('empty report summary')
    } else {
      const file = flagValue(o.argv, 'out')
      if (file !== undefined && o.stdout !== '') out.push('--out given, and output on stdout')
      const doc = file !== undefined ? (o.files[file] ?? '') : o.stdout
      const invalid = documentViolations(doc, format)
      out.push(...invalid)
      if (invalid.length === 0) out.push(...plausibility(doc, requestOf(o.argv)))
    }
  }
  return out
}

/** An argv as a shell-like line for messages, long values shortened. */
export function showArgv(argv: readonly string[]): string {
  return argv
    .map((a) => {
      const s = a.length > 60 ? `${a.slice(0, 20)}...(${a.length} chars)` : a
      return /^[\w.,:/=+-]+$/.test(s) ? s : JSON.stringify(s)
    })
    .join(' ')
}

/** The failures of a property run, for its assertion message: each distinct kind once. */
export function report(failures: ReadonlyArray<{ argv: readonly string[]; problems: readonly string[] }>, limit = 25): string {
  const seen = new Map<string, string>()
  for (const f of failures) {
    for (const p of f.problems) {
      // Numbers and quoted values vary between cases of one defect.
      const kind = p.replace(/'[^']*'|"[^"]*"|-?\d[\d.e+-]*/g, '#')
      if (!seen.has(kind)) seen.set(kind, `flowgm ${showArgv(f.argv)}\n    -> ${p}`)
    }
  }
  const lines = [...seen.values()]
  return `${failures.length} failing cases, ${lines.length} distinct problems:\n  ${lines.slice(0, limit).join('\n  ')}${lines.length > limit ? `\n  ... and ${lines.length - limit} more` : ''}`
}
