// src/hp/binary.ts: the BigInt floating point of the Taylor route's products. References are
// decimal.js at three times the precision under test, where a product of two p-digit numbers is
// exact and a sum of a few dozen of them loses nothing at p digits; values are positive, so no sum
// cancels and each result must be within one unit of its p-th digit.
import { describe, expect, it } from 'vitest'
import { Decimal } from '../../src/hp/arith.js'
import { binaries, BITS_PER_DIGIT, convolution, divide, fromBinary, plus, sqrt, toBinary, ZERO_EXPONENT } from '../../src/hp/binary.js'
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

  it('sqrt within one unit of the p-th digit of the reference, exact on squares, and as decimal.js on 0, -1, NaN', () => {
    for (const x of [...values(D, 40, 300, 9), new D(2), new D('0.5'), new D('1e-301')]) {
      expect(ulps(sqrt(x, D), new R(x).sqrt(), p), x.toString()).toBeLessThanOrEqual(1)
    }
    for (const [x, root] of [
      ['4', '2'],
      ['0.01', '0.1'],
      ['1e-300', '1e-150'],
      ['15241578750190521', '123456789'],
    ]) {
      expect(sqrt(new D(x), D).eq(root), x).toBe(true)
    }
    expect(sqrt(new D(0), D).isZero()).toBe(true)
    expect(sqrt(new D(-1), D).isNaN()).toBe(true)
    expect(sqrt(new D(NaN), D).isNaN()).toBe(true)
  })

  it('divide and sqrt give exactly what decimal.js does (both correctly rounded), in either rounding mode', () => {
    for (const rounding of [Decimal.ROUND_HALF_UP, Decimal.ROUND_HALF_EVEN]) {
      const E = Decimal.clone({ precision: p, rounding })
      const xs = [...values(E, 60, 200, 10), new E(1), new E(3), new E('0.1'), new E('-2.25'), new E('2.25')]
      const ys = [...values(E, 60, 200, 11), new E(3), new E(7), new E('2.25'), new E('-0.5'), new E('2.25')]
      xs.forEach((x, i) => {
        expect(divide(x, ys[i], E).eq(x.div(ys[i])), `${x}/${ys[i]}`).toBe(true)
        expect(sqrt(x.abs(), E).eq(x.abs().sqrt()), `sqrt ${x.abs()}`).toBe(true)
      })
    }
    // Halfway cases at p digits: the digits beyond are exactly 5, or 5 followed by more.
    const E = Decimal.clone({ precision: p, rounding: Decimal.ROUND_HALF_EVEN })
    const tie = new E(`1${'0'.repeat(p - 2)}25`)
    expect(divide(tie, new E(10), E).eq(tie.div(10))).toBe(true)
    const above = new E(`1${'0'.repeat(p - 2)}25`).plus(`1e-${p}`)
    expect(divide(above, new E(10), E).eq(above.div(10))).toBe(true)
    // x/3 = 1 + 5e-p + 1e-(p+5)/3: the digits divide() forms (one past the tie's zeros) are a tie,
    // the remainder says round up.
    const nearTie = new E(new R(3).plus(`15e-${p}`).plus(`1e-${p + 5}`))
    expect(divide(nearTie, new E(3), E).eq(nearTie.div(3))).toBe(true)
    expect(divide(nearTie, new E(3), E).eq(new E(1).plus(`1e-${p - 1}`))).toBe(true)
    expect(divide(new E(1), new E(0), E).toString()).toBe('Infinity')
    expect(divide(new E(0), new E(3), E).isZero()).toBe(true)
  })
})
