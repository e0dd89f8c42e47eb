/**
 * mathjs in a browser (package.json's `browser` field puts this file in place of mathjs.ts): the
 * package's ESM build, bundled with the code, as one instance with every function.
 */
import { all, create, type MathJsInstance, type MathNode } from 'mathjs'

export type { MathNode }

let instance: MathJsInstance | undefined

/** The shared mathjs instance (double precision). */
export function math(): MathJsInstance {
  instance ??= create(all)
  return instance
}
