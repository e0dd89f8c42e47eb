// The precision notes of the solutions a test makes: solve() and learntDae() as the library has
// them, each result remembered, so that a test reads the notes every solution it made has given
// (in the order the solutions were made) since it last called resetNotes().
import { learntDae as learntDaeOf, solve as solveOf, type PrecisionNote } from '../../src/theory/solve.js'

let made: Array<{ readonly notes: readonly PrecisionNote[] }> = []
let offset = 0

const all = (): PrecisionNote[] => made.flatMap((m) => m.notes)

export const solve: typeof solveOf = (...args) => {
  const s = solveOf(...args)
  made.push(s)
  return s
}
export const learntDae: typeof learntDaeOf = (...args) => {
  const l = learntDaeOf(...args)
  made.push(l)
  return l
}

/** The notes given since the last resetNotes(). */
export const notes = (): PrecisionNote[] => all().slice(offset)
/** Forget the solutions made so far (each test starts with none). */
export const forgetSolutions = (): void => {
  made = []
  offset = 0
}
/** Count only the notes given from now on. */
export const resetNotes = (): void => {
  offset = all().length
}
