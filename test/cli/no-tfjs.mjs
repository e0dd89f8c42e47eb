// Loaded with `node --import` by the CLI tests: a resolution hook under which the optional
// @tensorflow packages look uninstalled, as after `npm ci --omit=optional`.
import { register } from 'node:module'

const hook = `export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@tensorflow/')) {
    const e = new Error('Cannot find package ' + specifier)
    e.code = 'ERR_MODULE_NOT_FOUND'
    throw e
  }
  return next(specifier, context)
}`
register(`data:text/javascript,${encodeURIComponent(hook)}`)
