/**
 * explorer.html: one self-contained page (its script inlined: the library, vega and vega-lite,
 * bundled for the browser by src/tools/build-explorer.ts into dist/explorer/bundle.js) that
 * computes the theory in the page as the controls change (page.ts). No request leaves it, so it
 * works opened from disk, mailed or archived. `flowgm report` writes it beside report.html.
 */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { BASELINE_KEYS } from '../baselines/asymptotic.js'
import { STATS_KEYS } from '../generated/keys.js'
import { SCHEMES } from '../theory/discrete.js'
import { escapeHtml, pageHead } from '../report/html.js'
import { CHARTS, COMMANDS, INITIAL_CONTROLS, NUMBER_CONTROLS } from './command.js'

/** The page's script, written by the build (dist/explorer/bundle.js), from this file in src/explorer or dist/explorer. */
const BUNDLE = new URL('../../dist/explorer/bundle.js', import.meta.url)

/** The number controls: their label and what the CLI's flag means. */
const NUMBERS: Readonly<Record<(typeof NUMBER_CONTROLS)[number], readonly [string, string]>> = {
  n: ['n', 'training samples, an integer ≥ 2'],
  sigma: ['σ', 'cluster standard deviation, > 0'],
  lambda: ['λ', 'ridge penalty on w, ≥ 0'],
  omega: ['ω', 'signal strength ‖μ‖²/d, > 0'],
  rho: ['ρ', 'weight of the cluster around +μ in the target, in (0, 1)'],
}

/** The values shown at t = 1: `flowgm stats`, then the estimators of `flowgm compare`. */
export const EXPLORER_KEYS: readonly string[] = [...STATS_KEYS, ...BASELINE_KEYS]

const error = (name: string) => `<span class="error" data-error-for="${name}" role="alert"></span>`

function controls(): string {
  const c = INITIAL_CONTROLS
  const numbers = NUMBER_CONTROLS.map((k) => {
    const [label, title] = NUMBERS[k]
    return `<label title="${escapeHtml(title)}">${label} <input name="${k}" type="text" inputmode="decimal" size="7" value="${c[k]}" autocomplete="off"></label>${error(k)}`
  })
  const option = (value: string, selected: string) => `<option value="${value}"${value === selected ? ' selected' : ''}>${value}</option>`
  return `<form id="controls" autocomplete="off">
<div class="row">${numbers.join('\n')}</div>
<div class="row"><label>schedule <select name="schedule">${['linear', 'trig', 'custom'].map((s) => option(s, c.schedule)).join('')}</select></label>${error('schedule')}
<span id="custom" hidden><label title="the coefficient of the base noise x₀: an expression in t">α(t) <input name="alpha" type="text" size="14" value="${escapeHtml(c.alpha)}"></label>${error('alpha')}
<label title="the coefficient of the target x₁: an expression in t">β(t) <input name="beta" type="text" size="14" value="${escapeHtml(c.beta)}"></label>${error('beta')}</span>
<label><input name="skip" type="checkbox"${c.skip ? ' checked' : ''}> skip connection</label>${error('skip')}</div>
<div class="row"><label title="empty: the continuous flow; K: the K-step sampler">steps K <input name="steps" type="text" inputmode="numeric" size="6" placeholder="∞" value="${c.steps}"></label>${error('steps')}
<span id="scheme-row"><label>scheme <select name="scheme">${SCHEMES.map((s) => option(s, c.scheme)).join('')}</select></label>${error('scheme')}</span></div>
</form>
<p class="error" data-error-for="*" role="alert"></p>`
}

const STYLE = `
body { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; margin: 1.5em auto; max-width: 1500px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.1em; margin: 1.2em 0 0.4em; }
.meta { color: #555; font-size: 0.9em; line-height: 1.45; }
form .row { display: flex; flex-wrap: wrap; gap: 0.4em 1.2em; align-items: baseline; margin: 0.5em 0; }
input[type=text] { font: inherit; padding: 0.15em 0.3em; }
input[aria-invalid=true] { border-color: #c00; background: #fff4f4; }
.error { color: #b00; font-size: 0.85em; }
.error:empty { display: none; }
#scheme-row[data-off=true] { opacity: 0.45; }
#values { display: grid; grid-template-columns: repeat(auto-fill, minmax(11em, 1fr)); gap: 0.2em 1em; margin: 0; }
#values div { display: flex; justify-content: space-between; border-bottom: 1px solid #eee; padding: 0.15em 0; }
#values dt { color: #555; }
#values dd { margin: 0; font-variant-numeric: tabular-nums; }
#commands p { margin: 0.25em 0; }
code { font-family: 'DejaVu Sans Mono', monospace; font-size: 0.85em; background: #f5f5f5; padding: 0.1em 0.3em; }
button { font: inherit; font-size: 0.8em; margin-left: 0.4em; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(600px, 1fr)); gap: 1em 2em; }
.chart { min-height: 260px; min-width: 0; }
.chart svg { max-width: 100%; height: auto; }
.vega-bindings { display: none; }
#redraw { color: #777; font-size: 0.8em; }
`

/** The page, given its script (the bundle) and the version it is written by. */
export function explorerHtml(o: { readonly version: string; readonly script: string }): string {
  const values = EXPLORER_KEYS.map((k) => `<div><dt>${k}</dt><dd><output data-key="${k}">…</output></dd></div>`).join('\n')
  const commands = COMMANDS.map(({ name, what }) => `<p>${escapeHtml(what)}: <code data-command="${name}"></code><button type="button" data-copy="${name}">copy</button></p>`).join('\n')
  const charts = CHARTS.map(([id, what]) => `<div class="chart" id="chart-${id}" aria-label="${escapeHtml(what)}"></div>`).join('\n')
  // The script may hold the text </script> (in a string): escaped so that it does not end the element.
  const script = o.script.replace(/<\/(script)/gi, '<\\/$1')
  return `${pageHead('flowgm explorer', o.version, STYLE)}
<body data-state="loading">
<h1>flowgm explorer</h1>
<p class="meta">The exact high-dimensional theory of a flow-based generative model trained on n samples of a
two-cluster Gaussian mixture (Cui, Krzakala, Vanden-Eijnden, Zdeborová, ICLR 2024, arXiv:2310.03575),
computed in this page by flowgm ${escapeHtml(o.version)} (double precision, the compiled model of the CLI) as you change a value.
Nothing is fetched: the page works offline. <a href="report.html">The report</a> has the published figures with simulations.</p>
${controls()}
<h2>At t = 1</h2>
<dl id="values">
${values}
</dl>
<h2>Reproduce with the CLI</h2>
<div id="commands">
${commands}
</div>
<div class="charts">
${charts}
</div>
<p id="redraw"></p>
<script>${script}</script>
</body>
</html>
`
}

/** The page's script as the build wrote it; a missing one means the build did not run. */
export async function explorerScript(): Promise<string> {
  try {
    return await readFile(BUNDLE, 'utf8')
  } catch {
    throw new Error(`${fileURLToPath(BUNDLE)} is missing: run npm run build (it bundles the explorer's script)`)
  }
}
