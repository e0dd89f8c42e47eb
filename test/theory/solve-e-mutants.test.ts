// The precision guards of src/theory/solve.ts between Result A and the escalation to high
// precision (the perturbation bound of the DAE rows, the rough start of a schedule, the fallback
// when high precision fails), against independent references:
//  - the rule of docs/cli.md ("Accuracy in double precision") applied by hand: the closed form
//    of test/theory/by-hand.ts at 130 digits, alpha and beta perturbed by their error, and the
//    schedule evaluated in JavaScript double against decimal at the probes t = 2^-k, 1.001 2^-k;
//  - the closed form by hand for the values of the rows.
import { Decimal } from 'decimal.js'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { InputError } from '../../src/errors.js'
import { flowProblem } from '../../src/theory/problem.js'
import { learntDae, onPrecisionNote, solve, type PrecisionNote } from '../../src/theory/solve.js'
import { daeByHand, X, type Dec } from './by-hand.js'

// High precision failing (its time limit, a route that does not converge) takes a schedule that
// cancels for minutes: a test double stands in for src/theory/hp.ts, failing only where a test
// sets `hp.failure`, so that the fallback of solve.ts is reached in milliseconds.
const hp = vi.hoisted(() => ({ failure: undefined as Error | undefined }))
vi.mock('../../src/theory/hp.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/theory/hp.js')>()
  const failing = <F extends (...a: never[]) => unknown>(f: F) => ((...a: Parameters<F>) => {
    if (hp.failure) throw hp.failure
    return f(...a)
  }) as F
  return { ...real, daeHp: failing(real.daeHp), statsHp: failing(real.statsHp) }
})

let notes: PrecisionNote[] = []
beforeEach(() => { notes = []; onPrecisionNote((note) => notes.push(note)) })
afterEach(() => { onPrecisionNote(undefined); hp.failure = undefined })

const BASE = { n: 8, sigma: 1.5, lambda: 0.1, omega: 1 }
const text = (o: { n: number; sigma: number; lambda: number; omega: number }) => ({ n: String(o.n), sigma: String(o.sigma), lambda: String(o.lambda), omega: String(o.omega) })
const rel = (x: number, ref: Dec): number => (ref.isZero() ? Math.abs(x) : new X(x).minus(ref).div(ref).abs().toNumber())
/** Half a unit of the 12th significant digit of x: the most a printed value may be off (docs/cli.md). */
const halfUnit = (x: Dec): Dec => new X(10).pow(Math.floor(Math.log10(x.abs().toNumber())) - 11).div(2)
/** The largest relative error of a DAE row against the closed form by hand at (alpha, beta). */
const worst = (row: Readonly<Record<string, number>>, ref: Record<string, Dec>) => Math.max(...Object.keys(ref).map((k) => rel(row[k], ref[k])))

describe('a DAE row high precision fails on: the double row stands, noted as not escalated', () => {
  // beta = (t + 1e5) - 1e5 loses 10 digits at t = 0.3 (t + 1e5 rounds to a multiple of 2^-36):
  // the row goes to high precision (docs/cli.md), which fails here. The double row is then the
  // closed form at the double alpha, beta: a few roundings of it, measured 2.2e-16 against the
  // closed form by hand at those same inputs, bound 2e-15 (as test/theory/solve-b-mutants.test.ts).
  const schedule = { alpha: '1-t', beta: '(t + 1e5) - 1e5' }
  const t = 0.3
  const atDouble = daeByHand(text(BASE), [new X(1 - t), new X((t + 1e5) - 1e5)])

  it('high precision gives up (not a refusal): the double row, with a note saying so', () => {
    hp.failure = new Error('high precision: the two routes agree on only 3 digits at 60 digits of working precision')
    const row = learntDae(flowProblem({ ...BASE, schedule })).at(t)
    expect(row.t).toBe(t)
    expect(worst(row, atDouble)).toBeLessThan(2e-15)
    expect(notes).toEqual([{ command: 'dae', t, escalated: false }])
  })

  it('a refusal of high precision (the schedule cannot be evaluated there) is the refusal of the row', () => {
    const refusal = new InputError('beta', 'beta cannot be evaluated to 17 digits at t = 0.3 within 112 digits of working precision (the expression cancels), and 224 digits would take about 6 minutes; write it without the cancellation')
    hp.failure = refusal
    let thrown: unknown
    try { learntDae(flowProblem({ ...BASE, schedule })).at(t) } catch (e) { thrown = e }
    expect(thrown).toBe(refusal)
    expect(notes).toEqual([])
  })

  it('near t = 0 the row that stands is from alpha, beta in decimal, not in double', () => {
    // beta = (1 - cos t)/(1 - cos 1) at t = 1.2345678e-14: 1 - cos t = 7.6e-29 is 0 in double;
    // cos t rounded to 40 digits (an error of 1e-40) leaves 1 - cos t a relative error of
    // ~1e-12, short of the 13 digits a row needs, so the row goes to high precision, which fails
    // here. The row that stands carries that error: c = beta L/D and q_xi ~ beta inherit it;
    // measured 5.5e-13 against the closed form at the decimal t, bound 2e-12 (1e-40 over 7.6e-29
    // is 1.3e-12, which c and q_xi carry with a factor about 1). From beta in double, c would be 0.
    hp.failure = new Error('high precision: time limit')
    const t0 = 1.2345678e-14
    const row = learntDae(flowProblem({ ...BASE, schedule: { alpha: '1-t', beta: '(1-cos(t))/(1-cos(1))' } })).at(t0)
    const T = new X(String(t0))
    const ref = daeByHand(text(BASE), [new X(1).minus(T), new X(1).minus(X.cos(T)).div(new X(1).minus(X.cos(1)))])
    expect(worst(row, ref)).toBeLessThan(2e-12)
    expect(notes).toEqual([{ command: 'dae', t: t0, escalated: false }])
  })
})

describe('a DAE row whose closed form amplifies the error of alpha, beta beyond its 12th digit', () => {
  // docs/cli.md: the closed form is evaluated with alpha and beta each perturbed by their error;
  // a value that moves by more than half a unit of its 12th digit sends the row to high
  // precision. Applied here by hand at 130 digits. beta = (t + 700) - 700 keeps in double a
  // relative error below the 1e-13 that alone would send a row there (t + 700 is rounded to a
  // multiple of 2^-43 = 1.1e-13) at most t in [0.3, 0.62]; w_norm2 = m^2 (omega + sigma^2/n) +
  // n q_xi^2 at n = 1e6, sigma = 100, omega = 4.5e8 moves by about 4 times that error per
  // perturbation, which crosses half a unit of its 12th digit at some of these t and not at others.
  const Q = { n: 1e6, sigma: 100, lambda: 0.1, omega: 4.5e8 }
  const P = text(Q)
  const betaInDouble = (t: number) => (t + 700) - 700
  /** The largest movement over half a unit of the 12th digit, over the keys of the closed form. */
  const moved = (t: number): number => {
    const T = new X(String(t)), A = new X(1).minus(T)
    const e = Decimal.max(64 * Number.EPSILON, new X(betaInDouble(t)).minus(T).abs().div(T), new X(1 - t).minus(A).abs().div(A))
    const at = daeByHand(P, [A, T]), da = daeByHand(P, [A.times(e.plus(1)), T]), db = daeByHand(P, [A, T.times(e.plus(1))])
    return Math.max(...Object.keys(at).map((k) => at[k].isZero() ? 0 : da[k].minus(at[k]).abs().plus(db[k].minus(at[k]).abs()).div(halfUnit(at[k])).toNumber()))
  }
  // Times the rule decides clearly (the movement more than 5% from the threshold): solve.ts
  // evaluates the movements in double, each within a few ulps of the value (~4e-16 of it) of
  // a movement of ~5e-13 of it, so its verdict can differ from this one only within ~0.1%.
  const ts = Array.from({ length: 107 }, (_, j) => 0.3 + 0.003 * j).map((t) => Number(t.toFixed(3)))
    .filter((t) => Math.abs(betaInDouble(t) - t) / t < 1e-13)
  const verdicts = ts.map((t) => ({ t, moved: moved(t) })).filter(({ moved }) => moved < 0.95 || moved > 1.05)

  it('the rows the rule sends to high precision, and only those, are escalated; every row within its bound', () => {
    const expected = verdicts.filter(({ moved }) => moved > 1.05).map(({ t }) => ({ command: 'dae', t, escalated: true }))
    // Both kinds present, or the test would not tell the rule from always or never.
    expect(expected.length).toBeGreaterThanOrEqual(3)
    expect(verdicts.length - expected.length).toBeGreaterThanOrEqual(3)
    const dae = learntDae(flowProblem({ ...Q, schedule: { alpha: '1-t', beta: '(t + 700) - 700' } }))
    const rows = verdicts.map(({ t }) => dae.at(t))
    expect(notes).toEqual(expected)
    // Escalated rows: 17 digits rounded to double, 2e-15 as above. Rows kept in double: every
    // value within half a unit of its 12th digit of the closed form at the decimal t (the promise
    // of docs/cli.md), which the bound guarantees to first order.
    verdicts.forEach(({ t, moved }, j) => {
      const T = new X(String(t))
      const exact = daeByHand(P, [new X(1).minus(T), T])
      if (moved > 1) expect(worst(rows[j], exact), `t = ${t}`).toBeLessThan(2e-15)
      else for (const k of Object.keys(exact)) expect(new X(rows[j][k]).minus(exact[k]).abs().lte(halfUnit(exact[k])), `${k} at t = ${t}`).toBe(true)
    })
  })
})
