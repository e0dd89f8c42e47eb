/**
 * The explorer's controls as `flowgm` flags: the arguments the CLI reads (so that the page checks
 * them with the CLI's own functions and messages) and the command line that reproduces the view.
 * Runs in the page and in Node (the tests and html.ts), with no DOM.
 */
import type { Args } from '../cli/common.js'

/** What the controls hold, as the user typed it (text, trimmed), the schedule's choice and the toggle. */
export interface ControlValues {
  readonly n: string
  readonly sigma: string
  readonly lambda: string
  readonly omega: string
  readonly rho: string
  /** linear, trig or custom (then alpha and beta are read). */
  readonly schedule: string
  readonly alpha: string
  readonly beta: string
  readonly skip: boolean
  /** Empty: the continuous flow; otherwise K steps of `scheme`. */
  readonly steps: string
  readonly scheme: string
}

/** The view the explorer opens on: the CLI's defaults. */
export const INITIAL_CONTROLS: ControlValues = { n: '8', sigma: '1.5', lambda: '0.1', omega: '1', rho: '0.5', schedule: 'linear', alpha: '1 - t', beta: 't', skip: true, steps: '', scheme: 'euler' }

/** The number controls, in the order of the page and of the command line. */
export const NUMBER_CONTROLS = ['n', 'sigma', 'lambda', 'omega', 'rho'] as const

/** The n grid of the charts against n (that of the report's figure 3). */
export const N_RANGE = '2:1024:log'

/** The flags of the controls, as yargs would give them to the CLI (strings, skip a boolean). */
export function argsOf(c: ControlValues): Args {
  const a: Record<string, unknown> = Object.fromEntries(NUMBER_CONTROLS.map((k) => [k, c[k]]))
  if (c.schedule === 'custom') Object.assign(a, { alpha: c.alpha, beta: c.beta })
  else a.schedule = c.schedule
  a.skip = c.skip
  if (c.steps !== '') Object.assign(a, { steps: c.steps, scheme: c.scheme })
  return a
}

/** A word for a POSIX shell: as it is when it is plain, else in single quotes. */
export const shellWord = (s: string): string => (/^[\w.,:+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`)

/** `flowgm COMMAND` with the controls' flags, each value as typed, but those in `omit`, and `extra` after them. */
export function commandLine(command: string, c: ControlValues, o: { readonly extra?: Readonly<Record<string, string>>; readonly omit?: readonly string[] } = {}): string {
  const words = ['flowgm', command]
  for (const [k, v] of Object.entries({ ...argsOf(c), ...o.extra })) {
    if (o.omit?.includes(k)) continue
    if (k === 'skip') {
      if (v === false) words.push('--no-skip')
    } else words.push(`--${k}`, shellWord(String(v)))
  }
  return words.join(' ')
}

/** The flags of the K-step sampler, unset (`flowgm plot dae` takes none: the DAE at a time does not depend on it). */
export const WITHOUT_SAMPLER = { steps: undefined, scheme: undefined }

/** The charts, by the id of their element (chart-ID), with what each shows; each a figure of `flowgm plot`. */
export const CHARTS = [
  ['curves', 'summary statistics over t'],
  ['dae', 'the DAE weights over t'],
  ['compare', 'the error of the generated cluster mean against n, with the Bayes-optimal and PCA estimators'],
  ['distances', 'the distances to the target against n'],
] as const
export type ChartName = (typeof CHARTS)[number][0]

const OVER_N = { extra: { 'n-range': N_RANGE }, omit: ['n'] }

/** The commands the page shows (each in data-command="NAME"), what each reproduces, and its line from the controls. */
export const COMMANDS: ReadonlyArray<{ readonly name: string; readonly what: string; readonly line: (c: ControlValues) => string }> = [
  { name: 'stats', what: 'the values at t = 1', line: (c) => commandLine('stats', c) },
  { name: 'compare', what: 'the values with the estimators', line: (c) => commandLine('compare', c) },
  { name: 'plot curves', what: 'the summary statistics', line: (c) => commandLine('plot curves', c) },
  { name: 'plot dae', what: 'the DAE weights', line: (c) => commandLine('plot dae', c, { omit: Object.keys(WITHOUT_SAMPLER) }) },
  { name: 'plot compare', what: 'the error against n', line: (c) => commandLine('plot compare', c, OVER_N) },
  { name: 'plot distances', what: 'the distances against n', line: (c) => commandLine('plot distances', c, OVER_N) },
]
