// Issue 15, classes 3 and 4 (schedule side) and the schedule messages: a schedule must be
// continuously differentiable on [0, 1] with alpha, beta >= 0 and W > 0 on (0, 1) (docs/theory.md,
// the interpolant; docs/cli.md, schedule conditions) everywhere, not only at the points of the
// check grid t = k/4000. Each expected outcome comes from the mathematics of the expression
// (where its kink, pole or bump lies), never from a run of flowgm.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ParameterError } from '../../src/errors.js'
import { flowProblem, type FlowProblem } from '../../src/theory/problem.js'
import { math } from '../../src/symbolic/mathjs.js'
import { BROKEN_TERMS } from './schedule-cases.js'

const validate = (alpha: string, beta: string): FlowProblem => flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, schedule: { alpha, beta } })
const refusal = (alpha: string, beta: string): ParameterError => {
  try {
    validate(alpha, beta)
  } catch (e) {
    if (e instanceof ParameterError) return e
    throw e
  }
  throw new Error(`accepted: --alpha '${alpha}' --beta '${beta}'`)
}
/** The point a message names last, after `near t = ` or in `W(t)`, `beta(t)`... */
const named = (e: ParameterError): number => Number([...e.rule.matchAll(/(?:near t = |\b(?:W|alpha|beta)\()([\d.e+-]+)/g)].at(-1)?.[1])

/** A point of (0, 1) off the check grid k/4000 and off any short decimal. */
const OFF_GRID = 0.37123457
/** Messages print t to 14 significant digits: 5e-15 of rounding; the bound allows 20 units of it. */
const PRINTED_T = 1e-13

describe('kinks and jumps between grid points are refused, naming the flag and the point', () => {
  it('a kink of abs at an off-grid point (beta = t (1 + 0.1 |t - c| - 0.1 (1 - c)), beta(0) = 0, beta(1) = 1)', () => {
    const e = refusal('1-t', `t*(1+0.1*abs(t-${OFF_GRID})-0.1*(1-${OFF_GRID}))`)
    expect(e.parameter).toBe('beta')
    expect(e.rule).toMatch(/^beta must be continuously differentiable on \[0, 1\], but abs\(t - 0\.37123457\) has a kink/)
    // The kink is where t - c changes sign.
    expect(Math.abs(named(e) - OFF_GRID)).toBeLessThan(PRINTED_T)
  })

  it('a step (t - c + |t - c|)/(2 |t - c| + 1e-300): 0 before c, 1 after', () => {
    const step = `(t-${OFF_GRID}+abs(t-${OFF_GRID}))/(2*abs(t-${OFF_GRID})+1e-300)`
    const e = refusal('1-t', `0.5*t+0.5*${step}`)
    expect(e.parameter).toBe('beta')
    expect(e.rule).toMatch(/continuously differentiable/)
    expect(Math.abs(named(e) - OFF_GRID)).toBeLessThan(PRINTED_T)
  })

  it('sqrt of a square, (x^2)^0.5 and abs hidden in alpha: refused on --alpha', () => {
    expect(refusal('(1-t)*(1+0.1*sqrt((t-0.61234567)^2))/(1+0.1*0.61234567)', 't').parameter).toBe('alpha')
    expect(refusal('(1-t)*(1+0.1*((t-0.61234567)^2)^0.5)/(1+0.1*0.61234567)', 't').parameter).toBe('alpha')
  })
})

describe('a singular term at an interior point is refused, wherever it lies', () => {
  it('a pole at t = 1/3 + 1e-9, between grid points (and its square, positive on both sides)', () => {
    const e = refusal('1-t', 't+1e-12*t*(1-t)/(t-1/3-1e-9)^2')
    expect(e.rule).toMatch(/^beta must be continuously differentiable on \[0, 1\], but the denominator .* vanishes \(a pole\)/)
    expect(Math.abs(named(e) - (1 / 3 + 1e-9))).toBeLessThan(PRINTED_T)
  })

  it('1/sin(t - c): a pole that no grid point hits, named as a pole (not by the W < 0 next to it)', () => {
    const e = refusal('1-t', 't+1e-9*t*(1-t)*sin(t)/sin(t-0.3123457)')
    expect(e.rule).toMatch(/the denominator sin\(t - 0\.3123457\) vanishes \(a pole\)/)
  })

  it('log, sqrt and tan of an argument reaching the edge of their domain inside (0, 1)', () => {
    // (the slope of log |t - c| is so large near c that a grid point already shows W < 0)
    expect(refusal('1-t', `t+0.01*t*(1-t)*log(abs(t-${OFF_GRID})+1e-300)`).message).toMatch(/^beta: |^alpha: W = /)
    expect(refusal('1-t', `t+0.01*t*(1-t)*sqrt((t-${OFF_GRID})^2)`).parameter).toBe('beta')
    // tan(pi (t - c)) has a pole at t = c + 1/2 = 0.87123457.
    expect(refusal('1-t', `t+1e-6*t*(1-t)*tan(pi*(t-${OFF_GRID}))`).rule).toMatch(/tan\(.*\) has a pole near t = 0\.871234/)
  })

  it('a removable singularity (sin(t - c)/(t - c) at c) is refused too: the expression must be finite as written', () => {
    expect(refusal('1-t', `t+0.01*t*(1-t)*sin(t-${OFF_GRID})/(t-${OFF_GRID})`).rule).toMatch(/vanishes \(a pole\)/)
  })
})

describe('a W <= 0 or a negative value narrower than the grid step is refused', () => {
  it("a bump of width 1e-6 at 0.12345 (beta' = 1 - 2e-4 (t-c)/1e-12 exp(...) < 0 on its right)", () => {
    const e = refusal('1-t', 't + 1e-4*exp(-((t-0.12345)/1e-6)^2)')
    expect(e.rule).toMatch(/^W = alpha\*beta' - alpha'\*beta must be > 0 on \(0, 1\)/)
    // The point named is a real violation: W = (1 - t) beta' + beta < 0 there, by hand (W < 0 for
    // (t - c)/1e-6 in about (0.0057, 2.3)).
    const t = named(e),
      x = (t - 0.12345) / 1e-6
    const bump = 1e-4 * Math.exp(-x * x)
    expect((1 - t) * (1 - (2 * x * bump) / 1e-6) + t + bump, `W at ${t}`).toBeLessThan(0)
    expect(Math.abs(t - 0.12345)).toBeLessThan(2.3e-6)
  })

  it("an oscillation that vanishes at every grid point: beta' = 1 + 1e-4 8000 pi cos(8000 pi t) < 0 between them", () => {
    expect(refusal('1-t', 't+1e-4*sin(8000*pi*t)').rule).toMatch(/^W = /)
  })

  it('beta < 0 only on (0, 3e-6), before the first grid point 2.5e-4', () => {
    // beta = t (1 - 20 (1 - t) exp(-t/1e-6)) < 0 where 20 exp(-t/1e-6) > 1, t < 1e-6 ln 20 = 3e-6.
    const e = refusal('1-t', 't-2e-5*t*(1-t)*exp(-t/1e-6)*1e6')
    expect(e.rule).toMatch(/^beta must be >= 0|^W = /)
  })
})

describe('valid schedules are still accepted', () => {
  it.each([
    ['1-t', 't'],
    ['cos(pi*t/2)', 'sin(pi*t/2)'],
    ['1-t^2', 't^2'],
    ['(1-t)^2', '1-(1-t)^2'],
    ['cos(pi*t^2/2)', 'sin(pi*t^2/2)'],
    ['1-t', 't^1.5'],
    ['1-t', 't+1e-6*sin(8000*pi*t)'],
    ['1-t', 't+0.01*sin(100*t)*t*(1-t)'],
    // Steep, and 0 in double from t = 0.38 on: the conditions hold to rounding there.
    ['1-tanh(50*t)/tanh(50)', 'tanh(50*t)/tanh(50)'],
    ['1-tanh(50*(t-0.5))/2/tanh(25)-0.5', 'tanh(50*(t-0.5))/2/tanh(25)+0.5'],
    // A narrow but harmless bump: a positive term whose slope stays below 1.
    ['1-t', 't+1e-9*t*(1-t)/((t-0.3)^2+1e-4)'],
  ])('--alpha %s --beta %s', (alpha, beta) => {
    // Accepted, and the schedule kept is the one written: alpha and beta as mathjs' own evaluator
    // computes them. Both evaluate in double with a few roundings of numbers <= 1 (and 8000 pi t in
    // one case, whose rounding 3e-12 is scaled by 1e-6): 4 eps absolute allows the compiled code
    // another order of operations (measured: equal bits).
    const schedule = validate(alpha, beta).schedule
    for (const t of [0.1, 0.3, 0.5, 0.9]) {
      const [a, b] = schedule.at(t)
      expect(Math.abs(a - Number(math().evaluate(alpha, { t }))), `alpha(${t})`).toBeLessThanOrEqual(4 * Number.EPSILON)
      expect(Math.abs(b - Number(math().evaluate(beta, { t }))), `beta(${t})`).toBeLessThanOrEqual(4 * Number.EPSILON)
    }
  })
})

describe('schedule messages show the violation', () => {
  // alpha(0) = 1 + 1e-11 breaks alpha(0) = 1 (tolerance 1e-12): 6 digits would print "1".
  it('alpha(0) = 1 + 1e-11 is printed as 1.00000000001', () => {
    expect(refusal('1-t+1e-11', 't').message).toBe('alpha: the schedule must satisfy alpha(0) = 1, but alpha(0) = 1.00000000001')
  })

  // Each deviation is written into the expression; the message must show it to two digits.
  it.each([
    ['1-t', 't+3e-12', 'beta', 0, 0, 3e-12],
    ['1-t-5e-12*t', 't', 'alpha', 1, 0, -5e-12],
    ['1-t', 't*(1-2e-12)', 'beta', 1, 1, 1 - 2e-12],
    ['(1-t)*(1+7e-12)', 't', 'alpha', 0, 1, 1 + 7e-12],
  ] as const)('--alpha %s --beta %s: %s(%i) printed with its deviation from %i', (alpha, beta, flag, t, target, value) => {
    const e = refusal(alpha, beta)
    expect(e.parameter).toBe(flag)
    const printed = Number(new RegExp(`but ${flag}\\(${t}\\) = (\\S+)$`).exec(e.rule)?.[1])
    expect(printed).not.toBe(target)
    expect(Math.abs(printed - value)).toBeLessThanOrEqual(Math.abs(value - target) / 100)
  })

  it('property: an end value off by more than the tolerance is printed with its deviation', () => {
    fc.assert(
      fc.property(fc.double({ min: 1.5e-12, max: 1e-3, noNaN: true }), fc.boolean(), fc.constantFrom('alpha', 'beta'), (d, up, flag) => {
        const delta = (up ? 1 : -1) * d
        // alpha(0) = 1 + delta, or beta(1) = 1 + delta.
        const [alpha, beta] = flag === 'alpha' ? [`(1-t)*(1+${delta})`, 't'] : ['1-t', `t*(1+${delta})`]
        const e = refusal(alpha, beta)
        const printed = Number(/= (\S+)$/.exec(e.rule)?.[1])
        return e.parameter === flag && printed !== 1 && Math.abs(printed - (1 + delta)) <= d / 100 + 1e-16
      }),
      { seed: 15, numRuns: 200 },
    )
  })
})

// Random singular or non-smooth terms at random interior points (doubles, on no grid): each is
// refused, naming --beta (the term is in beta) or --alpha (the W rule), never accepted.
describe('property: non-smooth or singular terms anywhere in (0, 1) are refused', () => {
  const point = fc.double({ min: 0.02, max: 0.98, noNaN: true })
  const size = fc.constantFrom('1e-9', '1e-3', '0.05')
  const term = fc.tuple(fc.constantFrom(...BROKEN_TERMS), point, size)
  it('kinks, steps, poles, infinite slopes, removable singularities', () => {
    fc.assert(
      fc.property(term, ([make, c, eps]) => {
        const e = refusal('1-t', `t+${eps}*t*(1-t)*${make(String(c))}`)
        return e.parameter === 'beta' || (e.parameter === 'alpha' && e.rule.startsWith('W = '))
      }),
      { seed: 1515, numRuns: 150 },
    )
  })
})
