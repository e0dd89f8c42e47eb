// The pool of d-vectors that simulate lends to the exact trainer (src/simulate/vector.ts), and its
// use: a vector must go back only when no step reads it any more. The expected values here are
// the same code run without reuse (every vector a new array) and a pool that poisons every vector
// it is given back with NaN and never lends it again, so that a read after the release shows.
import { describe, expect, it, vi } from 'vitest'
import { rng } from '../../src/random.js'
import { drawTrainingSet } from '../../src/simulate/data.js'
import { exactTrainer } from '../../src/simulate/train.js'
import { vectorPool } from '../../src/simulate/vector.js'
import type { SimulationSpec } from '../../src/simulate/simulate.js'
import { flowProblem } from '../../src/theory/problem.js'
import type { Scheme } from '../../src/theory/discrete.js'

describe('vectorPool', () => {
  it('lends its own arrays again once given back, each once, and ignores arrays it did not lend', () => {
    const pool = vectorPool(3)
    const a = pool.take(),
      b = pool.take()
    expect(a).not.toBe(b)
    expect(a.length).toBe(3)
    // u and w are one array without skip connection: given twice, lent once.
    pool.give(a, a, new Float64Array(3))
    expect(pool.take()).toBe(a)
    const c = pool.take()
    expect(c).not.toBe(a)
    expect(c).not.toBe(b)
  })
})

describe('exactTrainer with lent vectors', () => {
  it('writes every entry of the vectors it takes: vectors full of NaN give the fit of new ones', () => {
    const data = drawTrainingSet({ d: 300, n: 5, sigma: 1.2, omega: 1, rho: 0.5 }, rng(4))
    const at = flowProblem({ n: 5, sigma: 1.2, lambda: 0.2 }).schedule.at(0.4)
    for (const skip of [true, false]) {
      const fresh = exactTrainer(data, 0.2, skip).fit(at)
      const dirty = exactTrainer(data, 0.2, skip, () => new Float64Array(300).fill(NaN)).fit(at)
      expect(dirty, `skip ${skip}`).toEqual(fresh)
    }
  })
})

/** A pool that never lends an array twice and fills each array given back with NaN. */
function poisoningPool(d: number): ReturnType<typeof vectorPool> {
  const lent = new WeakSet<Float64Array>()
  return {
    take() {
      const v = new Float64Array(d)
      lent.add(v)
      return v
    },
    give(...vectors) {
      for (const v of vectors) if (lent.has(v)) v.fill(NaN)
    },
  }
}

const spec = (scheme: Scheme, o: Partial<SimulationSpec> = {}): SimulationSpec => ({
  problem: flowProblem({ n: 6, sigma: 1.5, lambda: 0.1 }),
  d: 200,
  particles: 30,
  steps: 6,
  trainer: 'exact',
  lr: 1e-2,
  epochs: 40,
  scheme,
  seed: 3,
  engine: 'js',
  ...o,
})

const CASES: Array<[string, SimulationSpec]> = [
  ['euler', spec('euler')],
  ['heun (the end of a step is the next one start)', spec('heun')],
  ['midpoint without skip connection (u is w)', spec('midpoint', { problem: flowProblem({ n: 6, sigma: 1.5, lambda: 0.1, skip: false }) })],
  ['rk4 (two stages share a fit)', spec('rk4')],
  ['rk4 with fresh noise at every t', spec('rk4', { problem: flowProblem({ n: 6, sigma: 1.5, lambda: 0.1, noise: 'per-time' }) })],
  ['adam beside the exact fit', spec('heun', { trainer: 'adam' })],
]

describe('simulate gives back only the vectors no step reads any more', () => {
  it.each(CASES)('%s: the same document as with vectors poisoned on release and never reused', async (_, s) => {
    vi.resetModules()
    const real = await import('../../src/simulate/simulate.js')
    const want = (await real.simulate(s)).document
    vi.resetModules()
    vi.doMock('../../src/simulate/vector.js', async (original) => ({ ...(await original<typeof import('../../src/simulate/vector.js')>()), vectorPool: poisoningPool }))
    try {
      const poisoned = await import('../../src/simulate/simulate.js')
      const got = (await poisoned.simulate(s)).document
      expect(got).toEqual(want)
    } finally {
      vi.doUnmock('../../src/simulate/vector.js')
    }
  })
})
