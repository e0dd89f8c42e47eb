// curves with guard: false (SweepSpec.guard, for the explorer's charts): every row is the
// integrator's, without the high-precision recomputation of the rows near the pole at t = 1
// without skip connection. The expected values are the guarded rows, as `flowgm curves` prints
// them (rounded to 12 significant digits): the two may differ only beyond what a chart shows, so at
// most 1e-9 relative is allowed; measured on these grids they are the same numbers (the 8 rows the
// guard recomputes near t = 1 keep their 12 printed digits; the guard costs 80 ms of a 100 ms curve).
import { describe, expect, it } from 'vitest'
import { specFrom } from '../../src/cli/common.js'
import { sweepTable } from '../../src/plot/figures.js'

describe('curves without the high-precision guard', () => {
  it.each([
    ['linear', {}],
    ['trig', { schedule: 'trig' }],
  ])('%s, no skip connection: within 1e-9 of the guarded rows', async (_, schedule) => {
    const args = { n: '32', sigma: '0.7', skip: false, points: '101', ...schedule }
    const guarded = await sweepTable(specFrom('curves', args))
    const fast = await sweepTable({ ...specFrom('curves', args), guard: false })
    expect(fast.keys).toEqual(guarded.keys)
    guarded.rows.forEach((row, i) => {
      for (const k of guarded.keys) {
        const [a, b] = [fast.rows[i][k], row[k]]
        if (typeof b !== 'number' || typeof a !== 'number') {
          expect(a, `${k} at t = ${row.t}`).toEqual(b)
          continue
        }
        expect(Math.abs(a - b), `${k} at t = ${row.t}`).toBeLessThanOrEqual(1e-9 * Math.max(Math.abs(b), 1e-300))
      }
    })
  })
})
