// Sweeps for a chart (SweepSpec.chart, the explorer's): rows computed without the high-precision
// guard of the rows near the pole at t = 1 without skip connection, and at the integrator
// tolerance 1e-10 instead of 1e-15. The expected values are the printed rows, as `flowgm curves`
// and `flowgm compare` print them (12 significant digits): a chart shows 3 or 4, so 1e-8 relative
// is allowed (measured on these grids: at most 3.4e-10).
import { describe, expect, it } from 'vitest'
import { specFrom } from '../../src/cli/common.js'
import { sweepTable } from '../../src/plot/figures.js'
import type { SweepCommand } from '../../src/sweep/sweeps.js'

const CHART = { guard: false, rtol: 1e-10 }

describe('sweeps for a chart', () => {
  it.each([
    ['curves', 'linear, skip', { n: '32', sigma: '0.7', points: '101' }],
    ['curves', 'linear, no skip', { n: '32', sigma: '0.7', skip: false, points: '101' }],
    ['curves', 'trig, no skip', { n: '32', sigma: '0.7', skip: false, schedule: 'trig', points: '101' }],
    ['compare', 'trig, no skip', { 'n-range': '2:1024:log', sigma: '0.7', skip: false, schedule: 'trig' }],
    ['compare', 'trig, skip', { 'n-range': '2:1024:log', sigma: '0.7', schedule: 'trig' }],
  ] as const)('%s, %s: within 1e-8 of the printed rows', async (command, _, args) => {
    const printed = await sweepTable(specFrom(command as SweepCommand, args))
    const chart = await sweepTable({ ...specFrom(command as SweepCommand, args), chart: CHART })
    expect(chart.keys).toEqual(printed.keys)
    expect(chart.rows).toHaveLength(printed.rows.length)
    printed.rows.forEach((row, i) => {
      for (const k of printed.keys) {
        const [a, b] = [chart.rows[i][k], row[k]]
        if (typeof b !== 'number' || typeof a !== 'number') expect(a, `${k}, row ${i}`).toEqual(b)
        else expect(Math.abs(a - b), `${k}, row ${i}: ${a} against ${b}`).toBeLessThanOrEqual(1e-8 * Math.abs(b))
      }
    })
  })
})
