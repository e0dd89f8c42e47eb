// flowgm compare --architectures by the built CLI (in one process for the file): the refusals
// (exit 2, one line `flowgm: --architectures: rule` on stderr, nothing on stdout), JSONL shards
// merged by `flowgm merge` to the bytes of the unsharded table, the null and note of kl without
// skip connection in JSON, and --help naming the flag. The values themselves are checked against
// independent routes in test/sweep/architectures.test.ts; here the expected constants are the
// closed forms by hand of docs/theory.md (C = 2 sigma^2 with skip connection, sigma^2 without;
// the floor of w2 without skip connection sigma^2 at rho = 1/2).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectSuccess, inProcessCli, requireBuild, show, type Run } from './run.js'

beforeAll(requireBuild)
const cli = inProcessCli()
const dir = mkdtempSync(join(tmpdir(), 'flowgm-arch-'))
afterAll(async () => {
  await cli.close()
  rmSync(dir, { recursive: true, force: true })
})

const ok = async (...args: string[]): Promise<Run> => expectSuccess(await cli.run(args))

async function refused(args: readonly string[], line: string): Promise<void> {
  const r = await cli.run(args)
  expect(r.code, show(r)).toBe(2)
  expect(r.stdout, show(r)).toBe('')
  expect(r.stderr, show(r)).toBe(`flowgm: ${line}\n`)
}

const ARCH = ['compare', '--architectures', 'skip,no-skip', '--n', '2,8,32,128', '--sigma', '0.5,2']

describe('flowgm compare --architectures', () => {
  it('refuses --no-skip, --steps and a bad list, naming --architectures', async () => {
    await refused([...ARCH, '--no-skip'], '--architectures: cannot be combined with --no-skip (list the architectures instead: skip, no-skip)')
    await refused(
      ['compare', '--architectures', 'skip', '--steps', '10'],
      '--architectures: compares the continuous flows and cannot be combined with --steps (compare one architecture with --steps, and --no-skip for the other)',
    )
    await refused(['compare', '--architectures', 'noskip'], "--architectures: must be a comma-separated list of skip, no-skip (got 'noskip')")
    await refused(['compare', '--architectures', 'skip', '--rho', '1'], "--rho: must be a number in (0, 1), the target's weight P(s = +1) (got 1)")
  })

  it('JSON: per architecture, kl and C_kl null without skip connection with the note; the constants by hand', async () => {
    const rows = JSON.parse((await ok(...ARCH, '--json')).stdout) as Array<Record<string, number | string | null>>
    expect(rows).toHaveLength(8)
    for (const r of rows) {
      const s2 = (r.sigma as number) ** 2
      expect(r.sigma2).toBe(s2)
      // 0.5^2 and 2^2 are exact in binary, and so are 2 sigma^2 and their printed 12 digits.
      expect([r.C_skip, r.C_noskip, r.floor_w2_skip, r.floor_w2_noskip, r.C_kl_skip]).toEqual([2 * s2, s2, 0, s2, 1])
      expect(r.var_noskip).toBe(0)
      expect([r.kl_noskip, r.C_kl_noskip]).toEqual([null, null])
      expect(r.note).toMatch(/^kl_noskip and C_kl_noskip infinite \(printed as null\): the generated clusters have no spread/)
      // Without skip connection w2 = mse + sigma^2 exactly (P = 0, rho = 1/2), to the printed digits.
      expect(Math.abs((r.w2_noskip as number) - (r.mse_noskip as number) - s2)).toBeLessThan(1e-11 * (r.w2_noskip as number))
    }
  })

  it('JSONL shards merge to the unsharded table (csv and table), byte for byte', async () => {
    const files = [1, 2, 3].map((k) => join(dir, `a${k}.jsonl`))
    for (const [j, file] of files.entries()) await ok(...ARCH, '--format', 'jsonl', '--shard', `${j + 1}/3`, '--out', file)
    for (const format of ['csv', 'table']) {
      const whole = (await ok(...ARCH, '--format', format)).stdout
      expect((await ok('merge', ...files, '--format', format)).stdout, format).toBe(whole)
    }
  })

  it('--help of compare and of plot compare names --architectures', async () => {
    for (const args of [
      ['compare', '--help'],
      ['plot', 'compare', '--help'],
    ])
      expect((await ok(...args)).stdout).toMatch(/--architectures +compare these side by side at t = 1/)
  })
})
