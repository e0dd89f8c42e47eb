// The exact rational-function kernel: identities checked against algebra done by hand.
import { describe, expect, it } from 'vitest'
import { math } from '../../src/symbolic/mathjs.js'
import { polyDivExact, polyEqual, polyFromNode, ratFromNumber, rfEqual, rfFromNode, rfRegularAt } from './helpers.js'

const rf = (s: string) => rfFromNode(math().parse(s))

describe('rational functions', () => {
  it('reads decimals exactly', () => {
    expect(ratFromNumber(0.1)).toEqual({ p: 1n, q: 10n })
    expect(ratFromNumber(-2.5e-3)).toEqual({ p: -1n, q: 400n })
    expect(ratFromNumber(3e21)).toEqual({ p: 3000000000000000000000n, q: 1n })
  })
  it('expands and compares polynomials exactly', () => {
    expect(polyEqual(polyFromNode('(a + b)^3'), polyFromNode('a^3 + 3*a^2*b + 3*a*b^2 + b^3'))).toBe(true)
    expect(polyEqual(polyFromNode('(a + b)^3'), polyFromNode('a^3 + 3*a^2*b + 3*a*b^2 + b^3 + 1e-30'))).toBe(false)
  })
  it('divides exactly or says it cannot', () => {
    const q = polyDivExact(polyFromNode('x^3 - y^3'), polyFromNode('x - y'))
    expect(q && polyEqual(q, polyFromNode('x^2 + x*y + y^2'))).toBe(true)
    expect(polyDivExact(polyFromNode('x^3 - y^3 + 1'), polyFromNode('x - y'))).toBeUndefined()
  })
  it('cancels common factors', () => {
    expect(rfEqual(rf('(x^2 - 1)/(x - 1)'), rf('x + 1'))).toBe(true)
    expect(rfEqual(rf('1/(a+b) + 1/(a-b)'), rf('2*a/(a^2 - b^2)'))).toBe(true)
    expect(rfEqual(rf('1/(a+b)'), rf('1/(a-b)'))).toBe(false)
  })
  it('removes a removable pole and keeps a genuine one', () => {
    // gamma = alphadot/alpha + zeta c with zeta = betadot - alphadot beta/alpha, c = beta L/D:
    // by hand, gamma = (alpha alphadot K + beta betadot L)/(alpha^2 K + beta^2 L), regular at alpha = 0.
    const gamma = rf('ad/a + (bd - ad*b/a) * b*L/(a^2*K + b^2*L)')
    expect(rfEqual(gamma, rf('(a*ad*K + b*bd*L)/(a^2*K + b^2*L)'))).toBe(true)
    expect(rfRegularAt(gamma, 'a')).toBe(true)
    expect(rfRegularAt(rf('ad/a'), 'a')).toBe(false)
    expect(rfRegularAt(rf('1/(a + b)'), 'a')).toBe(true)
    expect(rfRegularAt(rf('1/(a^2 + a*b)'), 'a')).toBe(false)
  })
})
