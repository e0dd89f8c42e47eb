// The precision guards of src/theory/solve.ts (the schedule's rough start, alpha and beta in
// decimal near the ends, the measured error of a pessimistic enclosure, the rows escalated to
// high precision) and the Gauss-Legendre quadrature, against independent references:
//  - rows of `flowgm dae` and `flowgm stats` against src/theory/hp.ts at 30 digits, which
//    evaluates the schedule in decimal at the decimal value of t and integrates by Taylor series
//    and by quadrature (none of the double-precision code below);
//  - which rows double precision hands to high precision (the precision notes), from the rules
//    of docs/theory.md and docs/cli.md: a row is escalated where the schedule cancels (its double
//    value is off in the digits a row needs), at the pole t = 1 without skip connection, and
//    nowhere else;
//  - integrals of polynomials in closed form, which the 20-point rule integrates exactly.
import { existsSync, readFileSync } from 'node:fs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { daeHp, statsHp } from '../../src/theory/hp.js'
import { model } from '../../src/theory/model.js'
import { MODEL_CACHE } from '../../src/theory/model-file.js'
import { flowProblem, type FlowProblem, type ProblemOptions } from '../../src/theory/problem.js'
import { integrate } from '../../src/theory/quadrature.js'
import type { PrecisionNote } from '../../src/theory/solve.js'
import { learntDae, notes, resetNotes, solve } from './notes.js'

const P = { n: 8, sigma: 1.5, lambda: 0.1, omega: 1 }
const rel = (x: number, ref: number) => (ref === 0 ? Math.abs(x) : Math.abs(x - ref) / Math.abs(ref))

/** The notes double precision gives while `run` runs. */
function notesOf(run: () => void): PrecisionNote[] {
  resetNotes()
  run()
  return notes()
}

/** Largest relative error of rows against high-precision rows, over the keys of the latter. */
function worstError(rows: ReadonlyArray<Readonly<Record<string, number>>>, hp: ReturnType<typeof daeHp>): number {
  let worst = 0
  rows.forEach((row, j) => {
    for (const [k, x] of Object.entries(hp.rows[j])) worst = Math.max(worst, rel(row[k], x.toNumber()))
  })
  return worst
}

const daeAgainstHp = (p: FlowProblem, ts: readonly number[]) => {
  const dae = learntDae(p)
  let rows: Array<Readonly<Record<string, number>>> = []
  const notes = notesOf(() => {
    rows = ts.map((t) => dae.at(t))
  })
  return { notes, error: worstError(rows, daeHp(p, ts.map(String), { digits: 30 })) }
}

const CANCELLING: ProblemOptions['schedule'] = { alpha: '(1-t)^2', beta: '1-(1-t)^2' }
const ENDS = [0, 1e-12, 1e-6, 0.01, 0.3, 0.7, 0.99, 0.9999999, 1 - 1e-12, 1]

describe('learntDae against high precision (30 digits)', () => {
  for (const schedule of ['linear', 'trig', CANCELLING]) {
    for (const skip of [true, false]) {
      it(`${JSON.stringify(schedule)}, skip ${skip}: at and near both ends, in double, no row escalated`, () => {
        // Double rows from alpha, beta correctly rounded (in decimal near the ends): each value a
        // rational expression of a few dozen roundings; measured worst 4.1e-15 (trig, t = 0.99),
        // the bound 1e-14 is 2.5x.
        const { notes, error } = daeAgainstHp(flowProblem({ ...P, schedule, skip }), ENDS)
        expect(notes).toEqual([])
        expect(error).toBeLessThan(1e-14)
      })
    }
  }

  it('a pessimistic enclosure, (t + 100) - 100: the measured error trusts the double rows right to 1e-13', () => {
    // In double, t + 100 is rounded to a multiple of 2^-46 = 1.4e-14: beta keeps an absolute
    // error below 7.1e-15, and is exact at t = 0.25. Relative to beta that is 2.0e-13 at t = 0.02
    // (beyond the 1e-13 a row needs: escalated) and at most 2.4e-14 from t = 0.3 on (kept, its
    // rows off by about that much: the bound is 3e-14; measured 9.8e-15).
    const { notes, error } = daeAgainstHp(flowProblem({ ...P, schedule: { alpha: '1-t', beta: '(t + 100) - 100' } }), [0.02, 0.25, 0.3, 0.7])
    expect(notes).toEqual([{ command: 'dae', t: 0.02, escalated: true }])
    expect(error).toBeLessThan(3e-14)
    // The same for alpha = (1 - t + 100) - 100: 2.0e-13 at t = 0.98 (escalated), 0 at 0.75,
    // 9.5e-15 at 0.7 (kept).
    const mirrored = daeAgainstHp(flowProblem({ ...P, schedule: { alpha: '(1 - t + 100) - 100', beta: 't' } }), [0.98, 0.75, 0.7])
    expect(mirrored.notes).toEqual([{ command: 'dae', t: 0.98, escalated: true }])
    expect(mirrored.error).toBeLessThan(3e-14)
  })

  it('at alpha = 2^-6 exactly the double value is measured, not replaced by decimal (decimal is for values below 2^-6)', () => {
    // alpha = ((1 - t) + 1e5) - 1e5 at t = 0.9843749999999: 1 - t = 0.0156250000001 rounds, with
    // 1e5 added, to 1e5 + 2^-6, so the double alpha is 2^-6 exactly, 6.4e-12 below the true value:
    // more than the 1e-13 a row needs, so the row is escalated.
    const { notes, error } = daeAgainstHp(flowProblem({ ...P, schedule: { alpha: '((1 - t) + 1e5) - 1e5', beta: 't' } }), [0.9843749999999])
    expect(notes).toEqual([{ command: 'dae', t: 0.9843749999999, escalated: true }])
    expect(error).toBeLessThan(1e-15)
  })

  it('beta = (1 - cos t)/(1 - cos 1) near 0: 40 digits where they keep its digits, high precision where they do not', () => {
    // 1 - cos t is 0 in double below t ~ 1e-8; in 40 digits it keeps 40 - 2 log10(1/t) digits:
    // 20 at t = 1e-10 (a row in double, rounded from 40 digits), fewer than 1 at 3e-20, none at
    // 1e-25 and 1e-45 (escalated: 17 digits). In the interior (0.02, 0.05) the enclosure is
    // pessimistic (9e-12) but the double value is right: measured, kept. Bound: 1e-15 as below
    // (measured 3.5e-16).
    for (const skip of [true, false]) {
      const { notes, error } = daeAgainstHp(flowProblem({ ...P, schedule: { alpha: '1-t', beta: '(1-cos(t))/(1-cos(1))' }, skip }), [1e-10, 3e-20, 1e-25, 1e-45, 0.02, 0.05])
      expect(notes).toEqual([3e-20, 1e-25, 1e-45].map((t) => ({ command: 'dae', t, escalated: true })))
      expect(error).toBeLessThan(1e-15)
    }
  })

  it('an escalated row whose values underflow holds +0, not -0 (printed as 0, not -0)', () => {
    // beta = (1 - cos t)/(1 - cos 1) at t = 1e-170 is ~1e-340, below double's smallest
    // subnormal: q_xi = -beta^2 Lambda/... (docs/theory.md, Result A) is negative and rounds to
    // zero, c and margin too; m, w_norm2 do not (their t -> 0 limits, finite).
    const p = flowProblem({ ...P, schedule: { alpha: '1-t', beta: '(1-cos(t))/(1-cos(1))' } })
    let row: Readonly<Record<string, number>> = {}
    const notes = notesOf(() => {
      row = learntDae(p).at(1e-170)
    })
    expect(notes).toEqual([{ command: 'dae', t: 1e-170, escalated: true }])
    expect([row.c, row.q_xi, row.margin]).toEqual([0, 0, 0])
  })

  it('a cancelling beta, (t + 1e5) - 1e5: rows where it loses digits are escalated, to 17 digits', () => {
    // t + 1e5 is rounded to a multiple of 2^-36 = 1.5e-11: beta is exact at 0.25, off by ~1e-11
    // relative at 0.3 and 0.7. Escalated rows: within a unit of the 17th digit (1e-16 relative)
    // and rounded to double (1.1e-16), the reference likewise: the bound 1e-15 is 2.3x the
    // measured 4.4e-16.
    const { notes, error } = daeAgainstHp(flowProblem({ ...P, schedule: { alpha: '1-t', beta: '(t + 1e5) - 1e5' } }), [0.25, 0.3, 0.7])
    expect(notes).toEqual([
      { command: 'dae', t: 0.3, escalated: true },
      { command: 'dae', t: 0.7, escalated: true },
    ])
    expect(error).toBeLessThan(1e-15)
  })

  it('a cancelling alpha: the same', () => {
    const { notes, error } = daeAgainstHp(flowProblem({ ...P, schedule: { alpha: '(t + 1e5) - 1e5 + 1 - 2*t', beta: 't' } }), [0.25, 0.3, 0.7])
    expect(notes).toEqual([
      { command: 'dae', t: 0.3, escalated: true },
      { command: 'dae', t: 0.7, escalated: true },
    ])
    expect(error).toBeLessThan(1e-15)
  })
})

// Tolerance of stats rows in double: odex at rtol 1e-15, its global error grown over the steps;
// measured worst 1.3e-14 (linear, restarted from a checkpoint), the bound 3e-14 is 2.3x.
describe('solve against high precision (30 digits)', () => {
  const statsAgainstHp = (p: FlowProblem, ts: readonly number[], guard = true) => {
    const sol = solve(p, { guard })
    let grid: Array<Readonly<Record<string, number>>> = [],
      one: Array<Readonly<Record<string, number>>> = []
    const notes = notesOf(() => {
      grid = sol.statsGrid(ts)
    })
    notesOf(() => {
      one = ts.map((t) => sol.stats(t))
    })
    const hp = statsHp(p, ts.map(String), { digits: 30 })
    // A grid is one row per t and nothing else.
    expect(Object.keys(grid)).toEqual(ts.map((_, i) => String(i)))
    return { notes, grid: worstError(grid, hp), one: worstError(one, hp) }
  }

  it('linear schedule with skip connection: no row escalated', () => {
    const r = statsAgainstHp(flowProblem({ ...P, schedule: 'linear' }), [1e-6, 0.3, 0.9999999])
    expect(r.notes).toEqual([])
    expect(Math.max(r.grid, r.one)).toBeLessThan(3e-14)
  })

  it('a cancelling schedule, beta = 1 - (1 - t)^2: its rough start is escalated', () => {
    const r = statsAgainstHp(flowProblem({ ...P, schedule: CANCELLING }), [1e-6, 0.3])
    expect(r.notes).toEqual([{ command: 'stats', t: 1e-6, escalated: true }])
    expect(Math.max(r.grid, r.one)).toBeLessThan(3e-14)
  })

  it('a schedule that cancels near t = 0, beta = (1 - cos t)/(1 - cos 1): rows before its rough start are escalated', () => {
    // In double 1 - cos t carries an absolute error of ~2^-53, a relative error of ~2^-52/t^2,
    // beyond 1e-14 (the states' budget where they start from 0) below t ~ 0.1: rough start probes
    // at t = 2^-k and 0.7 2^-k put the start at twice the largest wrong one, between 0.1 and 0.2
    // (0.125 or 0.175): rows at 0.01 and 0.1 are computed in high precision, rows at 0.2 and 0.4 not.
    const r = statsAgainstHp(flowProblem({ ...P, schedule: { alpha: '1-t', beta: '(1-cos(t))/(1-cos(1))' }, skip: false }), [0.01, 0.1, 0.2, 0.4])
    expect(r.notes).toEqual([0.01, 0.1].map((t) => ({ command: 'stats', t, escalated: true })))
    // The row at 0.2 stays in double with beta's own error, 2^-52/0.2^2 = 5.6e-15, amplified by the
    // flow: measured 6.1e-14 (restarted from a checkpoint), 1.0e-14 (dense); the bound is 3x.
    expect(Math.max(r.grid, r.one)).toBeLessThan(2e-13)
  })

  it('without skip connection: the row next to the pole is escalated, unless guard is false', () => {
    const p = flowProblem({ ...P, schedule: 'linear', skip: false })
    const r = statsAgainstHp(p, [0.5, 0.9999999])
    expect(r.notes).toEqual([{ command: 'stats', t: 0.9999999, escalated: true }])
    expect(Math.max(r.grid, r.one)).toBeLessThan(3e-14)
    expect(notesOf(() => solve(p, { guard: false }).statsGrid([0.5, 0.9999999]))).toEqual([])
  })
})

describe('Gauss-Legendre quadrature', () => {
  it('integrates a polynomial of degree < 40 exactly on [a, b] with a != 0', () => {
    // int_{1/2}^2 t^3 dt = (2^4 - 2^-4)/4 = 3.984375; 16 panels of 20 points, each exact for
    // degree 39: only rounding remains, a few units of 2^-52 over 320 terms (measured 4.4e-16).
    expect(
      rel(
        integrate((t) => t ** 3, 0.5, 2),
        3.984375,
      ),
    ).toBeLessThan(2e-15)
    expect(
      rel(
        integrate((t) => t ** 3, 2, 0.5),
        -3.984375,
      ),
    ).toBeLessThan(2e-15)
  })
  it('an empty interval integrates to 0, even where the integrand is not finite', () => {
    expect(integrate((t) => 1 / t, 0, 0)).toBe(0)
  })
})

describe('the compiled model: read from the build when current, derived otherwise, once per process', () => {
  // The model module is loaded afresh with node:fs and the derivation replaced: the derivation
  // returns the model this process already has (which of the two routes made it does not matter
  // here; test/symbolic checks the derivation), so only the choice between them is observed.
  const source = model().source
  const loadWith = async (files: { exists: boolean; text?: string }) => {
    vi.resetModules()
    const derive = vi.fn(() => source)
    const read = vi.fn((path: unknown, ...rest: unknown[]) => {
      if (path !== MODEL_CACHE) return (readFileSync as (...a: unknown[]) => unknown)(path, ...rest)
      if (files.text === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${String(path)}'`), { code: 'ENOENT' })
      return files.text
    })
    vi.doMock('node:fs', () => ({ existsSync: (path: unknown) => (path === MODEL_CACHE ? files.exists : existsSync(path as string)), readFileSync: read }))
    vi.doMock('../../src/symbolic/derive.js', async (actual) => ({ ...(await actual<object>()), deriveModel: derive }))
    const fresh = await import('../../src/theory/model.js')
    vi.doUnmock('node:fs')
    vi.doUnmock('../../src/symbolic/derive.js')
    return { fresh, derive, read }
  }
  afterEach(() => vi.resetModules())

  it('no file from the build: derived in-process, without reading it', async () => {
    const { fresh, derive, read } = await loadWith({ exists: false })
    expect(fresh.model().source).toBe(source)
    expect(derive).toHaveBeenCalledTimes(1)
    expect(read).not.toHaveBeenCalledWith(MODEL_CACHE, 'utf8')
  })
  it('a file from other equations (its hash differs): derived again, the file not used', async () => {
    const { fresh, derive } = await loadWith({ exists: true, text: JSON.stringify({ ...source, hash: `stale ${source.hash}` }) })
    expect(fresh.model().source).toBe(source)
    expect(derive).toHaveBeenCalledTimes(1)
  })
  it('a current file: read once, not derived, and the model compiled once for every call', async () => {
    const { fresh, derive, read } = await loadWith({ exists: true, text: JSON.stringify({ ...source, hash: source.hash }) })
    const first = fresh.model()
    expect(first.source.hash).toBe(source.hash)
    expect(fresh.model()).toBe(first)
    expect(derive).not.toHaveBeenCalled()
    expect(read.mock.calls.filter(([path]) => path === MODEL_CACHE)).toHaveLength(1)
  })
})
