import { expect } from 'vitest'
import { ParameterError } from '../../src/errors.js'

/** The one-line message of the ParameterError `f` throws (fails if it throws anything else, or nothing). */
export function inputError(f: () => unknown): string {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(ParameterError)
    return (e as Error).message
  }
  throw new Error('expected a ParameterError, none was thrown')
}
