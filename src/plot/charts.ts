/**
 * Chart specifications (vega-lite) for flowgm's figures: one or more panels side by side, each
 * with theory drawn as lines, simulation drawn as points, and optionally a reference line (the
 * 1/n guide, a limit). The data are inlined in the specification, so `--spec` writes a document
 * anyone can restyle and render (vega-lite editor, vl-convert, Altair).
 */
import type { ChartSpec } from './render.js'

/** One value of a series: `series` picks the colour, `style` the dash (lines) or shape (points). */
export interface Point {
  readonly x: number
  readonly y: number
  readonly series: string
  readonly style?: string
}

export interface Axis {
  readonly title: string
  readonly log?: boolean
  /** Include 0 in a linear scale (default false: the data's range). */
  readonly zero?: boolean
}

/** A reference line drawn in grey with a label at its right end (not in the legend). */
export interface Guide {
  readonly points: readonly { readonly x: number; readonly y: number }[]
  readonly label: string
}

export interface Panel {
  readonly title?: string
  readonly x: Axis
  readonly y: Axis
  /** Theory: one line per series (and style). */
  readonly lines: readonly Point[]
  /** Simulation: one point per measurement. */
  readonly points?: readonly Point[]
  /** Mark the computed values on the lines (when they are few). */
  readonly markers?: boolean
  readonly guides?: readonly Guide[]
}

export interface ChartOptions {
  readonly title: string
  /** Lines under the title: the parameters, what lines and points are. */
  readonly subtitle?: readonly string[]
  /** Legend title of the colours. */
  readonly series: string
  /** Legend title of the dashes of the lines (when lines carry a style). */
  readonly style?: string
  /** Legend title of the point shapes (default: simulation); a point's style names its shape (default: measured). */
  readonly points?: string
  /** The mark shape of each point style (vega shape names: circle, cross, …), where the default cycle would mislead (a prediction drawn as a cross). */
  readonly shapes?: Readonly<Record<string, string>>
  /** Size of one panel in pixels. */
  readonly width?: number
  readonly height?: number
}

/** Typeface: DejaVu Sans has every glyph of the axis titles (ξ, ‖, ŵ, ², …) and ships with Debian. */
export const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif'

const GUIDE_COLOUR = '#777777'

/**
 * Points that can be drawn: finite, and positive on a log axis (a log axis has no place for 0 or a
 * negative value; such points are left out rather than drawn at a wrong place).
 */
function drawable<P extends { x: number; y: number }>(points: readonly P[], p: Panel): P[] {
  return points.filter((q) => Number.isFinite(q.x) && Number.isFinite(q.y) && (!p.x.log || q.x > 0) && (!p.y.log || q.y > 0))
}

/** Log-axis labels: plain for 0.001 to 10^5, powers of ten (1e-6, 1e+12) beyond. */
const LOG_LABEL = "datum.value >= 1e5 || datum.value < 1e-3 ? format(datum.value, '.0e') : format(datum.value, '~g')"

function encodingOf(axis: Axis, field: 'x' | 'y') {
  return {
    field,
    type: 'quantitative' as const,
    title: axis.title,
    scale: axis.log ? { type: 'log' as const, nice: false } : { zero: axis.zero ?? false, nice: true },
    axis: { grid: true, ...(axis.log ? { labelExpr: LOG_LABEL } : {}) },
  }
}

function layersOf(p: Panel, o: ChartOptions): object[] {
  const x = encodingOf(p.x, 'x')
  const y = encodingOf(p.y, 'y')
  const color = { field: 'series', type: 'nominal' as const, title: o.series, sort: null }
  const styled = (points: readonly Point[]) => points.some((q) => q.style !== undefined)
  const layers: object[] = []
  const lines = drawable(p.lines, p)
  if (lines.length) {
    layers.push({
      data: { values: lines },
      mark: { type: 'line', strokeWidth: 2, clip: true, ...(p.markers ? { point: { filled: true, size: 30 } } : {}) },
      encoding: {
        x,
        y,
        color,
        ...(styled(lines) ? { strokeDash: { field: 'style', type: 'nominal', title: o.style ?? '', sort: null } } : {}),
        // Each line drawn in the order of x.
        order: { field: 'x', type: 'quantitative' },
      },
    })
  }
  const points = drawable(p.points ?? [], p)
  if (points.length) {
    layers.push({
      mark: { type: 'point', filled: true, size: 40, opacity: 0.9, clip: true },
      // Their own field, so that the shapes get a legend apart from the dashes of the lines.
      data: { values: points.map((q) => ({ ...q, marker: q.style ?? 'measured' })) },
      encoding: {
        x,
        y,
        color,
        shape: { field: 'marker', type: 'nominal', title: o.points ?? 'simulation', sort: null, ...(o.shapes ? { scale: { domain: Object.keys(o.shapes), range: Object.values(o.shapes) } } : {}) },
      },
    })
  }
  for (const g of p.guides ?? []) {
    const values = drawable(g.points, p)
    if (values.length < 2) continue
    // The same encodings as the lines (a layer without an axis title would remove the panel's).
    const [gx, gy] = [x, y]
    layers.push({ data: { values }, mark: { type: 'line', color: GUIDE_COLOUR, strokeDash: [6, 4], strokeWidth: 1.5, clip: true }, encoding: { x: gx, y: gy } })
    const end = values.reduce((a, b) => (b.x > a.x ? b : a))
    layers.push({
      data: { values: [{ ...end, label: g.label }] },
      mark: { type: 'text', color: GUIDE_COLOUR, align: 'right', baseline: 'bottom', dy: -4, fontSize: 11 },
      encoding: { x: gx, y: gy, text: { field: 'label', type: 'nominal' } },
    })
  }
  return layers
}

/**
 * Subtitle lines of at most `max` characters, broken at the ' · ' separators. Without a canvas,
 * vega estimates text widths generously, and a long line would widen the whole chart.
 */
export function wrapSubtitle(lines: readonly string[], max = 72): string[] {
  return lines.flatMap((line) => {
    const out: string[] = []
    for (const part of line.split(' · ')) {
      const last = out.length - 1
      if (last >= 0 && out[last].length + 3 + part.length <= max) out[last] += ` · ${part}`
      else out.push(part)
    }
    return out
  })
}

/** The chart: panels side by side, sharing their colour legend. */
export function chart(panels: readonly Panel[], o: ChartOptions): ChartSpec {
  const size = { width: o.width ?? 360, height: o.height ?? 260 }
  const panel = (p: Panel) => ({ ...size, ...(p.title ? { title: { text: p.title, fontSize: 13 } } : {}), layer: layersOf(p, o) })
  const common = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: o.title, ...(o.subtitle?.length ? { subtitle: wrapSubtitle(o.subtitle) } : {}), anchor: 'start' as const, fontSize: 15, subtitleFontSize: 11 },
    background: 'white',
    padding: 10,
    config: {
      font: FONT,
      axis: { labelFontSize: 11, titleFontSize: 12 },
      legend: { labelFontSize: 11, titleFontSize: 12, symbolStrokeWidth: 2 },
      view: { stroke: '#dddddd' },
    },
  }
  const spec =
    panels.length === 1
      ? { ...common, ...panel(panels[0]) }
      : { ...common, hconcat: panels.map(panel), resolve: { scale: { color: 'shared', strokeDash: 'shared', shape: 'shared', x: 'independent', y: 'independent' } } }
  return spec as ChartSpec
}
