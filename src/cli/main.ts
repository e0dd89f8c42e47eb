/**
 * The command line: parse flags -> build the problem (validated) -> solve -> format. Each command
 * is a few lines; the numbers come from src/theory, the layout from format.ts.
 */
import yargs, { type Argv } from 'yargs'
import { InputError } from '../errors.js'
import { Decimal } from '../hp/arith.js'
import { daeHp, statsHp, type HpResult } from '../theory/hp.js'
import { flowProblem, type FlowProblem } from '../theory/problem.js'
import { solve } from '../theory/solve.js'
import { closedFormCommand } from './closed-form.js'
import { rateCommand } from './rate.js'
import { integer, number, numberList, single, time } from './args.js'
import { FORMATS, render, renderPrecise, type Format, type Row } from './format.js'

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
    .option('digits', { type: 'string', describe: 'significant digits, integer in [1, 1000]: arbitrary precision (decimal.js), every value computed by two independent routes [default: double precision, 12 digits printed]' })
    .option('format', { type: 'string', describe: `output format: ${FORMATS.join(', ')} [default: table]` })
    .option('json', { type: 'boolean', describe: 'shorthand for --format json' })
}

/** Largest n answered in double precision; beyond, flowgm warns and switches to high precision. */
export const DOUBLE_N_MAX = 1e15
/** Digits used when a request is switched to high precision without --digits. */
const FALLBACK_DIGITS = 12

/** The problem the common flags describe, and the precision asked for (undefined: double). */
export function problemFrom(a: Args): FlowProblem & { digits?: number } {
  const alpha = single('alpha', a.alpha)
  const beta = single('beta', a.beta)
  const named = single('schedule', a.schedule)
  if ((alpha === undefined) !== (beta === undefined)) throw new InputError(alpha === undefined ? 'beta' : 'alpha', 'requires both --alpha and --beta')
  if (alpha !== undefined && named !== undefined) throw new InputError('schedule', 'cannot be combined with --alpha/--beta')
  let digits = integer('digits', a.digits, 1, 1000)
  const n = integer('n', a.n, 2, Number.MAX_VALUE) ?? DEFAULTS.n
  if (n >= DOUBLE_N_MAX && digits === undefined) {
    process.stderr.write(`flowgm: warning: --n ${single('n', a.n)} is beyond what double precision answers faithfully (n < 1e15); computing with --digits ${FALLBACK_DIGITS}\n`)
    digits = FALLBACK_DIGITS
  }
  const exact = (flag: string, fallback: number): string => {
    const s = single(flag, a[flag])
    return s === undefined ? String(fallback) : new Decimal(s.trim()).toString()
  }
  const problem = flowProblem({
    n,
    sigma: number('sigma', a.sigma) ?? DEFAULTS.sigma,
    lambda: number('lambda', a.lambda) ?? DEFAULTS.lambda,
    omega: number('omega', a.omega) ?? DEFAULTS.omega,
    schedule: alpha !== undefined ? { alpha, beta: beta! } : named ?? DEFAULTS.schedule,
    skip: a.skip !== false,
    text: { n: exact('n', DEFAULTS.n), sigma: exact('sigma', DEFAULTS.sigma), lambda: exact('lambda', DEFAULTS.lambda), omega: exact('omega', DEFAULTS.omega) },
    highPrecision: digits !== undefined,
  })
  return { ...problem, digits }
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
  return timeTexts(a, fallback).map(Number)
}

/** The --t values as exact decimal text (validated). */
function timeTexts(a: Args, fallback?: number): string[] {
  const raw = single('t', a.t)
  if (raw === undefined && fallback === undefined) throw new InputError('t', 'is required (a time in [0, 1], or a comma-separated list)')
  if (raw === undefined) return [String(fallback)]
  const ts = numberList('t', raw)!
  ts.forEach((t) => time('t', t))
  return raw.split(',').map((x) => {
    const d = new Decimal(x.trim())
    if (d.lt(0) || d.gt(1)) throw new InputError('t', `must lie in [0, 1] (got ${x.trim()})`)
    return d.toString()
  })
}

/** Everything a command prints; the caller writes it once it is complete. */
type Output = string

const precise = (r: HpResult, format: Format, single: boolean, digits: number) => renderPrecise(r.keys, r.rows, digits, r.digitsVerified, format, single)

const commands = {
  dae(a: Args): Output {
    const format = formatFrom(a)
    const problem = problemFrom(a)
    if (problem.digits !== undefined) {
      const ts = timeTexts(a)
      return precise(daeHp(problem, ts, { digits: problem.digits }), format, ts.length === 1, problem.digits)
    }
    const ts = times(a)
    const sol = solve(problem)
    return render(['t', ...sol.daeKeys], ts.map((t) => sol.dae(t)), format, ts.length === 1)
  },
  stats(a: Args): Output {
    const format = formatFrom(a)
    const problem = problemFrom(a)
    if (problem.digits !== undefined) {
      const ts = timeTexts(a, DEFAULTS.statsT)
      return precise(statsHp(problem, ts, { digits: problem.digits }), format, ts.length === 1, problem.digits)
    }
    const ts = times(a, DEFAULTS.statsT)
    const sol = solve(problem)
    return render(['t', ...sol.statsKeys], sol.statsGrid(ts), format, ts.length === 1)
  },
  curves(a: Args): Output {
    const format = formatFrom(a)
    const points = integer('points', a.points, 2, 1_000_000) ?? DEFAULTS.points
    const problem = problemFrom(a)
    if (problem.digits !== undefined) {
      // Grid points k/(K-1) to more digits than any working precision.
      const T = Decimal.clone({ precision: 1100 })
      const ts = Array.from({ length: points }, (_, k) => new T(k).div(points - 1).toString())
      const dae = daeHp(problem, ts, { digits: problem.digits })
      const stats = statsHp(problem, ts, { digits: problem.digits })
      const rows = dae.rows.map((r, i) => ({ ...r, ...stats.rows[i] }))
      const keys = [...dae.keys, ...stats.keys.slice(1)]
      return renderPrecise(keys, rows, problem.digits, Math.min(dae.digitsVerified, stats.digitsVerified), format, false)
    }
    const sol = solve(problem)
    const ts = Array.from({ length: points }, (_, k) => (k === points - 1 ? 1 : k / (points - 1)))
    const stats = sol.statsGrid(ts)
    const rows: Row[] = ts.map((t, i) => ({ ...sol.dae(t), ...stats[i] }))
    return render(['t', ...sol.daeKeys, ...sol.statsKeys], rows, format, false)
  },
  'closed-form'(a: Args): Output {
    return closedFormCommand(a, problemFrom(a))
  },
  rate(a: Args): Output {
    return rateCommand(a, problemFrom(a), formatFrom(a))
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
    .command('closed-form', 'the exact solutions the symbolic layer finds: M_t, Q_xi_t, P_t, mse at t = 1, Result A and the DAE observables, the rate constants', (y) =>
      commonOptions(y).option('format', { type: 'string', describe: 'output format: text, latex, json [default: text]' }), run('closed-form'))
    .command('rate', 'the 1/n rate: C = lim n mse(n), C_bo (Bayes-optimal), their ratio and the next coefficient, exactly and by Richardson extrapolation', (y) =>
      commonOptions(y).option('n-max', { type: 'string', describe: 'largest n of the sequence n = 10, 100, ..., a power of 10 in [1e3, 1e30] [default: 1e12]' }), run('rate'))
    .demandCommand(1, 'a command is required (dae, stats, curves, closed-form or rate); see flowgm --help')
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
