// The discrete sampler's theory (src/theory/discrete.ts, docs/theory.md section 6).
// Expected values: (1) one Euler step by hand; (2) the continuous solution (closed form of
// test/theory/by-hand.ts, derived in test/theory/hp.test.ts) as the limit K -> infinity, with the
// error falling like 1/K (Euler) and 1/K^2 (Heun), the orders of the two schemes.
import { describe, expect, it } from 'vitest'
import { discreteFlow } from '../../src/theory/discrete.js'
import { flowProblem } from '../../src/theory/problem.js'
import { statsByHand, X } from './by-hand.js'

const P = { n: 8, sigma: 1.5, lambda: 0.1, omega: 1 }

describe('discrete sampler theory', () => {
  it('one Euler step of the linear schedule, by hand: M_1 = zeta(0) m(0) = n/(n+lambda), Q_1 = 0, P_1 = 1 + alphadot(0) = 0', () => {
    // At t = 0: beta = 0, so c = 0, q_xi = 0, m = n/(n+lambda) (docs/theory.md section 3, D(0) = K);
    // gamma = alphadot/alpha + zeta c = -1 and zeta = betadot - alphadot beta/alpha = 1.
    const [start, end] = discreteFlow(flowProblem({ ...P, schedule: 'linear' }), 1)
    expect(start).toEqual([0, 0, 1])
    expect(end[0]).toBeCloseTo(8 / 8.1, 15)
    expect(end[1]).toBe(0)
    expect(end[2]).toBeCloseTo(0, 15)
  })

  it.each(['linear', 'trig'])('%s: Euler converges to the continuous flow at order 1, Heun at order 2', (schedule) => {
    const problem = flowProblem({ ...P, schedule })
    const exact = statsByHand({ n: '8', sigma: '1.5', lambda: '0.1', omega: '1' }, [new X(0), new X(1)], true)
    const target = [exact.M, exact.Q_xi, exact.P].map((x) => x.toNumber())
    const error = (K: number, scheme: 'euler' | 'heun') => {
      const end = discreteFlow(problem, K, scheme)[K]
      return Math.max(...end.map((x, i) => Math.abs(x - target[i])))
    }
    // Doubling K divides the error by 2^order up to the next order: e(K) = C1/K + C2/K^2 gives
    // e(K)/e(2K) = 2 (1 + C2/(2 C1 K) + ...). Measured at K = 200 (this P, both schedules):
    // |Euler ratio - 2| <= 0.0034, |Heun ratio - 4| <= 0.037; the bounds are 3x those.
    const euler = error(200, 'euler') / error(400, 'euler')
    const heun = error(200, 'heun') / error(400, 'heun')
    expect(Math.abs(euler - 2)).toBeLessThan(0.01)
    expect(Math.abs(heun - 4)).toBeLessThan(0.1)
    // Richardson: 2 y(2K) - y(K) cancels Euler's C1/K and leaves O(1/K^2). Measured K^2 times its
    // error: 0.68 (linear), 0.25 (trig) at K = 100 and 200; the bound 2/K^2 is 3x the larger.
    const K = 200
    const [coarse, fine] = [K, 2 * K].map((k) => discreteFlow(problem, k, 'euler')[k])
    const extrapolated = Math.max(...fine.map((x, i) => Math.abs(2 * x - coarse[i] - target[i])))
    expect(extrapolated).toBeLessThan(2 / K ** 2)
  })

  it('linear schedule: dM/dt = n/(n+lambda) is constant, so Euler gives M exactly (to rounding) at every K', () => {
    // M' = zeta m = n/(n+lambda) for alpha = 1 - t, beta = t (by-hand.ts: M(t) = n t/(n+lambda)):
    // every step adds the same h n/(n+lambda), so the only error is rounding, K additions of
    // relative error <= eps each; measured <= 5e-15 at K <= 400, bound K eps.
    const problem = flowProblem({ ...P, schedule: 'linear' })
    for (const K of [1, 7, 100, 400]) {
      const states = discreteFlow(problem, K, 'euler')
      for (const k of [K >> 1, K]) expect(Math.abs(states[k][0] - (8 / 8.1) * (k / K)), `K = ${K}, k = ${k}`).toBeLessThan(K * Number.EPSILON + Number.EPSILON)
    }
  })

  it('without skip connection Euler runs (t_k < 1 only) and Heun is refused with the reason', () => {
    const problem = flowProblem({ ...P, skip: false })
    const states = discreteFlow(problem, 50)
    expect(states).toHaveLength(51)
    // M = n beta/(n+lambda) exactly solves the flow and is linear in t for the linear schedule,
    // so Euler reaches it to rounding: K = 50 additions, bound K eps = 1.1e-14 (measured 1.1e-16).
    expect(Math.abs(states[50][0] - 8 / 8.1)).toBeLessThan(50 * Number.EPSILON)
    expect(Math.abs(states[25][0] - 4 / 8.1)).toBeLessThan(50 * Number.EPSILON)
    expect(() => discreteFlow(problem, 50, 'heun')).toThrow(/scheme: heun evaluates the velocity at t = 1 in its last step, a pole/)
    expect(() => discreteFlow(problem, 0)).toThrow(/steps: must be an integer in \[1, 1000000\]/)
  })
})
