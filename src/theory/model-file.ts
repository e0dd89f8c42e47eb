/**
 * The model's source in Node: the build writes it to dist/generated/model.json, keyed by a hash of
 * the equation files; when that file is missing or stale (e.g. under the test runner) it is
 * derived in-process. The file is read when this module loads, so that the derivation (the
 * symbolic layer, most of the modules a command would otherwise load) is imported only when it is
 * needed.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ModelSource } from '../symbolic/derive.js'
import { equationsHash } from '../symbolic/eqfile.js'

/** Where the build puts the compiled model (same relative path from src/ and dist/). */
export const MODEL_CACHE = fileURLToPath(new URL('../../dist/generated/model.json', import.meta.url))

/** The build's model if it was compiled from the current equation files. */
function built(): ModelSource | undefined {
  if (!existsSync(MODEL_CACHE)) return undefined
  const source = JSON.parse(readFileSync(MODEL_CACHE, 'utf8')) as ModelSource
  return source.hash === equationsHash() ? source : undefined
}

const current = built()
const derivation = current === undefined ? await import('../symbolic/derive.js') : undefined

export function loadSource(): ModelSource {
  return current ?? derivation!.deriveModel()
}
