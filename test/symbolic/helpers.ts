// Shared helpers for the symbolic tests.
import { math } from '../../src/symbolic/mathjs.js'
import { rfFromNode, type Poly } from '../../src/symbolic/rational.js'

export { polyDivExact, polyEqual, ratFromNumber, rfEqual, rfFromNode, rfRegularAt } from '../../src/symbolic/rational.js'

/** The polynomial an expression denotes (its rational function must have denominator 1). */
export function polyFromNode(text: string): Poly {
  const r = rfFromNode(math().parse(text))
  if (r.mono.length || r.factors.size) throw new Error(`${text} is not a polynomial`)
  return r.num
}

/** mathjs with 60-digit BigNumbers, for randomised identity testing. */
export function bigMath() {
  const m = math()
  // The bundle's create() has its factories bound already: passing the config to create() is
  // silently ignored (numbers stayed doubles); config() after creation takes effect.
  const b = m.create(m.all)
  b.config({ number: 'BigNumber', precision: 60 })
  if (b.evaluate('1/3').toString().length < 60) throw new Error('bigMath: BigNumber configuration did not take effect')
  return b
}

/** A deterministic pseudo-random generator (mulberry32), so failures reproduce. */
export function rng(seed: number): () => number {
  return () => {
    seed |= 0
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
