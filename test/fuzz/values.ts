// Generators of flowgm command lines for the fuzz tests: per command, flags from its help with
// values drawn from the documented domain (valid), its edges, and a shared pool of adversarial
// text (empty, huge, negative, NaN, Infinity, 1e309, hex, unicode, very long, malformed lists
// and ranges), written `--flag value`, `--flag=value` or `--flag` alone, repeated or unknown.
//
// Cost bounds: some valid values are legitimately slow (--points up to 1e7, --digits up to 1000,
// simulate --d/--particles/--steps, rate --n-max 1e30, n beyond 1e40 in high precision). Their
// *valid* values are capped below so that a case takes milliseconds, and the adversarial pool is
// filtered (`cheap`) so that it never supplies a valid value above the cap; invalid values of
// those flags are generated freely.
import fc from 'fast-check'

type Arb<T> = fc.Arbitrary<T>

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/** The number a flag value reads as (what src/cli/args.ts accepts), or undefined. */
const asNumber = (v: string): number | undefined => (DECIMAL.test(v.trim()) ? Number(v.trim()) : undefined)

/** Whether `v` is not a valid number above `cap` (so costs nothing when read as a count). */
export const cheap =
  (cap: number) =>
  (v: string): boolean => {
    const x = asNumber(v)
    return x === undefined || !(x > cap && x <= Number.MAX_SAFE_INTEGER) || !Number.isInteger(x)
  }

/** Whether `v` is not a finite number above `cap` (the model parameters' cost bound). */
const below =
  (cap: number) =>
  (v: string): boolean => {
    const x = asNumber(v)
    return x === undefined || !Number.isFinite(x) || x <= cap
  }

/** Adversarial flag values, shared by every flag. */
export const ADVERSARIAL: readonly string[] = [
  '',
  ' ',
  '\t\n',
  '0',
  '-0',
  '+0',
  '-1',
  '-2.5',
  '1.5',
  '.5',
  '1.',
  '1e309',
  '-1e309',
  '1e-400',
  '5e-324',
  '1e-320',
  '1e308',
  '-1e308',
  '1' + '0'.repeat(20),
  '9'.repeat(400),
  `0.${'0'.repeat(400)}1`,
  '2.000000000000000000001',
  'NaN',
  'nan',
  'Infinity',
  '-Infinity',
  'inf',
  '∞',
  '0x10',
  '0b11',
  '0o7',
  '1_000',
  '1,000',
  '1e',
  'e5',
  '.',
  '-',
  '+',
  '--',
  '1,2,,3',
  ',',
  '1,',
  ' ,1',
  '1;2',
  '1..2',
  '1 2',
  '2,2',
  '3,2,3',
  '٣',
  '１',
  '𝟏',
  '²',
  '😀',
  '\u200f1',
  '\u202e1',
  '1\u0000',
  '\u0000',
  '\u00a01',
  '1\u200b',
  'Ⅻ',
  '\ud800',
  'x'.repeat(100_000),
  '1'.repeat(100_000),
  '1,'.repeat(20_000) + '1',
  'true',
  'false',
  'null',
  'undefined',
  '{}',
  '[1]',
  '$(id)',
  '%s%n',
  'no/../x',
  '1:2',
  '1:2:log',
  '0:1:log',
  '2:1:lin',
  '1:1:lin:0',
  '1:4:lin:1e9',
  '1:4:lin:2.5',
  '1:4:lin:-1',
  'a:b:lin',
  ':::',
  '1:2:lin:3:4',
  '2:64:LOG',
  '1/2',
  '0/0',
  '1/0',
  '3/2',
  '2/1e9',
  '-1/2',
  'k/K',
  'x.svg',
  'x.png',
  'x.SVG',
  'x.json',
  'x.csv',
  'x.gif',
  'x',
  '.',
  'linear',
  'trig',
  'LINEAR',
  'euler',
  'heun',
  'adam',
  'exact',
  'js',
  'tfjs',
  'json',
  'csv',
  'table',
  'jsonl',
  'markdown',
  'latex',
  'text',
  '1e3',
  '1e30',
  '1e31',
  '1E3',
  '10',
  '100000',
  '1000000000000',
  't',
  '1-t',
  'sin(t',
  't/0',
  'log(t)',
  '1/t',
  'exp(1000*t)',
  'sqrt(-t)',
  'x*t',
  'import("fs")',
  'NaN*t',
  '1-t+0*Infinity',
  'cos(pi*t/2)',
]

/** A random short string of any code points, or of graphemes. */
const junk: Arb<string> = fc.oneof(fc.string({ unit: 'binary', maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 8 }))

/** Adversarial values, those that would be costly as a count above `cap` left out. */
export const adversarial = (cap = Infinity): Arb<string> => fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...ADVERSARIAL.filter(cheap(cap))) }, { weight: 1, arbitrary: junk.filter(cheap(cap)) })

const num = (x: number): string => String(x)
/** A positive number in [lo, hi], spread over the decades, written in several ways. */
const positive = (lo: number, hi: number): Arb<string> =>
  fc.tuple(fc.double({ min: Math.log10(lo), max: Math.log10(hi), noNaN: true }), fc.constantFrom('plain', 'exp', 'fixed', 'spaced')).map(([e, style]) => {
    const x = 10 ** e
    return style === 'exp' ? x.toExponential(3) : style === 'fixed' ? x.toPrecision(4) : style === 'spaced' ? ` ${num(x)} ` : num(x)
  })
const intText = (lo: number, hi: number): Arb<string> => fc.integer({ min: lo, max: hi }).map(num)

/** Values of a flag: valid (weight 4), edges (1), adversarial (1). */
export const value = (valid: Arb<string>, edge: readonly string[], cap = Infinity): Arb<string> =>
  fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: fc.constantFrom(...edge) }, { weight: 1, arbitrary: adversarial(cap) })

// --- The common flags ---------------------------------------------------------------------

/** n up to 1e40: beyond, high precision takes seconds (1e150: 9 s; 1e300: 19 s, see the test). */
const N_CAP = 1e40
const nValid = fc.oneof(intText(2, 1000), intText(2, 1e9), fc.constantFrom('2', '8', '1e3', '1e14', '9007199254740991', '1e15', '1e16', '1e20', '1e40', '2.0', '8e0'))
const nEdge = ['1', '0', '-2', '2.5', '1e-1', '9007199254740993', '1e400']
/** sigma, omega: the supported range is [1e-30, 1e30] (src/theory/problem.ts); beyond, refused at once. */
const positiveValid = fc.oneof({ weight: 4, arbitrary: positive(1e-3, 1e3) }, { weight: 1, arbitrary: fc.constantFrom('1e-30', '1e-20', '1e-8', '1e20', '1e30') })
const positiveEdge = ['0', '-0', '-1e-300', '1e-400', '1e309', '-1', '9.9e-31', '1.0000001e30', '1e-300', '1e150', '5e-324']
/** lambda: 0 or up to 1e30. */
const lambdaValid = fc.oneof({ weight: 4, arbitrary: positive(1e-3, 1e3) }, { weight: 1, arbitrary: fc.constantFrom('0', '-0', '0.0', '1e-300', '1e-30', '1e20', '1e30') })
const lambdaEdge = ['-1e-300', '-1', '1e309', '1.0000001e30', '1e150']
/** Values of the model parameters, n capped (cost) like a count. */
const param = (valid: Arb<string>, edge: readonly string[], cap = Infinity) => value(valid, edge).filter(below(cap))

const SCHEDULES: ReadonlyArray<readonly [string, string]> = [
  ['1-t', 't'],
  ['cos(pi*t/2)', 'sin(pi*t/2)'],
  ['1-t^2', 't^2'],
  ['(1-t)^2', 't'],
  ['1 - t', 't*(2-t)'],
  ['sqrt(1-t)', 'sqrt(t)'],
]
const BAD_SCHEDULES: ReadonlyArray<readonly [string, string]> = [
  ['t', '1-t'],
  ['1', 't'],
  ['1-t', '1'],
  ['1-t', 't^0.5+'],
  ['1/t', 't'],
  ['1-t', 'x'],
  ['', ''],
  ['exp(-1000*t)', 't'],
  ['1-t', 't/0'],
]

/** One flag with a value: `--f v` (weight 8), `--f=v` (2), `--f` alone (1). */
export const flag = (name: string, values: Arb<string>): Arb<string[]> =>
  fc.oneof(
    { weight: 8, arbitrary: values.map((v) => [`--${name}`, v]) },
    { weight: 2, arbitrary: values.map((v) => [`--${name}=${v}`]) },
    { weight: 1, arbitrary: fc.constant<string[]>([`--${name}`]) },
  )

/** A boolean flag in its forms. */
const bool = (name: string): Arb<string[]> => fc.constantFrom<string[]>([`--${name}`], [`--no-${name}`], [`--${name}=false`], [`--${name}=maybe`], [`--no-${name}=1`], [`--${name}`, 'true'])

/** --alpha/--beta as a pair (valid or not), or one alone. */
const schedulePair: Arb<string[]> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SCHEDULES).map(([a, b]) => ['--alpha', a, '--beta', b]) },
  { weight: 2, arbitrary: fc.constantFrom(...BAD_SCHEDULES).map(([a, b]) => ['--alpha', a, '--beta', b]) },
  { weight: 1, arbitrary: fc.tuple(adversarial(), adversarial()).map(([a, b]) => ['--alpha', a, '--beta', b]) },
  { weight: 1, arbitrary: fc.constantFrom(...SCHEDULES).map(([a]) => ['--alpha', a]) },
)

/** Flags of a command: name -> arbitrary argv fragment. */
export type Flags = Readonly<Record<string, Arb<string[]>>>

/** Digits of high precision: 1..30 valid here (up to 1000 is valid and takes seconds). */
const DIGITS_CAP = 30
const digits = flag('digits', value(intText(1, DIGITS_CAP), ['0', '1001', '2.5', '-3', '1e4'], DIGITS_CAP))

/** The common flags; `lists`: the parameters take comma-separated lists. */
export function commonFlags(formats: readonly string[], lists = false): Flags {
  const listOf = (one: Arb<string>) => (lists ? fc.oneof({ weight: 3, arbitrary: one }, { weight: 1, arbitrary: fc.array(one, { minLength: 2, maxLength: 3 }).map((xs) => xs.join(',')) }) : one)
  return {
    n: flag('n', listOf(param(nValid, nEdge, N_CAP))),
    sigma: flag('sigma', listOf(param(positiveValid, positiveEdge))),
    lambda: flag('lambda', listOf(param(lambdaValid, lambdaEdge))),
    omega: flag('omega', listOf(param(positiveValid, positiveEdge))),
    schedule: flag('schedule', value(fc.constantFrom('linear', 'trig'), ['LINEAR', ' linear', 'cosine', 'trig,linear'])),
    alphaBeta: schedulePair,
    skip: bool('skip'),
    digits,
    format: flag('format', value(fc.constantFrom(...formats), ['JSON', 'yaml', 'json ', 'table,csv'])),
    json: bool('json'),
  }
}

/** Values of no command: unknown flags, stray positionals, help. */
const stray: Arb<string[]> = fc.oneof(
  fc.constantFrom<string[]>(
    ['--bogus'],
    ['--N', '3'],
    ['--Sigma', '1'],
    ['-x'],
    ['--n-'],
    ['--'],
    ['extra'],
    ['--sigma-range', '1:2:lin'],
    ['--t', '0.5'],
    ['---n', '2'],
    ['--no-digits'],
    ['-n', '4'],
  ),
  junk.map((s) => [`--${s}`]),
  junk.map((s) => [s]),
)

/**
 * A command line: `head`, then up to `max` flags drawn from `flags` (a flag may come twice),
 * sometimes a stray argument; `fixed` fragments always come first (simulate's sizes).
 */
export function commandLine(head: readonly string[], flags: Flags, options: { max?: number; fixed?: ReadonlyArray<Arb<string[]>>; stray?: number } = {}): Arb<string[]> {
  const picks = fc.array(
    fc.constantFrom(...Object.values(flags)).chain((a) => a),
    { maxLength: options.max ?? 4 },
  )
  // A stray argument in one case out of `stray` (default 10).
  const extra = fc.oneof({ weight: (options.stray ?? 10) - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: stray })
  return fc.tuple(fc.tuple(...(options.fixed ?? [])), picks, extra).map(([fixed, ps, s]) => [...head, ...fixed.flat(), ...ps.flat(), ...(s ?? [])])
}

// --- Per command ------------------------------------------------------------------------

const time = fc.oneof(fc.constantFrom('0', '1', '0.5', '1e-300', '0.999999999999', '1.0', '0e5', '-0'), fc.double({ min: 0, max: 1, noNaN: true }).map(num))
const times = fc.oneof({ weight: 3, arbitrary: time }, { weight: 1, arbitrary: fc.array(time, { minLength: 2, maxLength: 3 }).map((xs) => xs.join(',')) })
const timeFlag = flag('t', value(times, ['1.0000001', '-1e-300', '2', '0.5,', '0.5,,1', '0..5', '1e-400']))

export const daeLine = commandLine(['dae'], { ...commonFlags(['table', 'csv', 'json']), t: timeFlag, t2: timeFlag }, { max: 5 })
export const statsLine = commandLine(['stats'], { ...commonFlags(['table', 'csv', 'json']), t: timeFlag }, { max: 5 })

export const closedFormLine = commandLine(['closed-form'], { ...commonFlags(['text', 'latex', 'json']) })

/**
 * rate: always --n-max (at most 1e4; 1e30 is valid and takes ~10 s) and --no-skip. With the skip
 * connection rate integrates the flow in high precision at each n = 10 ... n-max: 1 to 18 s a
 * case (--sigma 1e30: 15 s); without it, ~0.1 s.
 */
const nMaxCheap = (v: string) => {
  const m = /^\s*1e(\d+)\s*$/i.exec(v) ?? /^\s*1(0+)\s*$/.exec(v)
  return !m || (m[0].trim().toLowerCase().startsWith('1e') ? Number(m[1]) : m[1].length) <= 4
}
const nMax = flag('n-max', value(fc.constantFrom('1e3', '1000', '1E3', '1e4'), ['1e2', '1e31', '2e3', '1e3.5', '1e-3', '100'], Infinity).filter(nMaxCheap))
const { n: _rateN, digits: _rateDigits, ...rateCommon } = commonFlags(['table', 'csv', 'json'])
export const rateLine = commandLine(
  ['rate'],
  {
    ...rateCommon,
    digits: flag('digits', value(intText(1, 5), ['0', '1001', '2.5'], 5)),
    n: flag('n', fc.constantFrom('5', '8', '')),
  },
  { fixed: [nMax, fc.constant(['--no-skip'])], max: 3 },
)

// --- Grid commands ----------------------------------------------------------------------

const TABLE_FORMATS = ['table', 'csv', 'json', 'jsonl', 'markdown', 'latex']
/** --jobs: 1 or 2 (each worker thread costs ~0.3 s to start). */
const sweepFlags: Flags = {
  'sig-figs': flag('sig-figs', value(intText(1, 30), ['0', '1001', '1.5'], 30)),
  shard: flag(
    'shard',
    value(
      fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })).map(([k, K]) => `${Math.min(k, K)}/${K}`),
      ['0/1', '2/1', '1/0', ' 1 / 2 ', '1/2/3', '1.5/2'],
    ),
  ),
  out: flag('out', value(fc.constantFrom('o.txt', 'o.csv', 'o.json', 'out.jsonl'), ['', '.', 'no/such/dir.txt', 'x'.repeat(300)])),
  jobs: flag('jobs', value(fc.constantFrom('1', '2'), ['0', '257', '1.5'], 2)),
}
/**
 * A t grid of at most 20 points, always given to curves and plot dae/curves (a 10^7-point grid
 * is valid and slow; the default 101 points under --digits take seconds).
 */
const POINTS_CAP = 20
const points = flag('points', value(intText(2, POINTS_CAP), ['1', '0', '2.5', '10000001', '1e7.5'], POINTS_CAP))

export const curvesLine = commandLine(['curves'], { ...commonFlags(TABLE_FORMATS), ...sweepFlags }, { fixed: [points], max: 5 })

/** A range START:STOP:lin|log[:POINTS] of at most a few dozen points, or a malformed one. */
const range = (start: Arb<string>, stop: Arb<string>): Arb<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.tuple(start, stop, fc.constantFrom('lin', 'log'), fc.option(intText(1, 8))).map(([a, b, kind, p]) => [a, b, kind, ...(p === null ? [] : [p])].join(':')) },
    { weight: 1, arbitrary: adversarial() },
  )
/** A range without POINTS has STOP - START + 1 (lin) or log2(STOP/START) + 1 (log) points: at most ~64 here. */
const small = (r: string) => {
  const m = /^\s*([^:]*):([^:]*):\s*(lin|log)\s*$/.exec(r)
  if (!m) return true
  const [a, b] = [asNumber(m[1]) ?? NaN, asNumber(m[2]) ?? NaN]
  return m[3] === 'lin' ? !(b - a > 64) : !(Math.log2(b / a) > 64)
}

const gridFlags = (nLists: Arb<string>): Flags => {
  const common = commonFlags(TABLE_FORMATS, true)
  return {
    ...common,
    n: flag('n', nLists),
    'n-range': flag('n-range', range(fc.constantFrom('2', '3', '1', '0', '1e3'), fc.constantFrom('8', '64', '1e6', '2', '1e40')).filter(small)),
    'sigma-range': flag('sigma-range', range(fc.constantFrom('0.1', '1', '0', '-1', '1e-300', '1e-30'), fc.constantFrom('2', '10', '1e150', '0.05', '1e30')).filter(small)),
    'lambda-range': flag('lambda-range', range(fc.constantFrom('0', '0.1', '-0.1', '1e-30'), fc.constantFrom('1', '10', '1e150', '1e30')).filter(small)),
    'omega-range': flag('omega-range', range(fc.constantFrom('0.5', '1', '0', '1e-30'), fc.constantFrom('2', '8', '1e150', '1e30')).filter(small)),
    ...sweepFlags,
  }
}
const nList = fc.array(fc.constantFrom('2', '3', '8', '100', '1e6', '1e14', '9007199254740991', '1e16'), { minLength: 1, maxLength: 4 }).map((xs) => xs.join(','))
const nLists = value(nList, ['1,2', '2,2', '2.5', '2,,4', '1e400'], N_CAP).filter(below(N_CAP))

export const compareLine = commandLine(['compare'], gridFlags(nLists), { max: 5 })
export const daeCompareLine = commandLine(
  ['dae-compare'],
  {
    ...gridFlags(nLists),
    t: flag('t', value(times, ['1.5', '0.5,0.5', '-1'])),
    't-range': flag('t-range', range(fc.constantFrom('0', '0.1', '0.5', '-0.1'), fc.constantFrom('1', '0.9', '1.5')).filter(small)),
    points,
  },
  { max: 5 },
)

/** merge FILE...: the fixture shards and bad files (absolute paths), or adversarial names. */
export const mergeLine = (fixtures: readonly string[]): Arb<string[]> =>
  fc
    .tuple(
      fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...fixtures) }, { weight: 1, arbitrary: adversarial().filter((s) => !s.startsWith('-')) }), { minLength: 0, maxLength: 3 }),
      commandLine(
        [],
        {
          format: flag('format', value(fc.constantFrom(...TABLE_FORMATS), ['JSON', 'text'])),
          json: bool('json'),
          'sig-figs': sweepFlags['sig-figs'],
          out: sweepFlags.out,
        },
        { max: 3 },
      ),
    )
    .map(([files, flags]) => ['merge', ...files, ...flags])

// --- simulate and plot --------------------------------------------------------------------

/** Sizes of a simulation, always given (the defaults d = 5000, 500 particles, 100 steps take seconds). */
const size = (name: string, lo: number, hi: number, edge: readonly string[]) => flag(name, value(intText(lo, hi), edge, hi))
export const simulateSizes = [size('d', 2, 64, ['1', '0', '2.5', '1e20', '9007199254740993', '1e9']), size('particles', 1, 16, ['0', '-1', '1e20', '1e12']), size('steps', 1, 6, ['0', '1.5', '1e20'])]
const simulateFlags: Flags = {
  ...(({ digits: _d, ...rest }) => rest)(commonFlags(['table', 'csv', 'json'])),
  digits: fc.constant(['--digits', '5']),
  // n samples are drawn and held: up to 200 here (1e6 is valid and takes seconds and GBs).
  n: flag('n', value(intText(2, 200), ['1', '1e14', '1e15', '1e20', '2.5'], 200)),
  trainer: flag('trainer', value(fc.constantFrom('exact', 'adam'), ['Adam', 'sgd'])),
  lr: flag('lr', value(positive(1e-4, 1), ['0', '-0.1', '1e300', '10'])),
  epochs: flag('epochs', value(intText(1, 5), ['0', '1.5', '-1'], 5)),
  scheme: flag('scheme', value(fc.constantFrom('euler', 'heun'), ['rk4', 'Euler'])),
  rho: flag('rho', value(fc.double({ min: 0.01, max: 0.99, noNaN: true }).map(num), ['0', '1', '-0.5', '1e-300', '0.999999999999999999'])),
  seed: flag('seed', value(intText(0, 4294967295), ['-1', '4294967296', '1.5', '1e10'])),
  engine: flag('engine', value(fc.constantFrom('js', 'tfjs'), ['wasm', 'JS'])),
}
export const simulateLine = commandLine(['simulate'], simulateFlags, { fixed: simulateSizes, max: 4 })

/** Flags of every plot kind, files named in the scratch directory. */
const plotFiles: Flags = {
  out: flag('out', value(fc.constantFrom('c.svg', 'c.png', 'c.SVG'), ['c.gif', 'c', '', 'no/such/dir.svg', '.svg'])),
  spec: flag('spec', value(fc.constant('s.json'), ['s.txt', '', 's.JSON'])),
  csv: flag('csv', value(fc.constant('t.csv'), ['t.tsv', ''])),
  format: flag('format', fc.constantFrom('json', 'csv')),
  json: fc.constant(['--json']),
}
const plotCommon = (({ format: _f, json: _j, ...rest }) => rest)(commonFlags(['table']))
export const plotLines: Readonly<Record<string, Arb<string[]>>> = {
  dae: commandLine(['plot', 'dae'], { ...plotCommon, ...plotFiles }, { fixed: [points], max: 3 }),
  curves: commandLine(['plot', 'curves'], { ...plotCommon, ...plotFiles }, { fixed: [points], max: 3 }),
  compare: commandLine(['plot', 'compare'], (({ format: _f, json: _j, out: _o, shard: _s, jobs: _b, 'sig-figs': _g, ...rest }) => ({ ...rest, ...plotFiles }))(gridFlags(nLists)), { max: 3 }),
  'dae-compare': commandLine(
    ['plot', 'dae-compare'],
    { ...(({ format: _f, json: _j, out: _o, shard: _s, jobs: _b, 'sig-figs': _g, ...rest }) => rest)(gridFlags(nLists)), points, ...plotFiles },
    { max: 3 },
  ),
  rate: commandLine(['plot', 'rate'], { ...(({ n: _n, ...rest }) => rest)(plotCommon), ...plotFiles }, { fixed: [nMax, fc.constant(['--no-skip'])], max: 3 }),
  simulate: commandLine(['plot', 'simulate'], { ...(({ format: _f, json: _j, digits: _d, ...rest }) => rest)(simulateFlags), ...plotFiles }, { fixed: simulateSizes, max: 3 }),
}

/** report: every case refused before anything is computed (a valid report takes ~30 s). */
export const reportLine: Arb<string[]> = fc
  .tuple(
    fc.oneof(
      fc.constantFrom<string[]>(['--bogus'], ['--out', 'a', '--out', 'b'], ['extra'], ['--out=a', '--out=b'], ['--json'], ['--format', 'json'], ['--digits', '3']),
      junk.filter((s) => s !== '' && !s.startsWith('-')).map((s) => [s]),
    ),
    fc.option(flag('out', fc.constantFrom('r1', 'r2'))),
  )
  .map(([bad, out]) => ['report', ...(out ?? []), ...bad])

// --- Valid lines only -------------------------------------------------------------------

const FORMATS_OF: Readonly<Record<string, readonly string[]>> = {
  dae: ['table', 'csv', 'json'],
  stats: ['table', 'csv', 'json'],
  curves: TABLE_FORMATS,
  compare: TABLE_FORMATS,
  'dae-compare': TABLE_FORMATS,
  rate: ['table', 'csv', 'json'],
  simulate: ['table', 'csv', 'json'],
}

/** n lists without the huge n (9007199254740991 takes seconds with a custom schedule). */
const smallNList = fc.array(fc.constantFrom('2', '3', '8', '100', '1e6'), { minLength: 1, maxLength: 3 }).map((xs) => [...new Set(xs)].join(','))

/** What each command needs besides the common flags, its grid kept small. */
const OWN: Readonly<Record<string, Arb<string[]>>> = {
  dae: times.map((t) => ['--t', t]),
  stats: fc.option(times, { nil: undefined }).map((t) => (t === undefined ? [] : ['--t', t])),
  curves: intText(2, 12).map((k) => ['--points', k]),
  compare: fc
    .tuple(
      smallNList,
      fc.option(
        fc.array(positive(0.1, 10), { minLength: 2, maxLength: 2 }).map((xs) => ['--sigma', xs.join(',')]),
        { nil: undefined },
      ),
    )
    .map(([n, s]) => ['--n', n, ...(s ?? [])]),
  'dae-compare': fc.tuple(smallNList, intText(2, 6)).map(([n, k]) => ['--n', n, '--points', k]),
  // Without the skip connection rate takes ~0.1 s (with it, seconds: see nMaxCheap).
  rate: fc.constantFrom('1e3', '1e4').map((m) => ['--n-max', m, '--no-skip']),
  simulate: fc.tuple(intText(2, 64), intText(1, 16), intText(1, 6), fc.constantFrom('js', 'tfjs')).map(([d, p, k, e]) => ['--d', d, '--particles', p, '--steps', k, '--engine', e]),
}

/** Flags a command refuses, or that make it slow: left out of its valid lines. */
const NOT_FOR: Readonly<Record<string, readonly string[]>> = { compare: ['--sigma', '--n'], rate: ['--n', '--no-skip', '--digits'], simulate: ['--n', '--digits'] }

/**
 * Valid command lines of the model and grid commands, in each of their formats, sometimes under
 * --digits: almost all exit 0, so that every printed number meets the plausibility checks.
 */
export const validLine: Arb<string[]> = fc.constantFrom(...Object.keys(OWN)).chain((command) =>
  fc
    .tuple(
      OWN[command],
      fc.constantFrom(...FORMATS_OF[command]),
      fc.option(intText(1, 12), { freq: 3, nil: undefined }).map((d) => (NOT_FOR[command]?.includes('--digits') ? undefined : d)),
      fc.option(fc.constantFrom('4', '2'), { nil: undefined }),
      fc.subarray(
        [
          ['--sigma', '0.3'],
          ['--sigma', '1e-3'],
          ['--n', '1000'],
          ['--lambda', '0'],
          ['--lambda', '10'],
          ['--omega', '1e-4'],
          ['--omega', '50'],
          ['--no-skip'],
          ['--schedule', 'trig'],
          ['--alpha', '1-t^2', '--beta', 't^2'],
        ].filter((e) => !NOT_FOR[command]?.includes(e[0])),
        { maxLength: 3 },
      ),
    )
    .map(([own, format, digits, sigFigs, extra]) => [
      command,
      ...own,
      '--format',
      format,
      ...(digits === undefined ? [] : ['--digits', digits]),
      ...(sigFigs !== undefined && (format === 'markdown' || format === 'latex') ? ['--sig-figs', sigFigs] : []),
      // The schedule flags exclude each other: the first one only.
      ...extra.filter((e, i) => !e[0].match(/--(schedule|alpha)/) || extra.findIndex((x) => /--(schedule|alpha)/.test(x[0])) === i).flat(),
    ]),
)
