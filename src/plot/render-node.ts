/**
 * Rendering in Node: the SVG of render.ts drawn in a worker thread (the main thread stays free to
 * handle signals), and PNG, the SVG rasterised by resvg.
 */
import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import type { ChartSpec } from './render.js'

/** Where the worker's compiled code lives, from src/ (tests) and from dist/ alike. */
const WORKER = new URL('../../dist/plot/render-worker.js', import.meta.url)

/** toSvg in a worker thread, leaving this one free to handle signals while vega renders. */
export async function toSvgInWorker(spec: ChartSpec): Promise<string> {
  const worker = new Worker(WORKER, { workerData: { spec } })
  try {
    const [reply] = (await once(worker, 'message')) as [{ svg?: string; error?: string }]
    if (reply.error !== undefined) throw new Error(reply.error)
    return reply.svg!
  } finally {
    await worker.terminate()
  }
}

/** PNG pixels per SVG unit: charts are drawn at 2x for print and high-density screens. */
export const PNG_SCALE = 2

/**
 * The SVG rasterised to PNG. resvg ships as a native binary in a registry package (an optional
 * dependency of @resvg/resvg-js): when the platform has none, the error says so.
 */
export async function toPng(svg: string, scale = PNG_SCALE): Promise<Uint8Array> {
  let Resvg: typeof import('@resvg/resvg-js').Resvg
  try {
    ;({ Resvg } = await import('@resvg/resvg-js'))
  } catch (e) {
    throw new Error(`PNG output needs @resvg/resvg-js with its native binary for this platform (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); write .svg instead`)
  }
  const png = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng()
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength)
}
