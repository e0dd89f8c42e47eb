// The CLI's output, byte for byte, against what it printed before the library refactor of issue 17
// (test/golden/*.out: one invocation per command, written by the CLI at commit 3f195f7 with CI=true:
// exit status, stdout and stderr; report.sha256: the report's files but its page, whose timings
// and date change, hashed; test/e2e/report.test.ts checks those). A change of output is then a
// decision, made by rewriting a golden file, never a side effect.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { requireBuild, spawnCli } from '../cli/run.js'

const GOLDEN = new URL('./', import.meta.url).pathname
const INVOCATIONS = JSON.parse(readFileSync(join(GOLDEN, 'invocations.json'), 'utf8')) as Array<{ name: string; args: string[] }>
const golden = (name: string) => JSON.parse(readFileSync(join(GOLDEN, `${name}.out`), 'utf8')) as { status: number; stdout: string; stderr: string }
const env = { ...process.env, CI: 'true' }
const tmp = mkdtempSync(join(tmpdir(), 'flowgm-golden-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe.concurrent('one invocation per command prints what it printed before', () => {
  requireBuild()
  it.each(INVOCATIONS)('flowgm $args', async ({ name, args }) => {
    const r = await spawnCli(args, 60_000, [], undefined, { env })
    expect({ status: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual(golden(name))
  })

  it('flowgm merge of two shards of compare', async () => {
    const shard = (k: number) => spawnCli(['compare', '--n', '2,4,8', '--shard', `${k}/2`, '--format', 'jsonl', '--out', join(tmp, `s${k}.jsonl`)], 60_000, [], undefined, { env })
    for (const k of [1, 2]) expect((await shard(k)).code).toBe(0)
    const r = await spawnCli(['merge', '--format', 'csv', join(tmp, 's2.jsonl'), join(tmp, 's1.jsonl')], 60_000, [], undefined, { env })
    expect({ status: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual(golden('merge'))
  })
})
