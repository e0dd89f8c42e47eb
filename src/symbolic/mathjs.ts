/**
 * The one place mathjs is loaded. The package's ESM build takes most of a second to import (it is
 * hundreds of modules); its single-file bundle loads in under 0.1 s, so we load that lazily.
 */
import { createRequire } from 'node:module'
import type { MathJsInstance, MathNode } from 'mathjs'

export type { MathNode }

let instance: MathJsInstance | undefined

/** The shared mathjs instance (double precision); loaded on first use. */
export function math(): MathJsInstance {
  if (!instance) {
    const require = createRequire(import.meta.url)
    instance = require('mathjs/lib/browser/math.js') as MathJsInstance
  }
  return instance
}
