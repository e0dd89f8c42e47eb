// The discrete sampler's theory (src/theory/discrete.ts, THEORY.md section 6).
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
    // At t = 0: beta = 0, so c = 0, q_xi = 0, m = n/(n+lambda) (THEORY.md section 3, D(0) = K);
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
    // Doubling K divides the error by 2^order (asymptotically; 15% slack).
    const euler = error(200, 'euler') / error(400, 'euler')
    const heun = error(200, 'heun') / error(400, 'heun')
    expect(euler).toBeGreaterThan(1.7)
    expect(euler).toBeLessThan(2.3)
    expect(heun).toBeGreaterThan(3.4)
    expect(heun).toBeLessThan(4.6)
    expect(error(100, 'euler')).toBeLessThan(0.05)
  })

  it('without skip connection Euler runs (t_k < 1 only) and Heun is refused with the reason', () => {
    const problem = flowProblem({ ...P, skip: false })
    const states = discreteFlow(problem, 50)
    expect(states).toHaveLength(51)
    // M = n beta/(n+lambda) exactly solves the flow; Euler reaches it up to O(1/K).
    expect(Math.abs(states[50][0] - 8 / 8.1)).toBeLessThan(0.05)
    expect(() => discreteFlow(problem, 50, 'heun')).toThrow(/--scheme: heun needs the velocity at t = 1/)
    expect(() => discreteFlow(problem, 0)).toThrow(/--steps: must be an integer >= 1/)
  })
})
