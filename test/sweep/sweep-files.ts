// What the in-process merge and resume tests share: sweeps built from flags exactly as the CLI
// builds them (src/cli/sweep.ts specFrom), run in this thread into a scratch directory.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { specFrom } from '../../src/cli/common.js'
import { WHOLE, type Shard } from '../../src/sweep/grid.js'
import { runSweep } from '../../src/sweep/run.js'
import type { SweepCommand, SweepSpec } from '../../src/sweep/sweeps.js'
import type { TableFormat } from '../../src/sweep/writers.js'

/** A sweep as its command line gives it (flags without dashes, as yargs passes them). */
export interface Flags {
  readonly command: SweepCommand
  /** As yargs passes them: text, or false for a negated boolean (--no-skip). */
  readonly args: Readonly<Record<string, string | false>>
}

export const specOf = (f: Flags): SweepSpec => specFrom(f.command, { ...f.args })

/** A scratch directory, and its removal. */
export function scratch(): { dir: string; path: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'flowgm-sweep-'))
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Run a sweep in this thread (one job: no worker, which needs the build) into `out`; its text. */
export async function sweepFile(f: Flags, out: string, o: { format?: TableFormat; shard?: Shard; resume?: boolean } = {}): Promise<string> {
  await runSweep(specOf(f), { format: o.format ?? 'jsonl', shard: o.shard ?? WHOLE, out, jobs: 1, progress: false, resume: o.resume })
  return readFileSync(out, 'utf8')
}

/**
 * f run once, on the first call; later calls get its promise. For the files' references: built in
 * a beforeEach with it, not in beforeAll, so that the code they run is covered by a test (code run
 * in beforeAll counts as run when the module loads, and Stryker's vitest runner completes no test
 * on such a mutant).
 */
export function once<T>(f: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined
  return () => (result ??= f())
}
