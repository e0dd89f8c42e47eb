/**
 * The command line: parse flags -> build the problem (validated) -> solve -> format. Each command
 * is a few lines; the numbers come from src/theory, the layout from format.ts; the common flags
 * are read in common.ts, the grid commands run in sweep.ts.
 */
import { DAE_KEYS, STATS_KEYS } from '../generated/keys.js'
import yargs, { type Argv } from 'yargs'
import { flagText, ParameterError, OutputError } from '../errors.js'
import { Decimal } from '../hp/arith.js'
import { daeHp, statsHp, type HpResult } from '../theory/hp.js'
import { learntDae, solve, type PrecisionNote } from '../theory/solve.js'
import { closedFormCommand } from './closed-form.js'
import { rateCommand, rateOptions } from './rate.js'
import { stepsCommand, stepsOptions } from './steps.js'
import { optimizeCommand, optimizeOptions } from './optimize.js'
import { checkAfterDashes, checkNegations, joinDashValues, numberList, time } from './args.js'
import { clip, single } from '../text.js'
import { render, renderPrecise, type Format } from './format.js'
import { commonOptions, DEFAULTS, formatFrom, problemFrom, samplerOptions, scheduleFrom, takeWarnings, warn, type Args } from './common.js'
import { checkHp, transcendentalSchedule } from '../limits.js'
import { stageCount } from '../theory/discrete.js'
import type { FlowProblem } from '../theory/problem.js'
import { simulateCommand, simulateOptions } from './simulate.js'
import { architecturesOption, daeCompareTimeOptions, gridParamOptions, mergeCommand, pointsOption, sweepCommand, sweepOptions } from './sweep.js'
import { SWEEP_DEFAULTS } from '../sweep/spec.js'
import { compareSimulationOptions, drawsOptions, PLOT_DESCRIPTIONS, PLOT_POINTS, plotCommand, plotOptions } from './plot.js'
import { PLOT_KINDS, type PlotKind } from '../plot/figures.js'
import { REPORT_DIR, reportCommand } from './report.js'
import { DEFAULT_SIG_FIGS, TABLE_FORMATS } from '../sweep/writers.js'
import { writeFailure } from '../sweep/sink.js'

function times(a: Args, fallback?: number): number[] {
  return timeTexts(a, fallback).map(Number)
}

/** The --t values as exact decimal text (validated). */
function timeTexts(a: Args, fallback?: number): string[] {
  const raw = single('t', a.t)
  if (raw === undefined && fallback === undefined) throw new ParameterError('t', 'is required (a time in [0, 1], or a comma-separated list)')
  if (raw === undefined) return [String(fallback)]
  const ts = numberList('t', raw)!
  ts.forEach((t) => time('t', t))
  return raw.split(',').map((x) => {
    const d = new Decimal(x.trim())
    if (d.lt(0) || d.gt(1)) throw new ParameterError('t', `must lie in [0, 1] (got ${x.trim()})`)
    return d.toString()
  })
}

/** merge's files: those before `--` and every word after it (so a name may begin with a dash). */
function mergeFilesOf(a: Args): string[] {
  const files = [...((a.files as unknown[] | undefined) ?? []), ...((a['--'] as unknown[] | undefined) ?? [])].map(String)
  if (!files.length) throw new ParameterError('merge', 'needs at least one JSONL file (written by a grid command with --format jsonl)', true)
  return files
}

/** Everything a command prints, written once it is complete (grid commands stream theirs). */
type Output = string

/** Refuse a high-precision stats or dae beyond its time limit (src/limits.ts), before computing it. */
function checkPrecise(command: 'stats' | 'dae', a: Args, problem: FlowProblem & { digits?: number }, ts: readonly string[]): void {
  const stages = problem.sampler && command === 'stats' ? { stages: stageCount(problem.sampler) } : {}
  checkHp({ command, digits: problem.digits!, n: Number(problem.text.n), transcendental: transcendentalSchedule(scheduleFrom(a)), times: ts.length, ...stages })
}

const precise = (r: HpResult, ts: readonly string[], format: Format, digits: number) => renderPrecise(r.keys, r.rows, ts, digits, r.digitsVerified, format, ts.length === 1)

const commands = {
  dae(a: Args): Output {
    const format = formatFrom(a)
    const problem = problemFrom(a)
    if (problem.digits !== undefined) {
      const ts = timeTexts(a)
      checkPrecise('dae', a, problem, ts)
      return precise(daeHp(problem, ts, { digits: problem.digits }), ts, format, problem.digits)
    }
    const ts = times(a)
    // Result A alone: the flow ODE is not integrated (a problem whose flow cannot be is still answered).
    const learnt = learntDae(problem)
    const out = render(
      ['t', ...learnt.keys],
      ts.map((t) => learnt.at(t)),
      format,
      ts.length === 1,
    )
    for (const note of learnt.notes) precisionNotes.push(note)
    return out
  },
  stats(a: Args): Output {
    const format = formatFrom(a)
    const problem = problemFrom(a)
    if (problem.digits !== undefined) {
      const ts = timeTexts(a, DEFAULTS.statsT)
      checkPrecise('stats', a, problem, ts)
      return precise(statsHp(problem, ts, { digits: problem.digits }), ts, format, problem.digits)
    }
    const ts = times(a, DEFAULTS.statsT)
    const sol = solve(problem)
    const out = render(['t', ...sol.statsKeys], sol.statsGrid(ts), format, ts.length === 1)
    for (const note of sol.notes) precisionNotes.push(note)
    return out
  },
  'closed-form'(a: Args): Output {
    return closedFormCommand(a, problemFrom(a))
  },
  rate(a: Args): Promise<Output> {
    return rateCommand(a, problemFrom(a), formatFrom(a))
  },
  steps(a: Args): Output {
    return stepsCommand(a, formatFrom(a))
  },
  optimize(a: Args): Output {
    return optimizeCommand(a, formatFrom(a))
  },
  // The grid commands write their rows as they are computed (src/sweep).
  curves: (a: Args) => sweepCommand('curves', a),
  compare: (a: Args) => sweepCommand('compare', a),
  'dae-compare': (a: Args) => sweepCommand('dae-compare', a),
  merge: (a: Args) => mergeCommand({ ...a, files: mergeFilesOf(a) }),
  simulate: (a: Args) => simulateCommand(a),
  report: (a: Args) => reportCommand(a),
}

/** The flags of each plot kind: those of its command, without the output format. */
const PLOT_BUILDERS: { readonly [K in PlotKind]: <T>(y: Argv<T>) => Argv<T> } = {
  dae: (y) => pointsOption(commonOptions(y), PLOT_POINTS),
  curves: (y) => samplerOptions(pointsOption(commonOptions(y), PLOT_POINTS)),
  compare: (y) => compareSimulationOptions(architecturesOption(samplerOptions(gridParamOptions(y, SWEEP_DEFAULTS.compareN)))),
  'dae-compare': (y) => compareSimulationOptions(daeCompareTimeOptions(gridParamOptions(y, SWEEP_DEFAULTS.daeCompareN))),
  rate: (y) => samplerOptions(rateOptions(y)),
  steps: stepsOptions,
  simulate: simulateOptions,
  draws: drawsOptions,
  particles: simulateOptions,
  pca: simulateOptions,
  components: simulateOptions,
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

/** Rows of this run double precision could not guarantee (src/theory/solve.ts): told on stderr at the end. */
const precisionNotes: PrecisionNote[] = []

/** The warnings of rows double precision could not guarantee, one line each kind. */
function precisionWarnings(notes: readonly PrecisionNote[]): void {
  const escalated = new Set(notes.filter((n) => n.escalated).map((n) => n.t))
  const unsure = new Set(notes.filter((n) => !n.escalated).map((n) => n.t))
  const list = (ts: ReadonlySet<number>) => {
    const sorted = [...ts].sort((a, b) => a - b)
    return sorted.slice(0, 6).join(', ') + (sorted.length > 6 ? `, ... (${sorted.length} rows)` : '')
  }
  if (escalated.size) warn(`double precision cannot guarantee 12 digits at t = ${list(escalated)}; computed in high precision instead`)
  if (unsure.size) warn(`double precision cannot guarantee 12 digits at t = ${list(unsure)}, and high precision does not converge there: the last digits may be wrong`)
}

const PLOT_KIND_REQUIRED = `plot: a kind is required (${PLOT_KINDS.join(', ')}); see flowgm plot --help`

/** The commands in the order of the help. */
const COMMANDS: readonly string[] = ['dae', 'stats', 'curves', 'compare', 'dae-compare', 'merge', 'closed-form', 'rate', 'steps', 'optimize', 'simulate', 'plot', 'report'] satisfies ReadonlyArray<
  keyof typeof commands | 'plot'
>

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

/** Run the CLI on argv (without node and script). */
export async function main(words: readonly string[]): Promise<void> {
  const argv = joinDashValues(words, VALUELESS)
  let output: Output | undefined
  takeWarnings()
  precisionNotes.length = 0
  let ran = false
  const run = (name: keyof typeof commands) => async (a: Args) => {
    ran = true
    checkBooleans(argv)
    checkAfterDashes(name, argv)
    const result = await commands[name](a)
    if (typeof result === 'string') output = result
  }
  const cli = yargs()
    .scriptName('flowgm')
    .usage(
      '$0 <command> [options]\n\nExact high-dimensional asymptotics of a flow-based generative model (Cui, Krzakala,\nVanden-Eijnden, Zdeborova, ICLR 2024) trained on n samples of a two-cluster Gaussian mixture.',
    )
    .command(
      'dae',
      `the learnt denoiser at time t (Result A): t ${DAE_KEYS.join(' ')}`,
      (y) => commonOptions(y).option('t', { type: 'string', describe: 'time in [0, 1], or a comma-separated list (required)' }),
      run('dae'),
    )
    .command(
      'stats',
      `summary statistics of the generated samples at time t (Result B) and their distances to the target: t ${STATS_KEYS.join(' ')}`,
      (y) => samplerOptions(commonOptions(y)).option('t', { type: 'string', describe: `time in [0, 1] (a grid time k/K with --steps K), or a comma-separated list [default: ${DEFAULTS.statsT}]` }),
      run('stats'),
    )
    .command(
      'curves',
      'every key of dae and stats on a uniform grid of [0, 1] (with --steps K: the grid times k/K)',
      (y) => samplerOptions(pointsOption(sweepOptions(commonOptions(y)), DEFAULTS.points)),
      run('curves'),
    )
    .command(
      'compare',
      'the generative model at t = 1 against the Bayes-optimal and PCA estimators over a grid of n (sigma, lambda, omega): n mse cos bo_mse bo_cos pca_mse pca_cos mse_ratio n_mse n_bo_mse w2 kl',
      (y) => architecturesOption(samplerOptions(sweepOptions(gridParamOptions(y, SWEEP_DEFAULTS.compareN)))),
      run('compare'),
    )
    .command(
      'dae-compare',
      'the single-time denoiser against the oracle over t for several n: n t test_mse oracle_mse excess_mse',
      (y) => daeCompareTimeOptions(sweepOptions(gridParamOptions(y, SWEEP_DEFAULTS.daeCompareN))),
      run('dae-compare'),
    )
    .command(
      'merge [files..]',
      'JSONL shards of one sweep (--format jsonl --shard k/K) back into one table, in grid order; refuses overlapping, missing or foreign rows',
      (y) =>
        y
          .positional('files', { type: 'string', describe: 'the JSONL files of the shards' })
          .option('format', { type: 'string', describe: `output format: ${TABLE_FORMATS.join(', ')} [default: table]` })
          .option('json', { type: 'boolean', describe: 'shorthand for --format json' })
          .option('sig-figs', { type: 'string', describe: `significant digits of markdown and latex cells [default: ${DEFAULT_SIG_FIGS}]` })
          .option('out', { type: 'string', describe: 'write to this file (complete or not at all) instead of stdout' }),
      run('merge'),
    )
    .command(
      'closed-form',
      'the exact solutions the symbolic layer finds: M_t, Q_xi_t, P_t, mse at t = 1, Result A and the DAE observables, the rate constants',
      (y) => commonOptions(y).hide('digits').option('format', { type: 'string', describe: 'output format: text, latex, json [default: text]' }),
      run('closed-form'),
    )
    .command(
      'rate',
      'the 1/n rate: C = lim n mse(n), C_bo (Bayes-optimal), their ratio and the next coefficient, and the constants of w2 and kl, exactly and by Richardson extrapolation',
      (y) => samplerOptions(rateOptions(y)),
      run('rate'),
    )
    .command(
      'steps',
      'K-step samplers against the continuous flow: mse, P, cos and their differences over K, the measured order and the constant E of mse_K - mse ~ E / K^p; with several n, the fewest steps K*(n) per scheme',
      (y) => stepsOptions(y),
      run('steps'),
    )
    .command(
      'optimize',
      'the best regularisation lambda* >= 0 of mse, w2 or kl at t = 1 (a root of its derivative, checked by a search on values); with --n-range, lambda*(n) and its large-n limit: minimised lambda_star boundary objective lambda objective_at_lambda bo_mse ratio digits_derivative digits_agree route',
      (y) => optimizeOptions(y),
      run('optimize'),
    )
    .command(
      'simulate',
      'a finite-d simulation: train the DAE at each of K steps, transport particles, and set the measured statistics beside the theory of the same scheme: { params, measured, theory, theory_discrete }',
      (y) => simulateOptions(y),
      run('simulate'),
    )
    .command('plot', `a chart of a command's output, from the same flags: flowgm plot KIND [flags] --out FILE.svg|FILE.png (kinds: ${PLOT_KINDS.join(', ')})`, (y) =>
      PLOT_KINDS.reduce(
        (yy, kind) =>
          yy.command(
            kind,
            PLOT_DESCRIPTIONS[kind],
            (z) => plotOptions(PLOT_BUILDERS[kind](z)),
            (a) => {
              ran = true
              checkBooleans(argv)
              checkAfterDashes('plot', argv)
              return plotCommand(kind, a)
            },
          ),
        y,
      ).demandCommand(1, PLOT_KIND_REQUIRED),
    )
    .command(
      'report',
      `the published study reproduced from the theory (what npm start runs): every figure as SVG and CSV, the rate constants, and one self-contained report.html, written to --out DIR [default: ${REPORT_DIR}]`,
      (y) => y.option('out', { type: 'string', describe: `directory of the report, created if missing; its files are replaced whole [default: ${REPORT_DIR}]` }),
      run('report'),
    )
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
    .example('$0 report --out out', 'every published figure, the rate constants and report.html')
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
    // With a callback yargs hands us its help and version text instead of printing it.
    await cli.parseAsync([...argv], {}, (_err, _args, text) => {
      if (text) output = `${longFlags(text)}\n`
    })
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
  precisionWarnings(precisionNotes)
  for (const w of takeWarnings()) process.stderr.write(`flowgm: warning: ${w}\n`)
  // A stdout that is a file or a device fails synchronously.
  try {
    if (output !== undefined) process.stdout.write(output)
  } catch (e) {
    stdoutFailed(e)
  }
}
