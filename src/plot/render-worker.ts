/**
 * A worker thread that renders one chart (render.ts, toSvgInWorker): vega renders synchronously,
 * seconds for a large chart, and in a worker the main thread stays free to handle SIGINT and
 * SIGTERM meanwhile.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { toSvg, type ChartSpec } from './render.js'

try {
  parentPort!.postMessage({ svg: await toSvg((workerData as { spec: ChartSpec }).spec) })
} catch (e) {
  parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) })
}
