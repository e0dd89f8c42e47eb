// The finite-d baselines' small pieces, against values worked out by hand: the Gram matrix of a
// 3 x 2 sample, the sign convention of its top eigenvector, the refusals of malformed input (each
// message written from its rule), the asymptotic high-precision default ω = 1, and the tolerance
// of npm run validate's baseline table.
import { describe, expect, it } from 'vitest'
import { asymptoticBaselinesHp } from '../../src/baselines/asymptotic.js'
import { agreement, alignedError, gram, gramSpectrum } from '../../src/baselines/finite.js'
import { spreadTolerance } from '../../src/baselines/spread.js'
import { Decimal } from '../../src/hp/arith.js'

describe('gram and gramSpectrum', () => {
  it('G = X Xᵀ / d of rows (1, 2), (3, -1), (0, 4), every entry', () => {
    // By hand, d = 2: x1·x1 = 5, x1·x2 = 1, x1·x3 = 8, x2·x2 = 10, x2·x3 = -4, x3·x3 = 16; halved.
    const G = gram(Float64Array.from([1, 2, 3, -1, 0, 4]), 3, 2)
    expect(Array.from(G)).toEqual([2.5, 0.5, 4, 0.5, 5, -2, 4, -2, 8])
  })
  it('a first sample orthogonal to the others: v^1 = 0, the first nonzero entry is positive', () => {
    // Rows (0, 0), (1, 0), (-1, 0): G = [[0, 0, 0], [0, 1, -1], [0, -1, 1]] / 2, top eigenvalue 1
    // with eigenvector (0, 1, -1)/√2 (by hand), labels (+1, +1, -1) whatever sign the solver picks.
    // The same with the last two rows swapped or negated: the solver's own sign differs among them.
    for (const rows of [
      [0, 0, 1, 0, -1, 0],
      [0, 0, -1, 0, 1, 0],
      [0, 0, 0, 1, 0, -1],
      [0, 0, 0, -1, 0, 1],
    ]) {
      const { v, labels } = gramSpectrum(Float64Array.from(rows), 3, 2)
      expect(v[0]).toBe(0)
      expect(v[1]).toBeCloseTo(Math.SQRT1_2, 15)
      expect(Array.from(labels)).toEqual([1, 1, -1])
    }
    // Rows (0, 0, 0), (1, 2, 0), (3, -1, 1): x2·x3 = 1 > 0, so the top eigenvector has v^2, v^3 of
    // one sign (Perron-Frobenius on the 2 x 2 block [[5, 1], [1, 11]]/3): labels (+1, +1, +1). The
    // solver returns it with both negative, which only the first nonzero entry's sign corrects.
    const { v, labels } = gramSpectrum(Float64Array.from([0, 0, 0, 1, 2, 0, 3, -1, 1]), 3, 3)
    expect([v[0], v[1] > 0, v[2] > 0]).toEqual([0, true, true])
    expect(Array.from(labels)).toEqual([1, 1, 1])
  })
  it('refuses a malformed sample with the rule it breaks', () => {
    expect(() => gram(new Float64Array(0), 0, 2)).toThrow(/^n must be a positive integer, got 0$/)
    expect(() => gram(new Float64Array(0), 2, 0)).toThrow(/^d must be a positive integer, got 0$/)
    expect(() => gram(new Float64Array(5), 2, 3)).toThrow(/^X must hold n·d = 6 entries \(n rows of d\), got 5$/)
  })
  it('accepts the smallest sample, n = d = 1: G = x²', () => {
    // One sample of one coordinate, 3: G = 3·3/1 (by hand).
    expect(Array.from(gram(Float64Array.from([3]), 1, 1))).toEqual([9])
  })
})

describe('alignedError and agreement refuse vectors of different lengths', () => {
  it('names the lengths', () => {
    const a = new Float64Array(3),
      b = new Float64Array(2)
    expect(() => alignedError(a, b)).toThrow(/^alignedError: lengths differ \(estimate 3, direction 3, mu 2\)$/)
    expect(() => alignedError(b, b, a)).toThrow(/^alignedError: lengths differ \(estimate 2, direction 3, mu 2\)$/)
    expect(() => agreement([1, -1], [1])).toThrow(/^agreement: lengths differ \(2, 1\)$/)
  })
})

describe('asymptoticBaselinesHp', () => {
  it('ω defaults to 1', () => {
    const D = Decimal.clone({ precision: 30 })
    const a = asymptoticBaselinesHp(D, '8', '1.5')
    const b = asymptoticBaselinesHp(D, '8', '1.5', '1')
    for (const k of Object.keys(b) as Array<keyof typeof b>) expect(a[k].eq(b[k])).toBe(true)
  })
})

describe('spreadTolerance', () => {
  it('is 6c/√d + (2β + c²)/d', () => {
    // c = 2, β = 3, d = 100: 6·2/10 + (6 + 4)/100 = 1.2 + 0.1 = 1.3 (by hand); a few roundings.
    expect(spreadTolerance({ c: 2, beta: 3 }, 100)).toBeCloseTo(1.3, 14)
  })
})
