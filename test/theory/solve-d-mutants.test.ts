// solve()'s driver around the integrator where odex fails (its step limit reached), where a row
// restarts from the pass's accepted steps, and where high precision cannot take a row over.
// Reaching a step-limit failure with a real schedule costs 100000 steps per pass (about 100 s:
// test/theory/too-fast.test.ts, in `npm run validate` only), so odex is replaced by a test double:
// the real Solver, except that the calls a test picks stop at a time it picks and report
// outcome 1, as odex reports a step-count failure (after a last step at a NaN time, which
// src/theory/solve.ts notes odex may report then). Expected rows come from the closed forms of docs/theory.md section 4 at 130
// digits (test/theory/by-hand.ts); expected refusals are written from the rule they state
// (docs/cli.md: one line naming the flag and the rule).
import type { Derivative, OutputFunction, Solver as OdexSolver } from 'odex'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flowProblem, type FlowProblem } from '../../src/theory/problem.js'
import type { StatsRow } from '../../src/theory/solve.js'
import { forgetSolutions, notes, solve } from './notes.js'
import { statsByHand, X } from './by-hand.js'
import { inputError } from './input-error.js'

/** One call of Solver.solve: where it started and ended, and the times and states it reported. */
interface Call {
  readonly x0: number
  readonly xEnd: number
  readonly dense: boolean
  readonly steps: Array<{ x: number; y: number[] }>
}
const odexDouble = vi.hoisted(() => ({
  /** The time after which a call stops and fails (undefined: the call runs as odex would). */
  failAfter: (() => undefined) as (call: { index: number; x0: number; xEnd: number; dense: boolean }) => number | undefined,
  calls: [] as Call[],
}))
// (src/theory/odex.ts is where solve.ts takes odex from.)
vi.mock('../../src/theory/odex.js', async (importOriginal) => {
  const odex = await importOriginal<typeof import('../../src/theory/odex.js')>()
  class Solver extends odex.Solver {
    solve(f: Derivative, x0: number, y0: number[], xEnd: number, out?: OutputFunction): ReturnType<OdexSolver['solve']> {
      const call: Call = { x0, xEnd, dense: this.denseOutput, steps: [] }
      const stop = odexDouble.failAfter({ index: odexDouble.calls.length, x0, xEnd, dense: this.denseOutput })
      odexDouble.calls.push(call)
      let last = { x: x0, y: y0.slice() }
      const r = super.solve(f, x0, y0, xEnd, (n, xOld, x, y, interpolate) => {
        if (stop !== undefined && x > stop) return false
        call.steps.push({ x, y: y.slice() })
        last = { x, y }
        return out?.(n, xOld, x, y, interpolate)
      })
      if (stop === undefined) return r
      out?.(
        r.nStep + 1,
        last.x,
        NaN,
        last.y.map(() => NaN),
      )
      return { ...r, y: last.y.slice(), outcome: 1 }
    }
  }
  return { ...odex, Solver }
})
// High precision's double: fails (as its two routes do when they disagree) while `fail` is set.
const hpDouble = vi.hoisted(() => ({ fail: false }))
vi.mock('../../src/theory/hp.js', async (importOriginal) => {
  const hp = await importOriginal<typeof import('../../src/theory/hp.js')>()
  return {
    ...hp,
    statsHp: (...args: Parameters<typeof hp.statsHp>) => {
      if (hpDouble.fail) throw new Error('high precision: the two routes agree on only 3 digits at 40 digits of working precision')
      return hp.statsHp(...args)
    },
  }
})

const PARAMS = { n: 8, sigma: 1.5, lambda: 0.1, omega: 1 }
const TEXT = { n: '8', sigma: '1.5', lambda: '0.1', omega: '1' }

/** The largest relative error of a stats row of PARAMS, linear schedule, against the closed form at t. */
function worst(row: StatsRow, skip: boolean): number {
  const ref = statsByHand(TEXT, [new X(1).minus(row.t), new X(row.t)], skip)
  return Math.max(...Object.entries(ref).map(([k, x]) => (x.isZero() ? Math.abs(row[k]) : Math.abs((row[k] - x.toNumber()) / x.toNumber()))))
}
// Double rows against the closed form: odex at rtol 1e-15 (test/theory/solve-a-mutants.test.ts
// measures 2.1e-14 at worst over its grids); measured here at most 1.4e-14, the bound is 2.1x that.
const DOUBLE_ROW = 3e-14

beforeEach(() => {
  odexDouble.failAfter = () => undefined
  odexDouble.calls.length = 0
  hpDouble.fail = false
  forgetSolutions()
})

/** docs/cli.md (accuracy): a schedule the integrator cannot follow, with the interval (6 digits) where it gave up. */
const tooFast = (t0: number, t1: number) =>
  `alpha: the flow ODE cannot be integrated in double precision with this schedule (alpha, beta): alpha or beta varies too fast or too steeply for 100000 integrator steps on [${Number(t0.toPrecision(6))}, ${Number(t1.toPrecision(6))}]; give a schedule that varies more slowly`

const linear = (skip = true): FlowProblem => flowProblem({ ...PARAMS, skip })

describe('when the pass over [0, 1] reaches the step limit (docs/cli.md, accuracy)', () => {
  it('and the linear schedule does not: integrated again with the absolute floor 1e-20; rows whose small states it spoils go to high precision', () => {
    // The first pass fails (as on the plateau of a steep schedule), the linear schedule's check
    // and the pass with the floor succeed. With the floor the states carry an absolute error of
    // up to a thousand steps of 1e-20 (1e-17): at t = 1e-7, M ~ 1e-7 is then not known to 12
    // digits (1e-10 relative) and the row goes to high precision; at 0.5 every state is O(0.1)
    // and stays in double.
    odexDouble.failAfter = ({ index }) => (index === 0 ? 0.3 : undefined)
    const s = solve(linear())
    const rows = s.statsGrid([0.5, 1e-7])
    expect(notes()).toEqual([{ command: 'stats', t: 1e-7, escalated: true }])
    for (const row of rows) expect(worst(row, true), `t = ${row.t}`).toBeLessThan(DOUBLE_ROW)
  })

  it('and with the floor too: refused naming --alpha, on the interval from the last step with a finite time', () => {
    // The pass with the floor (call 2) gives up after its steps up to 0.3, then reports a step at
    // a NaN time; the interval starts at the last finite one the double recorded.
    odexDouble.failAfter = ({ index }) => (index === 1 ? undefined : 0.3)
    const message = inputError(() => solve(linear()))
    const reached = odexDouble.calls[2].steps
    expect(reached.length).toBeGreaterThanOrEqual(3)
    const last = reached[reached.length - 1].x
    expect(last).toBeGreaterThan(0.1)
    expect(message).toBe(tooFast(last, 1))
  })
})

describe('a restart the integrator cannot finish (its step limit reached between a step and t)', () => {
  // Restarts are calls after the pass over [0, 1] with no dense output: they fail at once.
  const restartsFail = () => {
    odexDouble.failAfter = ({ index, x0, dense }) => (index > 0 && !dense ? x0 : undefined)
  }

  it('the row is computed in high precision instead (17 digits, rounded to double)', () => {
    const s = solve(linear())
    restartsFail()
    const row = s.stats(0.55)
    expect(notes()).toEqual([{ command: 'stats', t: 0.55, escalated: true }])
    // 17 digits rounded to double, the reference likewise: within 2 ulps (measured 1.7e-16).
    expect(worst(row, true)).toBeLessThanOrEqual(4 * Number.EPSILON)
  })

  it('without the guard, or when high precision fails as well: refused naming --alpha, on [the step, t]', () => {
    const s = solve(linear(), { guard: false })
    restartsFail()
    const message = inputError(() => s.stats(0.55))
    const restart = odexDouble.calls[odexDouble.calls.length - 1]
    expect([restart.x0 < 0.55, restart.xEnd]).toEqual([true, 0.55])
    expect(message).toBe(tooFast(restart.x0, 0.55))
    odexDouble.failAfter = () => undefined
    const guarded = solve(linear())
    restartsFail()
    hpDouble.fail = true
    expect(inputError(() => guarded.stats(0.55))).toBe(message)
  })

  it('in a grid whose dense pass fails half-way: every row past it restarts from the plain pass, all in double', () => {
    // The dense pass stops after 0.4 (a ParameterError inside the driver, not the caller's): rows
    // before come from its interpolant, rows after from restarts, which succeed.
    odexDouble.failAfter = ({ dense }) => (dense ? 0.4 : undefined)
    const ts = [0.9, 0.2, 0.6, 0.35]
    const rows = solve(linear()).statsGrid(ts)
    expect(rows.map((r) => r.t)).toEqual(ts)
    for (const row of rows) expect(worst(row, true), `t = ${row.t}`).toBeLessThan(DOUBLE_ROW)
    expect(notes()).toEqual([])
  })
})

describe('when high precision cannot take a row over', () => {
  it('a row double precision doubts keeps its double value, noted as not escalated', () => {
    // Without skip connection the row 1e-7 before the pole is doubtful (docs/cli.md, accuracy:
    // closer than 2^-10). Its double value is off the closed form there (the pole
    // spoils the integrator's digits, P = alpha ~ 1e-7): measured 7.8e-10, the bound is 3.8x.
    hpDouble.fail = true
    const row = solve(linear(false)).stats(0.9999999)
    expect(notes()).toEqual([{ command: 'stats', t: 0.9999999, escalated: false }])
    expect(worst(row, false)).toBeLessThan(3e-9)
  })
})

describe('restarts from the pass over [0, 1]', () => {
  it('state(t) restarts from the last accepted step at or before t; at a step it integrates nothing and returns that step', () => {
    // The restart's error and cost are those of one step (and the largest state met on [0, t],
    // which the verdict uses, is that of the steps before t); restarting from an earlier step
    // integrates again what the pass already did.
    const s = solve(linear())
    const steps = odexDouble.calls[0].steps
    expect(steps.length).toBeGreaterThanOrEqual(4)
    const probes = [1, Math.floor(steps.length / 2), steps.length - 2].flatMap((k) => [steps[k].x, (steps[k].x + steps[k + 1].x) / 2])
    for (const t of [...probes, 1, 1e-9]) {
      odexDouble.calls.length = 0
      const y = s.state(t)
      const at = steps.findIndex((st) => st.x === t)
      if (at >= 0) {
        expect(odexDouble.calls, `t = ${t} is a step`).toEqual([])
        expect(y, `t = ${t}`).toEqual(steps[at].y)
      } else {
        const from = Math.max(...steps.filter((st) => st.x <= t).map((st) => st.x))
        expect(
          odexDouble.calls.map((c) => [c.x0, c.xEnd]),
          `t = ${t}`,
        ).toEqual([[from, t]])
      }
    }
  })

  it("a state handed out is the caller's: changing it changes no later answer", () => {
    // (M, Q_xi, P)(0) = (0, 0, 1): n beta/(n + lambda) and sqrt(D/K) at alpha = 1, beta = 0
    // (docs/theory.md section 4); t = 1 is the pass's last step.
    const s = solve(linear())
    for (const t of [0, 1]) {
      const before = s.state(t)
      const kept = before.slice()
      before.fill(99)
      expect(s.state(t), `t = ${t}`).toEqual(kept)
    }
    expect(s.state(0)).toEqual([0, 0, 1])
  })

  it("a grid time at a dense step's end takes that step's state, not the interpolant's rounding of it", () => {
    const s = solve(linear())
    odexDouble.calls.length = 0
    s.statsGrid([0.5])
    // After the first step (whose rows restart from the plain pass), each reported state.
    const ends = odexDouble.calls.find((c) => c.dense)!.steps.slice(2)
    expect(ends.length).toBeGreaterThanOrEqual(3)
    const rows = s.statsGrid(ends.map((e) => e.x))
    ends.forEach((e, i) => expect([rows[i].M, rows[i].Q_xi, rows[i].P], `t = ${e.x}`).toEqual(e.y))
  })
})

describe('whether the schedule is known at t: a relative error below 1 (100%)', () => {
  it('at an error of exactly 1, by the enclosure and by decimal evaluation, the row goes to high precision', () => {
    // A schedule whose double beta is off by 100% at t = 0.55 (as a cancelling expression can be),
    // with an enclosure [lo, 2 lo] there (an error of 1): decimal evaluation gives beta = 0.55, the
    // double value 1.1, an error of exactly 1 as well. The rows elsewhere are double's. (0.55 is
    // none of the points 2^-k, 1.001 2^-k where the rough start is probed, which would see the
    // doubled beta.)
    const p = linear()
    const T = 0.55
    const at = (t: number): [number, number, number, number] => {
      const [a, b, ad, bd] = p.schedule.at(t)
      return t === T ? [a, 2 * b, ad, bd] : [a, b, ad, bd]
    }
    const schedule = { ...p.schedule, at, valueError: (t: number) => (t === T ? 1 : p.schedule.valueError(t)) }
    const rows = solve({ ...p, schedule }).statsGrid([T, 0.7])
    expect(notes()).toEqual([{ command: 'stats', t: T, escalated: true }])
    // Escalated: 2 ulps as above; in double: DOUBLE_ROW.
    expect(worst(rows[0], true)).toBeLessThanOrEqual(4 * Number.EPSILON)
    expect(worst(rows[1], true)).toBeLessThan(DOUBLE_ROW)
  })
})

describe('flowProblem: n up to 2^53 - 1 in double', () => {
  it('Number.MAX_SAFE_INTEGER itself is accepted in double precision', () => {
    // 2^53 - 1, the largest integer double holds with its neighbours (the rule: at most that).
    expect(flowProblem({ ...PARAMS, n: 2 ** 53 - 1 }).n).toBe(9007199254740991)
  })
})
