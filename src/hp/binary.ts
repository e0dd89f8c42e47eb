/**
 * Binary floating point in BigInt, for the inner loops of high precision: a decimal.js product at
 * 60-130 digits costs 5-15 µs (allocation and rounding at every operation), a BigInt product of the
 * same size well under one. A value is m·2^s with an integer mantissa m; `toBinary` normalises m to
 * exactly `bits` bits (so that s alone orders magnitudes), and every result returns to decimal.js
 * rounded to the precision of its constructor. The conversions are exact up to that rounding: a
 * decimal M·10^E is scaled by one BigInt division, and m·2^s goes back through a decimal string
 * carrying a few digits beyond the precision.
 */
import type { Decimal, DecimalConstructor } from './arith.js'

/** The exponent of the value zero (its mantissa is 0n): below every other exponent. */
export const ZERO_EXPONENT = -Infinity

/**
 * log10 |x| to double accuracy (-Infinity for 0), from decimal.js's exponent and three leading words:
 * no full-precision logarithm, no Number overflow, no string.
 */
export function log10Abs(x: Decimal): number {
  if (x.isZero()) return -Infinity
  const d = x.d
  const lead = d[0] + (d.length > 1 ? d[1] / 1e7 : 0) + (d.length > 2 ? d[2] / 1e14 : 0)
  return x.e + Math.log10(lead) - (String(d[0]).length - 1)
}

/** log2(10): the bits that carry one decimal digit. */
export const BITS_PER_DIGIT = Math.log2(10)

/** Bits of binary mantissa beyond a precision's digits in the sums of products (series.ts, taylor.ts). */
const BINARY_GUARD = 16

/** The mantissa bits of the binary sums at the precision of D: its digits' bits and BINARY_GUARD more. */
export const sumBits = (D: DecimalConstructor): number => Math.ceil(D.precision * BITS_PER_DIGIT) + BINARY_GUARD

/** The number of bits of |a| (0 for 0). */
export function bitLength(a: bigint): number {
  if (a < 0n) a = -a
  if (a === 0n) return 0
  const hex = a.toString(16)
  return hex.length * 4 - (Math.clz32(parseInt(hex[0], 16)) - 28)
}

const TENS: bigint[] = []
/** 10^k as a BigInt, cached. */
export function ten(k: number): bigint {
  return (TENS[k] ??= 10n ** BigInt(k))
}

/** round(a / b) for b > 0, halves away from zero. */
export function divRound(a: bigint, b: bigint): bigint {
  return (2n * a + (a < 0n ? -b : b)) / (2n * b)
}

/** x = M·10^E exactly, M the (signed) integer of x's digits, and the number of those digits. */
function digitsOf(x: Decimal): [bigint, number, number] {
  // decimal.js stores words of 7 digits: the last one's padding zeros are no digits of x.
  const digits = x.d
    .map((w, i) => (i === 0 ? String(w) : String(w).padStart(7, '0')))
    .join('')
    .replace(/0+$/, '')
  return [BigInt(x.s) * BigInt(digits), x.e - digits.length + 1, digits.length]
}

/**
 * The decimal q·10^E, where q holds the digits of an exact value truncated to at least p + 2 of
 * them, rounded to the precision of D as decimal.js rounds: an inexact q gets a sticky last digit,
 * so that a value just above a tie is not taken for the tie.
 */
function rounded(q: bigint, E: number, exact: boolean, D: DecimalConstructor): Decimal {
  const [v, e] = exact ? [q, E] : [q * 10n + (q < 0n ? -1n : 1n), E - 1]
  return new D(`${v}e${e}`).toSignificantDigits(D.precision)
}

/**
 * x/y correctly rounded to the precision of D (as decimal.js's division, at a quarter of its
 * cost): one BigInt division of x's digits, scaled to give p + 5 digits, by y's.
 */
export function divide(x: Decimal, y: Decimal, D: DecimalConstructor): Decimal {
  if (!x.isFinite() || !y.isFinite() || x.isZero() || y.isZero()) return new D(x).div(y)
  const [Mx, Ex, nx] = digitsOf(x)
  const [My, Ey, ny] = digitsOf(y)
  const k = Math.max(0, D.precision + 5 - nx + ny)
  const num = Mx * ten(k)
  const q = num / My
  return rounded(q, Ex - Ey - k, q * My === num, D)
}

/** round(x·2^bits) for a finite decimal x. */
export function toFixed(x: Decimal, bits: number): bigint {
  if (x.isZero()) return 0n
  const [M, E] = digitsOf(x)
  return E >= 0 ? (M * ten(E)) << BigInt(bits) : divRound(M << BigInt(bits), ten(-E))
}

/** [m, s] with x = m·2^s to `bits` bits, |m| of exactly `bits` bits; [0n, ZERO_EXPONENT] for 0. */
export function toBinary(x: Decimal, bits: number): [bigint, number] {
  if (x.isZero()) return [0n, ZERO_EXPONENT]
  const [M, E] = digitsOf(x)
  // |x| < 2^top: the shift that leaves |m| between 2^(bits-1) and 2^bits, up to one bit.
  const top = Math.floor((x.e + 1) * BITS_PER_DIGIT) + 1
  const s = top - bits
  const m = E >= 0 ? (s >= 0 ? (M * ten(E)) >> BigInt(s) : (M * ten(E)) << BigInt(-s)) : s >= 0 ? M / (ten(-E) << BigInt(s)) : divRound(M << BigInt(-s), ten(-E))
  return normalised(m, s, bits)
}

/** [m, s] of the same value (truncated) with |m| of exactly `bits` bits. */
export function normalised(m: bigint, s: number, bits: number): [bigint, number] {
  if (m === 0n) return [0n, ZERO_EXPONENT]
  const excess = bitLength(m) - bits
  return excess > 0 ? [m >> BigInt(excess), s + excess] : excess < 0 ? [m << BigInt(-excess), s + excess] : [m, s]
}

/** m·2^s rounded to the precision of D (0 for m = 0). */
export function fromBinary(m: bigint, s: number, D: DecimalConstructor): Decimal {
  if (m === 0n) return new D(0)
  const size = bitLength(m) + s
  // m·2^s·10^E carries D.precision + 5 digits or so before the point.
  const E = D.precision + 5 - Math.floor(size / BITS_PER_DIGIT)
  const scaled = E >= 0 ? m * ten(E) : m
  const v = s >= 0 ? (E >= 0 ? scaled << BigInt(s) : (scaled << BigInt(s)) / ten(-E)) : E >= 0 ? scaled >> BigInt(-s) : scaled / (ten(-E) << BigInt(-s))
  return new D(`${v}e${-E}`).toSignificantDigits(D.precision)
}

/** Mantissas and exponents of a sequence of values, each normalised to the same bit count. */
export interface Binaries {
  readonly m: bigint[]
  readonly s: number[]
}

/** The first `count` values of xs in binary (`bits` bits each). */
export function binaries(xs: readonly Decimal[], count: number, bits: number): Binaries {
  const m: bigint[] = [],
    s: number[] = []
  for (let i = 0; i < count; i++) [m[i], s[i]] = toBinary(xs[i], bits)
  return { m, s }
}

/**
 * Bits kept below the largest term of a sum beyond the mantissa's: a term smaller than
 * 2^-(bits + SUM_GUARD) of the largest is dropped, the rest are summed exactly.
 */
export const SUM_GUARD = 16

/** An exact sum m·2^s (m not normalised); [0n, ZERO_EXPONENT] when empty. */
export type Exact = [bigint, number]

/**
 * Σ_(j=lo..hi) a_j b_(k-j), times k - j when `weighted`, exactly but for the terms below
 * 2^-(bits + SUM_GUARD) of the largest (a and b normalised to `bits` bits). The largest term is
 * found from the exponents before any product is formed, so dropped terms cost nothing.
 */
export function convolution(a: Binaries, b: Binaries, k: number, lo: number, hi: number, weighted: boolean, bits: number): Exact {
  let top = ZERO_EXPONENT
  for (let j = lo; j <= hi; j++) top = Math.max(top, a.s[j] + b.s[k - j] + (weighted ? Math.log2(k - j + 1) : 0))
  if (top === ZERO_EXPONENT) return [0n, ZERO_EXPONENT]
  const floor = top - bits - SUM_GUARD
  let low = Infinity
  for (let j = lo; j <= hi; j++) {
    const e = a.s[j] + b.s[k - j]
    if (e >= floor) low = Math.min(low, e)
  }
  let sum = 0n
  for (let j = lo; j <= hi; j++) {
    const e = a.s[j] + b.s[k - j]
    if (e < floor) continue
    const p = weighted ? a.m[j] * b.m[k - j] * BigInt(k - j) : a.m[j] * b.m[k - j]
    sum += e > low ? p << BigInt(e - low) : p
  }
  return [sum, low]
}

/** x + sign·y exactly. */
export function plus(x: Exact, y: Exact, sign: 1 | -1 = 1): Exact {
  if (y[0] === 0n) return x
  const m = sign < 0 ? -y[0] : y[0]
  if (x[0] === 0n) return [m, y[1]]
  const low = Math.min(x[1], y[1])
  return [(x[0] << BigInt(x[1] - low)) + (m << BigInt(y[1] - low)), low]
}

/**
 * √x correctly rounded to the precision of D, by an integer square root of x's digits scaled to
 * carry 5 digits more: decimal.js's square root divides at full precision at each Newton step
 * (80-150 µs at 70 digits). NaN, infinities and zeros as decimal.js gives them.
 */
export function sqrt(x: Decimal, D: DecimalConstructor): Decimal {
  if (!x.isFinite() || x.isZero() || x.isNeg()) return new D(x).sqrt()
  const [M, E, digits] = digitsOf(x)
  // n = M·10^shift has about 2 (p + 5) digits, and E - shift is even.
  let shift = 2 * (D.precision + 5) - digits
  if ((E - shift) % 2 !== 0) shift++
  const n = shift >= 0 ? M * ten(shift) : M / ten(-shift)
  const root = isqrt(n)
  return rounded(root, (E - shift) / 2, shift >= 0 && root * root === n, D)
}

/** floor(√n) for n > 0: Newton's iteration from above, started from a double's square root. */
function isqrt(n: bigint): bigint {
  const excess = Math.max(0, bitLength(n) - 52) & ~1
  let x = (BigInt(Math.ceil(Math.sqrt(Number(n >> BigInt(excess))))) + 1n) << BigInt(excess / 2)
  for (;;) {
    const y = (x + n / x) >> 1n
    if (y >= x) return x
    x = y
  }
}
