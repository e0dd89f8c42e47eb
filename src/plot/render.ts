/**
 * Rendering a chart: a vega-lite specification is compiled to vega and rendered headlessly (no
 * canvas, no browser) to SVG, in Node or in a browser; render-node.ts renders in a worker thread
 * and rasterises to PNG. Nothing here draws by hand.
 */
import { compile, type TopLevelSpec } from 'vega-lite'
import { parse, View } from 'vega'

export type ChartSpec = TopLevelSpec

/** The chart as a standalone SVG document. */
export async function toSvg(spec: ChartSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}
