// Interrupted sweeps and --resume, by killing real child processes mid-sweep (SIGINT, SIGTERM,
// SIGKILL): the FILE.partial an interrupted run keeps is a whole prefix of the sweep, and --resume
// completes it byte for byte as an uninterrupted run writes it. The expected files always come
// from independent, uninterrupted runs of the same command (the references). Refusals: exit 2,
// one line naming the flag and the file, the partial file untouched, nothing written. Runs that
// are not killed go through one in-process CLI (exit code and streams as from a real process).
import type { ChildProcess } from 'node:child_process'
import { closeSync, existsSync, fstatSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inProcessCli, requireBuild, show, spawnCli, type Run } from './run.js'

beforeAll(requireBuild)
const cli = inProcessCli()
afterAll(() => cli.close())

/** A sweep of a second or two: 8000 rows, 16 chunks of 512 (the kills land in the middle). */
const LONG = ['compare', '--n-range', '2:8001:lin', '--format', 'jsonl']
/** A sweep of a moment, for the refusals: 5 rows. */
const SMALL = ['compare', '--n', '2,4,8,16,32', '--format', 'jsonl']

const scratch = (): string => mkdtempSync(join(tmpdir(), 'flowgm-resume-'))

async function ok(args: readonly string[]): Promise<Run> {
  const r = await cli.run(args)
  expect(r.code, show(r)).toBe(0)
  expect(r.stderr, show(r)).toBe('')
  return r
}

async function refused(args: readonly string[], message: string): Promise<Run> {
  const r = await cli.run(args)
  expect(r.code, show(r)).toBe(2)
  expect(r.stdout, show(r)).toBe('')
  expect(r.stderr, show(r)).toMatch(/^flowgm: [^\n]+\n$/)
  expect(r.stderr, show(r)).toContain(message)
  return r
}

/** The file an uninterrupted run of `args` writes (each command run once, in a directory of its own). */
const references = new Map<string, Promise<string>>()
function reference(args: readonly string[]): Promise<string> {
  const key = JSON.stringify(args)
  if (!references.has(key)) {
    const file = join(scratch(), 'reference.jsonl')
    references.set(
      key,
      ok([...args, '--out', file]).then(() => readFileSync(file, 'utf8')),
    )
  }
  return references.get(key)!
}

/** A counter of the lines of a growing file (0 while it does not exist), reading only what is new. */
function lineCounter(file: string): () => number {
  let offset = 0
  let lines = 0
  const buf = Buffer.alloc(1 << 16)
  return () => {
    if (!existsSync(file)) return 0
    const fd = openSync(file, 'r')
    try {
      if (fstatSync(fd).size < offset) {
        offset = 0
        lines = 0
      }
      for (let n; (n = readSync(fd, buf, 0, buf.length, offset)) > 0; offset += n) {
        for (let j = 0; j < n; j++) if (buf[j] === 10) lines++
      }
    } finally {
      closeSync(fd)
    }
    return lines
  }
}

/** Run `args` and kill the child with `signal` once `partial` holds at least `rows` rows. */
async function interrupt(args: readonly string[], partial: string, signal: NodeJS.Signals, rows = 1024): Promise<Run> {
  let child: ChildProcess | undefined
  let finished = false
  const run = spawnCli(args, 60_000, [], (c) => {
    child = c
  })
  void run.then(() => {
    finished = true
  })
  const lines = lineCounter(partial)
  while (!finished && lines() < 1 + rows) await sleep(10)
  if (finished) throw new Error(`the sweep ended before it could be interrupted:\n${show(await run)}`)
  child!.kill(signal)
  return run
}

/**
 * Check what an interruption kept: FILE absent; FILE.partial a prefix of the uninterrupted file
 * ending at a row boundary (its header, then rows i = k - 1, k - 1 + K, ... in order, each
 * parsing). Returns the number of rows kept.
 */
function checkKept(out: string, expected: string, k = 1, K = 1): number {
  expect(existsSync(out)).toBe(false)
  const kept = readFileSync(`${out}.partial`, 'utf8')
  expect(expected.startsWith(kept)).toBe(true)
  expect(kept.endsWith('\n')).toBe(true)
  const lines = kept.split('\n').slice(0, -1)
  expect(JSON.parse(lines[0])).toMatchObject({ sweep: 'compare', shard: `${k}/${K}` })
  lines.slice(1).forEach((line, j) => expect((JSON.parse(line) as { i: number }).i).toBe(k - 1 + j * K))
  return lines.length - 1
}

const keptLine = (rows: number, total: number, partial: string): string => `flowgm: interrupted: ${rows} of ${total} rows kept in ${partial}; run the same command with --resume to complete it\n`

/** Rows of a JSONL file (lines after the header). */
const rowsOf = (text: string): number => text.split('\n').length - 2

describe.concurrent('a sweep killed mid-way and resumed equals the uninterrupted sweep byte for byte', () => {
  it('SIGINT (exit 130), SIGTERM during the resume (exit 143), SIGKILL during the next, the partial cut mid-line: each keeps a whole prefix; a last --resume completes it', async () => {
    const out = join(scratch(), 'sweep.jsonl')
    const partial = `${out}.partial`
    const args = [...LONG, '--jobs', '1', '--out', out]
    const expected = reference(LONG)
    let rows = 0
    for (const [signal, code, resume] of [
      ['SIGINT', 130, []],
      ['SIGTERM', 143, ['--resume']],
    ] as const) {
      const r = await interrupt([...args, ...resume], partial, signal, rows + 1024)
      expect(r.code, show(r)).toBe(code)
      rows = checkKept(out, await expected)
      expect(rows).toBeLessThan(rowsOf(await expected))
      expect(r.stderr).toBe(keptLine(rows, rowsOf(await expected), partial))
    }
    const r = await interrupt([...args, '--resume'], partial, 'SIGKILL', rows + 1024)
    expect(r.signal, show(r)).toBe('SIGKILL')
    // Whatever the kill left is a prefix of the sweep; cut it inside a row, as a kill during a write would.
    expect((await expected).startsWith(readFileSync(partial, 'utf8'))).toBe(true)
    truncateSync(partial, statSync(partial).size - 7)
    await ok([...args, '--resume'])
    expect(readFileSync(out, 'utf8')).toBe(await expected)
    expect(readdirSync(join(out, '..'))).toEqual(['sweep.jsonl'])
  })

  it('worker threads: interrupted and resumed under --jobs 2 (the reference under --jobs 1)', async () => {
    const out = join(scratch(), 'sweep.jsonl')
    const args = [...LONG, '--jobs', '2', '--out', out]
    const r = await interrupt(args, `${out}.partial`, 'SIGINT')
    expect(r.code, show(r)).toBe(130)
    const expected = await reference(LONG)
    const rows = checkKept(out, expected)
    expect(r.stderr).toBe(keptLine(rows, rowsOf(expected), `${out}.partial`))
    await ok([...args, '--resume'])
    expect(readFileSync(out, 'utf8')).toBe(expected)
  })

  it('a shard: --shard 2/3 interrupted and resumed equals the uninterrupted shard 2/3', async () => {
    const out = join(scratch(), 'part2.jsonl')
    const args = [...LONG, '--shard', '2/3', '--jobs', '1', '--out', out]
    const r = await interrupt(args, `${out}.partial`, 'SIGTERM', 512)
    expect(r.code, show(r)).toBe(143)
    const expected = await reference([...LONG, '--shard', '2/3'])
    const rows = checkKept(out, expected, 2, 3)
    expect(r.stderr).toBe(keptLine(rows, rowsOf(expected), `${out}.partial`))
    await ok([...args, '--resume'])
    expect(readFileSync(out, 'utf8')).toBe(expected)
  })
})

describe.concurrent('--resume of what is there, and refusals', () => {
  /** A partial file as an interruption leaves it: the first `rows` rows of the reference of `args`. */
  async function partialOf(args: readonly string[], rows: number): Promise<{ out: string; partial: string; text: string }> {
    const out = join(scratch(), 's.jsonl')
    const text =
      (await reference(args))
        .split('\n')
        .slice(0, rows + 1)
        .join('\n') + '\n'
    writeFileSync(`${out}.partial`, text)
    return { out, partial: `${out}.partial`, text }
  }

  it('a partial file of this sweep (rows of an unfinished chunk) is completed; the same command without --resume refuses it, untouched', async () => {
    const { out, partial, text } = await partialOf(SMALL, 2)
    await refused([...SMALL, '--out', out], `--out: ${partial} holds an interrupted sweep; continue it with --resume or delete it`)
    expect(readFileSync(partial, 'utf8')).toBe(text)
    expect(existsSync(out)).toBe(false)
    await ok([...SMALL, '--out', out, '--resume'])
    expect(readFileSync(out, 'utf8')).toBe(await reference(SMALL))
    expect(existsSync(partial)).toBe(false)
  })

  it.each([
    ['another grid', ['compare', '--n', '2,4,8,16,64', '--format', 'jsonl'], 'is another sweep (axes: '],
    ['another shard', [...SMALL, '--shard', '2/3'], 'is another sweep (shard: "1/1" in the file, "2/3" for this command)'],
  ])('a partial file of %s is refused naming the field, untouched', async (_name, args, message) => {
    const { out, partial, text } = await partialOf(SMALL, 2)
    await refused([...args, '--out', out, '--resume'], `--resume: ${partial} ${message}`)
    expect(readFileSync(partial, 'utf8')).toBe(text)
    expect(existsSync(out)).toBe(false)
  })

  it('a partial file that is not a flowgm sweep, or whose rows are not in grid order, is refused, untouched', async () => {
    const dir = scratch()
    const out = join(dir, 's.jsonl')
    const lines = (await reference(SMALL)).split('\n')
    const cases: Array<[string, string]> = [
      ['{"hello": 1}\n', `--resume: ${out}.partial is not a flowgm sweep (its first line is not a sweep header)`],
      [`${lines[0]}\n${lines[1]}\n${lines[1]}\n`, `--resume: ${out}.partial line 3 is not row i = 1 of this sweep`],
    ]
    for (const [text, message] of cases) {
      writeFileSync(`${out}.partial`, text)
      await refused([...SMALL, '--out', out, '--resume'], message)
      expect(readFileSync(`${out}.partial`, 'utf8')).toBe(text)
      expect(existsSync(out)).toBe(false)
    }
  })

  it('FILE already complete (no partial file): exit 0, "is already complete", nothing written', async () => {
    const out = join(scratch(), 's.jsonl')
    writeFileSync(out, await reference(SMALL))
    const before = statSync(out).mtimeMs
    const r = await cli.run([...SMALL, '--out', out, '--resume'])
    expect(r.code, show(r)).toBe(0)
    expect(r.stdout, show(r)).toBe('')
    expect(r.stderr, show(r)).toBe(`flowgm: ${out} is already complete\n`)
    expect(readFileSync(out, 'utf8')).toBe(await reference(SMALL))
    expect(statSync(out).mtimeMs).toBe(before)
    expect(readdirSync(join(out, '..'))).toEqual(['s.jsonl'])
  })

  it('FILE incomplete or another sweep (no partial file) is refused under --resume, untouched', async () => {
    const out = join(scratch(), 's.jsonl')
    const cut = (await reference(SMALL)).split('\n').slice(0, 3).join('\n') + '\n'
    writeFileSync(out, cut)
    await refused([...SMALL, '--out', out, '--resume'], `--resume: ${out} holds 2 of the 5 rows of this sweep and there is no ${out}.partial to continue`)
    expect(readFileSync(out, 'utf8')).toBe(cut)
    await refused(['compare', '--n', '2,4', '--format', 'jsonl', '--out', out, '--resume'], `--resume: ${out} is another sweep (rows: 5 in the file, 2 for this command)`)
    expect(readFileSync(out, 'utf8')).toBe(cut)
  })

  it('neither FILE nor FILE.partial: --resume runs the sweep from the start', async () => {
    const out = join(scratch(), 's.jsonl')
    await ok([...SMALL, '--out', out, '--resume'])
    expect(readFileSync(out, 'utf8')).toBe(await reference(SMALL))
  })

  it.each([[['--format', 'csv', '--out', 'x.csv']], [['--format', 'jsonl']]])('--resume %j: needs --format jsonl and --out', async (flags) => {
    await refused(['compare', '--n', '2,4', ...flags, '--resume'], '--resume: needs --format jsonl and --out FILE')
  })
})
