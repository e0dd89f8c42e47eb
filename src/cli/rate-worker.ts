/**
 * A worker thread computing `rate` (rate.ts, rateInWorker): minutes of synchronous high precision
 * here leave the main thread free to handle SIGINT and SIGTERM (and remove a chart's temporary
 * file) at once. Its Decimals cross as their exact text.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { postedError } from '../errors.js'
import { rate } from '../theory/rate.js'
import { problemFrom, type Args } from './common.js'

const { args, digits, nMax } = workerData as { args: Args; digits: number; nMax: number }

try {
  // JSON writes a Decimal as its exact text (Decimal#toJSON).
  parentPort!.postMessage({ result: JSON.stringify(rate(problemFrom(args), { digits, nMax })) })
} catch (e) {
  parentPort!.postMessage(postedError(e))
}
