/**
 * The model's source in Node: the build writes it to dist/generated/model.json, keyed by a hash of
 * the equation files; when that file is missing or stale (e.g. under the test runner) it is
 * derived in-process.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { deriveModel, type ModelSource } from '../symbolic/derive.js'
import { equationsHash } from '../symbolic/eqfile.js'

/** Where the build puts the compiled model (same relative path from src/ and dist/). */
export const MODEL_CACHE = fileURLToPath(new URL('../../dist/generated/model.json', import.meta.url))

export function loadSource(): ModelSource {
  const hash = equationsHash()
  if (existsSync(MODEL_CACHE)) {
    const source = JSON.parse(readFileSync(MODEL_CACHE, 'utf8')) as ModelSource
    if (source.hash === hash) return source
  }
  return deriveModel()
}
