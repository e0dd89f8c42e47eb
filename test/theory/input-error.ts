import { expect } from 'vitest'
import { InputError } from '../../src/errors.js'

/** The one-line message of the InputError `f` throws (fails if it throws anything else, or nothing). */
export function inputError(f: () => unknown): string {
  try { f() } catch (e) {
    expect(e).toBeInstanceOf(InputError)
    return (e as Error).message
  }
  throw new Error('expected an InputError, none was thrown')
}
