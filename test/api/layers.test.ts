// The layers point one way (README, "How it is built"): the core never imports the command line,
// and the library's entry point reaches the command line only for the report, which is built
// from the commands' own flags. And the repository stands on its own: no tracked file points to
// a path outside it. The imports are read from the sources as text (static and dynamic).
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = new URL('../../', import.meta.url).pathname
const SRC = join(ROOT, 'src')
const CORE = ['symbolic', 'hp', 'theory', 'baselines', 'simulate', 'sweep', 'plot', 'linalg', 'report', 'generated']

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : []
  })
}

/** The files of src/ a source file imports (relative specifiers, resolved; .js read as .ts). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1])
  return specifiers.map((s) => relative(SRC, resolve(dirname(file), s)).replace(/\.js$/, '.ts'))
}

describe('layers', () => {
  it('no file of the core folders (or of src/ itself, but the entry point) imports src/cli/', () => {
    const core = [
      ...CORE.flatMap((d) => filesUnder(join(SRC, d))),
      ...readdirSync(SRC)
        .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
        .map((f) => join(SRC, f)),
    ]
    expect(core.length).toBeGreaterThan(40)
    const offending = core.flatMap((f) =>
      importsOf(f)
        .filter((i) => i.startsWith('cli/'))
        .map((i) => `${relative(ROOT, f)} -> src/${i}`),
    )
    expect(offending).toEqual([])
  })

  it('the entry point imports the core, and of src/cli/ only the report', () => {
    const imports = importsOf(join(SRC, 'index.ts'))
    expect(imports.filter((i) => i.startsWith('cli/'))).toEqual(['cli/report.ts'])
    expect(imports.filter((i) => i.startsWith('tools/'))).toEqual([])
  })

  it('the reader sees the check fail on a planted import', () => {
    // The pattern above must see the forms the sources use: a static import, an export from, a dynamic import.
    const planted = ["import { x } from '../cli/args.js'", "export { y } from '../cli/format.js'", "const z = await import('../cli/main.js')"].join('\n')
    const specifiers = [...planted.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1])
    expect(specifiers).toEqual(['../cli/args.js', '../cli/format.js', '../cli/main.js'])
  })
})

describe('a self-contained repository', () => {
  // The brief the project started from lived beside the repository; the pattern is assembled so
  // that this file does not match it.
  const outside = ['\\.\\./', 'shared', '|', 'shared', '/', 'THEORY'].join('')
  it('no tracked file refers to the folder beside the repository or to the brief in it', () => {
    let found = ''
    try {
      found = execFileSync('git', ['grep', '-nE', outside], { cwd: ROOT, encoding: 'utf8' })
    } catch (e) {
      // git grep exits 1 when nothing matches.
      if ((e as { status?: number }).status !== 1) throw e
    }
    expect(found).toBe('')
  })
})
