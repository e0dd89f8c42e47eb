// src/generated/keys.ts, the rows' types, is written by the build from the equations: it must be
// what the equations give now (a stale file would type rows with keys they no longer have). The
// reference is the compiled model's own key lists, read here without the file.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DAE_KEYS, STATS_KEYS } from '../../src/generated/keys.js'
import { keysModule } from '../../src/symbolic/keys.js'
import { model } from '../../src/theory/model.js'
import { flowProblem } from '../../src/theory/problem.js'
import { solve } from '../../src/theory/solve.js'

describe('src/generated/keys.ts', () => {
  it('is the text the build writes from the equations', () => {
    expect(readFileSync(new URL('../../src/generated/keys.ts', import.meta.url), 'utf8')).toBe(keysModule(model().source))
  })

  it("names the keys the solution's rows have, in their order, with and without skip connection", () => {
    for (const skip of [true, false]) {
      const s = solve(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, skip }))
      expect(Object.keys(s.stats(0.5))).toEqual(['t', ...STATS_KEYS])
      expect(Object.keys(s.dae(0.5))).toEqual(['t', ...DAE_KEYS])
    }
  })
})
