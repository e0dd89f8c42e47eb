/**
 * threads.ts in a browser (package.json's `browser` field puts this file in its place): no worker
 * threads, so the js engine runs on the main thread alone.
 */
import type { RowWorker } from './threads.js'

export type { RowWorker }

export const cores = (): number => 1

export const canShare = (): boolean => false

export function startWorker(): Promise<RowWorker> {
  return Promise.reject(new Error('worker threads are not available in a browser'))
}
