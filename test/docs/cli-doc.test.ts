// docs/cli.md against the live help of the built CLI (`node bin/flowgm.js ...`; run `npm run build`
// first). Nothing here is hard-coded: the expected values come from the running program.
//
//  - commands: the `Commands:` block of `flowgm --help` (so a command added to the CLI is checked
//    as soon as it is built);
//  - flags: the `Options:` block of `flowgm <command> --help` (the first column, as yargs prints
//    it), plus every `--no-X` negation the help text names for a boolean option `--X`;
//    `--help` and `--version` are exempt (documented once, in the introduction);
//  - output keys: the key list at the end of the command's description in `flowgm <command> --help`
//    (`...: t c m q_xi ...` or `...: { params, measured, ... }`), when it has one;
//  - exit codes: the epilog of `flowgm --help` ("Exit codes: 0 success, ..."), cross-checked with
//    EXIT of src/cli/main.ts.
//
// Where the doc must document them (the rule):
//  - a command's own section is the `## ` section headed `` `flowgm <command>` ...``; every command
//    of the help has one, and every such section names a command of the help;
//  - a flag of a command is documented if it occurs in an inline code span (`--flag`,
//    `--flag value`, `--a / --no-a`) of that command's own section (fenced blocks, i.e. synopses
//    and transcripts, do not count), OR in the first column of a flag table (a table whose header
//    starts `| flag |`) or in the heading of a shared section (a `## ` section that is not a
//    command's) which the command's own section refers to: by a link to its anchor
//    (`[...](#common-flags)`) or by naming it anywhere in its text, synopsis included (the
//    heading, or the part after the heading's colon without a leading "the": "common flags",
//    "sweep flags", "--digits D", ...; case-insensitive, backticks ignored).
//    A shared section thus documents a flag only where it defines it, not where it mentions it;
//  - a subcommand (`flowgm plot KIND`, listed in the `Commands:` block of its command's help) takes
//    the flags of the command KIND: each of its flags is documented as above in the section of its
//    command (plot) or in the section of the command KIND;
//  - a flag matches as a whole word: `--n` does not match `--n-range`, `--skip` not `--no-skip`;
//  - an output key is documented if it occurs as a whole word in code (inline or fenced) of the
//    command's own section;
//  - every exit code is a row `| code | meaning |` of the section headed "Exit codes ...", whose
//    meaning contains the help's wording ("success", "invalid input", "internal error").
//
// FLOWGM_CLI_DOC=path checks another copy of the doc (used to see this test fail on a doctored
// copy); by default docs/cli.md.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EXIT } from '../../src/cli/main.js'
import { inProcessCli, requireBuild, ROOT, show, type Run } from '../cli/run.js'

const DOC_PATH = resolve(ROOT, process.env.FLOWGM_CLI_DOC ?? join('docs', 'cli.md'))
const DOC_NAME = process.env.FLOWGM_CLI_DOC ?? 'docs/cli.md'
const EXEMPT = new Set(['--help', '--version'])

// ---------------------------------------------------------------------------------------------
// The help, read once at collection time so that each command gets its own test.

requireBuild()

// One process prints every help (as `node bin/flowgm.js ... --help` would, stdout not a terminal).
const cli = inProcessCli()

async function help(...args: string[]): Promise<Run> {
  const r = await cli.run([...args, '--help'])
  if (r.code !== 0 || r.stderr !== '' || !/^Options:$/m.test(r.stdout)) throw new Error(`unexpected help output:\n${show(r)}`)
  return r
}

/** The lines of the block that starts with `title` (e.g. "Options:") up to the next blank line. */
function block(text: string, title: string): string[] {
  const lines = text.split('\n')
  const start = lines.findIndex((l) => l === title)
  if (start < 0) return []
  const end = lines.findIndex((l, i) => i > start && l.trim() === '')
  return lines.slice(start + 1, end < 0 ? undefined : end)
}

/** Commands of `flowgm --help`, in its order. */
function commandsOf(top: string): string[] {
  const names = block(top, 'Commands:')
    .map((l) => /^ {2}flowgm ([a-z][\w-]*)/.exec(l)?.[1])
    .filter((x): x is string => x !== undefined)
  if (!names.length) throw new Error(`no commands found in flowgm --help:\n${top}`)
  return names
}

const FLAG = /(?<![\w-])--[A-Za-z][\w-]*(?![\w-])/g

/** Flags of `flowgm <command> --help`: the option column, and the --no-X negations it names. */
function flagsOf(text: string): string[] {
  // An option: a line with indent, the flag(s) (`--out`, or `--out, -o`), two or more blanks and
  // the description, then the description's continuation lines (indented further).
  const entries: Array<{ names: string[]; text: string }> = []
  for (const line of block(text, 'Options:')) {
    const m = /^ {1,8}(-{1,2}[A-Za-z][\w-]*(?:, -{1,2}[A-Za-z][\w-]*)*)(?: {2,}.*)?$/.exec(line)
    if (m) entries.push({ names: m[1].split(', ').filter((f) => f.startsWith('--')), text: line })
    else if (entries.length) entries[entries.length - 1].text += `\n${line}`
  }
  const flags = entries.flatMap((e) => e.names)
  const booleans = new Set(entries.filter((e) => /\[boolean\]/.test(e.text)).flatMap((e) => e.names))
  for (const f of entries
    .map((e) => e.text)
    .join('\n')
    .match(FLAG) ?? []) {
    if (f.startsWith('--no-') && booleans.has(`--${f.slice(5)}`) && !flags.includes(f)) flags.push(f)
  }
  return flags.filter((f) => !EXEMPT.has(f))
}

/** The description of `flowgm <command> --help` (the paragraph after the usage line), unwrapped. */
function descriptionOf(text: string): string {
  const paragraphs = text.split(/\n\s*\n/)
  return (paragraphs[1] ?? '').replace(/\s+/g, ' ').trim()
}

/** The output keys a description ends with: `...: a b c` or `...: { a, b, c }`; none if it has no such list. */
function keysOf(description: string): string[] {
  const tail = description.slice(description.lastIndexOf(': ') + 2)
  if (description.includes(': ') && /^[A-Za-z_]\w*( [A-Za-z_]\w*)+$/.test(tail)) return tail.split(' ')
  const braces = /^\{ ([A-Za-z_]\w*(?:, [A-Za-z_]\w*)*) \}$/.exec(tail)
  return braces ? braces[1].split(', ') : []
}

/** Exit codes and their meaning from the epilog `Exit codes: 0 success, 2 invalid input (...), 1 internal error.` */
function exitCodesOf(top: string): Map<number, string> {
  const paragraph = top.split(/\n\s*\n/).find((p) => p.startsWith('Exit codes:'))
  const epilog = paragraph && /^Exit codes: (.*?)\.?$/.exec(paragraph.replace(/\s+/g, ' ').trim())
  if (!epilog) throw new Error(`no "Exit codes:" epilog in flowgm --help:\n${top}`)
  const codes = new Map<number, string>()
  for (const m of epilog[1].replace(/\([^)]*\)/g, '').matchAll(/(\d+) ([^,]+)/g)) codes.set(Number(m[1]), m[2].trim())
  return codes
}

/** Subcommands of a command (`flowgm plot KIND`): the `Commands:` block of its help. */
function subcommandsOf(command: string, text: string): string[] {
  return block(text, 'Commands:')
    .map((l) => new RegExp(`^ {2}flowgm ${command} ([a-z][\\w-]*)`).exec(l)?.[1])
    .filter((x): x is string => x !== undefined)
}

const top = (await help()).stdout
const COMMANDS = commandsOf(top)
const HELP = new Map(await Promise.all(COMMANDS.map(async (c) => [c, (await help(c)).stdout] as const)))
/** [command, subcommand, its help]: `flowgm plot KIND` takes the flags of the command KIND. */
const SUBHELP = await Promise.all(COMMANDS.flatMap((c) => subcommandsOf(c, HELP.get(c)!).map(async (sub) => [c, sub, (await help(c, sub)).stdout] as const)))
await cli.close()

// ---------------------------------------------------------------------------------------------
// The doc, split into `## ` sections (headings inside fenced blocks do not count).

interface Section {
  heading: string
  body: string
  slug: string
  command?: string
}

const DOC = readFileSync(DOC_PATH, 'utf8')

/** GitHub's anchor of a heading. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-')

function sections(doc: string): Section[] {
  const out: Section[] = []
  let fenced = false
  let current: { heading: string; lines: string[] } | undefined
  for (const line of doc.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced
    const h = !fenced && /^## (.*)$/.exec(line)
    if (h) {
      if (current) out.push(section(current.heading, current.lines.join('\n')))
      current = { heading: h[1].trim(), lines: [] }
    } else current?.lines.push(line)
  }
  if (current) out.push(section(current.heading, current.lines.join('\n')))
  return out
}

function section(heading: string, body: string): Section {
  const command = /^`flowgm ([a-z][\w-]*)[^`]*`/.exec(heading)?.[1]
  return { heading, body, slug: slug(heading), command }
}

const withoutFences = (text: string) => text.replace(/^\s*(```|~~~)[^\n]*\n[\s\S]*?^\s*\1[^\n]*$/gm, '')
/** Inline code spans (`x`, ``x``) outside fenced blocks. */
const codeSpans = (text: string) => [...withoutFences(text).matchAll(/(`+)([\s\S]*?[^`])\1(?!`)/g)].map((m) => m[2])
/** Inline code spans and fenced blocks. */
const allCode = (text: string) => [...codeSpans(text), ...[...text.matchAll(/^\s*(```|~~~)[^\n]*\n([\s\S]*?)^\s*\1/gm)].map((m) => m[2])]
const flagsIn = (texts: readonly string[]) => new Set(texts.flatMap((t) => t.match(FLAG) ?? []))

/** First cells of the tables whose header starts `| flag |`. */
function flagTableCells(body: string): string[] {
  const cells: string[] = []
  let inFlagTable = false
  let previous = false
  for (const line of withoutFences(body).split('\n')) {
    const row = line.trim().startsWith('|')
    if (row && !previous) inFlagTable = /^\|\s*flag\s*\|/i.test(line.trim())
    else if (row && inFlagTable && !/^\|\s*:?-+/.test(line.trim())) cells.push(line.trim().split('|')[1] ?? '')
    previous = row
  }
  return cells
}

/** The names a command section may refer to a shared section by. */
function namesOf(s: Section): string[] {
  const plain = s.heading.replace(/`/g, '').toLowerCase().trim()
  const tail = plain.includes(':')
    ? plain
        .slice(plain.lastIndexOf(':') + 1)
        .trim()
        .replace(/^the /, '')
    : plain
  return [...new Set([plain, tail])].filter((n) => n.length > 0)
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

function refersTo(own: Section, shared: Section): boolean {
  if (own.body.includes(`](#${shared.slug})`)) return true
  const text = own.body.replace(/`/g, '').toLowerCase()
  return namesOf(shared).some((n) => new RegExp(`(?<![\\w-])${escape(n)}(?![\\w-])`).test(text))
}

const SECTIONS = sections(DOC)
const SHARED = SECTIONS.filter((s) => s.command === undefined)
const sectionOf = (command: string) => SECTIONS.find((s) => s.command === command)
const headingOf = (command: string) => `## \`flowgm ${command}\``

// ---------------------------------------------------------------------------------------------

/** The flags a command's section documents: its inline code, and the flag tables of the shared sections it refers to. */
function documentedBy(own: Section): { flags: Set<string>; refs: Section[] } {
  const refs = SHARED.filter((s) => refersTo(own, s))
  return { flags: flagsIn([own.heading, ...codeSpans(own.body), ...refs.flatMap((s) => [s.heading, ...flagTableCells(s.body)])]), refs }
}

describe(`${DOC_NAME} documents every command of flowgm --help (${COMMANDS.join(', ')})`, () => {
  it('has a section for each command of the help, and none for a command the help does not list', () => {
    expect(COMMANDS.filter((c) => !sectionOf(c)).map((c) => `flowgm ${c}: no section headed ${headingOf(c)} in ${DOC_NAME}`)).toEqual([])
    const extra = SECTIONS.filter((s) => s.command !== undefined && !COMMANDS.includes(s.command))
    expect(extra.map((s) => `${DOC_NAME}: section "## ${s.heading}" documents a command that flowgm --help does not list`)).toEqual([])
  })

  for (const command of COMMANDS) {
    it(`every flag of flowgm ${command} --help is documented (own section, or a shared section it refers to)`, () => {
      const flags = flagsOf(HELP.get(command)!)
      // A command with subcommands (plot) may have no flags of its own: its subcommands have them.
      if (!subcommandsOf(command, HELP.get(command)!).length) expect(flags.length, `no flags parsed from flowgm ${command} --help:\n${HELP.get(command)}`).toBeGreaterThan(0)
      const own = sectionOf(command)
      expect(own, `flowgm ${command}: no section headed ${headingOf(command)} in ${DOC_NAME}`).toBeDefined()
      const { flags: documented, refs } = documentedBy(own!)
      const missing = flags.filter((f) => !documented.has(f))
      const where = `looked in the inline code of "## ${own!.heading}" and in the flag tables of the shared sections it refers to: ${refs.map((s) => `"## ${s.heading}"`).join(', ') || 'none'}`
      expect(
        missing.map((f) => `flowgm ${command}: ${f} (in --help) is not documented in ${DOC_NAME}`),
        where,
      ).toEqual([])
    })

    const keys = keysOf(descriptionOf(HELP.get(command)!))
    if (keys.length) {
      it(`the output keys of flowgm ${command} --help (${keys.join(' ')}) are documented in its section`, () => {
        const own = sectionOf(command)
        expect(own, `flowgm ${command}: no section headed ${headingOf(command)} in ${DOC_NAME}`).toBeDefined()
        const code = allCode(own!.body)
        const missing = keys.filter((k) => !code.some((c) => new RegExp(`(?<![\\w])${escape(k)}(?![\\w])`).test(c)))
        expect(missing.map((k) => `flowgm ${command}: output key ${k} is in --help but not in code in its section "## ${own!.heading}" of ${DOC_NAME}`)).toEqual([])
      })
    }
  }

  for (const [command, sub, text] of SUBHELP) {
    it(`every flag of flowgm ${command} ${sub} --help is documented (in the section of ${command} or of ${sub})`, () => {
      const flags = flagsOf(text)
      expect(flags.length, `no flags parsed from flowgm ${command} ${sub} --help:\n${text}`).toBeGreaterThan(0)
      const owners = [sectionOf(command), sectionOf(sub)].filter((x): x is Section => x !== undefined)
      const documented = new Set(owners.flatMap((o) => [...documentedBy(o).flags]))
      const missing = flags.filter((f) => !documented.has(f))
      expect(
        missing.map((f) => `flowgm ${command} ${sub}: ${f} (in --help) is not documented in ${DOC_NAME}`),
        `looked in ${owners.map((o) => `"## ${o.heading}"`).join(' and ')} and the shared sections they refer to`,
      ).toEqual([])
    })
  }

  it('documents every exit code (EXIT of src/cli/main.ts, the epilog of flowgm --help) in the "Exit codes" section', () => {
    const fromHelp = exitCodesOf(top)
    const fromCode = Object.values(EXIT) as number[]
    // The help and the code agree on the codes (a disagreement is a bug in src/, not in the doc).
    expect([...fromHelp.keys()].sort(), `flowgm --help epilog lists other exit codes than EXIT in src/cli/main.ts (${JSON.stringify(EXIT)})`).toEqual([...fromCode].sort())
    const exits = SECTIONS.find((s) => /^exit codes/i.test(s.heading))
    expect(exits, `${DOC_NAME}: no section headed "## Exit codes ..."`).toBeDefined()
    const rows = new Map([...exits!.body.matchAll(/^\|\s*(\d+)\s*\|([^|\n]*)\|/gm)].map((m) => [Number(m[1]), m[2].trim()]))
    const problems: string[] = []
    for (const code of new Set([...fromCode, ...fromHelp.keys()])) {
      const meaning = fromHelp.get(code)
      const row = rows.get(code)
      if (row === undefined) problems.push(`exit code ${code} (${meaning ?? 'EXIT'}) has no row "| ${code} | ... |" in "## ${exits!.heading}" of ${DOC_NAME}`)
      else if (meaning !== undefined && !row.toLowerCase().includes(meaning.toLowerCase())) problems.push(`exit code ${code}: the help says "${meaning}", ${DOC_NAME} says "${row}"`)
    }
    expect(problems).toEqual([])
  })
})
