/**
 * The command line: parse flags -> build the problem (validated) -> solve -> format. Each command
 * is a few lines; the numbers come from src/theory, the layout from format.ts.
 */
import yargs, { type Argv } from 'yargs'
import { InputError } from '../errors.js'
import { flowProblem, type FlowProblem } from '../theory/problem.js'
import { solve } from '../theory/solve.js'
import { integer, number, numberList, single, time } from './args.js'
import { FORMATS, render, type Format, type Row } from './format.js'

/** Flag defaults: the published summary-statistics figure (n = 8, sigma = 1.5, lambda = 0.1). */
export const DEFAULTS = { n: 8, sigma: 1.5, lambda: 0.1, omega: 1, schedule: 'linear', points: 101, statsT: 1 } as const

type Args = Record<string, unknown>

function commonOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('n', { type: 'string', describe: `number of training samples, integer >= 2 [default: ${DEFAULTS.n}]` })
    .option('sigma', { type: 'string', describe: `cluster standard deviation, > 0 [default: ${DEFAULTS.sigma}]` })
    .option('lambda', { type: 'string', describe: `ridge penalty on w, >= 0 [default: ${DEFAULTS.lambda}]` })
    .option('omega', { type: 'string', describe: `signal strength |mu|^2/d, > 0 [default: ${DEFAULTS.omega}]` })
    .option('schedule', { type: 'string', describe: `named schedule: linear (alpha = 1-t, beta = t) or trig (alpha = cos(pi t/2), beta = sin(pi t/2)) [default: ${DEFAULTS.schedule}]` })
    .option('alpha', { type: 'string', describe: 'custom alpha(t), coefficient of the base noise x0 (with --beta)' })
    .option('beta', { type: 'string', describe: 'custom beta(t), coefficient of the target x1 (with --alpha)' })
    .option('skip', { type: 'boolean', default: true, describe: 'DAE with skip connection c x; --no-skip sets c = 0' })
    .option('format', { type: 'string', describe: `output format: ${FORMATS.join(', ')} [default: table]` })
    .option('json', { type: 'boolean', describe: 'shorthand for --format json' })
}

/** The problem the common flags describe. */
export function problemFrom(a: Args): FlowProblem {
  const alpha = single('alpha', a.alpha)
  const beta = single('beta', a.beta)
  const named = single('schedule', a.schedule)
  if ((alpha === undefined) !== (beta === undefined)) throw new InputError(alpha === undefined ? 'beta' : 'alpha', 'requires both --alpha and --beta')
  if (alpha !== undefined && named !== undefined) throw new InputError('schedule', 'cannot be combined with --alpha/--beta')
  return flowProblem({
    n: integer('n', a.n, 2) ?? DEFAULTS.n,
    sigma: number('sigma', a.sigma) ?? DEFAULTS.sigma,
    lambda: number('lambda', a.lambda) ?? DEFAULTS.lambda,
    omega: number('omega', a.omega) ?? DEFAULTS.omega,
    schedule: alpha !== undefined ? { alpha, beta: beta! } : named ?? DEFAULTS.schedule,
    skip: a.skip !== false,
  })
}

function formatFrom(a: Args): Format {
  const f = single('format', a.format)
  if (a.json === true) {
    if (f !== undefined && f !== 'json') throw new InputError('json', `conflicts with --format ${f}`)
    return 'json'
  }
  if (f === undefined) return 'table'
  if (!(FORMATS as readonly string[]).includes(f)) throw new InputError('format', `must be one of ${FORMATS.join(', ')} (got '${f}')`)
  return f as Format
}

function times(a: Args, fallback?: number): number[] {
  const ts = numberList('t', a.t) ?? (fallback === undefined ? undefined : [fallback])
  if (!ts) throw new InputError('t', 'is required (a time in [0, 1], or a comma-separated list)')
  return ts.map((t) => time('t', t))
}

/** Everything a command prints; the caller writes it once it is complete. */
type Output = string

const commands = {
  dae(a: Args): Output {
    const format = formatFrom(a)
    const ts = times(a)
    const sol = solve(problemFrom(a))
    return render(['t', ...sol.daeKeys], ts.map((t) => sol.dae(t)), format, ts.length === 1)
  },
  stats(a: Args): Output {
    const format = formatFrom(a)
    const ts = times(a, DEFAULTS.statsT)
    const sol = solve(problemFrom(a))
    return render(['t', ...sol.statsKeys], sol.statsGrid(ts), format, ts.length === 1)
  },
  curves(a: Args): Output {
    const format = formatFrom(a)
    const points = integer('points', a.points, 2, 1_000_000) ?? DEFAULTS.points
    const sol = solve(problemFrom(a))
    const ts = Array.from({ length: points }, (_, k) => (k === points - 1 ? 1 : k / (points - 1)))
    const stats = sol.statsGrid(ts)
    const rows: Row[] = ts.map((t, i) => ({ ...sol.dae(t), ...stats[i] }))
    return render(['t', ...sol.daeKeys, ...sol.statsKeys], rows, format, false)
  },
}

/** Exit codes of THEORY.md section 7. */
export const EXIT = { ok: 0, internal: 1, input: 2 } as const

function fail(message: string, code: number): never {
  process.stderr.write(`flowgm: ${message}\n`)
  process.exit(code)
}

const COMMANDS = Object.keys(commands)

/** yargs writes one-letter flags with one dash; ours are spelt --n, --t (THEORY.md section 7). */
const longFlags = (help: string): string =>
  help.replace(/^(\s+)-([A-Za-z])(\s+)/gm, (all: string, _lead: string, letter: string) => {
    const head = `      --${letter}`
    return head + ' '.repeat(Math.max(2, all.length - head.length))
  })

/** yargs' validation messages, restated as `--flag: rule` (or the unknown command). */
function explain(msg: string, argv: readonly string[]): string {
  const unknown = /^Unknown arguments?: (.*)$/.exec(msg.trim())
  if (unknown) {
    const names = unknown[1].split(', ')
    const command = argv.find((a) => !a.startsWith('-'))
    if (command !== undefined && !COMMANDS.includes(command) && names.includes(command)) {
      return `unknown command '${command}' (commands: ${COMMANDS.join(', ')}; see flowgm --help)`
    }
    // yargs lists a dashed flag twice (as written and camel-cased); report it as written.
    const flag = names.find((n) => argv.some((a) => a === `--${n}` || a.startsWith(`--${n}=`) || a === `-${n}`)) ?? names[0]
    return `--${flag}: unknown flag (see flowgm ${command ?? ''} --help for the flags)`.replace('  ', ' ')
  }
  return msg.replace(/\n/g, ' ')
}

/** Run the CLI on argv (without node and script). */
export async function main(argv: readonly string[]): Promise<void> {
  let output: Output | undefined
  const run = (name: keyof typeof commands) => (a: Args) => { output = commands[name](a) }
  const cli = yargs()
    .scriptName('flowgm')
    .usage('$0 <command> [options]\n\nExact high-dimensional asymptotics of a flow-based generative model (Cui, Krzakala,\nVanden-Eijnden, Zdeborova, ICLR 2024) trained on n samples of a two-cluster Gaussian mixture.')
    .command('dae', 'the learnt denoiser at time t (Result A): t c m q_xi w_norm2 w_cos test_mse oracle_mse margin', (y) =>
      commonOptions(y).option('t', { type: 'string', describe: 'time in [0, 1], or a comma-separated list (required)' }), run('dae'))
    .command('stats', 'summary statistics of the generated samples at time t (Result B): t M Q_xi P norm cos cos_sample mse var', (y) =>
      commonOptions(y).option('t', { type: 'string', describe: `time in [0, 1], or a comma-separated list [default: ${DEFAULTS.statsT}]` }), run('stats'))
    .command('curves', 'every key of dae and stats on a uniform grid of [0, 1]', (y) =>
      commonOptions(y).option('points', { type: 'string', describe: `number of grid points, integer >= 2 [default: ${DEFAULTS.points}]` }), run('curves'))
    .demandCommand(1, 'a command is required (dae, stats or curves); see flowgm --help')
    .strict()
    .help()
    .version()
    .wrap(Math.min(100, process.stdout.columns || 100))
    .example('$0 stats --n 8 --sigma 1.5 --lambda 0.1 --json', 'summary statistics at t = 1')
    .example('$0 dae --t 0.5 --schedule trig', 'the denoiser at t = 0.5')
    .example("$0 curves --points 11 --alpha '1-t^2' --beta 't^2' --format csv", 'curves for a custom schedule')
    .epilog('Exit codes: 0 success, 2 invalid input (one line on stderr naming the flag and the rule), 1 internal error.')
    .exitProcess(false)
    .showHelpOnFail(false)
    .fail((msg, err) => {
      if (err) throw err
      fail(explain(msg, argv), EXIT.input)
    })
  try {
    // With a callback yargs hands us its help and version text instead of printing it.
    await cli.parseAsync([...argv], {}, (_err, _args, text) => { if (text) output = `${longFlags(text)}\n` })
  } catch (e) {
    if (e instanceof InputError) fail(e.message, EXIT.input)
    fail(`internal error: ${e instanceof Error ? e.message : String(e)}`, EXIT.internal)
  }
  if (output !== undefined) process.stdout.write(output)
}
