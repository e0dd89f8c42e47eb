/**
 * Reader for the equation files in `equations/`: sections `[kind]` or `[kind name]`, each holding
 * lines `name = expression` (or `name' = expression` for a time derivative), `#` comments.
 * Expressions are in mathjs syntax and pass the same whitelist as user input. The sections that
 * say what the observables mean (GEOMETRY_SECTIONS, read by meaning.ts) may also call `dot(u, v)`
 * and `minimise(kappa, expression)` and use the scalar `kappa`.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { MathNode } from './mathjs.js'
import { ELEMENTARY, parseWhitelisted } from './whitelist.js'

export interface Entry {
  readonly name: string
  readonly derivative: boolean
  readonly node: MathNode
  readonly text: string
}
export interface Section {
  readonly kind: string
  readonly name: string
  readonly entries: readonly Entry[]
}

/** The equation files, in the order they are read. */
export const EQUATION_FILES = ['schedules.eq', 'dae.eq', 'flow.eq', 'baselines.eq'] as const
export type EquationFile = (typeof EQUATION_FILES)[number]

/** Sections describing the vectors behind the observables, and what each observable is in their terms. */
export const GEOMETRY_SECTIONS: ReadonlySet<string> = new Set(['directions', 'vectors', 'meaning'])
/** The scalar a `minimise(kappa, ...)` in those sections minimises over. */
export const BOUND_SCALAR = 'kappa'
const GEOMETRY_FUNCTIONS: ReadonlyMap<string, number> = new Map([...ELEMENTARY, ['dot', 2], ['minimise', 2]])

/** Directory of the equation files (the same relative path from src/ and from dist/). */
export const EQUATIONS_DIR = fileURLToPath(new URL('../../equations/', import.meta.url))

export function readEquationText(file: EquationFile): string {
  return readFileSync(EQUATIONS_DIR + file, 'utf8')
}

/** Version of the compiled model's layout (ModelSource): bump it when that layout changes. */
const MODEL_LAYOUT = 5

/** Fingerprint of all equation files and the model layout: compiled models are cached under it. */
export function equationsHash(texts: Partial<Record<EquationFile, string>> = {}): string {
  const h = createHash('sha256').update(`layout ${MODEL_LAYOUT}\0`)
  for (const f of EQUATION_FILES)
    h.update(f)
      .update('\0')
      .update(texts[f] ?? readEquationText(f))
      .update('\0')
  return h.digest('hex').slice(0, 16)
}

/**
 * Parse one file. `symbols` lists the free names every expression may use; names defined earlier
 * in the file become usable below their definition.
 */
export function parseEquations(text: string, file: string, symbols: Iterable<string>): Section[] {
  const sections: Array<{ kind: string; name: string; entries: Entry[] }> = []
  const known = new Set(symbols)
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim()
    if (line === '') return
    const where = `${file}:${i + 1}`
    const header = /^\[(\w[\w-]*)(?:\s+(\w[\w-]*))?\]$/.exec(line)
    if (header) {
      sections.push({ kind: header[1], name: header[2] ?? '', entries: [] })
      return
    }
    const eq = /^([A-Za-z_]\w*)(')?\s*=\s*(.+)$/.exec(line)
    if (!eq || sections.length === 0) throw new Error(`${where}: expected '[section]' or 'name = expression'`)
    let node: MathNode
    const geometry = GEOMETRY_SECTIONS.has(sections[sections.length - 1].kind)
    try {
      node = geometry ? parseWhitelisted(eq[3], new Set([...known, BOUND_SCALAR]), GEOMETRY_FUNCTIONS) : parseWhitelisted(eq[3], known)
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message}`)
    }
    sections[sections.length - 1].entries.push({ name: eq[1], derivative: eq[2] === "'", node, text: eq[3] })
    known.add(eq[1])
  })
  return sections
}

/** The one section of a kind (and name), or an error naming the file. */
export function section(sections: readonly Section[], kind: string, name = ''): Section {
  const found = sections.filter((s) => s.kind === kind && s.name === name)
  if (found.length !== 1) throw new Error(`equations: expected exactly one [${kind}${name ? ' ' + name : ''}] section, found ${found.length}`)
  return found[0]
}
