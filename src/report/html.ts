/**
 * report.html: one self-contained page (inline SVG, tables, no script, no external resource), so
 * it can be mailed, archived or opened from disk anywhere.
 */
import type { Table } from '../plot/figures.js'

export type ReportSection =
  | { readonly kind: 'figure'; readonly name: string; readonly title: string; readonly caption: string; readonly svg: string; readonly commands: readonly string[] }
  | { readonly kind: 'table'; readonly name: string; readonly title: string; readonly caption: string; readonly table: Table; readonly commands: readonly string[] }

export interface ReportPage {
  readonly version: string
  readonly sections: readonly ReportSection[]
  readonly seconds: number
  /** ISO time of generation. */
  readonly generated: string
  /** The explorer's file beside the page, linked from it. */
  readonly explorer?: string
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c])

/**
 * Make an SVG's ids unique on the page: vega names its clip paths clip1, clip2, … in every chart,
 * and inline SVGs share one id space, so a second chart would be clipped by the first one's paths.
 */
export function scopeIds(svg: string, prefix: string): string {
  const ids = new Set([...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]))
  if (!ids.size) return svg
  return svg
    .replace(/(\sid=")([^"]+)(")/g, (all, a: string, id: string, b: string) => (ids.has(id) ? `${a}${prefix}-${id}${b}` : all))
    .replace(/url\(#([^)]+)\)/g, (all, id: string) => (ids.has(id) ? `url(#${prefix}-${id})` : all))
    .replace(/(href=")#([^"]+)(")/g, (all, a: string, id: string, b: string) => (ids.has(id) ? `${a}#${prefix}-${id}${b}` : all))
}

function tableHtml(t: Table): string {
  const head = `<tr>${t.keys.map((k) => `<th>${escapeHtml(k)}</th>`).join('')}</tr>`
  const rows = t.rows.map((r) => `<tr>${t.keys.map((k) => `<td>${escapeHtml(String(r[k] ?? ''))}</td>`).join('')}</tr>`)
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`
}

function sectionHtml(s: ReportSection): string {
  const body =
    s.kind === 'figure'
      ? `<figure class="chart" id="${escapeHtml(s.name)}">\n${scopeIds(s.svg, s.name)}\n<figcaption>${escapeHtml(s.caption)}</figcaption>\n</figure>`
      : `<p>${escapeHtml(s.caption)}</p>\n${tableHtml(s.table)}`
  const files = s.kind === 'figure' ? `<a href="${s.name}.svg">${s.name}.svg</a>, <a href="${s.name}.csv">${s.name}.csv</a>` : `<a href="${s.name}.csv">${s.name}.csv</a>`
  const commands = s.commands.map((c) => `<code>${escapeHtml(c)}</code>`).join('<br>\n')
  return `<section id="section-${escapeHtml(s.name)}">
<h2>${escapeHtml(s.title)}</h2>
${body}
<p class="source">Files: ${files}. Reproduce:<br>\n${commands}</p>
</section>`
}

const STYLE = `
body { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
figure.chart { margin: 1em 0; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption, p { line-height: 1.45; }
.meta, .source { color: #555; font-size: 0.9em; }
code { font-family: 'DejaVu Sans Mono', monospace; font-size: 0.85em; background: #f5f5f5; padding: 0.1em 0.3em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f0f0f0; }
nav a { margin-right: 1em; }
`

/** A flowgm page's start, up to its <body>: the title, the version that wrote it, its style. */
export const pageHead = (title: string, version: string, style: string): string => `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="flowgm ${escapeHtml(version)}">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>`

export function reportHtml(p: ReportPage): string {
  const nav = p.sections.map((s) => `<a href="#section-${escapeHtml(s.name)}">${escapeHtml(s.title)}</a>`).join('\n')
  return `${pageHead('flowgm report', p.version, STYLE)}
<body>
<h1>flowgm report</h1>
<p class="meta">Exact high-dimensional asymptotics of a flow-based generative model trained on n samples of a
two-cluster Gaussian mixture (Cui, Krzakala, Vanden-Eijnden, Zdeborová, ICLR 2024, arXiv:2310.03575),
reproduced from the theory by flowgm ${escapeHtml(p.version)} on ${escapeHtml(p.generated)} in ${p.seconds.toFixed(1)} s.
Every figure below is one <code>flowgm plot</code> command, printed under it with its parameters; the table behind
each chart is in the CSV file of the same name.</p>
${p.explorer ? `<p class="meta"><a href="${escapeHtml(p.explorer)}">${escapeHtml(p.explorer)}</a>: the theory computed live in your browser as you change n, σ, λ, ω, ρ, the schedule, the skip connection or the sampler (no network needed).</p>\n` : ''}<nav>
${nav}
</nav>
${p.sections.map(sectionHtml).join('\n')}
</body>
</html>
`
}
