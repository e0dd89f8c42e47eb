/**
 * Build step (run by `npm run build`, hence by `npm ci`): derive, verify and compile the model
 * from equations/ into dist/generated/model.json, so that a command starts without any symbolic
 * work. Fails (exit 1) if an equation does not check.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { deriveModel } from '../symbolic/derive.js'
import { MODEL_CACHE } from '../theory/model.js'

const source = deriveModel()
mkdirSync(dirname(MODEL_CACHE), { recursive: true })
const tmp = `${MODEL_CACHE}.${process.pid}.tmp`
writeFileSync(tmp, JSON.stringify(source))
renameSync(tmp, MODEL_CACHE)
console.log(`flowgm: compiled model ${source.hash} (${source.schedules.length} schedules, variants ${Object.keys(source.variants).join(', ')})`)
