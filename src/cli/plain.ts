/**
 * A command line read without yargs, when it has the plain form scripts write: yargs alone takes
 * longer to load than Node takes to start, and a script calling `flowgm stats` in a loop pays
 * it every time. Anything but the plain form is left to yargs, which then words the messages.
 */
import type { Argv } from 'yargs'
import type { Args } from './common.js'

/** What a command's builder declares of a flag: enough to read it as yargs does. */
export interface Flag {
  readonly type: 'string' | 'boolean'
  readonly default?: unknown
}

/** Declarations a plain reading handles (the type, the default and the help text). */
const READABLE: ReadonlySet<string> = new Set(['type', 'default', 'describe'])

/**
 * The flags a yargs builder declares, read by running it on a recorder instead of yargs; undefined
 * when it declares anything else (a positional, a subcommand, an alias...).
 */
export function declaredFlags(builder: <T>(y: Argv<T>) => Argv<T>): ReadonlyMap<string, Flag> | undefined {
  const flags = new Map<string, Flag>()
  let readable = true
  const recorder = {
    option(name: string, spec: Flag & Record<string, unknown>) {
      readable &&= (spec.type === 'string' || spec.type === 'boolean') && Object.keys(spec).every((k) => READABLE.has(k))
      flags.set(name, { type: spec.type, default: spec.default })
      return recorder
    },
    hide: () => recorder,
  }
  try {
    builder(recorder as unknown as Argv)
  } catch {
    // A builder calling what the recorder lacks (a positional, a subcommand...): not readable.
    return undefined
  }
  return readable ? flags : undefined
}

/** yargs gives a dashed flag under its camel-cased name too (sig-figs and sigFigs). */
const camel = (name: string): string => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())

/** A flag as written: --name, --no-name, --name=value. */
const FLAG = /^--(no-)?([a-z][a-z0-9-]*)(=[^]*)?$/

/**
 * The arguments yargs hands `command`'s handler for `words` (the words after the command), when
 * they are all of the plain form: each declared flag at most once, a value flag as `--flag VALUE`
 * or `--flag=VALUE` (a value neither empty, nor beginning with a dash unless attached, nor
 * quoted: yargs strips quotes), a boolean as `--flag` or `--no-flag`. Otherwise undefined.
 */
export function plainArgs(command: string, words: readonly string[], flags: ReadonlyMap<string, Flag>): Args | undefined {
  const args: Args = { _: [command] }
  const set = (name: string, value: unknown) => {
    args[name] = value
    if (name.includes('-')) args[camel(name)] = value
  }
  const seen = new Set<string>()
  for (let i = 0; i < words.length; i++) {
    const m = FLAG.exec(words[i])
    if (!m) return undefined
    const [, no, name, attached] = m
    const flag = flags.get(name)
    if (flag === undefined || seen.has(name)) return undefined
    seen.add(name)
    if (flag.type === 'boolean') {
      if (attached !== undefined) return undefined
      set(name, no === undefined)
      continue
    }
    if (no !== undefined) return undefined
    const value = attached !== undefined ? attached.slice(1) : words[++i]
    if (value === undefined || value === '' || (attached === undefined && value.startsWith('-')) || /["']/.test(value)) return undefined
    set(name, value)
  }
  // In yargs' order: the flags as given, then the defaults of the others.
  for (const [name, flag] of flags) if (flag.default !== undefined && !seen.has(name)) set(name, flag.default)
  args.$0 = 'flowgm'
  return args
}
