// What every example shares, so that each script shows only the library calls: its flags (plain
// node:util parseArgs, every flag a string with a default, read into values by number, numbers
// and axis), the output directory (--out-dir, default examples/out/), one printed line per file
// written, and errors as one line on stderr (exit 2 for a bad flag or value, 1 for anything else).
import { mkdir, writeFile } from 'node:fs/promises'
import { basename, isAbsolute, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { ParameterError } from 'flowgm'

/** Where the examples write unless told otherwise: examples/out/ (git-ignored). */
export const DEFAULT_OUT_DIR = fileURLToPath(new URL('../out/', import.meta.url))

/**
 * Run an example. `script` is its import.meta.url; `flags` maps each flag to its default value
 * (strings, as on the command line); `main(flags, write)` computes and calls
 * `write(fileName, content)` for each file, which lands in the output directory.
 */
export async function runExample(script, { about, flags }, main) {
  const name = basename(fileURLToPath(script))
  const options = {
    ...Object.fromEntries(Object.entries(flags).map(([k, v]) => [k, { type: 'string', default: v }])),
    'out-dir': { type: 'string', default: DEFAULT_OUT_DIR },
    help: { type: 'boolean', short: 'h' },
  }
  const usage = `usage: node examples/${name} ${Object.entries(flags)
    .map(([k, v]) => `[--${k} ${v}]`)
    .join(' ')} [--out-dir DIR]`
  let values
  try {
    values = parseArgs({ args: process.argv.slice(2), options, strict: true }).values
  } catch (e) {
    const flag = /'(?:-\w, )?(-[^' ,]+)/.exec(e.message)?.[1]
    const why =
      e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? `unknown flag ${flag}`
        : e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
          ? `${flag} ${options[flag?.replace(/^--/, '')]?.type === 'boolean' ? 'takes no value' : 'needs a value'}`
          : e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
            ? `takes no positional arguments (${e.message.split('.')[0]})`
            : e.message
    fail(
      `${name}: ${why} (flags: ${Object.keys(options)
        .map((k) => `--${k}`)
        .join(', ')})`,
      2,
    )
  }
  if (values.help) {
    process.stdout.write(`${name}: ${about}\n${usage}\n`)
    return
  }
  const { 'out-dir': outDir, help: _help, ...given } = values
  const dir = resolve(outDir)
  try {
    await mkdir(dir, { recursive: true })
  } catch (e) {
    fail(`${name}: --out-dir: cannot create ${dir} (${e.code ?? e.message})`, 2)
  }
  const write = async (file, content) => {
    const path = join(dir, file)
    await writeFile(path, content)
    const shown = relative(process.cwd(), path)
    process.stdout.write(`wrote ${shown.startsWith('..') || isAbsolute(shown) ? path : shown}\n`)
  }
  try {
    await main(given, write)
  } catch (e) {
    // The library validates every value (e.g. points = 1) with a ParameterError naming it.
    if (e instanceof ParameterError) fail(`${name}: --${e.parameter}: ${e.rule}`, 2)
    fail(`${name}: error: ${e instanceof Error ? e.message : String(e)}`, 1)
  }
}

function fail(message, code) {
  process.stderr.write(`${message}\n`)
  process.exit(code)
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/** The number a flag's text holds (a ParameterError naming the flag if it holds none). */
export function number(flags, name) {
  const text = flags[name].trim()
  if (!DECIMAL.test(text)) throw new ParameterError(name, `must be a decimal number (got '${flags[name]}')`)
  return Number(text)
}

/** The numbers of a comma-separated list. */
export const numbers = (flags, name) => flags[name].split(',').map((part) => number({ [name]: part }, name))

/** A grid axis: the numbers of a list, or a range START:STOP:lin|log[:POINTS] as written. */
export const axis = (flags, name) => (flags[name].includes(':') ? flags[name] : numbers(flags, name))
