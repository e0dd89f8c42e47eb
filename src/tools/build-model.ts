/**
 * Build step (run by `npm run build`, hence by `npm ci`): derive, verify and compile the model
 * from equations/ into dist/generated/model.json, so that a command starts without any symbolic
 * work, and keep src/generated/keys.ts (the rows' types) in step with the equations: when their
 * keys changed, the file is rewritten and the TypeScript compiled again. Fails (exit 1) if an
 * equation does not check.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deriveModel } from '../symbolic/derive.js'
import { keysModule } from '../symbolic/keys.js'
import { MODEL_CACHE } from '../theory/model-file.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const KEYS = `${ROOT}src/generated/keys.ts`

const source = deriveModel()
mkdirSync(dirname(MODEL_CACHE), { recursive: true })
const tmp = `${MODEL_CACHE}.${process.pid}.tmp`
writeFileSync(tmp, JSON.stringify(source))
renameSync(tmp, MODEL_CACHE)
console.log(`flowgm: compiled model ${source.hash} (${source.schedules.length} schedules, variants ${Object.keys(source.variants).join(', ')})`)

const keys = keysModule(source)
if (!existsSync(KEYS) || readFileSync(KEYS, 'utf8') !== keys) {
  writeFileSync(KEYS, keys)
  console.log("flowgm: the equations changed the rows' keys: src/generated/keys.ts rewritten, compiling again")
  const tsc = spawnSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-p', ROOT], { stdio: 'inherit' })
  if (tsc.status !== 0) process.exit(1)
}
