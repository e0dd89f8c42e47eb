// The stage fits of src/simulate/runge-kutta.ts: which times each scheme trains the DAE at, in
// which order, and which stages share a fit. The expected lists are the stage times t_k + c_j h of
// each scheme's textbook form (euler t_k; heun t_k, t_k + h; midpoint t_k, t_k + h/2; rk4 t_k,
// t_k + h/2 twice, t_k + h), written out by hand for a few steps.
import { describe, expect, it } from 'vitest'
import { stageFits } from '../../src/simulate/runge-kutta.js'
import type { Ratio, Scheme } from '../../src/theory/discrete.js'

/** Every step's stages as the times of their fits, and the times fitted, in the order asked for. */
async function run(scheme: Scheme, steps: number): Promise<{ calls: string[]; stages: string[][] }> {
  const calls: string[] = []
  const fits = stageFits(scheme, steps, ([p, q]: Ratio) => {
    calls.push(`${p}/${q}`)
    // Asynchronous like Adam's fit: the order must hold across awaits.
    return Promise.resolve(`${p}/${q}`)
  })
  const stages: string[][] = []
  for (let k = 0; k < steps; k++) {
    const { fits: distinct, stage } = await fits.step(k)
    stages.push(stage.map((f) => distinct[f]))
  }
  return { calls, stages }
}

describe('stageFits', () => {
  it('trains once at every stage time, in increasing order (Adam warm-starts from the previous time)', async () => {
    expect((await run('euler', 3)).calls).toEqual(['0/1', '1/3', '2/3'])
    // heun's end-of-step fit is the next step's start: fitted once.
    expect((await run('heun', 3)).calls).toEqual(['0/1', '1/3', '2/3', '1/1'])
    expect((await run('midpoint', 2)).calls).toEqual(['0/1', '1/4', '1/2', '3/4'])
    // rk4's two stages at t_k + h/2 share one fit.
    expect((await run('rk4', 2)).calls).toEqual(['0/1', '1/4', '1/2', '3/4', '1/1'])
  })

  it('gives each stage the fit at its own time, stages at one time the same fit', async () => {
    expect((await run('rk4', 2)).stages).toEqual([
      ['0/1', '1/4', '1/4', '1/2'],
      ['1/2', '3/4', '3/4', '1/1'],
    ])
    expect((await run('heun', 2)).stages).toEqual([
      ['0/1', '1/2'],
      ['1/2', '1/1'],
    ])
    const { fits, stage } = await stageFits('rk4', 1, ([p, q]) => `${p}/${q}`).step(0)
    expect(fits).toEqual(['0/1', '1/2', '1/1'])
    expect(stage).toEqual([0, 1, 1, 2])
  })
})
