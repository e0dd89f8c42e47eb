/**
 * The command line: parse flags -> build the problem (validated) -> solve -> format. Each command
 * is a few lines; the numbers come from src/theory, the layout from format.ts; the common flags
 * are read in common.ts, the single-point commands run in point.ts, the grid commands in
 * sweep.ts. A command's module, and yargs, are loaded only when needed: a plain `flowgm stats`
 * loads neither the plotting stack nor the other commands (test/cli/startup.test.ts).
 */
import { DAE_KEYS, STATS_KEYS } from '../generated/keys.js'
import type { Argv } from 'yargs'
import { flagText, ParameterError, OutputError } from '../errors.js'
import { checkAfterDashes, checkNegations, joinDashValues } from './args.js'
import { clip } from '../text.js'
import { commonOptions, DEFAULTS, formatFrom, PLOT_POINTS, problemFrom, REPORT_DIR, samplerOptions, takeWarnings, type Args } from './common.js'
import { SWEEP_DEFAULTS } from '../sweep/spec.js'
import { PLOT_KINDS, type PlotKind } from '../plot/kinds.js'
import { DEFAULT_SIG_FIGS, TABLE_FORMATS } from '../sweep/writers.js'
import { writeFailure } from '../sweep/sink.js'
import { declaredFlags, plainArgs } from './plain.js'

/** merge's files: those before `--` and every word after it (so a name may begin with a dash). */
function mergeFilesOf(a: Args): string[] {
  const files = [...((a.files as unknown[] | undefined) ?? []), ...((a['--'] as unknown[] | undefined) ?? [])].map(String)
  if (!files.length) throw new ParameterError('merge', 'needs at least one JSONL file (written by a grid command with --format jsonl)', true)
  return files
}

/** Everything a command prints, written once it is complete (grid commands stream theirs). */
type Output = string

/** The modules of the commands, each imported only when the command line names a command that needs it. */
const MODULES = {
  point: () => import('./point.js'),
  'closed-form': () => import('./closed-form.js'),
  sweep: () => import('./sweep.js'),
  rate: () => import('./rate.js'),
  steps: () => import('./steps.js'),
  optimize: () => import('./optimize.js'),
  simulate: () => import('./simulate.js'),
  plot: () => import('./plot.js'),
  report: () => import('./report.js'),
  explore: () => import('./explore.js'),
}
type Modules = { [K in keyof typeof MODULES]: Awaited<ReturnType<(typeof MODULES)[K]>> }
const loaded: Partial<Modules> = {}

/** A command's module: those of the commands argv names are loaded (loadNamed) before any builder or run. */
function mod<K extends keyof Modules>(k: K): Modules[K] {
  const m = loaded[k]
  if (m === undefined) throw new Error(`the module of ${k} was not loaded`)
  return m as Modules[K]
}

const commands = {
  dae: (a: Args): Output => mod('point').daeCommand(a),
  stats: (a: Args): Output => mod('point').statsCommand(a),
  'closed-form': (a: Args): Output => mod('closed-form').closedFormCommand(a, problemFrom(a)),
  rate: (a: Args): Promise<Output> => mod('rate').rateCommand(a, problemFrom(a), formatFrom(a)),
  steps: (a: Args): Output => mod('steps').stepsCommand(a, formatFrom(a)),
  optimize: (a: Args): Output => mod('optimize').optimizeCommand(a, formatFrom(a)),
  // The grid commands write their rows as they are computed (src/sweep).
  curves: (a: Args) => mod('sweep').sweepCommand('curves', a),
  compare: (a: Args) => mod('sweep').sweepCommand('compare', a),
  'dae-compare': (a: Args) => mod('sweep').sweepCommand('dae-compare', a),
  merge: (a: Args) => mod('sweep').mergeCommand({ ...a, files: mergeFilesOf(a) }),
  simulate: (a: Args) => mod('simulate').simulateCommand(a),
  report: (a: Args) => mod('report').reportCommand(a),
  explore: (a: Args) => mod('explore').exploreCommand(a),
}

/** The modules each command's flags and run need (plot: those of every kind). */
const NEEDS: Readonly<Record<keyof typeof commands | 'plot', ReadonlyArray<keyof Modules>>> = {
  dae: ['point'],
  stats: ['point'],
  'closed-form': ['closed-form'],
  rate: ['rate'],
  steps: ['steps'],
  optimize: ['optimize'],
  curves: ['sweep'],
  compare: ['sweep'],
  'dae-compare': ['sweep'],
  merge: ['sweep'],
  simulate: ['simulate'],
  plot: ['plot', 'sweep', 'rate', 'steps', 'simulate'],
  report: ['report'],
  explore: ['explore'],
}

/** The flags of each plot kind: those of its command, without the output format. */
const PLOT_BUILDERS: { readonly [K in PlotKind]: <T>(y: Argv<T>) => Argv<T> } = {
  dae: (y) => mod('sweep').pointsOption(commonOptions(y), PLOT_POINTS),
  curves: (y) => samplerOptions(mod('sweep').pointsOption(commonOptions(y), PLOT_POINTS)),
  compare: (y) => mod('plot').compareSimulationOptions(mod('sweep').architecturesOption(samplerOptions(mod('sweep').gridParamOptions(y, SWEEP_DEFAULTS.compareN)))),
  distances: (y) => samplerOptions(mod('sweep').gridParamOptions(y, SWEEP_DEFAULTS.compareN)),
  'dae-compare': (y) => mod('plot').compareSimulationOptions(mod('sweep').daeCompareTimeOptions(mod('sweep').gridParamOptions(y, SWEEP_DEFAULTS.daeCompareN))),
  rate: (y) => samplerOptions(mod('rate').rateOptions(y)),
  steps: (y) => mod('steps').stepsOptions(y),
  simulate: (y) => mod('simulate').simulateOptions(y),
  draws: (y) => mod('plot').drawsOptions(y),
  particles: (y) => mod('simulate').simulateOptions(y),
  pca: (y) => mod('simulate').simulateOptions(y),
  components: (y) => mod('simulate').simulateOptions(y),
}

/** Exit codes of docs/cli.md (exit codes and errors). */
export const EXIT = { ok: 0, internal: 1, input: 2 } as const

/** The one line of a failure (warnings of the run dropped: they were about a result not given). */
function fail(message: string, code: number): never {
  takeWarnings()
  process.stderr.write(`flowgm: ${message}\n`)
  process.exit(code)
}

/** The boolean flags (yargs would take the last of --skip --no-skip, and read --skip=maybe as false). */
const BOOLEANS = ['skip', 'json', 'resume'] as const

/** The flags that take no value (a word after them that begins with a dash is not theirs). */
const VALUELESS: ReadonlySet<string> = new Set([...BOOLEANS, 'help', 'version'])

/** Refuse a boolean flag given twice (in any form) or with a value other than true or false. */
function checkBooleans(argv: readonly string[]): void {
  const end = argv.indexOf('--')
  const seen = new Set<string>()
  for (const a of end < 0 ? argv : argv.slice(0, end)) {
    const m = /^--(no-)?([a-z]+)(=([^]*))?$/.exec(a)
    const name = m?.[2] as (typeof BOOLEANS)[number] | undefined
    if (!m || name === undefined || !BOOLEANS.includes(name)) continue
    if (seen.has(name)) throw new ParameterError(name, `given more than once (as --${name} or --no-${name})`)
    seen.add(name)
    if (m[3] !== undefined && m[4] !== 'true' && m[4] !== 'false') throw new ParameterError(name, `takes no value: write --${name} or --no-${name} (got '${clip(m[4])}')`)
  }
}

const PLOT_KIND_REQUIRED = `plot: a kind is required (${PLOT_KINDS.join(', ')}); see flowgm plot --help`

/** yargs writes one-letter flags with one dash; ours are spelt --n, --t (docs/cli.md). */
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
    const end = argv.indexOf('--')
    const [command, kind] = argv.filter((a) => !a.startsWith('-'))
    if (command !== undefined && !COMMANDS.includes(command) && names.includes(command)) {
      return `unknown command '${clip(command)}' (commands: ${COMMANDS.join(', ')}; see flowgm --help)`
    }
    if (command === 'plot' && kind !== undefined && !(PLOT_KINDS as readonly string[]).includes(kind) && names.includes(kind)) {
      return `plot: unknown kind '${clip(kind)}' (kinds: ${PLOT_KINDS.join(', ')}; see flowgm plot --help)`
    }
    // yargs lists a dashed flag twice (as written and camel-cased); report it as written.
    const flag = names.find((n) => argv.some((a) => a === `--${n}` || a.startsWith(`--${n}=`)))
    const usage = command === 'plot' && kind !== undefined ? `plot ${kind}` : command
    if (flag !== undefined) return `--${clip(flag)}: unknown flag (see flowgm ${usage ?? ''} --help for the flags)`.replace('  ', ' ')
    // yargs splits a word of one dash into one-letter flags (-weird.jsonl into -w -e ...): name the word.
    const word = argv.slice(0, end < 0 ? undefined : end).find((a) => /^-[^-]./.test(a) && names.some((n) => a.includes(n))) ?? names[0]
    // Not a flag: an argument the command does not take (commands take none but merge's files).
    const hint = command === 'merge' && word.startsWith('-') ? `a file whose name begins with - goes after --: flowgm merge -- ${clip(word)}` : `see flowgm ${usage} --help`
    return `${command}: unexpected argument '${clip(word)}' (${hint})`
  }
  return msg.replace(/\n/g, ' ')
}

type Builder = <T>(y: Argv<T>) => Argv<T>

/**
 * A command of the help: how yargs names it, its line in the help and its flags; plot has kinds
 * instead (subcommands, built by parser).
 */
type Command =
  | {
      readonly name: keyof typeof commands
      /** As yargs reads it (merge's positional files); default the name. */
      readonly usage?: string
      readonly describe: string
      readonly options: Builder
    }
  | { readonly name: 'plot'; readonly describe: string }

/** The commands of the help, in its order (plot's kinds are its subcommands, built in parser). */
const TABLE: readonly Command[] = [
  {
    name: 'dae',
    describe: `the learnt denoiser at time t (Result A): t ${DAE_KEYS.join(' ')}`,
    options: (y) => commonOptions(y).option('t', { type: 'string', describe: 'time in [0, 1], or a comma-separated list (required)' }),
  },
  {
    name: 'stats',
    describe: `summary statistics of the generated samples at time t (Result B) and their distances to the target: t ${STATS_KEYS.join(' ')}`,
    options: (y) =>
      samplerOptions(commonOptions(y)).option('t', { type: 'string', describe: `time in [0, 1] (a grid time k/K with --steps K), or a comma-separated list [default: ${DEFAULTS.statsT}]` }),
  },
  {
    name: 'curves',
    describe: 'every key of dae and stats on a uniform grid of [0, 1] (with --steps K: the grid times k/K)',
    options: (y) => samplerOptions(mod('sweep').pointsOption(mod('sweep').sweepOptions(commonOptions(y)), DEFAULTS.points)),
  },
  {
    name: 'compare',
    describe:
      'the generative model at t = 1 against the Bayes-optimal and PCA estimators over a grid of n (sigma, lambda, omega): n mse cos bo_mse bo_cos pca_mse pca_cos mse_ratio n_mse n_bo_mse w2 kl',
    options: (y) => mod('sweep').architecturesOption(samplerOptions(mod('sweep').sweepOptions(mod('sweep').gridParamOptions(y, SWEEP_DEFAULTS.compareN)))),
  },
  {
    name: 'dae-compare',
    describe: 'the single-time denoiser against the oracle over t for several n: n t test_mse oracle_mse excess_mse',
    options: (y) => mod('sweep').daeCompareTimeOptions(mod('sweep').sweepOptions(mod('sweep').gridParamOptions(y, SWEEP_DEFAULTS.daeCompareN))),
  },
  {
    name: 'merge',
    usage: 'merge [files..]',
    describe: 'JSONL shards of one sweep (--format jsonl --shard k/K) back into one table, in grid order; refuses overlapping, missing or foreign rows',
    options: (y) =>
      y
        .positional('files', { type: 'string', describe: 'the JSONL files of the shards' })
        .option('format', { type: 'string', describe: `output format: ${TABLE_FORMATS.join(', ')} [default: table]` })
        .option('json', { type: 'boolean', describe: 'shorthand for --format json' })
        .option('sig-figs', { type: 'string', describe: `significant digits of markdown and latex cells [default: ${DEFAULT_SIG_FIGS}]` })
        .option('out', { type: 'string', describe: 'write to this file (complete or not at all) instead of stdout' }),
  },
  {
    name: 'closed-form',
    describe: 'the exact solutions the symbolic layer finds: M_t, Q_xi_t, P_t, mse at t = 1, Result A and the DAE observables, the rate constants',
    options: (y) => commonOptions(y).hide('digits').option('format', { type: 'string', describe: 'output format: text, latex, json [default: text]' }),
  },
  {
    name: 'rate',
    describe: 'the 1/n rate: C = lim n mse(n), C_bo (Bayes-optimal), their ratio and the next coefficient, and the constants of w2 and kl, exactly and by Richardson extrapolation',
    options: (y) => samplerOptions(mod('rate').rateOptions(y)),
  },
  {
    name: 'steps',
    describe:
      'K-step samplers against the continuous flow: mse, P, cos and their differences over K, the measured order and the constant E of mse_K - mse ~ E / K^p; with several n, the fewest steps K*(n) per scheme',
    options: (y) => mod('steps').stepsOptions(y),
  },
  {
    name: 'optimize',
    describe:
      'the best regularisation lambda* >= 0 of mse, w2 or kl at t = 1 (a root of its derivative, checked by a search on values); with --n-range, lambda*(n) and its large-n limit: minimised lambda_star boundary objective lambda objective_at_lambda bo_mse ratio digits_derivative digits_agree route',
    options: (y) => mod('optimize').optimizeOptions(y),
  },
  {
    name: 'simulate',
    describe:
      'a finite-d simulation: train the DAE at each of K steps, transport particles, and set the measured statistics beside the theory of the same scheme: { params, measured, theory, theory_discrete }',
    options: (y) => mod('simulate').simulateOptions(y),
  },
  {
    name: 'plot',
    describe: `a chart of a command's output, from the same flags: flowgm plot KIND [flags] --out FILE.svg|FILE.png (kinds: ${PLOT_KINDS.join(', ')})`,
  },
  {
    name: 'report',
    describe: `the published study reproduced from the theory (what npm start runs): every figure as SVG and CSV, the rate constants, one self-contained report.html and explorer.html (the theory live in a browser), written to --out DIR [default: ${REPORT_DIR}]`,
    options: (y) => y.option('out', { type: 'string', describe: `directory of the report, created if missing; its files are replaced whole [default: ${REPORT_DIR}]` }),
  },
  {
    name: 'explore',
    describe: "serve the report's explorer.html (the theory computed live in a browser) on http://127.0.0.1:PORT/ until Ctrl+C; the file works as well opened from disk",
    options: (y) => mod('explore').exploreOptions(y),
  },
]

/** The commands in the order of the help. */
const COMMANDS: readonly string[] = TABLE.map((c) => c.name)

/** What runs a command: `run(name)` for a command, `runPlot(kind)` for a plot kind. */
interface Handlers {
  run(name: keyof typeof commands): (a: Args) => Promise<void>
  runPlot(kind: PlotKind): (a: Args) => Promise<void>
}

/** The yargs parser of the whole command table, for argv (the modules of the commands it names loaded). */
export async function parser(argv: readonly string[], { run, runPlot }: Handlers): Promise<Argv> {
  await loadNamed(argv)
  const { default: yargs } = await import('yargs')
  const cli = yargs()
    .scriptName('flowgm')
    .usage(
      '$0 <command> [options]\n\nExact high-dimensional asymptotics of a flow-based generative model (Cui, Krzakala,\nVanden-Eijnden, Zdeborova, ICLR 2024) trained on n samples of a two-cluster Gaussian mixture.',
    )
  for (const c of TABLE) {
    if (c.name !== 'plot') cli.command(c.usage ?? c.name, c.describe, c.options, run(c.name))
    else
      cli.command(c.name, c.describe, (y) =>
        PLOT_KINDS.reduce((yy, kind) => yy.command(kind, mod('plot').PLOT_DESCRIPTIONS[kind], (z) => mod('plot').plotOptions(PLOT_BUILDERS[kind](z)), runPlot(kind)), y).demandCommand(
          1,
          PLOT_KIND_REQUIRED,
        ),
      )
  }
  return (
    cli
      .demandCommand(1, `a command is required (${COMMANDS.join(', ')}); see flowgm --help`)
      .strict()
      .help()
      .version()
      .wrap(Math.min(100, process.stdout.columns || 100))
      .example('$0 stats --n 8 --sigma 1.5 --lambda 0.1 --json', 'summary statistics at t = 1')
      .example('$0 dae --t 0.5 --schedule trig', 'the denoiser at t = 0.5')
      .example("$0 curves --points 11 --alpha '1-t^2' --beta 't^2' --format csv", 'curves for a custom schedule')
      .example('$0 steps --scheme rk4', 'how 4th-order Runge-Kutta converges to the continuous flow')
      .example('$0 simulate --d 20000 --particles 500 --steps 100', 'a finite-d simulation beside the theory')
      .example('$0 plot compare --sigma 0.5,1,2 --out mse.png', 'error against n, log-log, with the baselines')
      .example('$0 report --out out', 'every published figure, the rate constants, report.html and explorer.html')
      .epilog('Exit codes: 0 success, 2 invalid input (one line on stderr naming the flag and the rule), 1 internal error or output that cannot be written (one line on stderr).')
      .exitProcess(false)
      // `--sigma.x 1` would make --sigma an object (printed as '[object Object]'): an unknown flag instead.
      // The words after `--` apart from the positionals: merge's files, every other command's refusal.
      .parserConfiguration({ 'dot-notation': false, 'populate--': true })
      .showHelpOnFail(false)
      .fail((msg, err) => {
        if (err) throw err
        fail(explain(msg, argv), EXIT.input)
      })
  )
}

/** Load the modules of every command argv names before `--` (yargs calls only those commands' builders). */
async function loadNamed(argv: readonly string[]): Promise<void> {
  const end = argv.indexOf('--')
  const named = TABLE.filter((c) => (end < 0 ? argv : argv.slice(0, end)).includes(c.name))
  const needed = new Set(named.flatMap((c) => NEEDS[c.name]))
  await Promise.all([...needed].map(async (k) => void (loaded[k] ??= (await MODULES[k]()) as never)))
}

/**
 * The command and its arguments when argv is a plain command line (src/cli/plain.ts): the
 * command first, then its flags in the plain form; yargs would hand its handler the same.
 */
export async function plainCommand(argv: readonly string[]): Promise<{ name: keyof typeof commands; args: Args } | undefined> {
  const c = TABLE.find((x) => x.name === argv[0])
  if (c === undefined || c.name === 'plot') return undefined
  await loadNamed(argv)
  const flags = declaredFlags(c.options)
  const args = flags && plainArgs(c.name, argv.slice(1), flags)
  return args && { name: c.name, args }
}

/** Run the CLI on argv (without node and script). */
export async function main(words: readonly string[]): Promise<void> {
  const argv = joinDashValues(words, VALUELESS)
  let output: Output | undefined
  takeWarnings()
  let ran = false
  const handlers: Handlers = {
    run: (name) => async (a) => {
      ran = true
      checkBooleans(argv)
      checkAfterDashes(name, argv)
      const result = await commands[name](a)
      if (typeof result === 'string') output = result
    },
    runPlot: (kind) => async (a) => {
      ran = true
      checkBooleans(argv)
      checkAfterDashes('plot', argv)
      return mod('plot').plotCommand(kind, a)
    },
  }
  // A reader that stops early (`flowgm compare ... | head`) closes the pipe: not an error. Any
  // other failure of stdout (a full disk, an I/O error) is told in one line, exit 1.
  const closed = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code === 'EPIPE'
  const stdoutFailed = (e: unknown): never => {
    if (closed(e)) process.exit(EXIT.ok)
    fail(writeFailure('to standard output', e).message, EXIT.internal)
  }
  process.stdout.on('error', stdoutFailed)
  try {
    checkNegations(argv, BOOLEANS)
    const plain = await plainCommand(argv)
    if (plain) await handlers.run(plain.name)(plain.args)
    else {
      const cli = await parser(argv, handlers)
      // With a callback yargs hands us its help and version text instead of printing it.
      await cli.parseAsync([...argv], {}, (_err, _args, text) => {
        if (text) output = `${longFlags(text)}\n`
      })
    }
  } catch (e) {
    if (e instanceof ParameterError) fail(flagText(e), EXIT.input)
    if (e instanceof OutputError) fail(e.message, EXIT.internal)
    if (closed(e)) process.exit(EXIT.ok)
    fail(`internal error: ${e instanceof Error ? e.message : String(e)}`, EXIT.internal)
  }
  // `flowgm -- stats`, `flowgm plot -- dae`: yargs takes no command from after `--`, and runs nothing.
  if (!ran && output === undefined) {
    const end = argv.indexOf('--')
    fail((end < 0 ? argv : argv.slice(0, end)).includes('plot') ? PLOT_KIND_REQUIRED : `a command is required before -- (${COMMANDS.join(', ')}); see flowgm --help`, EXIT.input)
  }
  for (const w of takeWarnings()) process.stderr.write(`flowgm: warning: ${w}\n`)
  // A stdout that is a file or a device fails synchronously.
  try {
    if (output !== undefined) process.stdout.write(output)
  } catch (e) {
    stdoutFailed(e)
  }
}
