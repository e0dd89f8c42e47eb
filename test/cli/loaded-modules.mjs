// Loaded with `node --import` by test/cli/startup.test.ts: appends every module the process
// loads to the file FLOWGM_LOADED names, one URL or path a line: ES modules as the loader loads
// them (a hook on its thread), CommonJS ones (require, createRequire) from the require cache at exit.
import { appendFileSync } from 'node:fs'
import { createRequire, register } from 'node:module'

const file = process.env.FLOWGM_LOADED
const hook = `import { appendFileSync } from 'node:fs'
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(file)}, url + '\\n')
  return next(url, context)
}`
register(`data:text/javascript,${encodeURIComponent(hook)}`)
const cache = createRequire(import.meta.url).cache
process.on('exit', () => appendFileSync(file, Object.keys(cache).join('\n') + '\n'))
