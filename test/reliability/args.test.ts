// Arguments and their messages (issue 15, class 6): a value that begins with a dash belongs to
// its flag and is refused by the flag's own rule; words after `--` are merge's files and nobody
// else's; a value given in any spelling is the value used. Expected messages are the CLI
// contract (docs/cli.md, exit codes and errors: `flowgm: --flag: rule`, exit 2) and the rules
// of docs/cli.md for each flag.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireBuild } from '../cli/run.js'
import { Runner, showArgv, type Outcome } from '../fuzz/harness.js'

const runner = new Runner()
beforeAll(requireBuild)
afterAll(() => runner.close())

const SEED = 20261206

/** The one stderr line of a refusal, or a message saying why the outcome is not one. */
function refusal(o: Outcome): string {
  expect(o.code, `flowgm ${showArgv(o.argv)}: stdout ${o.stdout.slice(0, 200)} stderr ${o.stderr}`).toBe(2)
  expect(o.stdout).toBe('')
  const lines = o.stderr.split('\n')
  expect(lines.length, o.stderr).toBe(2)
  return lines[0]
}

describe("a value that begins with a dash is its flag's value", () => {
  // The rules quoted are those of docs/cli.md for each flag; the "got" values are the inputs.
  const cases: ReadonlyArray<readonly [string[], string]> = [
    [['stats', '--t', '-1,0.5'], 'flowgm: --t: must lie in [0, 1] (got -1)'],
    [['stats', '-t', '-1,0.5'], 'flowgm: --t: must lie in [0, 1] (got -1)'],
    [['stats', '--sigma', '-1e3'], 'flowgm: --sigma: must be a finite number > 0 (got -1000)'],
    [['stats', '--sigma', '-.5'], 'flowgm: --sigma: must be a finite number > 0 (got -0.5)'],
    [['compare', '--n-range', '-2:10:lin'], 'flowgm: --n-range: must be an integer >= 2 (got -2)'],
    [['compare', '--sigma', '-1,2'], 'flowgm: --sigma: must be a number in [1e-30, 1e30] (got -1)'],
    [['compare', '--shard', '-1/4'], "flowgm: --shard: must be k/K with integers 1 <= k <= K, e.g. 2/4 (got '-1/4')"],
    [['dae-compare', '--t-range', '-0.5:1:lin:3'], 'flowgm: --t-range: must be a time in [0, 1] (got -0.5)'],
    [['stats', '--n', '-'], "flowgm: --n: must be a decimal number (got '-')"],
  ]
  for (const [argv, expected] of cases) {
    it(`flowgm ${showArgv(argv)}`, async () => {
      expect(refusal(await runner.run(argv)).startsWith(expected)).toBe(true)
    })
  }

  it('a schedule that begins with a dash is read, not left empty (--alpha -t+1 equals --alpha 1-t)', async () => {
    // -t+1 and 1-t are the same function of t: the same rows (the linear schedule's).
    const dashed = await runner.run(['stats', '--alpha', '-t+1', '--beta', 't', '--json'])
    const plain = await runner.run(['stats', '--alpha', '1-t', '--beta', 't', '--json'])
    expect(dashed.code, dashed.stderr).toBe(0)
    expect(dashed.stdout).toBe(plain.stdout)
  })

  it('a flag followed by another flag has no value (the next flag is not eaten)', async () => {
    expect(refusal(await runner.run(['stats', '--sigma', '--lambda', '0.1']))).toBe('flowgm: --sigma: needs a value')
  })

  it('--no- of a flag that takes a value is an unknown flag (its value was read as a stray argument)', async () => {
    expect(refusal(await runner.run(['stats', '--no-sigma', '5']))).toMatch(/^flowgm: --no-sigma: unknown flag /)
  })

  it('--resume=maybe is refused, not read as false', async () => {
    // The rule of the other booleans (docs/cli.md): a boolean takes no value but true or false.
    expect(refusal(await runner.run(['compare', '--n', '2', '--format', 'jsonl', '--out', 'x.jsonl', '--resume=maybe']))).toBe(
      "flowgm: --resume: takes no value: write --resume or --no-resume (got 'maybe')",
    )
  })

  it('a nonzero value a double reads as 0 is refused (t = 0 and t = 1e-400 were two rows of t = 0)', async () => {
    expect(refusal(await runner.run(['stats', '--t', '0,1e-400']))).toMatch(/^flowgm: --t: must be 0 or at least 5e-324 in magnitude \(got '1e-400'/)
  })

  it('a dotted flag is an unknown flag, not an object printed as [object Object]', async () => {
    expect(refusal(await runner.run(['stats', '--sigma.x', '1']))).toMatch(/^flowgm: --sigma\.x: unknown flag/)
  })
})

describe('the words after --', () => {
  it('stats -- --sigma 0 is refused (it printed the defaults)', async () => {
    expect(refusal(await runner.run(['stats', '--', '--sigma', '0']))).toMatch(/^flowgm: stats: unexpected argument '--sigma' after -- /)
  })

  it('plot KIND -- x is refused', async () => {
    expect(refusal(await runner.run(['plot', 'curves', '--', 'x']))).toMatch(/^flowgm: plot: unexpected argument 'x' after -- /)
  })

  it('-- before the command: a command is required', async () => {
    expect(refusal(await runner.run(['--', 'stats']))).toMatch(/^flowgm: a command is required/)
  })

  it('plot -- dae: the kind is required before --', async () => {
    expect(refusal(await runner.run(['plot', '--', 'dae']))).toMatch(/^flowgm: plot: a kind is required /)
  })

  it('a word of one dash is named whole (-=5 was reported as a stray 5)', async () => {
    expect(refusal(await runner.run(['stats', '-=5']))).toBe("flowgm: stats: unexpected argument '-=5' (see flowgm stats --help)")
  })

  it('a trailing -- alone changes nothing', async () => {
    const plain = await runner.run(['stats', '--json'])
    const dashes = await runner.run(['stats', '--json', '--'])
    expect(dashes.code).toBe(0)
    expect(dashes.stdout).toBe(plain.stdout)
  })

  it('merge -- -w.jsonl merges a file whose name begins with a dash; without -- the message says how', async () => {
    const sweep = await runner.run(['compare', '--n', '2,4', '--format', 'jsonl', '--out', 'w.jsonl'])
    expect(sweep.code, sweep.stderr).toBe(0)
    const table = await runner.run(['compare', '--n', '2,4'])
    writeFileSync(join(runner.dir, '-w.jsonl'), sweep.files['w.jsonl'])
    const merged = await runner.run(['merge', '--', '-w.jsonl'])
    expect(merged.code, merged.stderr).toBe(0)
    // The merge of the whole sweep prints what the sweep prints (docs/cli.md, merge).
    expect(merged.stdout).toBe(table.stdout)
    expect(refusal(await runner.run(['merge', '-w.jsonl']))).toBe("flowgm: merge: unexpected argument '-w.jsonl' (a file whose name begins with - goes after --: flowgm merge -- -w.jsonl)")
  })
})

/** The numeric flags of each command (flowgm CMD --help; docs/cli.md). */
const NUMERIC: Readonly<Record<string, readonly string[]>> = {
  dae: ['n', 'sigma', 'lambda', 'omega', 't', 'digits'],
  stats: ['n', 'sigma', 'lambda', 'omega', 't', 'digits'],
  'closed-form': ['n', 'sigma', 'lambda', 'omega'],
  rate: ['sigma', 'lambda', 'omega', 'digits', 'n-max'],
  curves: ['n', 'sigma', 'lambda', 'omega', 'digits', 'points', 'sig-figs', 'shard', 'jobs'],
  compare: ['n', 'sigma', 'lambda', 'omega', 'digits', 'n-range', 'sigma-range', 'lambda-range', 'omega-range', 'sig-figs', 'shard', 'jobs'],
  'dae-compare': ['n', 'sigma', 'lambda', 'omega', 'digits', 'n-range', 't', 't-range', 'points', 'shard', 'jobs'],
  simulate: ['n', 'sigma', 'lambda', 'omega', 'd', 'particles', 'steps', 'lr', 'epochs', 'rho', 'seed'],
  'plot dae': ['n', 'sigma', 'lambda', 'omega', 'points'],
  'plot compare': ['n', 'sigma', 'lambda', 'omega', 'n-range'],
  merge: ['sig-figs'],
}

/**
 * Spellings no numeric flag admits: negative numbers, lists, ranges and shards (no numeric flag
 * takes a negative value: docs/cli.md), and numbers in forms the decimal rule refuses.
 */
const BAD = ['1e-400', '-1', '-1e3', '-.5', '-1e-3', '-3', '-1,0.5', '-0.5,2', '-2:10:lin', '-1/4', '−1', '1_000', '0x10', 'Infinity', '-Infinity', ' -1', '-', '-1e309', '']

/** One flag with a bad value, in one of the spellings yargs reads. */
const badFlag = (name: string): fc.Arbitrary<string[]> =>
  fc.tuple(fc.constantFrom(...BAD), fc.nat(4)).map(([v, s]) => {
    if (s === 4) return [`--no-${name}`, v]
    const dash = name.length === 1 && s >= 2 ? '-' : '--'
    return s % 2 === 0 ? [`${dash}${name}`, v] : [`${dash}${name}=${v}`]
  })

/** A command line: the command, 1 to 3 distinct flags with bad values, maybe `--` somewhere. */
const badLine = fc
  .constantFrom(...Object.keys(NUMERIC))
  .chain((command) =>
    fc.tuple(
      fc.constant(command),
      fc.uniqueArray(fc.constantFrom(...NUMERIC[command]), { minLength: 1, maxLength: 3 }).chain((names) => fc.tuple(...names.map(badFlag))),
      fc.option(fc.nat(20), { nil: undefined }),
    ),
  )
  .map(([command, flags, cut]) => {
    const words = flags.flat()
    if (cut !== undefined) words.splice(cut % (words.length + 1), 0, '--')
    return [...command.split(' '), ...(command === 'merge' ? ['a.jsonl'] : []), ...words]
  })

/** Why the refusal of `argv` is wrong (undefined: it is right). */
function misjudged(argv: readonly string[], o: Outcome): string | undefined {
  if (o.code !== 2) return `exit ${o.code}: a given flag's value was not refused (stdout ${JSON.stringify(o.stdout.slice(0, 80))})`
  const lines = o.stderr.split('\n')
  if (lines.length !== 2 || o.stdout !== '') return `not one line on stderr and nothing on stdout: ${JSON.stringify(o.stderr.slice(0, 200))}`
  const line = lines[0]
  const end = argv.indexOf('--')
  const before = end < 0 ? argv : argv.slice(0, end)
  const after = end < 0 ? [] : argv.slice(end + 1)
  const flag = /^flowgm: --([^:\s]+): /.exec(line)?.[1]
  const given = (f: string) => before.some((w) => w === `--${f}` || w.startsWith(`--${f}=`) || w === `-${f}` || w.startsWith(`-${f}=`))
  if (flag !== undefined && given(flag)) return undefined
  if (/unexpected argument/.test(line) && !/ after -- /.test(line)) return `a flag's value read as an argument: ${line}`
  const command = argv[0]
  const word = /^flowgm: [a-z-]+: unexpected argument '([^]*)' after -- /.exec(line)?.[1]
  if (line.startsWith(`flowgm: ${command}: `) && word !== undefined && after[0] !== undefined && after[0].startsWith(word.replace(/\.\.\.$/, ''))) return undefined
  // merge names the file it cannot read: one before `--`, or any word after it.
  if (command === 'merge' && [...before.filter((w) => !w.startsWith('-')), ...after].some((w) => line.startsWith(`flowgm: ${w}: `))) return undefined
  return `the line names no flag of the command line: ${line}`
}

describe('property: odd and negative spellings of every numeric flag, -- anywhere', () => {
  it('exit 2 with one line naming a flag given (or the words after --), never a value taken for an argument', async () => {
    const failures: string[] = []
    await fc.assert(
      fc.asyncProperty(badLine, async (argv) => {
        const why = misjudged(argv, await runner.run(argv))
        if (why !== undefined) failures.push(`flowgm ${showArgv(argv)}\n    -> ${why}`)
      }),
      { seed: SEED, numRuns: 200 },
    )
    expect(failures.slice(0, 10).join('\n  ')).toBe('')
  }, 120_000)
})

describe('property: a valid value is used in every spelling', () => {
  // Canonical `--flag value` is the reference: the other spellings must print the same rows.
  const spell = (name: string, v: string, s: number): string[] => [[`--${name}`, v], [`--${name}=${v}`], name.length === 1 ? [`-${name}`, v] : [`--${name}`, v]][s % 3]
  const line = fc.record({
    sigma: fc.constantFrom('0.5', '1', '2.25', '3e0'),
    t: fc.constantFrom('0', '0.25', '.5', '0.75,1', '1'),
    n: fc.constantFrom('2', '8', '1e2', '16.0'),
    spellings: fc.array(fc.nat(5), { minLength: 3, maxLength: 3 }),
    dashes: fc.boolean(),
  })
  it('stats with --sigma, --t, --n in any spelling (and a trailing --) prints the rows of the canonical spelling', async () => {
    const failures: string[] = []
    await fc.assert(
      fc.asyncProperty(line, async ({ sigma, t, n, spellings, dashes }) => {
        const canonical = ['stats', '--json', '--sigma', sigma, '--t', t, '--n', n]
        const odd = ['stats', '--json', ...spell('sigma', sigma, spellings[0]), ...spell('t', t, spellings[1]), ...spell('n', n, spellings[2]), ...(dashes ? ['--'] : [])]
        const [a, b] = [await runner.run(canonical), await runner.run(odd)]
        if (a.code !== 0 || b.code !== 0 || a.stdout !== b.stdout) failures.push(`flowgm ${showArgv(odd)}: exit ${b.code} ${b.stderr.trim()}`)
      }),
      { seed: SEED, numRuns: 40 },
    )
    expect(failures.slice(0, 10).join('\n  ')).toBe('')
  }, 120_000)
})
