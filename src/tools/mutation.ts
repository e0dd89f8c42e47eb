/**
 * `npm run mutation [-- MODULE...] [--force] [--report-only]`: mutation testing of the numerical core with
 * Stryker (vitest runner), one run per module of mutation-modules.ts, then docs/mutation.md: the
 * score per module and file, and every surviving mutant with the reason it survives (from
 * test/mutation/equivalent*.json, or killed-since*.json where a test written after the run kills it) or NOT EXPLAINED. Runs are incremental: a second run re-tests only
 * the mutants whose code or covering tests changed, as Stryker judges it; it has been seen to keep
 * a surviving mutant's result although tests added since kill it, so `--force` re-tests every
 * mutant. Not part of CI (it takes a long time).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { MUTATION_MODULES, type MutationModule } from './mutation-modules.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const OUT = 'out/mutation'
/**
 * The reasons survivors survive: test/mutation/equivalent*.json (no input tells the mutant from
 * the original) and killed-since*.json (a test written after the module's last run kills it,
 * planted by hand), arrays of Explanation.
 */
const EXPLAINED = /^(equivalent|killed-since).*\.json$/
/** Killed in each module, at least (issue 16). */
const TARGET = 85

interface Mutant {
  readonly id: string
  readonly mutatorName: string
  readonly replacement?: string
  readonly status: string
  readonly coveredBy?: readonly string[]
  readonly testsCompleted?: number
  readonly location: { readonly start: { readonly line: number; readonly column: number }; readonly end: { readonly line: number; readonly column: number } }
}
interface Report {
  readonly files: Readonly<Record<string, { readonly source: string; readonly mutants: readonly Mutant[] }>>
}
/**
 * A survivor's reason, matched by file, original text and replacement ('*': any); `where`, when
 * given, is text that the mutant's line must contain, for an original that is not unique in its file.
 */
interface Explanation {
  readonly file: string
  readonly original: string
  readonly replacement: string
  readonly reason: string
  readonly where?: string
}

const DETECTED = new Set(['Killed', 'Timeout'])
const UNDETECTED = new Set(['Survived', 'NoCoverage'])

function strykerConfig(m: MutationModule, force: boolean): string {
  const file = `${OUT}/${m.name}.stryker.json`
  writeFileSync(
    ROOT + file,
    JSON.stringify(
      {
        testRunner: 'vitest',
        vitest: { configFile: 'test/mutation/vitest.config.ts', related: false },
        coverageAnalysis: 'perTest',
        mutate: m.mutate,
        // Mutants in code run when a module loads would need every test for each; they are left out
        // and counted as ignored in the report.
        ignoreStatic: true,
        reporters: ['progress-append-only', 'json'],
        jsonReporter: { fileName: `${OUT}/${m.name}.json` },
        incremental: true,
        force,
        incrementalFile: `${OUT}/${m.name}.incremental.json`,
        tempDirName: `out/stryker-${m.name}`,
        // The sandbox is a copy of the project: leave out earlier reports and sandboxes.
        ignorePatterns: ['/out', ...(m.ignore ?? [])],
        concurrency: 2,
        timeoutMS: 5000,
        // Instrumented code is much slower than the original: the initial run may take longer than Stryker's 5 minutes.
        dryRunTimeoutMinutes: 30,
      },
      null,
      2,
    ),
  )
  return file
}

function run(m: MutationModule, force: boolean): void {
  const config = strykerConfig(m, force)
  console.log(`flowgm mutation: ${m.name} (${m.mutate.join(', ')}) against ${m.tests.join(', ')}`)
  const r = spawnSync(process.execPath, [ROOT + 'node_modules/@stryker-mutator/core/bin/stryker.js', 'run', config], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, FLOWGM_MUTATION_MODULE: m.name },
  })
  if (r.status !== 0) throw new Error(`stryker failed on ${m.name} (exit ${r.status})`)
}

/**
 * A survivor's status; "no test ran" where tests cover it but Stryker completed none (seen for
 * openPartial's mutants, also in a forced run, although the covering tests fail with each planted
 * by hand): a result of the harness, not of the tests.
 */
function statusOf(mu: Mutant): string {
  return mu.status === 'Survived' && mu.testsCompleted === 0 && (mu.coveredBy?.length ?? 0) > 0 ? 'Survived (no test ran)' : mu.status
}

/** The source text a mutant replaces. */
function original(source: string, { start, end }: Mutant['location']): string {
  const lines = source.split('\n')
  if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1)
  return [lines[start.line - 1].slice(start.column - 1), ...lines.slice(start.line, end.line - 1), lines[end.line - 1].slice(0, end.column - 1)].join('\n')
}

const oneLine = (s: string, max = 90): string => {
  const flat = s.replace(/\s+/g, ' ').trim()
  return flat.length > max ? flat.slice(0, max - 3) + '...' : flat
}
const cell = (s: string): string => '`' + oneLine(s).replace(/`/g, "'").replace(/\|/g, '\\|') + '`'
const pct = (k: number, n: number): string => (n === 0 ? '—' : ((100 * k) / n).toFixed(1))

function report(modules: readonly MutationModule[]): { text: string; ok: boolean } {
  const dir = ROOT + 'test/mutation/'
  const explained: Explanation[] = readdirSync(dir)
    .filter((f) => EXPLAINED.test(f))
    .flatMap((f) => JSON.parse(readFileSync(dir + f, 'utf8')) as Explanation[])
  const reasonOf = (file: string, source: string, orig: string, mutant: Mutant) =>
    explained.find(
      (e) =>
        e.file === file &&
        oneLine(e.original, 1e9) === oneLine(orig, 1e9) &&
        (e.replacement === '*' || oneLine(e.replacement, 1e9) === oneLine(mutant.replacement ?? '', 1e9)) &&
        (e.where === undefined || source.split('\n')[mutant.location.start.line - 1].includes(e.where)),
    )?.reason
  const summary: string[] = ['| module | files | run (UTC) | mutants | killed | timed out | survived | no coverage | ignored (static) | score % |', '|---|---|---|---:|---:|---:|---:|---:|---:|---:|']
  const perFile: string[] = ['| file | mutants | killed + timed out | survived + no coverage | score % |', '|---|---:|---:|---:|---:|']
  const survivors: string[] = ['| where | mutator | original | replacement | status | why it survives |', '|---|---|---|---|---|---|']
  let ok = true
  let unexplained = 0
  for (const m of modules) {
    const path = `${ROOT}${OUT}/${m.name}.json`
    if (!existsSync(path)) {
      summary.push(`| ${m.name} | ${m.mutate.join(', ')} | not run | | | | | | | |`)
      ok = false
      continue
    }
    const r = JSON.parse(readFileSync(path, 'utf8')) as Report
    const count = new Map<string, number>()
    for (const [file, f] of Object.entries(r.files)) {
      const local = new Map<string, number>()
      for (const mu of f.mutants) {
        count.set(mu.status, (count.get(mu.status) ?? 0) + 1)
        local.set(mu.status, (local.get(mu.status) ?? 0) + 1)
        if (!UNDETECTED.has(mu.status)) continue
        const orig = original(f.source, mu.location)
        const reason = reasonOf(file, f.source, orig, mu)
        if (!reason) unexplained++
        survivors.push(`| ${file}:${mu.location.start.line} | ${mu.mutatorName} | ${cell(orig)} | ${cell(mu.replacement ?? '')} | ${statusOf(mu)} | ${reason ?? '**NOT EXPLAINED**'} |`)
      }
      const det = [...DETECTED].reduce((s, k) => s + (local.get(k) ?? 0), 0)
      const und = [...UNDETECTED].reduce((s, k) => s + (local.get(k) ?? 0), 0)
      perFile.push(`| ${file} | ${det + und} | ${det} | ${und} | ${pct(det, det + und)} |`)
    }
    const get = (k: string) => count.get(k) ?? 0
    const det = get('Killed') + get('Timeout')
    const all = det + get('Survived') + get('NoCoverage')
    if (all === 0 || (100 * det) / all < TARGET) ok = false
    summary.push(
      `| ${m.name} | ${m.mutate.join(', ')} | ${statSync(path).mtime.toISOString().slice(0, 16).replace('T', ' ')} | ${all} | ${get('Killed')} | ${get('Timeout')} | ${get('Survived')} | ${get('NoCoverage')} | ${get('Ignored')} | ${pct(det, all)} |`,
    )
  }
  if (unexplained > 0) ok = false
  const text = `# Mutation testing

Generated by \`npm run mutation\` (src/tools/mutation.ts) with Stryker's vitest runner; do not edit
by hand. Each module is mutated on its own and tested by the in-process test files listed in
src/tools/mutation-modules.ts (tests that run the built CLI in a child process cannot see a
mutant), so each score is a lower bound on what the whole suite kills.

- **Score** = (killed + timed out) / (killed + timed out + survived + no coverage). Target: at
  least ${TARGET}% in every module, and every survivor killed by a test or explained below.
- **Ignored (static)**: mutants of code that runs when a module is loaded (constants, tables).
  Stryker would have to run every test for each, so they are left out (\`ignoreStatic\`).
- **Run (UTC)**: when the module's last Stryker run ended; tests added since then are not
  counted until the next run, so a survivor they kill is still listed below. An incremental run
  may keep a survivor's earlier result although tests added since kill it (Stryker's judgement
  of which tests changed); \`npm run mutation -- MODULE --force\` re-tests every mutant.
- **Survived (no test ran)**: tests cover the mutant but Stryker completed none of them (also
  in a forced run); planted by hand, the covering tests fail. A fault of the harness we have not
  found, listed so that it is not taken for a verdict of the tests.
- **Timed out** counts as detected, as Stryker counts it; on a loaded machine a slow mutant can
  time out without being wrong, so a rerun on an idle machine may lower the score.
- **Why it survives**: from test/mutation/equivalent*.json and killed-since*.json, matched by file, original text and
  replacement (and a text of the mutant's line where the original is not unique). "Equivalent" means
  no input can tell the mutant from the original (the reason says why); "Killed by ..., written
  after this run" names the test that kills it, planted by hand, until the module's next run
  counts it. Anything else is a gap in the tests.

## Per module

${summary.join('\n')}

Verdict: ${ok ? `every module at least ${TARGET}%, every survivor explained.` : `NOT MET (a module below ${TARGET}%, not run, or ${unexplained} survivors not explained).`}

## Per file

${perFile.join('\n')}

## Surviving mutants

${survivors.length > 2 ? survivors.join('\n') : 'None.'}
`
  return { text, ok }
}

function main(argv: readonly string[]): void {
  const flags = argv.filter((a) => a.startsWith('--'))
  const wrong = flags.filter((f) => f !== '--report-only' && f !== '--force')
  if (wrong.length) {
    console.error(`flowgm mutation: unknown option ${wrong.join(', ')} (options: --force, --report-only)`)
    process.exit(2)
  }
  const reportOnly = flags.includes('--report-only')
  const names = argv.filter((a) => !a.startsWith('--'))
  const unknown = names.filter((n) => !MUTATION_MODULES.some((m) => m.name === n))
  if (unknown.length) {
    console.error(`flowgm mutation: unknown module ${unknown.join(', ')} (modules: ${MUTATION_MODULES.map((m) => m.name).join(', ')})`)
    process.exit(2)
  }
  mkdirSync(ROOT + OUT, { recursive: true })
  if (!reportOnly) for (const m of MUTATION_MODULES.filter((x) => names.length === 0 || names.includes(x.name))) run(m, flags.includes('--force'))
  const { text, ok } = report(MUTATION_MODULES)
  writeFileSync(ROOT + 'docs/mutation.md', text)
  console.log(`flowgm mutation: docs/mutation.md written; ${ok ? 'target met' : 'target NOT met'}`)
}

main(process.argv.slice(2))
