// Exact solutions of the flow (src/symbolic/exact.ts) and the closed forms the model prints
// (`model().variants.*.source.exact`, the text of `flowgm closed-form`), against independent routes:
//  - every printed text is evaluated here with mathjs BigNumbers (60 digits), the definitions K,
//    Lambda, D and Phi substituted in a scope, at seeded random parameter points and compared with
//      states, Phi, mse at t = 1: the double-precision ODE solver (odex at rtol 1e-15; measured
//        4.4e-14 for the states, 2.4e-13 for mse(1); bounds 2e-13 and 1e-12) at random t and t = 1,
//        and the high-precision routes (statsHp: Taylor series and quadrature) at one point;
//      DAE texts: daeHp at 60 digits (the normal form checked against the equations as written);
//      rate constants: n mse1(n) and n bo_mse(n) evaluated at n = 1e30 from the printed mse1 text
//        and docs/theory.md section 5 (bo_mse = omega sigma^2/(n omega + sigma^2)), so
//        n mse1 - C = O(1/n) and (n mse1 - C) n - C1 = O(1/n);
//  - the exact-solver functions on small examples whose answers are derived by hand in each test.
import { Decimal } from 'decimal.js'
import { describe, expect, it } from 'vitest'
import { atOne, constantValue, expandAtInfinity, integratingFactor, reduceSquares, solveExactly, squareOf, timeDerivative, type ClosedForm } from '../../src/symbolic/exact.js'
import { math } from '../../src/symbolic/mathjs.js'
import { rat, rfAdd, rfEqual, rfFromNode, rfIsZero, rfMul, type RF } from '../../src/symbolic/rational.js'
import { daeHp, statsHp } from '../../src/theory/hp.js'
import { model } from '../../src/theory/model.js'
import { flowProblem, type FlowProblem, type ProblemOptions } from '../../src/theory/problem.js'
import { solve } from '../../src/theory/solve.js'
import { rng } from './helpers.js'

// ---------------------------------------------------------------------------------------------
// 60-digit evaluation of printed text.

/**
 * mathjs with BigNumbers at 60 digits. The bundle's `create` has the factories bound already
 * (`math().all` is undefined there, and `create(all, config)` would drop the config), so the
 * configuration is set on the new instance.
 */
const big = math().create(math().all)
big.config({ number: 'BigNumber', precision: 60 })

/** Comparison arithmetic (decimal.js), beyond the 60 digits of the evaluation. */
const X = Decimal.clone({ precision: 80 })
type Dec = InstanceType<typeof X>
const PI = X.acos(-1)

type Exact = ReturnType<typeof model>['variants']['skip']['source']['exact']
const VARIANTS = ['skip', 'noskip'] as const
const exactOf = (v: (typeof VARIANTS)[number]): Exact => model().variants[v].source.exact

/** The scope of a point: parameters, alpha, beta, then the definitions and Phi as printed. */
function scopeAt(e: Exact, values: Readonly<Record<string, string>>): Record<string, unknown> {
  const scope: Record<string, unknown> = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, big.bignumber(v)]))
  for (const d of e.definitions) scope[d.name] = big.evaluate(d.text, scope)
  if (e.phi) scope.Phi = big.evaluate(e.phi, scope)
  return scope
}
const evaluate = (text: string, scope: Record<string, unknown>): Dec => new X(String(big.evaluate(text, scope)))

/** |x - ref| <= tol |ref| + abs. */
const close = (x: Dec, ref: Dec, tol: number, abs = 0) => x.minus(ref).abs().lte(ref.abs().times(tol).plus(abs))

// ---------------------------------------------------------------------------------------------
// Schedules by their definitions, and seeded random points.

const SCHEDULES: Record<string, { spec: ProblemOptions['schedule']; at: (t: Dec) => [Dec, Dec] }> = {
  linear: { spec: 'linear', at: (t) => [new X(1).minus(t), t] },
  trig: { spec: 'trig', at: (t) => (t.eq(1) ? [new X(0), new X(1)] : [PI.times(t).div(2).cos(), PI.times(t).div(2).sin()]) },
  square: { spec: { alpha: '1 - t^2', beta: 't^2' }, at: (t) => [new X(1).minus(t.pow(2)), t.pow(2)] },
  // W = alpha betadot - alphadot beta = 2 (1 - t) > 0 on (0, 1).
  quadratic: { spec: { alpha: '(1-t)^2', beta: 't*(2-t)' }, at: (t) => [new X(1).minus(t).pow(2), t.times(new X(2).minus(t))] },
}
const NAMES = Object.keys(SCHEDULES)

interface Point {
  n: number
  sigma: number
  lambda: number
  omega: number
  schedule: string
  t: number
}
const random = rng(31415)
const short = (x: number) => Number(x.toFixed(6))
/** n integer in [2, 50], sigma in (0.2, 3), lambda in [0, 2] (sometimes exactly 0), omega in (0.2, 3), t in (0.02, 0.98). */
const POINTS: Point[] = Array.from({ length: 10 }, (_, i) => ({
  n: 2 + Math.floor(random() * 49),
  sigma: short(0.2 + 2.8 * random()) || 0.5,
  lambda: random() < 0.2 ? 0 : short(2 * random()),
  omega: short(0.2 + 2.8 * random()) || 0.5,
  schedule: NAMES[i % NAMES.length],
  t: short(0.02 + 0.96 * random()),
}))

const params = (p: Point) => ({ n: String(p.n), sigma: String(p.sigma), lambda: String(p.lambda), omega: String(p.omega), kinv: '1' })
const problemOf = (p: Point, skip: boolean): FlowProblem => flowProblem({ n: p.n, sigma: p.sigma, lambda: p.lambda, omega: p.omega, schedule: SCHEDULES[p.schedule].spec, skip })
function pointScope(e: Exact, p: Point, t: string): Record<string, unknown> {
  const [alpha, beta] = SCHEDULES[p.schedule].at(new X(t))
  return scopeAt(e, { ...params(p), alpha: alpha.toString(), beta: beta.toString() })
}
const describePoint = (p: Point, t: string) => `n=${p.n} sigma=${p.sigma} lambda=${p.lambda} omega=${p.omega} ${p.schedule} t=${t}`

// ---------------------------------------------------------------------------------------------

describe.each(VARIANTS)('printed closed forms, %s', (variant) => {
  const e = exactOf(variant)
  const skip = variant === 'skip'

  it('every state has a closed form; Phi, mse1 and the rate constants are given', () => {
    expect(e.states.map((s) => s.name)).toEqual(['M', 'Q_xi', 'P'])
    for (const s of e.states) expect(s.text, `${s.name}: ${s.reason}`).toBeTypeOf('string')
    expect(e.phi).toBeTypeOf('string')
    expect(e.mse1?.text).toBeTypeOf('string')
    // flow.eq [rate]: the distances' constants; kl's only with skip connection (without it P(1) = 0 and kl is infinite).
    const distances = skip ? ['C_kl', 'C_w2', 'floor_kl', 'floor_w2'] : ['C_w2', 'floor_w2']
    expect(Object.keys(e.rate?.text ?? {}).sort()).toEqual(['C', 'C1', 'C_bo', 'C_bo1', ...distances, 'ratio'].sort())
    expect(e.rate?.distanceReason).toBe(skip ? undefined : 'C_kl: kl is infinite at t = 1 (P(1) = 0)')
    expect(e.definitions.map((d) => d.name)).toEqual(['K', 'Lambda', 'D'])
    // The printed definitions are docs/theory.md's (K = n + lambda - 1, Lambda = lambda (omega +
    // sigma^2) + (n - 1) sigma^2, D = alpha^2 K + beta^2 Lambda), at every random point, to the
    // 60 digits of the evaluation (1e-55 relative: a few roundings at 60 digits).
    for (const p of POINTS) {
      const scope = pointScope(e, p, String(p.t))
      const [a, b] = SCHEDULES[p.schedule].at(new X(p.t))
      const [n, s2, l, w] = [new X(p.n), new X(p.sigma).pow(2), new X(p.lambda), new X(p.omega)]
      const K = n.plus(l).minus(1),
        L = l.times(w.plus(s2)).plus(n.minus(1).times(s2))
      const byHand: Record<string, Dec> = { K, Lambda: L, D: a.pow(2).times(K).plus(b.pow(2).times(L)) }
      for (const [k, v] of Object.entries(byHand)) expect(close(new X(String(scope[k])), v, 1e-55), `${k} at ${describePoint(p, String(p.t))}`).toBe(true)
    }
    expect(big.evaluate('1/3').toString()).toHaveLength(62) // the evaluator really has 60 digits
  })

  it('states and Phi equal the double-precision ODE solution at 10 random points (random t and t = 1; 2e-13)', () => {
    const bad: string[] = []
    for (const p of POINTS) {
      const sol = solve(problemOf(p, skip))
      for (const t of [String(p.t), '1']) {
        const scope = pointScope(e, p, t)
        const y = sol.state(Number(t))
        e.states.forEach((s, i) => {
          const x = evaluate(s.text!, scope),
            ref = new X(y[i])
          if (!close(x, ref, 2e-13, 1e-14)) bad.push(`${describePoint(p, t)} ${s.name}: text ${x.toSignificantDigits(16)}, ODE ${y[i]}`)
        })
        // P' = gamma P, P(0) = 1 is the integrating factor's own equation: P = Phi.
        const phi = new X(String(scope.Phi))
        if (!close(phi, new X(y[2]), 2e-13, 1e-14)) bad.push(`${describePoint(p, t)} Phi: text ${phi.toSignificantDigits(16)}, ODE P ${y[2]}`)
      }
    }
    expect(bad).toEqual([])
  })

  it('mse1 equals mse at t = 1 of the double-precision ODE solution at 10 random points (1e-12)', () => {
    const bad: string[] = []
    for (const p of POINTS) {
      const x = evaluate(e.mse1!.text, pointScope(e, p, '1'))
      const ref = solve(problemOf(p, skip)).stats(1).mse
      if (!close(x, new X(ref), 1e-12)) bad.push(`${describePoint(p, '1')}: text ${x.toSignificantDigits(16)}, ODE ${ref}`)
    }
    expect(bad).toEqual([])
  })

  it('states and mse1 equal statsHp at --digits 60 (t = 0.37 and t = 1, linear; n=13 sigma=0.7 lambda=1.3 omega=2.1; 1e-55)', () => {
    const p: Point = { n: 13, sigma: 0.7, lambda: 1.3, omega: 2.1, schedule: 'linear', t: 0.37 }
    const r = statsHp(problemOf(p, skip), ['0.37', '1'], { digits: 60 })
    const bad: string[] = []
    r.rows.forEach((row, i) => {
      const t = ['0.37', '1'][i]
      const scope = pointScope(e, p, t)
      for (const s of e.states) {
        const x = evaluate(s.text!, scope),
          ref = new X(row[s.name])
        if (!close(x, ref, 1e-55, 1e-58)) bad.push(`t=${t} ${s.name}: text ${x}, hp ${row[s.name]}`)
      }
      if (t === '1' && !close(evaluate(e.mse1!.text, scope), new X(row.mse), 1e-55)) bad.push(`mse1: text ${evaluate(e.mse1!.text, scope)}, hp ${row.mse}`)
    })
    expect(bad).toEqual([])
  })

  it('DAE texts (squared ones as squares) equal daeHp at --digits 60 at 10 random points (1e-50)', () => {
    const bad: string[] = []
    for (const p of POINTS) {
      const t = String(p.t)
      const row = daeHp(problemOf(p, skip), [t], { digits: 60 }).rows[0]
      const scope = pointScope(e, p, t)
      for (const d of e.dae) {
        const x = evaluate(d.text, scope)
        const ref = d.squared ? new X(row[d.name]).pow(2) : new X(row[d.name])
        if (!close(x, ref, 1e-50, 1e-58)) bad.push(`${describePoint(p, t)} ${d.name}${d.squared ? '^2' : ''}: text ${x.toSignificantDigits(20)}, hp ${ref.toSignificantDigits(20)}`)
      }
    }
    expect(bad).toEqual([])
    expect(e.dae.map((d) => d.name)).toEqual(model().variants[variant].source.daeKeys)
  })

  it('rate constants: n mse1(n) and n bo_mse(n) at n = 1e30 give C, C1, C_bo, C_bo1 and ratio = C/C_bo (5 random sigma, lambda, omega)', () => {
    const rate = e.rate!.text
    const n = new X('1e30')
    const bad: string[] = []
    for (const p of POINTS.slice(0, 5)) {
      const scope = scopeAt(e, { ...params(p), n: '1e30', alpha: '0', beta: '1' })
      const C = evaluate(rate.C, scope),
        C1 = evaluate(rate.C1, scope)
      const Cbo = evaluate(rate.C_bo, scope),
        Cbo1 = evaluate(rate.C_bo1, scope)
      const nMse = n.times(evaluate(e.mse1!.text, scope))
      const nBo = n.times(evaluate('omega * sigma^2 / (n * omega + sigma^2)', scope))
      const label = `sigma=${p.sigma} lambda=${p.lambda} omega=${p.omega}`
      // n f(n) = C + C1/n + O(1/n^2): 60-digit evaluation leaves ~30 digits of (n f - C) n.
      if (!close(nMse, C, 1e-25)) bad.push(`${label} C: ${C} vs n mse1 ${nMse}`)
      if (!close(nMse.minus(C).times(n), C1, 1e-20, C.abs().times(1e-20))) bad.push(`${label} C1: ${C1} vs ${nMse.minus(C).times(n)}`)
      if (!close(nBo, Cbo, 1e-25)) bad.push(`${label} C_bo: ${Cbo} vs n bo_mse ${nBo}`)
      if (!close(nBo.minus(Cbo).times(n), Cbo1, 1e-20, Cbo.abs().times(1e-20))) bad.push(`${label} C_bo1: ${Cbo1} vs ${nBo.minus(Cbo).times(n)}`)
      if (!close(evaluate(rate.ratio, scope), C.div(Cbo), 1e-50)) bad.push(`${label} ratio: ${evaluate(rate.ratio, scope)} vs C/C_bo ${C.div(Cbo)}`)
    }
    expect(bad).toEqual([])
  })
})

// ---------------------------------------------------------------------------------------------
// The exact solver on small examples.

const rf = (text: string): RF => rfFromNode(math().parse(text))
/** The solution X = particular + homogeneous * Phi with Phi replaced by a known expression. */
const solution = (f: ClosedForm, phi: RF): RF => rfAdd(f.particular, rfMul(f.homogeneous, phi))

// Result A and gamma, zeta typed from docs/theory.md sections 3-4 (not from equations/).
const K = '(n + lambda - 1)'
const L = '(lambda*(omega + sigma^2) + (n - 1)*sigma^2)'
const D = `(alpha^2*${K} + beta^2*${L})`
const ZETA = '(betadot - alphadot*beta/alpha)'
const GAMMA = `(alphadot/alpha + ${ZETA}*beta*${L}/${D})`
const M_HAT = `(n*alpha^2*${K}/((n + lambda)*${D}))`
const Q_HAT = `(-alpha*beta*${L}/((n + lambda)*${D}))`

describe('timeDerivative', () => {
  it('d/dt (alpha^2 beta) = 2 alpha beta alphadot + alpha^2 betadot (chain rule); parameters are constants', () => {
    expect(rfEqual(timeDerivative(rf('alpha^2*beta')), rf('2*alpha*beta*alphadot + alpha^2*betadot'))).toBe(true)
    expect(rfEqual(timeDerivative(rf('n*beta/(n + lambda)')), rf('n*betadot/(n + lambda)'))).toBe(true)
    expect(rfIsZero(timeDerivative(rf('n*sigma^2/omega')))).toBe(true)
  })
  it('refuses expressions in alphadot or betadot', () => {
    expect(() => timeDerivative(rf('alphadot*beta'))).toThrow(/alphadot|betadot/)
  })
})

describe("integratingFactor (Phi with Phi' = a Phi, Phi(0) = 1)", () => {
  const square = (a: string): RF | undefined => {
    const phi = integratingFactor(rf(a))
    if (typeof phi === 'string') throw new Error(phi)
    return squareOf(phi)
  }
  it('a = alphadot/alpha: Phi = alpha (log-derivative of alpha, alpha(0) = 1)', () => {
    const phi = integratingFactor(rf('alphadot/alpha'))
    expect(typeof phi).not.toBe('string')
    expect(rfEqual(square('alphadot/alpha')!, rf('alpha^2'))).toBe(true)
  })
  it('a = 0: Phi = 1', () => {
    expect(integratingFactor(rf('0'))).toEqual({ powers: [] })
  })
  it('a = 2 alphadot/alpha + betadot/(1 + beta): Phi = alpha^2 (1 + beta)', () => {
    expect(rfEqual(square('2*alphadot/alpha + betadot/(1 + beta)')!, rf('alpha^4*(1 + beta)^2'))).toBe(true)
  })
  it("a = gamma with skip connection: gamma = D'/(2D), so Phi = sqrt(D/K) (Phi^2 = D/K, exponent 1/2)", () => {
    expect(rfEqual(square(GAMMA)!, rf(`${D}/${K}`))).toBe(true)
    const phi = integratingFactor(rf(GAMMA))
    if (typeof phi === 'string') throw new Error(phi)
    expect(phi.powers.map((p) => p.e)).toEqual([rat(1n, 2n)])
  })
  it('reports why no factor is found', () => {
    expect(integratingFactor(rf('1/(alpha + beta)'))).toMatch(/logarithmic derivative/)
    // Phi = beta vanishes at t = 0 (beta(0) = 0).
    expect(integratingFactor(rf('betadot/beta'))).toMatch(/vanishes at t = 0/)
    // Phi = alpha^n: an exponent that depends on a parameter.
    expect(integratingFactor(rf('n*alphadot/alpha'))).toMatch(/depend on the parameters/)
  })
})

describe("solveExactly (X' = a X + g, X(0) = x0)", () => {
  it("a = alphadot/alpha, g = betadot - alphadot beta/alpha, X(0) = 0: X = beta (X' = betadot = a beta + g)", () => {
    const f = solveExactly(rf('alphadot/alpha'), rf('betadot - alphadot*beta/alpha'), rat(0n))
    if (typeof f === 'string') throw new Error(f)
    expect(rfEqual(solution(f, rf('alpha')), rf('beta'))).toBe(true)
  })
  it('a = 0, g = 2 beta betadot, X(0) = 3: X = beta^2 + 3', () => {
    const f = solveExactly(rf('0'), rf('2*beta*betadot'), rat(3n))
    if (typeof f === 'string') throw new Error(f)
    expect(rfEqual(solution(f, rf('1')), rf('beta^2 + 3'))).toBe(true)
  })
  it('the flow with skip connection (docs/theory.md section 4): M = n beta/(n+lambda), Q_xi = (alpha - Phi)/(n+lambda), P = Phi', () => {
    const M = solveExactly(rf(GAMMA), rf(`${ZETA}*${M_HAT}`), rat(0n))
    const Q = solveExactly(rf(GAMMA), rf(`${ZETA}*${Q_HAT}`), rat(0n))
    const P = solveExactly(rf(GAMMA), rf('0'), rat(1n))
    for (const f of [M, Q, P]) if (typeof f === 'string') throw new Error(f)
    const [m, q, p] = [M, Q, P] as ClosedForm[]
    // Phi is irrational, so the polynomial particular solution is unique.
    expect(rfEqual(m.particular, rf('n*beta/(n + lambda)'))).toBe(true)
    expect(rfIsZero(m.homogeneous)).toBe(true)
    expect(rfEqual(q.particular, rf('alpha/(n + lambda)'))).toBe(true)
    expect(rfEqual(q.homogeneous, rf('-1/(n + lambda)'))).toBe(true)
    expect(rfIsZero(p.particular)).toBe(true)
    expect(rfEqual(p.homogeneous, rf('1'))).toBe(true)
    // At t = 1 (alpha = 0, beta = 1): Q_xi = -Phi/(n+lambda), and mse = omega (M-1)^2 + M^2 sigma^2/n + n Q^2
    // with Phi(1)^2 = Lambda/K is (omega lambda^2 + n sigma^2 + n Lambda/K)/(n+lambda)^2.
    expect(rfEqual(atOne(q), rf('-Phi/(n + lambda)'))).toBe(true)
    const scope = new Map([
      ['M', atOne(m)],
      ['Q_xi', atOne(q)],
    ])
    const mse = rfFromNode(math().parse('omega*(M - 1)^2 + M^2*sigma^2/n + n*Q_xi^2'), scope)
    const reduced = reduceSquares(mse, rf(`${L}/${K}`))
    expect(rfEqual(reduced, rf(`(omega*lambda^2 + n*sigma^2 + n*${L}/${K})/(n + lambda)^2`))).toBe(true)
  })
  it('without skip connection (c = 0): gamma = alphadot/alpha, M = n beta/(n+lambda), P = alpha', () => {
    const M = solveExactly(rf('alphadot/alpha'), rf(`${ZETA}*n/(n + lambda)`), rat(0n))
    const P = solveExactly(rf('alphadot/alpha'), rf('0'), rat(1n))
    if (typeof M === 'string' || typeof P === 'string') throw new Error(String(M) + String(P))
    expect(rfEqual(solution(M, rf('alpha')), rf('n*beta/(n + lambda)'))).toBe(true)
    expect(rfEqual(solution(P, rf('alpha')), rf('alpha'))).toBe(true)
  })
  it('reports what it cannot find, with the ansatz that failed', () => {
    // X = beta^3/3 solves X' = beta^2 betadot, but it is of degree 3.
    expect(solveExactly(rf('0'), rf('beta^2*betadot'), rat(0n))).toMatch(/no particular solution.*degree <= 2/)
    // alpha^5 betadot is not d/dt of any function of alpha, beta (d/dalpha alpha^5 != 0).
    expect(solveExactly(rf('0'), rf('alpha^5*betadot'), rat(0n))).toMatch(/no particular solution/)
    expect(solveExactly(rf('1/(alpha + beta)'), rf('betadot'), rat(0n))).toMatch(/^no integrating factor: /)
  })
})

describe('reduceSquares, constantValue', () => {
  it('Phi^3 + Phi^2 + Phi with Phi^2 = s becomes Phi s + s + Phi', () => {
    const x = rf('Phi^3 + Phi^2 + Phi')
    const r = reduceSquares(x, rf('s'))
    expect(rfEqual(r, rf('Phi*s + s + Phi'))).toBe(true)
    expect(reduceSquares(x, undefined)).toBe(x)
  })
  it('constantValue: 6/4 = 3/2; undefined for a non-constant', () => {
    expect(constantValue(rf('6/4'))).toEqual(rat(3n, 2n))
    expect(constantValue(rf('n'))).toBeUndefined()
  })
})

describe('expandAtInfinity', () => {
  it('n/(n+1) = 1 - 1/n + 1/n^2 - ...', () => {
    const c = expandAtInfinity(rf('n/(n + 1)'), 'n', 3)!
    expect(c.map((x) => constantValue(x))).toEqual([rat(1n), rat(-1n), rat(1n)])
  })
  it('(2n^2 + 3)/n^2 = 2 + 0/n + 3/n^2', () => {
    const c = expandAtInfinity(rf('(2*n^2 + 3)/n^2'), 'n', 3)!
    expect(c.map((x) => constantValue(x))).toEqual([rat(2n), rat(0n), rat(3n)])
  })
  it('n^2/(n+1) diverges: undefined', () => {
    expect(expandAtInfinity(rf('n^2/(n + 1)'), 'n', 2)).toBeUndefined()
  })
  it('n mse(1) with skip connection: 2 sigma^2 + (lambda omega - 4 lambda sigma^2 + lambda^2 omega)/n + ...', () => {
    // By hand: Lambda = lambda omega + sigma^2 K, so n mse = n^2 (2 sigma^2 + lambda omega/K)/(n+lambda)^2
    // + n omega lambda^2/(n+lambda)^2 and n^2/(n+lambda)^2 = 1 - 2 lambda/n + O(1/n^2).
    const c = expandAtInfinity(rf(`n*(omega*lambda^2 + n*sigma^2 + n*${L}/${K})/(n + lambda)^2`), 'n', 2)!
    expect(rfEqual(c[0], rf('2*sigma^2'))).toBe(true)
    expect(rfEqual(c[1], rf('lambda*omega - 4*lambda*sigma^2 + lambda^2*omega'))).toBe(true)
  })
  it('n mse(1) without skip connection: sigma^2 + (lambda^2 omega - 2 lambda sigma^2)/n + ...', () => {
    // mse(1) = (omega lambda^2 + n sigma^2)/(n+lambda)^2 (M = n/(n+lambda), Q_xi = 0).
    const c = expandAtInfinity(rf('n*(omega*lambda^2 + n*sigma^2)/(n + lambda)^2'), 'n', 2)!
    expect(rfEqual(c[0], rf('sigma^2'))).toBe(true)
    expect(rfEqual(c[1], rf('lambda^2*omega - 2*lambda*sigma^2'))).toBe(true)
  })
})
