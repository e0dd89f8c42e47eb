// Property-based fuzzing of the library API (issue 7): random and adversarial arguments to
// flowProblem, solve (dae, stats, statsGrid), statsHp/daeHp, rate, checkSpec/simulate and the
// asymptotic baselines give either a clear error (ParameterError naming the option, or RangeError
// for a time outside [0, 1]: one line, no internal detail) or finite results.
//
// The calls run in the runner process of harness.ts (the built modules of dist/), so that a call
// that never returns is a failure after 30 s, not a stuck suite. As in cli.test.ts each property
// gathers every failing case and fails listing each distinct problem once; the seed is fixed.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProblemOptions } from '../../src/theory/problem.js'
import type { SimulationSpec } from '../../src/simulate/simulate.js'
import { requireBuild } from '../cli/run.js'
import { Runner } from './harness.js'
import { INFINITE_KEYS } from '../../src/generated/keys.js'

const SEED = 20240607
const LIMIT = 300_000
/**
 * Calls without an answer (30 s each) after which a property stops. A call takes well under a
 * second on an idle machine; 10 s was too short on a loaded one (n = 2^53 - 1, omega = 1e30 with
 * a custom schedule went past it while other suites ran).
 */
const MAX_SILENT = 2

const runner = new Runner(30_000)
beforeAll(requireBuild)
afterAll(() => runner.close())

type Arb<T> = fc.Arbitrary<T>

/** What is wrong with a result (undefined: nothing). */
type Check<T> = (x: T) => string | undefined | Promise<string | undefined>

/** Run `runs` cases of `inputs` (fixed seed), judge each, fail listing each distinct problem once. */
async function fuzz<T>(name: string, inputs: Arb<T>, runs: number, check: Check<T>): Promise<void> {
  const failures = new Map<string, string>()
  let failing = 0
  let cases = 0
  let silent = 0
  const start = performance.now()
  // As in cli.test.ts: the run ends (without shrinking) after MAX_SILENT calls without answer.
  await fc.check(
    fc.asyncProperty(inputs, async (x) => {
      cases++
      const problem = await check(x)
      if (problem !== undefined) {
        failing++
        if (problem.startsWith('no answer')) silent++
        // Numbers vary between cases of one defect.
        const kind = problem
          .replace(/-?\d[\d.e+-]*/g, '#')
          .replace(/: [[{].*$/, '')
          .slice(0, 120)
        if (!failures.has(kind)) failures.set(kind, `${show(x)}\n    -> ${problem}`)
      }
      return silent < MAX_SILENT
    }),
    { seed: SEED, numRuns: runs, endOnFailure: true },
  )
  console.log(`fuzz: api ${name}: ${cases} cases, ${failing} failing, ${((performance.now() - start) / 1000).toFixed(1)} s`)
  if (silent >= MAX_SILENT) failures.set('stopped', `stopped after ${cases} of ${runs} cases: ${silent} calls gave no answer`)
  else expect(cases).toBe(runs)
  if (failures.size) expect.fail(`fuzz: api ${name}: ${failing} failing cases, ${failures.size} distinct problems:\n  ${[...failures.values()].slice(0, 25).join('\n  ')}`)
}

/** An input for messages (numbers that JSON cannot hold written out). */
const show = (x: unknown): string =>
  JSON.stringify(x, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : typeof v === 'string' && v.length > 60 ? `${v.slice(0, 20)}...(${v.length} chars)` : v))?.slice(
    0,
    400,
  ) ?? String(x)

/** A call's reply (runner.mjs): its value, or its error. */
type Captured = { value: unknown; error?: undefined } | { error: { name: string; message: string }; value?: undefined }
/** The reply of the solve operation: each part captured, or the whole call's error. */
type SolveReply = Record<'dae' | 'stats' | 'grid', Captured> | { error: { name: string; message: string } }
/** An error a call may end with: its class and how its message starts. */
interface Accepted {
  readonly name: string
  readonly message: RegExp
}

/** Errors of invalid options: ParameterError naming one of `flags`. */
const inputError = (...flags: string[]): Accepted => ({ name: 'ParameterError', message: new RegExp(`^(${flags.join('|')}): `) })
/** A time outside [0, 1] (src/theory/solve.ts). */
const timeError: Accepted = { name: 'RangeError', message: /^t must lie in \[0, 1\] \(got / }

/** What is wrong with an error: a clear one is of an accepted class, one line, naming an option. */
function unclear(e: { name: string; message: string }, accepted: readonly Accepted[]): string | undefined {
  const rule = accepted.find((a) => a.name === e.name)
  if (!rule) return `${e.name}: ${e.message.split('\n')[0].slice(0, 200)}`
  if (!rule.message.test(e.message)) return `${e.name} with an unexpected message: ${e.message.slice(0, 200)}`
  if (e.message.includes('\n') || e.message.length > 400) return `${e.name} message is not one short line: ${JSON.stringify(e.message.slice(0, 200))}`
  return undefined
}

const INFINITE: ReadonlySet<string> = new Set(INFINITE_KEYS)

/** Where a result holds a non-finite number or decimal (undefined: nowhere). */
function nonFinite(x: unknown, path = '$'): string | undefined {
  if (typeof x === 'number') return Number.isFinite(x) ? undefined : `${path} = ${x}`
  if (x === null || typeof x !== 'object') return undefined
  const decimal = (x as { decimal?: unknown }).decimal
  if (typeof decimal === 'string') return /^-?(NaN|Infinity)$/.test(decimal) ? `${path} = ${decimal}` : undefined
  // flow.eq [infinite]: kl and kl_reverse are +Infinity where P = 0 (docs/theory.md, distances).
  const p = (x as { P?: unknown }).P
  const pZero = p === 0 || (typeof p === 'object' && p !== null && /^-?0$/.test(String((p as { decimal?: unknown }).decimal)))
  for (const [k, v] of Object.entries(x)) {
    if (pZero && INFINITE.has(k) && (v === Infinity || (typeof v === 'object' && v !== null && (v as { decimal?: unknown }).decimal === 'Infinity'))) continue
    const bad = nonFinite(v, `${path}.${k}`)
    if (bad !== undefined) return bad
  }
  return undefined
}

/**
 * A reply judged: no answer, what is unclear in its error, a result to an invalid input (`valid`
 * false: the call must refuse), or its non-finite values.
 */
function judged(reply: Captured | string, accepted: readonly Accepted[], valid = true): string | undefined {
  if (typeof reply === 'string') return reply
  if (reply.error) return unclear(reply.error, accepted)
  if (!valid) return `invalid input accepted: ${show(reply.value).slice(0, 160)}`
  const bad = nonFinite(reply.value)
  return bad === undefined ? undefined : `non-finite result: ${bad}`
}

// --- Inputs -------------------------------------------------------------------------------

/** Any double: NaN, infinities, -0, subnormals, huge. */
const anyNumber: Arb<number> = fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 5e-324, -5e-324, Number.MAX_VALUE, 2 ** 53 + 2, 1e300, -1, 2.5))
/** log-uniform in [lo, hi]. */
const logUniform = (lo: number, hi: number): Arb<number> => fc.double({ min: Math.log10(lo), max: Math.log10(hi), noNaN: true }).map((e) => Math.min(hi, Math.max(lo, 10 ** e)))

const EXPRESSIONS = ['1-t', 't', 'cos(pi*t/2)', 'sin(pi*t/2)', '1-t^2', 't^2', 'sqrt(t)', '1/t', 't/0', 'x', '', 'sin(t', 'exp(-1000*t)', '(1-t)^2', 'import("fs")', '1'.repeat(1000)]
const schedule: Arb<ProblemOptions['schedule']> = fc.oneof(
  fc.constantFrom('linear', 'trig', 'cosine', '', 'LINEAR', 'x'.repeat(10_000)),
  fc.record({ alpha: fc.constantFrom(...EXPRESSIONS), beta: fc.constantFrom(...EXPRESSIONS) }),
  fc.record({ alpha: fc.string({ maxLength: 8 }), beta: fc.string({ maxLength: 8 }) }),
)
/** Valid schedules (named and custom). */
const goodSchedule: Arb<ProblemOptions['schedule']> = fc.oneof(
  fc.constantFrom('linear', 'trig'),
  fc.constantFrom({ alpha: '1-t^2', beta: 't^2' }, { alpha: '(1-t)^2', beta: 't' }, { alpha: '1 - t', beta: 't*(2-t)' }),
)

/** Options for flowProblem: anything a caller might pass (exact texts valid or not). */
const problemOptions: Arb<ProblemOptions> = fc
  .record(
    {
      n: fc.oneof(fc.integer({ min: -5, max: 1_000_000 }), anyNumber),
      sigma: fc.oneof(logUniform(1e-3, 1e3), anyNumber),
      lambda: fc.oneof(logUniform(1e-3, 1e3), fc.constant(0), anyNumber),
      omega: fc.option(fc.oneof(logUniform(1e-3, 1e3), anyNumber), { nil: undefined }),
      schedule: fc.option(schedule, { nil: undefined }),
      skip: fc.option(fc.boolean(), { nil: undefined }),
      highPrecision: fc.option(fc.boolean(), { nil: undefined }),
      text: fc.option(fc.constantFrom('abc', '', '1e400', 'NaN', ' 1', 'own'), { nil: undefined }),
    },
    { requiredKeys: ['n', 'sigma', 'lambda'] },
  )
  .map(({ text, ...o }) => {
    // An exact text for sigma: garbage, or the value's own decimal ('own').
    return text === undefined ? o : { ...o, text: { sigma: text === 'own' ? String(o.sigma) : text } }
  })

/** Valid problem options, parameters in [1e-3, 1e3]; `wide`: over the supported range (src/theory/problem.ts). */
const goodOptions = (wide = false): Arb<ProblemOptions> =>
  fc.record({
    n: fc.oneof(fc.integer({ min: 2, max: 1000 }), fc.integer({ min: 2, max: 1e9 }), fc.constant(Number.MAX_SAFE_INTEGER)),
    sigma: wide ? logUniform(1e-30, 1e30) : logUniform(1e-3, 1e3),
    lambda: fc.oneof(fc.constant(0), wide ? logUniform(1e-30, 1e30) : logUniform(1e-3, 1e3)),
    omega: wide ? logUniform(1e-30, 1e30) : logUniform(1e-3, 1e3),
    schedule: goodSchedule,
    skip: fc.boolean(),
  })

/** Times: in [0, 1], its edges, or anything. */
const time: Arb<number> = fc.oneof(
  { weight: 3, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, -0, 5e-324, 1 - 2 ** -53, -1e-300, 1 + 2 ** -52) },
  { weight: 1, arbitrary: anyNumber },
)
const inUnit = (t: number) => t >= 0 && t <= 1

// --- Properties ---------------------------------------------------------------------------

interface ProblemSummary {
  n: number
  sigma: number
  lambda: number
  omega: number
  text: Record<string, string>
  at: number[]
}

describe('fuzz: library API', () => {
  it(
    'flowProblem: 400 option sets give a valid problem or a ParameterError naming the option',
    () =>
      fuzz('flowProblem', problemOptions, 400, async (o) => {
        const reply = await runner.call<Captured>('problem', o)
        const problem = judged(reply, [inputError('n', 'sigma', 'lambda', 'omega', 'schedule', 'alpha', 'beta')])
        if (problem !== undefined || typeof reply === 'string' || reply.error) return problem
        const p = reply.value as ProblemSummary
        if (!(Number.isInteger(p.n) && p.n >= 2)) return `accepted n = ${p.n}`
        if (!(p.sigma > 0)) return `accepted sigma = ${p.sigma}`
        if (!(p.lambda >= 0)) return `accepted lambda = ${p.lambda}`
        if (!(p.omega > 0)) return `accepted omega = ${p.omega}`
        for (const [k, t] of Object.entries(p.text)) if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return `accepted exact text ${k} = '${t}'`
        return undefined
      }),
    LIMIT,
  )

  it(
    'solve: 100 problems x times: finite dae, stats and statsGrid rows, or a RangeError for t outside [0, 1]',
    () =>
      fuzz('solve', fc.tuple(goodOptions(), fc.array(time, { minLength: 1, maxLength: 3 })), 100, async ([o, ts]) => {
        const reply = await runner.call<SolveReply>('solve', o, ts)
        if (typeof reply === 'string' || 'error' in reply) return judged(reply, [])
        const valid = ts.every(inUnit)
        for (const part of ['dae', 'stats', 'grid'] as const) {
          const problem = judged(reply[part], valid ? [] : [timeError], valid)
          if (problem !== undefined) return `${part}: ${problem}`
        }
        return undefined
      }),
    LIMIT,
  )

  it(
    'solve, parameters over the supported range 1e-30 ... 1e30: 40 problems give finite rows at t = 0, 0.5, 1 (or a refusal naming sigma)',
    () =>
      fuzz('solve (wide)', goodOptions(true), 40, async (o) => {
        const reply = await runner.call<SolveReply>('solve', o, [0, 0.5, 1])
        // The integrator's documented refusal (sigma <= 1e-8 at lambda = 0) names sigma.
        if (typeof reply === 'string' || 'error' in reply) return judged(reply, [inputError('sigma')])
        for (const part of ['dae', 'grid'] as const) {
          const problem = judged(reply[part], [])
          if (problem !== undefined) return `${part}: ${problem}`
        }
        return undefined
      }),
    LIMIT,
  )

  it(
    'statsHp, daeHp: 30 calls with times as text and digits: finite decimals, or a clear error',
    () =>
      fuzz(
        'hp',
        fc.record({
          o: goodOptions().map((o) => ({ ...o, schedule: 'linear' })),
          ts: fc.array(
            fc.oneof({ weight: 3, arbitrary: fc.constantFrom('0', '1', '0.5', '0.25', '1e-3') }, { weight: 1, arbitrary: fc.constantFrom('2', '-1', 'abc', '', 'NaN', '1e-400', '1.0000000001') }),
            { minLength: 1, maxLength: 2 },
          ),
          digits: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 12 }) }, { weight: 1, arbitrary: fc.constantFrom(0, -1, 2.5, NaN, 1001) }),
          which: fc.constantFrom('stats', 'dae'),
        }),
        30,
        async ({ o, ts, digits, which }) => {
          const valid = Number.isInteger(digits) && digits >= 1 && digits <= 1000 && ts.every((t) => /^[\d.e-]+$/.test(t) && inUnit(Number(t)))
          const accepted = valid ? [] : [inputError('digits', 't'), { name: 'RangeError', message: /^(t|digits) / }]
          return judged(await runner.call<Captured>('hp', o, ts, digits, which), accepted, valid)
        },
      ),
    LIMIT,
  )

  it(
    'rate: 30 calls (no skip connection: fast) give finite constants, or a ParameterError naming digits or n-max',
    () =>
      fuzz(
        'rate',
        fc.record({
          o: goodOptions().map((o) => ({ ...o, skip: false, n: 8 })),
          digits: fc.oneof({ weight: 2, arbitrary: fc.integer({ min: 1, max: 4 }) }, { weight: 1, arbitrary: fc.constantFrom(0, -1, 2.5, NaN, Infinity, 1001, 1e9) }),
          nMax: fc.oneof({ weight: 2, arbitrary: fc.constantFrom(1e3, 1e4) }, { weight: 1, arbitrary: fc.constantFrom(0, NaN, 5, 1e2, 2e3, 1e31, Infinity, -1e3, 1001) }),
        }),
        30,
        async ({ o, digits, nMax }) => {
          const valid = Number.isInteger(digits) && digits >= 1 && digits <= 1000 && (nMax === 1e3 || nMax === 1e4)
          return judged(await runner.call<Captured>('rate', o, digits, nMax), valid ? [] : [inputError('digits', 'n-max')], valid)
        },
      ),
    LIMIT,
  )

  /** Sizes: small valid ones (a run takes milliseconds) or anything. */
  const size = (lo: number, hi: number) => fc.oneof({ weight: 3, arbitrary: fc.integer({ min: lo, max: hi }) }, { weight: 1, arbitrary: anyNumber })
  const spec = fc.record({
    problem: goodOptions().map((o) => ({ ...o, n: Math.min(o.n, 50) })),
    d: size(2, 40),
    particles: size(1, 10),
    steps: size(1, 5),
    epochs: size(1, 5),
    rho: fc.oneof(fc.double({ min: 0.01, max: 0.99, noNaN: true }), anyNumber),
    lr: fc.oneof(logUniform(1e-4, 1), anyNumber),
    seed: fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), anyNumber),
    trainer: fc.constantFrom<SimulationSpec['trainer'] | 'sgd'>('exact', 'adam', 'sgd'),
    scheme: fc.constantFrom<SimulationSpec['scheme'] | 'rk4'>('euler', 'heun', 'rk4'),
    engine: fc.constantFrom<SimulationSpec['engine'] | 'gpu'>('js', 'js', 'gpu'),
  })
  it(
    'checkSpec, simulate: 60 specs are refused with a ParameterError naming the field, or simulate to a finite document',
    () =>
      fuzz('simulate', spec, 60, async (s) => {
        const reply = await runner.call<{ checked: Captured; run?: Captured }>('simulate', s)
        if (typeof reply === 'string') return reply
        if (reply.checked.error) return unclear(reply.checked.error, [inputError('d', 'particles', 'steps', 'epochs', 'rho', 'lr', 'seed', 'trainer', 'scheme', 'engine')])
        // Passed: only the generator's small valid sizes may (anything larger is a checkSpec gap).
        if (s.d > 40 || s.particles > 10 || s.steps > 5 || s.epochs > 5) return `checkSpec accepted d = ${s.d}, particles = ${s.particles}, steps = ${s.steps}, epochs = ${s.epochs}`
        return judged(reply.run!, [])
      }),
    LIMIT,
  )

  it(
    'asymptotic baselines: 200 parameter sets give finite values or a clear error',
    () =>
      fuzz(
        'baselines',
        fc.record({
          n: fc.oneof(fc.integer({ min: 2, max: 1e9 }), anyNumber),
          sigma: fc.oneof(logUniform(1e-30, 1e30), anyNumber),
          omega: fc.oneof(logUniform(1e-30, 1e30), anyNumber),
          hp: fc.boolean(),
        }),
        200,
        async ({ n, sigma, omega, hp }) => {
          // The domain flowProblem admits: n an integer >= 2 (at most 2^53 - 1 in double precision), sigma and omega in [1e-30, 1e30].
          const inRange = (x: number) => x >= 1e-30 && x <= 1e30
          const valid = Number.isInteger(n) && n >= 2 && (hp || n <= Number.MAX_SAFE_INTEGER) && inRange(sigma) && inRange(omega)
          return judged(await runner.call<Captured>('baselines', n, sigma, omega, hp), valid ? [] : [inputError('n', 'sigma', 'omega')], valid)
        },
      ),
    LIMIT,
  )
})
