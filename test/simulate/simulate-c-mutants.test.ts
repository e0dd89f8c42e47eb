// What simulate() reports besides the measurements, against rules stated in docs/cli.md and
// counted in the test: the keys of the exact trainer's rows, the timing's laps, and the engine's
// release.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { simulate, type SimulationSpec } from '../../src/simulate/simulate.js'
import { flowProblem } from '../../src/theory/problem.js'
import { smallSpec } from './finite-d.js'

// The engine is wrapped to count dispose() calls (a leak shows in no value: the tfjs engine would
// keep its tensors, the js one its matrix, until the process ends).
const disposed = vi.hoisted(() => ({ count: 0 }))
vi.mock('../../src/simulate/engine.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/simulate/engine.js')>()
  return {
    ...real,
    createEngine: async (...a: Parameters<typeof real.createEngine>) => {
      const engine = await real.createEngine(...a)
      return {
        ...engine,
        name: engine.name,
        project: engine.project.bind(engine),
        advance: engine.advance.bind(engine),
        combine: engine.combine.bind(engine),
        dispose: () => {
          disposed.count++
          engine.dispose()
        },
      }
    },
  }
})

const spec = smallSpec

afterEach(() => {
  vi.restoreAllMocks()
  disposed.count = 0
})

describe('simulate: what it reports besides the measurements', () => {
  it('the exact trainer has no exact_distance (docs/cli.md: only with --trainer adam); adam has it at every step', async () => {
    const exact = (await simulate(spec())).document.measured.steps
    expect(exact.filter((row) => 'exact_distance' in row)).toEqual([])
    const adam = (await simulate(spec({ trainer: 'adam' }))).document.measured.steps
    expect(adam.slice(0, -1).every((row) => Number.isFinite(row.exact_distance))).toBe(true)
  })

  it('the laps add up to the time between the first and the last reading of the clock', async () => {
    // A clock that advances 1 s per reading: every lap is a whole number of seconds, and laps
    // that follow each other add up to the readings taken after the first, exactly (only lap()
    // reads the clock with the exact trainer). A lap subtracted instead of added is off by 2 s
    // or more.
    let readings = 0
    vi.spyOn(performance, 'now').mockImplementation(() => 1000 * readings++)
    const { timing } = await simulate(spec())
    expect(timing.setup + timing.training + timing.transport).toBe(readings - 1)
    expect(Math.min(timing.setup, timing.training, timing.transport)).toBeGreaterThanOrEqual(1)
  })

  it('releases its engine once, also when the run fails after creating it', async () => {
    await simulate(spec())
    expect(disposed.count).toBe(1)
    const failing = spec({ problem: flowProblem({ n: 8, sigma: 1.5, lambda: 0.1 }) })
    await expect(
      simulate(failing, {
        onStep: () => {
          throw new Error('stopped by the caller')
        },
      }),
    ).rejects.toThrow('stopped by the caller')
    expect(disposed.count).toBe(2)
  })
})
