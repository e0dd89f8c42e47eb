// A schedule that varies too fast for double precision is refused with the interval where the
// integrator gave up. Slow (the integrator first spends its 100000 steps, twice: about 100 s), so
// it runs in `npm run validate` (vitest.config.ts), not in `npm test`.
import { describe, expect, it } from 'vitest'
import { ParameterError } from '../../src/errors.js'
import { flowProblem } from '../../src/theory/problem.js'
import { solve } from '../../src/theory/solve.js'

describe('a schedule too fast for the integrator', () => {
  it('is refused on an interval of finite times, naming alpha (the CLI prints --alpha)', () => {
    // beta wiggles with frequency 1e7 and amplitude 1e-8 t(1-t): its slope is O(0.1) but its
    // curvature O(1e6), far beyond what 100000 steps of [0, 1] resolve. The interval used to start
    // at NaN (the failing step's time).
    const beta = 't + 1e-8*sin(1e7*t)*t*(1-t)'
    let error: unknown
    try {
      solve(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, schedule: { alpha: '1-t', beta } }))
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ParameterError)
    const message = (error as Error).message
    expect(message).toMatch(/^alpha: .* for 100000 integrator steps on \[([0-9.e-]+), ([0-9.e-]+)\]/)
    const [, lo, hi] = /\[([^,]+), ([^\]]+)\]/.exec(message)!
    expect(Number.isFinite(Number(lo)) && Number(lo) >= 0 && Number(lo) < Number(hi) && Number(hi) <= 1).toBe(true)
  }, 300_000)
})
