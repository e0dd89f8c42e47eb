// decimalArith, every method, on both sides of elementary.LIMIT (500 digits): below it the methods are
// decimal.js's own, above it pi, ln and the circular functions come from elementary.ts.
import { describe, expect, it } from 'vitest'
import { type Arith, Decimal, decimalArith } from '../../src/hp/arith.js'
import { LIMIT } from '../../src/hp/elementary.js'

// References are computed at 60 digits (the default 20 would round them).
const Ref = Decimal.clone({ precision: 60 })

// Published constants to 50 digits (OEIS A000796, A002162, A001113, A002193).
const PI = new Ref('3.14159265358979323846264338327950288419716939937510')
const LN2 = new Ref('0.69314718055994530941723212145817656807550013436025')
const E = new Ref('2.71828182845904523536028747135266249775724709369995')
const SQRT2 = new Ref('1.41421356237309504880168872420969807856967187537694')

// The difference is taken wider than any operand so that it is exact.
const Wide = Decimal.clone({ precision: 1100 })
const expectClose = (x: Decimal, y: Decimal, digits: number, what: string) => {
  const e = new Wide(x).minus(y).abs()
  expect(e.lt(new Wide(10).pow(-digits)), `${what}: ${x} vs ${y}, error ${e.toExponential(3)}`).toBe(true)
}

// Every Arith is built inside its test, never while the file is collected: the methods are closures
// made by decimalArith, and a fault in them must be live when the test runs.
type Case = [string, (a: Arith<Decimal>) => Decimal, Decimal.Value]

describe('decimalArith below LIMIT (decimal.js functions) against closed forms', () => {
  // 40 digits; the closed forms are exact and the constants carry 50 digits, so an error above
  // 1e-38 (a couple of units in the 40th digit, decimal.js's rounding) is a wrong value.
  const D = Decimal.clone({ precision: 40 })
  const x = (v: Decimal.Value) => new D(v)
  const ln2 = x(LN2)
  // sinh(ln 2) = (2 - 1/2)/2 = 3/4, cosh = (2 + 1/2)/2 = 5/4, tanh = 3/5; their reciprocals.
  const cases: Case[] = [
    ['tan(π/4)', (a) => a.tan(x(PI).div(4)), 1],
    ['asin(1/2)', (a) => a.asin(x('0.5')), PI.div(6)],
    ['acos(1/2)', (a) => a.acos(x('0.5')), PI.div(3)],
    ['atan(1)', (a) => a.atan(x(1)), PI.div(4)],
    ['sinh(ln 2)', (a) => a.sinh(ln2), '0.75'],
    ['cosh(ln 2)', (a) => a.cosh(ln2), '1.25'],
    ['tanh(ln 2)', (a) => a.tanh(ln2), '0.6'],
    ['exp(ln 2)', (a) => a.exp(ln2), 2],
    ['log(2)', (a) => a.log(x(2)), LN2],
    ['sec(π/3)', (a) => a.sec(x(PI).div(3)), 2],
    ['csc(π/6)', (a) => a.csc(x(PI).div(6)), 2],
    ['cot(π/3)', (a) => a.cot(x(PI).div(3)), new Ref(3).sqrt().div(3)],
    ['sech(ln 2)', (a) => a.sech(ln2), '0.8'],
    ['csch(ln 2)', (a) => a.csch(ln2), new Ref(4).div(3)],
    ['coth(ln 2)', (a) => a.coth(ln2), new Ref(5).div(3)],
    ['abs(-2.5)', (a) => a.abs(x('-2.5')), '2.5'],
    ['rat(1, 3)', (a) => a.rat('1', '3'), new Ref(1).div(3)],
    ['pi()', (a) => a.pi(), PI],
    ['e()', (a) => a.e(), E],
    ['pow(2, 1/2)', (a) => a.pow(x(2), x('0.5')), SQRT2],
    ['pow(-2, 3)', (a) => a.pow(x(-2), x(3)), -8],
  ]
  it.each(cases)('%s', (what, f, want) => expectClose(f(decimalArith(D)), new Ref(want), 38, what))

  it('sign is -1, 0, +1 exactly', () => {
    const a = decimalArith(D)
    expect([a.sign(x(-3)), a.sign(x(0)), a.sign(x('0.01'))].map(Number)).toEqual([-1, 0, 1])
  })

  it('e() is the same value on a second call', () => {
    const a = decimalArith(D)
    a.e()
    expectClose(a.e(), E, 38, 'second e()')
  })

  it('pow with an exact result is exact: 4^0.5 = 2, 16^0.25 = 2, 4^1.5 = 8', () => {
    // decimal.js's pow rounds correctly (it retries with more digits until the rounding is
    // decided), so an exact result comes out exact; e^(b ln a) from a 40-digit ln is off in the
    // last digits.
    const a = decimalArith(D)
    const got = [a.pow(x(4), x('0.5')), a.pow(x(16), x('0.25')), a.pow(x(4), x('1.5'))]
    expect(got.map(String)).toEqual(['2', '2', '8'])
  })
})

describe('decimalArith above LIMIT (own series) against decimal.js at a lower precision', () => {
  // decimal.js's functions refuse full-length arguments at 520 digits (sin and cos want pi to twice
  // the precision plus the argument's digits, beyond the 1025 it stores), so these must come
  // from elementary.ts; the reference is decimal.js at 400 digits, a different algorithm. Both
  // are accurate to their precision, so they agree to about 400 digits: 395 leaves 5 for rounding.
  const D = Decimal.clone({ precision: LIMIT + 20 })
  const R = Decimal.clone({ precision: 400 })
  // full-length arguments: p/q rounded to the precision of each side
  const x = (v: string) => new D(v.split('/')[0]).div(v.split('/')[1] ?? 1)
  const r = (v: string) => new R(v.split('/')[0]).div(v.split('/')[1] ?? 1)
  const cases: Case[] = [
    ['sin(7/9)', (a) => a.sin(x('7/9')), r('7/9').sin()],
    ['cos(7/9)', (a) => a.cos(x('7/9')), r('7/9').cos()],
    ['tan(7/9)', (a) => a.tan(x('7/9')), r('7/9').tan()],
    ['asin(1/3)', (a) => a.asin(x('1/3')), r('1/3').asin()],
    ['acos(1/3)', (a) => a.acos(x('1/3')), r('1/3').acos()],
    ['atan(10/3)', (a) => a.atan(x('10/3')), r('10/3').atan()],
    ['log(10/3)', (a) => a.log(x('10/3')), r('10/3').ln()],
    ['pow(10/3, 1/3)', (a) => a.pow(x('10/3'), x('1/3')), r('10/3').pow(r('1/3'))],
    ['pow(-2, 3)', (a) => a.pow(x('-2'), x('3')), r('-8')],
    ['sec(7/9)', (a) => a.sec(x('7/9')), new R(1).div(r('7/9').cos())],
    ['csc(7/9)', (a) => a.csc(x('7/9')), new R(1).div(r('7/9').sin())],
    ['cot(7/9)', (a) => a.cot(x('7/9')), new R(1).div(r('7/9').tan())],
  ]
  it.each(cases)('%s', (what, f, want) => expectClose(f(decimalArith(D)), new Wide(want), 395, what))

  it('pow(10/3, 1/3) beyond the 1025 digits decimal.js can reach: its cube is 10/3', () => {
    // decimal.js's own pow throws past its stored ln 10 (about 1025 digits), so a non-integer
    // power must use elementary.ts's ln there. y^3 is taken wider than y, exactly; y rounded to p
    // digits is within half a unit of its 1st digit's 10^-(p-1), so |y^3 - 10/3| <= 3 y^2 · that
    // = 3·2.23·0.5e-1099 ≈ 3.4e-1099 plus the rounding of 10/3 itself; 1e-1097 allows 30x.
    const P = 1100
    const D = Decimal.clone({ precision: P })
    const y = decimalArith(D).pow(new D(10).div(3), new D(1).div(3))
    const W = Decimal.clone({ precision: 3 * P + 10 })
    const cube = new W(y).pow(3)
    expect(cube.minus(new W(10).div(3)).abs().lt(new W(10).pow(-1097)), `${cube.minus(new W(10).div(3)).toExponential(3)}`).toBe(true)
  })
})
