// docs/theory.md quotes the model's equation files next to the maths they express. This test keeps
// the quotes in sync with equations/.
//
// Where the expected values come from: the equation files themselves, read at test time. Every
// file in equations/ ending in .eq is split into lines by the rules of the format
// (src/symbolic/eqfile.ts: a `#` starts a comment that runs to the end of the line, blanks around
// a line are ignored, empty lines are skipped; what is left is a section header `[kind]` or
// `[kind name]`, or a definition `name = expression` / `name' = expression`). Nothing is taken
// from the document or from src/.
//
// What is checked, on the fenced code blocks of docs/theory.md whose first line is the comment
// `# equations/<file>.eq` (the "quotes" of that file):
//  1. every definition line of every equation file appears verbatim (after the same comment
//     stripping and trimming) in a quote of that file, below the header of its own section;
//  2. every non-comment line of a quote is a header or a definition line of the quoted file, and a
//     quoted definition sits below the header of the section it belongs to (no stale or misplaced
//     quotes survive an edit of equations/).
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const ROOT = new URL('../../', import.meta.url)
const EQUATIONS = new URL('equations/', ROOT)
const DOC = new URL('docs/theory.md', ROOT)

const HEADER = /^\[(\w[\w-]*)(?:\s+(\w[\w-]*))?\]$/
const DEFINITION = /^([A-Za-z_]\w*)(')?\s*=\s*(.+)$/

/** A line as the equation-file format reads it: comment removed, trimmed. */
const significant = (raw: string): string => raw.replace(/#.*$/, '').trim()

interface Definition {
  readonly file: string
  readonly section: string
  readonly line: string
  readonly lineNo: number
}

/** Headers and definition lines of one equation file, each definition with its section header. */
function readEquationFile(file: string): { headers: Set<string>; definitions: Definition[] } {
  const headers = new Set<string>()
  const definitions: Definition[] = []
  let section = ''
  readFileSync(new URL(file, EQUATIONS), 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      const line = significant(raw)
      if (line === '') return
      if (HEADER.test(line)) {
        section = line
        headers.add(line)
        return
      }
      if (!DEFINITION.test(line)) throw new Error(`equations/${file}:${i + 1}: neither a header nor a definition: ${line}`)
      definitions.push({ file, section, line, lineNo: i + 1 })
    })
  return { headers, definitions }
}

interface QuotedLine {
  readonly file: string
  readonly section: string
  readonly line: string
  readonly docLine: number
}

/** The non-comment lines of the doc's quotes of equation files, with the header above each. */
function readQuotes(doc: string): QuotedLine[] {
  const out: QuotedLine[] = []
  const lines = doc.split('\n')
  let inFence = false
  let file: string | undefined
  let first = false
  let section = ''
  lines.forEach((raw, i) => {
    if (/^\s*```/.test(raw)) {
      inFence = !inFence
      file = undefined
      first = inFence
      section = ''
      return
    }
    if (!inFence) return
    if (first) {
      first = false
      const m = /^\s*#\s*equations\/([\w.-]+\.eq)\s*$/.exec(raw)
      if (m) file = m[1]
      return
    }
    if (!file) return
    const line = significant(raw)
    if (line === '') return
    if (HEADER.test(line)) section = line
    out.push({ file, section, line, docLine: i + 1 })
  })
  return out
}

const files = readdirSync(EQUATIONS)
  .filter((f) => f.endsWith('.eq'))
  .sort()
const equations = new Map(files.map((f) => [f, readEquationFile(f)]))
const quotes = readQuotes(readFileSync(DOC, 'utf8'))

describe('docs/theory.md quotes equations/ verbatim', () => {
  it('finds the equation files and the quotes', () => {
    expect(files.length).toBeGreaterThan(0)
    expect(quotes.length).toBeGreaterThan(0)
  })

  it.each(files)('every definition line of %s is quoted under its section header', (file) => {
    const missing = equations
      .get(file)!
      .definitions.filter((d) => !quotes.some((q) => q.file === file && q.section === d.section && q.line === d.line))
      .map((d) => `equations/${file}:${d.lineNo} ${d.section} ${d.line}`)
    expect(missing, `not quoted in a \`# equations/${file}\` block of docs/theory.md`).toEqual([])
  })

  it('every quoted line is a line of the quoted file, in its own section', () => {
    const stale = quotes
      .filter((q) => {
        const eq = equations.get(q.file)
        if (!eq) return true
        if (HEADER.test(q.line)) return !eq.headers.has(q.line)
        return !eq.definitions.some((d) => d.section === q.section && d.line === q.line)
      })
      .map((q) => `docs/theory.md:${q.docLine} (${q.file} ${q.section || 'no section header'}) ${q.line}`)
    expect(stale, 'quoted in docs/theory.md but not (or not in that section) in equations/').toEqual([])
  })
})
