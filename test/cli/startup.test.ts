// Start-up: a command loads what it uses and no more (docs/cli.md, "Start-up"). Checked without
// timing (npm run bench prints the times): each run records the modules it loads
// (loaded-modules.mjs), and a plain stats, dae or curves loads neither the plotting stack
// (vega, vega-lite, resvg), tfjs, mathjs, nerdamer, the symbolic derivation nor yargs; the
// commands that need them still load them and work. And the plain reading of a command line
// (src/cli/plain.ts) hands each command what yargs hands it: the same arguments, key for key,
// in the same order, for every command line it accepts.
import fc from 'fast-check'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parser, plainCommand } from '../../src/cli/main.js'
import { model } from '../../src/theory/model.js'
import { loadSchedule } from '../../src/symbolic/schedule.js'
import { requireBuild, show, spawnCli } from './run.js'

const HOOK = fileURLToPath(new URL('./loaded-modules.mjs', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'flowgm-startup-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The packages and files a plain double-precision command must not load (what each is for). */
const HEAVY: Readonly<Record<string, RegExp>> = {
  'vega (plot)': /\/node_modules\/vega[^/]*\//,
  'resvg (plot to png)': /\/node_modules\/@resvg\//,
  'tfjs (simulate)': /\/node_modules\/@tensorflow\//,
  'mathjs (custom schedules, the derivation)': /\/node_modules\/mathjs\//,
  'nerdamer (the derivation)': /\/node_modules\/nerdamer\//,
  'the derivation (a stale model)': /\/dist\/symbolic\/derive\.js$/,
  'yargs (help, unusual command lines)': /\/node_modules\/yargs\//,
}

let runs = 0
/** Run the CLI recording its modules: the run and what it loaded. */
async function loading(args: readonly string[]): Promise<{ run: Awaited<ReturnType<typeof spawnCli>>; loaded: string[] }> {
  const file = join(dir, `loaded-${runs++}.txt`)
  const run = await spawnCli(args, 60_000, ['--import', HOOK], undefined, { cwd: dir, env: { FLOWGM_LOADED: file } })
  return { run, loaded: readFileSync(file, 'utf8').split('\n').filter(Boolean) }
}
const heavyIn = (loaded: readonly string[]) => Object.keys(HEAVY).filter((what) => loaded.some((m) => HEAVY[what].test(m)))

describe.concurrent('what a command loads', () => {
  beforeAll(requireBuild)
  // Times inside (0, 1) included: there the guard of solve.ts encloses the schedule (model.json's trees, not mathjs).
  it.each([
    ['stats', '--json'],
    ['stats', '--n', '16', '--sigma=2', '--no-skip', '--t', '0.5,1'],
    ['dae', '--t', '0.5', '--json', '--schedule', 'trig'],
    ['curves', '--points', '11', '--format', 'csv'],
  ])('flowgm %s ... loads none of the plotting stack, tfjs, mathjs, nerdamer, the derivation or yargs', async (...args) => {
    const { run, loaded } = await loading(args)
    expect(run.code, show(run)).toBe(0)
    // The hook saw the command's own modules (else an empty list would pass).
    expect(loaded.some((m) => m.endsWith('/dist/cli/main.js'))).toBe(true)
    expect(heavyIn(loaded)).toEqual([])
  })
  // The same hook sees each of them where it is needed: the commands that need them still load them.
  it('plot loads vega, a custom schedule mathjs, --help yargs, and each works', async () => {
    const svg = join(dir, 'dae.svg')
    const [plot, custom, help] = await Promise.all([
      loading(['plot', 'dae', '--points', '5', '--out', svg]),
      loading(['stats', '--alpha', '1-t^2', '--beta', 't^2', '--json']),
      loading(['stats', '--help']),
    ])
    for (const { run } of [plot, custom, help]) expect(run.code, show(run)).toBe(0)
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg/)
    expect(heavyIn(plot.loaded)).toContain('vega (plot)')
    expect(heavyIn(custom.loaded)).toEqual(['mathjs (custom schedules, the derivation)'])
    expect(heavyIn(help.loaded)).toEqual(['yargs (help, unusual command lines)'])
  })
  it('stats --digits 30 computes in high precision without the plotting stack or yargs', async () => {
    const { run, loaded } = await loading(['stats', '--digits', '30', '--t', '0.5'])
    expect(run.code, show(run)).toBe(0)
    expect(run.stdout).toMatch(/digits_verified/)
    expect(heavyIn(loaded)).toEqual([])
  })
})

/** The command and arguments yargs hands a handler for argv (undefined: yargs ran none). */
async function throughYargs(argv: readonly string[]): Promise<unknown> {
  let got: unknown
  const cli = await parser(argv, { run: (name) => async (args) => void (got = { name, args }), runPlot: () => async () => undefined })
  await cli.parseAsync([...argv])
  return got
}
/** An object's entries in order (toEqual ignores the order of keys). */
const inOrder = (x: unknown) => JSON.stringify(x)

describe('the plain reading of a command line', () => {
  it('accepts the plain forms and hands the command what yargs does, keys in the same order', async () => {
    const plain = [
      ['stats', '--json'],
      ['stats', '--n', '8', '--no-skip', '--t=0.5,1', '--format', 'csv'],
      ['dae', '--t', '0.5', '--skip', '--schedule', 'trig'],
      ['curves', '--sig-figs', '3', '--points', '5', '--resume', '--alpha=-t+1', '--beta', 't'],
      ['compare', '--n-range', '2:64:log', '--sigma', '0.5,1'],
      ['closed-form', '--format', 'latex'],
      ['simulate', '--d', '200', '--particles', '20'],
      ['report', '--out', 'x'],
    ]
    for (const argv of plain) {
      const mine = await plainCommand(argv)
      expect(mine, argv.join(' ')).toBeDefined()
      expect(inOrder(mine), argv.join(' ')).toBe(inOrder(await throughYargs(argv)))
    }
  })
  it('leaves to yargs what is not plain: help, version, unknown or repeated flags, stray words, --, quotes, empty values, plot and merge', async () => {
    const unusual = [
      ['stats', '--help'],
      ['stats', '--version'],
      ['--help'],
      ['stats', '--bogus', '1'],
      ['stats', '--n', '8', '--n', '9'],
      ['stats', '--json', '--no-json'],
      ['stats', 'extra'],
      ['stats', '--', '--n', '8'],
      ['stats', '--n', '"8"'],
      ['stats', "--alpha='t'", '--beta', 't'],
      ['stats', '--n'],
      ['stats', '--n='],
      ['stats', '--n', '-8'],
      ['stats', '--json=true'],
      ['stats', '--no-n', '8'],
      ['stats', '-n', '8'],
      ['stats', '--sigFigs', '3'],
      ['plot', 'dae', '--out', 'x.svg'],
      ['merge', 'a.jsonl'],
    ]
    for (const argv of unusual) expect(await plainCommand(argv), argv.join(' ')).toBeUndefined()
  })
  it('on generated command lines, whatever it accepts, yargs reads the same', async () => {
    const words = fc.constantFrom(
      '--n',
      '--sigma',
      '--t',
      '--json',
      '--skip',
      '--no-skip',
      '--format',
      '--points',
      '--sig-figs',
      '--d',
      '--out',
      '--steps',
      '--bogus',
      '--',
      '8',
      '0.5',
      '-1',
      '1-t',
      '',
      'csv',
      'a=b',
      '"x"',
      "'y'",
      '--n=8',
      '--t=-0.5',
      '--sigma=',
      '--json=false',
      'extra',
      '-t',
    )
    const command = fc.constantFrom('stats', 'dae', 'curves', 'compare', 'closed-form', 'simulate', 'steps', 'rate', 'optimize', 'report')
    let accepted = 0
    await fc.assert(
      fc.asyncProperty(command, fc.array(words, { maxLength: 6 }), async (c, rest) => {
        const argv = [c, ...rest]
        const mine = await plainCommand(argv)
        if (mine === undefined) return
        accepted++
        expect(inOrder(mine)).toBe(inOrder(await throughYargs(argv)))
      }),
      { numRuns: 400, seed: 22 },
    )
    // Not vacuous: a good share of the lines were read plainly (measured 30-40%).
    expect(accepted).toBeGreaterThan(60)
  })
})

describe("the named schedules' stored trees", () => {
  // The guard's bound from the trees the model carries against the same from alpha and beta
  // parsed again (the schedule without its trees), on a grid and near the ends.
  it('give the guard the bound the parsed expressions give, at every t', () => {
    for (const src of model().schedules.values()) {
      expect(src.trees, src.name).toBeDefined()
      const stored = loadSchedule(src)
      const parsed = loadSchedule({ ...src, trees: undefined })
      for (const t of [1e-12, 1e-6, 0.001, ...Array.from({ length: 99 }, (_, k) => (k + 1) / 100), 1 - 1e-6]) expect(stored.valueError(t), `${src.name} at t = ${t}`).toBe(parsed.valueError(t))
    }
  })
})
