// src/hp/binary.ts: the BigInt floating point of the Taylor route's products. References are
// decimal.js at three times the precision under test, where a product of two p-digit numbers is
// exact and a sum of a few dozen of them loses nothing at p digits; values are positive, so no sum
// cancels and each result must be within one unit of its p-th digit.
import { describe, expect, it } from 'vitest'
import { Decimal } from '../../src/hp/arith.js'
import { binaries, BITS_PER_DIGIT, convolution, fromBinary, plus, toBinary, ZERO_EXPONENT } from '../../src/hp/binary.js'
import { seriesArith } from '../../src/hp/series.js'

/** Deterministic pseudo-random p-digit decimals spread over 10^-spread .. 10^spread. */
function values(D: Decimal.Constructor, count: number, spread: number, seed: number): Decimal[] {
  let state = seed
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648
  return Array.from({ length: count }, () => {
    const digits = Array.from({ length: D.precision }, (_, i) => (i === 0 ? 1 + Math.floor(next() * 9) : Math.floor(next() * 10))).join('')
    return new D(`0.${digits}e${Math.round((2 * next() - 1) * spread)}`)
  })
}

/** |got - ref| in units of the p-th significant digit of ref. */
function ulps(got: Decimal, ref: Decimal, p: number): number {
  return new Decimal(got)
    .minus(ref)
    .abs()
    .div(new Decimal(10).pow(ref.e - p + 1))
    .toNumber()
}

describe.each([40, 61, 123])('binary.ts at %i digits', (p) => {
  const D = Decimal.clone({ precision: p })
  const R = Decimal.clone({ precision: 3 * p })
  const bits = Math.ceil(p * BITS_PER_DIGIT) + 16

  it('a decimal of p digits goes to binary and back unchanged, of either sign and any exponent', () => {
    for (const x of [...values(D, 50, 300, 1), ...values(D, 20, 5, 2).map((v) => v.neg()), new D(1), new D('1e-500'), new D(12345)]) {
      const [m, s] = toBinary(x, bits)
      expect(fromBinary(m, s, D).eq(x), x.toString()).toBe(true)
    }
    expect(toBinary(new D(0), bits)).toEqual([0n, ZERO_EXPONENT])
  })

  it('convolution: each coefficient of a product of series within one unit of its p-th digit', () => {
    const N = 30
    // Coefficients of decaying size, as a Taylor series' are (c_k ~ 10^-k), and of random size.
    for (const [a, b] of [
      [values(D, N, 0, 3).map((v, k) => v.times(`1e-${k}`)), values(D, N, 0, 4).map((v, k) => v.times(`1e-${2 * k}`))],
      [values(D, N, 20, 5), values(D, N, 20, 6)],
    ]) {
      const A = binaries(a, N, bits),
        B = binaries(b, N, bits)
      for (let k = 0; k < N; k++) {
        let ref = new R(0)
        let weighted = new R(0)
        for (let j = 0; j <= k; j++) {
          ref = ref.plus(new R(a[j]).times(b[k - j]))
          weighted = weighted.plus(new R(a[j]).times(b[k - j]).times(k - j))
        }
        const [m, s] = convolution(A, B, k, 0, k, false, bits)
        expect(ulps(fromBinary(m, s, D), ref, p), `k = ${k}`).toBeLessThanOrEqual(1)
        if (k > 0) {
          const [mw, sw] = convolution(A, B, k, 0, k, true, bits)
          expect(ulps(fromBinary(mw, sw, D), weighted, p), `weighted, k = ${k}`).toBeLessThanOrEqual(1)
        }
      }
    }
  })

  it('a sum that cancels exactly is an exact zero (1·(-1) + 1·1), and plus() subtracts exactly', () => {
    const A = binaries([new D(1), new D(1)], 2, bits),
      B = binaries([new D(1), new D(-1)], 2, bits)
    expect(convolution(A, B, 1, 0, 1, false, bits)[0]).toBe(0n)
    const x = convolution(A, A, 1, 0, 1, false, bits)
    expect(plus(x, x, -1)[0]).toBe(0n)
  })

  it('seriesArith products and squares (which run on convolution) match the reference', () => {
    const N = 25
    const S = seriesArith(D, N)
    const a = { c: values(D, N, 0, 7).map((v, k) => v.times(`1e-${k}`)), deg: Infinity }
    const b = { c: values(D, N, 0, 8).map((v, k) => v.times(`1e-${k}`)), deg: Infinity }
    const product = S.mul(a, b) as { c: Decimal[] }
    const square = S.powInt(a, 2) as { c: Decimal[] }
    // A product of a product: its first factor is taken from the binary form kept with it.
    const chained = S.mul(product, a) as { c: Decimal[] }
    const refs: Decimal[] = []
    for (let k = 0; k < N; k++) {
      let ref = new R(0),
        sq = new R(0),
        ch = new R(0)
      for (let j = 0; j <= k; j++) {
        ref = ref.plus(new R(a.c[j]).times(b.c[k - j]))
        sq = sq.plus(new R(a.c[j]).times(a.c[k - j]))
      }
      refs.push(ref)
      for (let j = 0; j <= k; j++) ch = ch.plus(refs[j].times(a.c[k - j]))
      expect(ulps(product.c[k], ref, p), `product, k = ${k}`).toBeLessThanOrEqual(1)
      expect(ulps(square.c[k], sq, p), `square, k = ${k}`).toBeLessThanOrEqual(1)
      expect(ulps(chained.c[k], ch, p), `product of a product, k = ${k}`).toBeLessThanOrEqual(1)
    }
  })
})
