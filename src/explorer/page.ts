/// <reference lib="dom" />
/**
 * The script of explorer.html (html.ts writes the page, build-explorer.ts bundles this file for
 * the browser): the theory computed in the page by the same compiled model and the same functions
 * as the CLI, in double precision. Each change of a control
 *   1. reads the controls as the CLI's flags and checks them with the CLI's own problemFrom, so a
 *      refused value shows the line `flowgm` prints (`flowgm: --n: must be ...`) beside its control
 *      and the last good view stays;
 *   2. computes the values at t = 1 (`flowgm stats`, and the estimators of `flowgm compare`) and
 *      the four figures of `flowgm plot` (curves, dae, compare, distances);
 *   3. shows the values (6 significant digits, each in the element data-key="<key>"), the commands
 *      that reproduce them, and redraws the charts: a chart whose layout did not change keeps its
 *      vega view and only gets its new data (a new view costs several times more).
 * The body's data-state (busy, ready, refused), data-updates (a count), data-redraw-ms (the
 * time from the change to the charts drawn) and data-draw-ms (the drawing's part of it) tell a
 * test, or a curious reader, where it stands.
 */
import { changeset, parse, truthy, View } from 'vega'
import { compile } from 'vega-lite'
import { flagText, ParameterError } from '../errors.js'
import { plotGrid, problemFrom, specFrom, takeWarnings, type Args } from '../cli/common.js'
import { compareFigure, curvesFigure, daeFigure, distancesFigure, type Figure } from '../plot/figures.js'
import { asymptoticBaselines } from '../baselines/asymptotic.js'
import type { ChartSpec } from '../plot/render.js'
import type { SweepSpec } from '../sweep/sweeps.js'
import { solve } from '../theory/solve.js'
import { argsOf, CHARTS, COMMANDS, N_RANGE, NUMBER_CONTROLS, WITHOUT_SAMPLER, type ChartName, type ControlValues } from './command.js'

/** A value as the page shows it: 6 significant digits; an infinite KL as ∞. */
export const shown = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '—' : Number.isFinite(x) ? x.toPrecision(6) : x > 0 ? '∞' : '−∞')

const $ = <E extends Element>(selector: string): E => {
  const e = document.querySelector<E>(selector)
  if (!e) throw new Error(`explorer.html has no ${selector}`)
  return e
}
const field = (name: string): HTMLInputElement | HTMLSelectElement => $(`[name="${name}"]`)

function readControls(): ControlValues {
  const text = (name: string) => field(name).value.trim()
  const numbers = Object.fromEntries(NUMBER_CONTROLS.map((k) => [k, text(k)])) as Record<(typeof NUMBER_CONTROLS)[number], string>
  return { ...numbers, schedule: text('schedule'), alpha: text('alpha'), beta: text('beta'), skip: (field('skip') as HTMLInputElement).checked, steps: text('steps'), scheme: text('scheme') }
}

/** The size of a panel in the page (the report's are 360 x 260). */
const PANEL = { width: 230, height: 170 }

/** A panel of a chart spec, as split() reads it. */
interface PanelSpec {
  layer?: Array<{ encoding?: { x?: object } }>
}

/**
 * A vega-lite spec split into its layout (the spec with each inline dataset replaced by a named
 * one, and without the subtitle, which repeats the controls' values) and the named datasets.
 * `marker`: an x at which each panel gets a dashed vertical rule (the current n on the charts
 * against n), its position a dataset like the others.
 */
function split(spec: ChartSpec, marker?: number): { layout: object; datasets: Record<string, unknown[]> } {
  const datasets: Record<string, unknown[]> = {}
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(walk)
    if (x === null || typeof x !== 'object') return x
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(x)) {
      if (k === 'data' && v !== null && typeof v === 'object' && 'values' in v) {
        const name = `d${Object.keys(datasets).length}`
        datasets[name] = (v as { values: unknown[] }).values
        out[k] = { name }
      } else out[k] = walk(v)
    }
    return out
  }
  const layout = walk(spec) as PanelSpec & { title?: { subtitle?: unknown }; hconcat?: PanelSpec[] }
  if (layout.title) delete layout.title.subtitle
  for (const panel of layout.hconcat ?? [layout]) {
    // Panels smaller than the report's, so that two charts stand side by side.
    Object.assign(panel, PANEL)
    const x = panel.layer?.[0]?.encoding?.x
    if (marker === undefined || !panel.layer || !x) continue
    const name = `d${Object.keys(datasets).length}`
    datasets[name] = [{ x: marker }]
    // The x encoding of the panel's lines (its scale and title), so that the rule shares them.
    panel.layer.push({ data: { name }, mark: { type: 'rule', color: '#888888', strokeDash: [3, 3], clip: true }, encoding: { x } } as never)
  }
  return { layout, datasets }
}

/** A chart in an element, redrawn from each new figure. */
class LiveChart {
  private view: View | undefined
  private layout = ''
  constructor(private readonly element: HTMLElement) {}

  async show(figure: Figure, marker?: number): Promise<void> {
    const { layout, datasets } = split(figure.spec, marker)
    const key = JSON.stringify(layout)
    if (this.view && key === this.layout) {
      for (const [name, values] of Object.entries(datasets)) this.view.change(name, changeset().remove(truthy).insert(values))
      await this.view.runAsync()
      return
    }
    this.view?.finalize()
    this.layout = key
    const spec = { ...layout, datasets } as ChartSpec
    this.view = new View(parse(compile(spec).spec), { renderer: 'svg', container: this.element, hover: false })
    await this.view.runAsync()
  }
}

/**
 * The charts' lines are computed to what a chart shows, not to the 12 printed digits: without the
 * high-precision guard of rows near the pole at t = 1 without skip connection (80 ms of a redraw),
 * and at an integrator tolerance of 1e-10 (trig without skip connection integrates in a tenth of
 * the time). The values at t = 1 above are the printed ones (SweepSpec.chart, test/sweep/guard.test.ts).
 */
const CHART = { guard: false, rtol: 1e-10 } as const

/** The spec of the charts against n, and the flags it was made from (all but n). */
let againstN: { key: string; spec: SweepSpec } | undefined

/**
 * The spec of the charts against n: the same object while the flags but n stay the same, so that
 * its table, computed once (sweepTable's cache), is not computed again when only n changes.
 */
function overNSpec(a: Args): SweepSpec {
  const flags = { ...a, n: undefined, 'n-range': N_RANGE }
  const key = JSON.stringify(flags)
  if (againstN?.key !== key) againstN = { key, spec: { ...specFrom('compare', flags), chart: CHART } }
  return againstN.spec
}

/** Everything one view shows, computed before anything on the page changes. */
interface Computed {
  readonly values: Readonly<Record<string, number | undefined>>
  readonly figures: Readonly<Record<ChartName, Figure>>
}

async function compute(c: ControlValues): Promise<Computed> {
  const a = argsOf(c)
  const problem = problemFrom(a)
  // The CLI computes n >= 1e15 at high precision, with a warning; the page computes in double.
  takeWarnings()
  if (problem.digits !== undefined) throw new ParameterError('n', `is ${c.n}: the explorer computes in double precision, faithful for n < 1e15 (flowgm stats computes this n with --digits)`)
  const stats = solve(problem).statsGrid([1])[0] as unknown as Record<string, number>
  // The estimators at this n: the closed forms `flowgm compare` prints.
  const estimators = asymptoticBaselines(problem.n, problem.sigma, problem.omega)
  // One spec object per sweep, shared by the figures drawn from it (sweepTable computes it once); the
  // DAE at a time does not depend on the sampler, and `flowgm plot dae` takes no --steps.
  const overT = { ...plotGrid(a), chart: CHART }
  const daeT = a.steps === undefined ? overT : { ...plotGrid({ ...a, ...WITHOUT_SAMPLER }), chart: CHART }
  const overN = overNSpec(a)
  const [curves, dae, compare, distances] = await Promise.all([curvesFigure(overT), daeFigure(daeT), compareFigure(overN), distancesFigure(overN)])
  return { values: { ...stats, ...estimators }, figures: { curves, dae, compare, distances } }
}

const charts = Object.fromEntries(CHARTS.map(([name]) => [name, new LiveChart($(`#chart-${name}`))])) as Record<ChartName, LiveChart>

function clearErrors(): void {
  for (const e of document.querySelectorAll<HTMLElement>('[data-error-for]')) e.textContent = ''
  for (const e of document.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid')
}

/** The refusal beside its control (the schedule's for alpha and beta), as the CLI prints it. */
function showError(e: ParameterError): void {
  const at = document.querySelector<HTMLElement>(`[data-error-for="${e.parameter}"]`) ?? $<HTMLElement>('[data-error-for="*"]')
  at.textContent = `flowgm: ${flagText(e)}`
  document.querySelector(`[name="${e.parameter}"]`)?.setAttribute('aria-invalid', 'true')
}

async function show(c: ControlValues, computed: Computed): Promise<void> {
  for (const e of document.querySelectorAll<HTMLElement>('[data-key]')) e.textContent = shown(computed.values[e.dataset.key!])
  for (const { name, line } of COMMANDS) $(`[data-command="${name}"]`).textContent = line(c)
  // The charts against n mark the current n.
  await Promise.all(CHARTS.map(([name]) => charts[name].show(computed.figures[name], name === 'compare' || name === 'distances' ? Number(c.n) : undefined)))
}

const body = document.body
let changedAt = performance.now()
let running: Promise<void> | undefined
let again = false

/** One update from the controls as they are now; a refused value keeps the last good view. */
async function update(): Promise<void> {
  const c = readControls()
  body.dataset.state = 'busy'
  clearErrors()
  let computed: Computed
  try {
    computed = await compute(c)
  } catch (e) {
    if (!(e instanceof ParameterError)) throw e
    showError(e)
    body.dataset.state = 'refused'
    return
  }
  const computedAt = performance.now()
  await show(c, computed)
  const now = performance.now()
  body.dataset.redrawMs = (now - changedAt).toFixed(1)
  body.dataset.drawMs = (now - computedAt).toFixed(1)
  $('#redraw').textContent = `updated in ${body.dataset.redrawMs} ms (drawing ${body.dataset.drawMs} ms of it)`
  body.dataset.state = 'ready'
}

/** Run update() now, or once more after the one running (changes made meanwhile coalesce). */
function schedule(): void {
  changedAt = performance.now()
  if (running) {
    again = true
    return
  }
  running = (async () => {
    do {
      again = false
      try {
        await update()
      } catch (e) {
        $('[data-error-for="*"]').textContent = `flowgm: internal error: ${e instanceof Error ? e.message : String(e)}`
        body.dataset.state = 'error'
        console.error(e)
      }
      body.dataset.updates = String(Number(body.dataset.updates ?? 0) + 1)
    } while (again)
  })().finally(() => {
    running = undefined
  })
}

/** The custom expressions are shown with the custom schedule only. */
function syncSchedule(): void {
  $<HTMLElement>('#custom').hidden = field('schedule').value !== 'custom'
  $<HTMLElement>('#scheme-row').dataset.off = String(field('steps').value.trim() === '')
}

for (const e of document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')) {
  e.addEventListener(e instanceof HTMLSelectElement || e.type === 'checkbox' ? 'change' : 'input', () => {
    syncSchedule()
    schedule()
  })
}
for (const button of document.querySelectorAll<HTMLButtonElement>('[data-copy]')) {
  button.addEventListener('click', () => {
    const text = $(`[data-command="${button.dataset.copy}"]`).textContent ?? ''
    const done = (word: string) => {
      button.textContent = word
      setTimeout(() => (button.textContent = 'copy'), 1500)
    }
    navigator.clipboard.writeText(text).then(
      () => done('copied'),
      () => {
        // Without clipboard access (a page opened from disk may lack it): select the line instead.
        const range = document.createRange()
        range.selectNodeContents($(`[data-command="${button.dataset.copy}"]`))
        getSelection()?.removeAllRanges()
        getSelection()?.addRange(range)
        done('selected: copy with Ctrl+C')
      },
    )
  })
}
syncSchedule()
schedule()
