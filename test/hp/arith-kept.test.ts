// decimalArith keeps the last argument's sin and cos (arith.ts): whatever the order of the calls,
// each value must be the one computed afresh (reference: decimal.js
// at three times the precision), to one unit of the p-th digit.
import { describe, expect, it } from 'vitest'
import { Decimal, decimalArith } from '../../src/hp/arith.js'

const p = 61
const D = Decimal.clone({ precision: p })
const R = Decimal.clone({ precision: 3 * p })
const ulps = (got: Decimal, ref: Decimal) =>
  new Decimal(got)
    .minus(ref)
    .abs()
    .div(new Decimal(10).pow(ref.e - p + 1))
    .toNumber()

describe('decimalArith with kept values', () => {
  it('sin, cos and tan of repeated and changing arguments are each right', () => {
    const F = decimalArith(D)
    for (const x of ['0.7', '0.7', '1.3', '0.7', '-2']) {
      const X = new D(x)
      expect(ulps(F.cos(X), new R(x).cos()), `cos ${x}`).toBeLessThanOrEqual(1)
      expect(ulps(F.sin(X), new R(x).sin()), `sin ${x}`).toBeLessThanOrEqual(1)
      expect(ulps(F.tan(X), new R(x).tan()), `tan ${x}`).toBeLessThanOrEqual(1)
    }
  })
})
