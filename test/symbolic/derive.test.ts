// The derivation from equations/: Result A solved and checked three ways (own exact solver,
// nerdamer's solve, the published closed form), and the compiled double-precision code compared
// with a 60-digit evaluation of the equations exactly as written, at random points.
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { checkPublished, readModelEquations, resultA } from '../../src/symbolic/derive.js'
import { parseEquations, readEquationText, section } from '../../src/symbolic/eqfile.js'
import { math } from '../../src/symbolic/mathjs.js'
import { rfFromNode, rfEqual } from '../../src/symbolic/rational.js'
import { model } from '../../src/theory/model.js'
import { bigMath, rng } from './helpers.js'

const eqs = readModelEquations()

describe('Result A', () => {
  it('the published closed form solves the stationarity equations', () => {
    expect(() => checkPublished(eqs.dae)).not.toThrow()
  })
  it('a wrong closed form is refused', () => {
    const text = readEquationText('dae.eq').replace('c = beta * Lambda / D', 'c = beta * Lambda / (D + lambda)')
    const broken = parseEquations(text, 'dae.eq', ['n', 'sigma', 'lambda', 'omega', 'rho', 'kinv', 'alpha', 'beta', 'c', 'm', 'q_xi'])
    expect(() => checkPublished(broken)).toThrow(/does not solve/)
  })
  it('a wrong claim is refused', () => {
    const text = readEquationText('dae.eq').replace('margin = alpha^2 * beta * (omega * (n - kinv) + sigma^2 * (1 - kinv)) / D', 'margin = alpha^2 * beta * (omega * n + sigma^2 * (1 - kinv)) / D')
    const broken = parseEquations(text, 'dae.eq', ['n', 'sigma', 'lambda', 'omega', 'rho', 'kinv', 'alpha', 'beta', 'c', 'm', 'q_xi'])
    expect(() => checkPublished(broken)).toThrow(/claim/)
  })
  it('nerdamer solves the c-equation to the same c', () => {
    const require = createRequire(import.meta.url)
    const nerdamer = require('nerdamer/nerdamer.core.js')
    require('nerdamer/Algebra.js')
    require('nerdamer/Calculus.js')
    require('nerdamer/Solve.js')
    const st = Object.fromEntries(section(eqs.dae, 'stationarity').entries.map((e) => [e.name, e.text]))
    // Solve the w-equations for m and q_xi, substitute into the c-equation, solve for c.
    const m = nerdamer
      .solve(st.grad_w_mu, 'm')
      .toString()
      .replace(/^\[|\]$/g, '')
    const q = nerdamer
      .solve(st.grad_w_xi, 'q_xi')
      .toString()
      .replace(/^\[|\]$/g, '')
    const cEq = nerdamer(st.grad_c).sub('m', m).sub('q_xi', q).toString()
    const c = nerdamer
      .solve(cEq, 'c')
      .toString()
      .replace(/^\[|\]$/g, '')
    const { defs, solution } = resultA(eqs.dae, 'skip')
    expect(rfEqual(rfFromNode(math().parse(c), defs), solution.get('c')!)).toBe(true)
  })
  it('without skip connection: c = 0, m = n/(n+lambda kinv), q_xi = 0 (w-equations at c = 0, by hand; the ridge counted once over the n k pairs)', () => {
    const { solution } = resultA(eqs.dae, 'noskip')
    expect(rfEqual(solution.get('m')!, rfFromNode(math().parse('n/(n+lambda*kinv)')))).toBe(true)
    expect(rfEqual(solution.get('q_xi')!, rfFromNode(math().parse('0')))).toBe(true)
    expect(rfEqual(solution.get('c')!, rfFromNode(math().parse('0')))).toBe(true)
  })
})

describe('compiled code against the equations as written (60 digits)', () => {
  const big = bigMath()
  const dae = section(eqs.dae, 'definitions').entries.concat(section(eqs.dae, 'solution').entries, section(eqs.dae, 'observables').entries)
  const flowDefs = section(eqs.flow, 'definitions').entries
  const ode = section(eqs.flow, 'ode').entries
  const random = rng(20241)
  const points = Array.from({ length: 60 }, () => ({
    n: Math.floor(2 + 10 ** (random() * 6)),
    sigma: 10 ** (random() * 3 - 1.5),
    lambda: random() < 0.2 ? 0 : 10 ** (random() * 4 - 2),
    omega: 10 ** (random() * 2 - 1),
    // One draw per sample, three, and the limit of infinitely many (kinv = 1/k).
    kinv: [1, 1 / 3, 0][Math.floor(random() * 3)],
    alpha: random(),
    beta: random(),
    alphadot: -random() * 3,
    betadot: random() * 3,
  }))
  const rel = (x: number, ref: number) => (ref === 0 ? Math.abs(x) : Math.abs(x - ref) / Math.abs(ref))
  /** Every quantity of dae.eq and flow.eq [definitions] as written, in 60 digits, at a point. */
  const written = (p: Record<string, number | string>): Record<string, unknown> => {
    const scope: Record<string, unknown> = Object.fromEntries(Object.entries(p).map(([k, x]) => [k, big.bignumber(x)]))
    for (const e of [...dae, ...flowDefs]) scope[e.name] = big.evaluate(e.text, scope)
    return scope
  }
  /** The right-hand side of an ODE line as written, at state value x for every state. */
  const rhsAt = (scope: Record<string, unknown>, e: (typeof ode)[number], x: number) => Number(big.evaluate(e.text, { ...scope, M: big.bignumber(x), Q_xi: big.bignumber(x), P: big.bignumber(x) }))

  // Tolerances: the compiled code evaluates each closed form in double, a few dozen roundings of
  // relative eps each; measured over these 60 points: 8.8e-16 (DAE keys), 1.4e-15 (ODE
  // coefficients). The bounds are 4-5x that.
  it('DAE keys agree to 4e-15 relative at random points', () => {
    const v = model().variants.skip
    let worst = 0
    for (const p of points) {
      const scope = written(p)
      const got = v.dae(p.n, p.sigma, p.lambda, p.omega, 0.5, p.kinv)(p.alpha, p.beta)
      v.source.daeKeys.forEach((k, i) => {
        worst = Math.max(worst, rel(got[i], Number(scope[k])))
      })
    }
    expect(worst).toBeLessThan(4e-15)
  })
  it('ODE coefficients (1/alpha removed) agree with gamma, zeta m, zeta q_xi as written', () => {
    const v = model().variants.skip
    let worst = 0
    for (const p of points) {
      const scope = written(p)
      const got = v.ode(p.n, p.sigma, p.lambda, p.omega, 0.5, p.kinv)(p.alpha, p.beta, p.alphadot, p.betadot)
      // X' = a X + g: a = d rhs/dX, g = rhs at X = 0, from the right-hand sides as written.
      ode.forEach((e, i) => {
        worst = Math.max(worst, rel(got[2 * i], rhsAt(scope, e, 1) - rhsAt(scope, e, 0)), rel(got[2 * i + 1], rhsAt(scope, e, 0)))
      })
    }
    expect(worst).toBeLessThan(6e-15)
  })
  it('at alpha = 0 the regularised coefficients equal the limit of the written ones', () => {
    const v = model().variants.skip
    const p = { n: 8, sigma: 1.5, lambda: 0.1, omega: 1, kinv: 1, beta: 1, alphadot: -1.3, betadot: 0.4 }
    const got = v.ode(p.n, p.sigma, p.lambda, p.omega, 0.5, p.kinv)(0, p.beta, p.alphadot, p.betadot)
    const scope = written({ ...p, alpha: '1e-40' })
    ode.forEach((e, i) => {
      expect(rel(got[2 * i], rhsAt(scope, e, 1) - rhsAt(scope, e, 0))).toBeLessThan(1e-14)
      expect(Math.abs(got[2 * i + 1] - rhsAt(scope, e, 0))).toBeLessThan(1e-14)
    })
    expect(v.source.singular).toBe(false)
    expect(model().variants.noskip.source.singular).toBe(true)
  })
})
