/**
 * Exact linear algebra over rational functions: systems of equations `residual = 0` linear in a
 * few unknowns, solved by Gaussian elimination. Used for Result A (square, regular) and for the
 * exact-solution search (overdetermined: one equation per monomial of an identity).
 */
import { rat, rfAdd, rfConst, rfDiv, rfEqual, rfIsZero, rfMul, rfSub, rfSubstitute, rfVar, type RF } from './rational.js'

/** The system has no solution, or (without `free`) no unique one. */
export class Unsolvable extends Error {}

const ZERO = rfConst(rat(0n))
const ONE = rfConst(rat(1n))

/**
 * Solve residuals = 0, linear in `unknowns`, exactly. An overdetermined system must be consistent.
 * With `free`, an unknown the equations do not determine is set to 0 (any solution will do);
 * without, that is an error. Throws Unsolvable, or Error when a residual is not linear.
 */
export function solveLinear(residuals: readonly RF[], unknowns: readonly string[], options: { free?: boolean } = {}): Map<string, RF> {
  const zero = new Map(unknowns.map((u) => [u, ZERO]))
  const rows = residuals.map((r) => {
    const b = rfSubstitute(r, zero)
    const coefs = unknowns.map((u) => rfSub(rfSubstitute(r, new Map([...zero, [u, ONE]])), b))
    const rebuilt = unknowns.reduce((acc, u, j) => rfAdd(acc, rfMul(coefs[j], rfVar(u))), b)
    if (!rfEqual(rebuilt, r)) throw new Error('equations are not linear in the unknowns')
    return [...coefs, rfSub(ZERO, b)]
  })
  const n = unknowns.length
  const pivots: Array<{ row: number; col: number }> = []
  let next = 0
  for (let col = 0; col < n; col++) {
    const pivot = rows.findIndex((row, i) => i >= next && !rfIsZero(row[col]))
    if (pivot < 0) {
      if (!options.free) throw new Unsolvable(`the equations do not determine ${unknowns[col]}`)
      continue
    }
    ;[rows[next], rows[pivot]] = [rows[pivot], rows[next]]
    for (let i = 0; i < rows.length; i++) {
      if (i === next || rfIsZero(rows[i][col])) continue
      const f = rfDiv(rows[i][col], rows[next][col])
      rows[i] = rows[i].map((x, j) => rfSub(x, rfMul(f, rows[next][j])))
    }
    pivots.push({ row: next, col })
    next++
  }
  for (let i = next; i < rows.length; i++) if (!rfIsZero(rows[i][n])) throw new Unsolvable('the equations are inconsistent')
  const out = new Map(unknowns.map((u) => [u, ZERO]))
  for (const { row, col } of pivots) out.set(unknowns[col], rfDiv(rows[row][n], rows[row][col]))
  return out
}
