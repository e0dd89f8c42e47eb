// The high-precision CLI (--digits, closed-form, rate) against its contract (docs/cli.md),
// by running the built CLI (main of dist/cli/main.js, in one process for the whole file: the exit
// code and the streams are those of `node bin/flowgm.js ...`; run `npm run build` first).
//
// Reference values derived by hand (docs/theory.md sections 3-5; see test/theory/hp.test.ts):
//  - with skip connection, at t = 1: M = n/(n+lambda), P^2 = Lambda/K, Q_xi = -P/(n+lambda),
//    mse(1) = (omega lambda^2 + n sigma^2 + n Lambda/K)/(n+lambda)^2, with K = n + lambda - 1 and
//    Lambda = lambda (omega + sigma^2) + (n - 1) sigma^2 = lambda omega + sigma^2 K;
//  - hence n mse(1) -> C = sigma^2 + Lambda/K -> 2 sigma^2 (Lambda/K = sigma^2 + lambda omega/K), and
//    n mse = n^2 (2 sigma^2 + lambda omega/K)/(n+lambda)^2 + n omega lambda^2/(n+lambda)^2 gives
//    C1 = lambda omega - 4 lambda sigma^2 + lambda^2 omega;
//  - Bayes-optimal: bo_mse = omega sigma^2/(n omega + sigma^2), so n bo_mse -> C_bo = sigma^2 and
//    C_bo1 = -sigma^4/omega.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { math } from '../../src/symbolic/mathjs.js'
import { daeByHand, definitions, statsByHand, X, type Dec } from '../theory/by-hand.js'
import { expectSuccess, inProcessCli, requireBuild, show, type Run } from './run.js'

const STATS_KEYS = ['t', 'M', 'Q_xi', 'P', 'norm', 'cos', 'cos_sample', 'mse', 'var']
/** Every key of docs/cli.md's stats section: those above (checked by hand here) and the distances (test/theory/distances*.test.ts). */
const STATS_ALL = [...STATS_KEYS, 'M_mu', 'Q_eta', 'weight_error', 'w2', 'kl', 'kl_reverse', 'dist_train', 'dist_fresh', 'mem_gap']

const cli = inProcessCli()
afterAll(() => cli.close())
const flowgm = (...args: string[]): Promise<Run> => cli.run(args)

/** Exit 2, nothing on stdout, exactly one line on stderr naming the flag, no stack trace. */
function expectInputError(r: Run, flag: RegExp): void {
  expect(r.code, show(r)).toBe(2)
  expect(r.stdout, show(r)).toBe('')
  expect(r.stderr, show(r)).toMatch(/^[^\n]+\n$/)
  expect(r.stderr, show(r)).toMatch(flag)
  expect(r.stderr, show(r)).not.toMatch(/^\s*at\s|\b[A-Za-z]*Error:/m)
}

/** Significant digits of a decimal string as printed (leading zeros dropped, trailing zeros kept). */
function significantDigits(s: string): number {
  const mantissa = s.replace(/^[+-]/, '').split(/e/i)[0].replace('.', '')
  return mantissa.replace(/^0+/, '').length
}

/** By hand (test/theory/by-hand.ts): the stats keys at t = 1 with skip connection. */
const statsAtOne = (n: Dec, sigma: Dec, lambda: Dec, omega: Dec): Record<string, Dec> =>
  statsByHand({ n: n.toString(), sigma: sigma.toString(), lambda: lambda.toString(), omega: omega.toString() }, [new X(0), new X(1)], true)
/** |printed - ref| in units of the last printed place of ref's decade. */
function ulps(printed: string, ref: Dec, digits: number): number {
  const exponent = ref.abs().log(10).floor().toNumber()
  return new X(printed)
    .minus(ref)
    .abs()
    .div(new X(10).pow(exponent - digits + 1))
    .toNumber()
}

/** The printed closed forms' expressions, each a name and a mathjs text over n, sigma, lambda, omega, alpha, beta. */
type Forms = ReadonlyArray<readonly [string, string]>

// The point where the printed closed forms are evaluated: defaults, alpha = 0.7, beta = 0.3 (t = 0.3, linear).
const AT = { n: '8', sigma: '1.5', lambda: '0.1', omega: '1' }
const AB: [Dec, Dec] = [new X('0.7'), new X('0.3')]

/** Every closed form by hand at AT, AB (header comment; by-hand.ts for the flow and Result A). */
function formsByHand(): Record<string, Dec> {
  const { K, L, D, w, s2, l, n } = definitions(AT, ...AB)
  const flow = statsByHand(AT, AB, true)
  const dae = daeByHand(AT, AB)
  return {
    // One draw per sample: the listing states kinv = 1 (docs/theory.md, k draws).
    kinv: new X(1),
    K,
    Lambda: L,
    D,
    Phi: flow.P,
    M: flow.M,
    Q_xi: flow.Q_xi,
    P: flow.P,
    mse_1: statsByHand(AT, [new X(0), new X(1)], true).mse,
    ...dae,
    // w = m mu_emp + q_xi xi with mu_emp = mu + (sigma/n) eta (docs/theory.md, components).
    m_mu: dae.m,
    q_eta: dae.m.times(AT.sigma).div(AT.n),
    'w_cos^2': dae.m.pow(2).times(w).div(dae.w_norm2),
    margin: AB[0].pow(2).times(AB[1]).times(w).times(n.minus(1)).div(D),
    C: s2.times(2),
    C1: l.times(w).minus(l.times(s2).times(4)).plus(l.pow(2).times(w)),
    C_bo: s2,
    C_bo1: s2.pow(2).neg().div(w),
    ratio: new X(2),
    // The distances' constants at RHO (docs/theory.md, rates; linear schedule, M(1) = n/(n + lambda)):
    // floor_w2 = 4 |rho - 1/2| omega, C_w2 = 2 sigma^2 - 4 |rho - 1/2| omega lambda, floor_kl = 0, C_kl = 1.
    floor_w2: new X(4).times(Math.abs(RHO - 0.5)).times(w),
    C_w2: s2.times(2).minus(
      new X(4)
        .times(Math.abs(RHO - 0.5))
        .times(w)
        .times(l),
    ),
    floor_kl: new X(0),
    C_kl: new X(1),
  }
}

/** The class weight the printed forms are evaluated at (they hold for any rho in (0, 1)). */
const RHO = 0.3

/**
 * The printed forms evaluated in double at AT, AB, in order (K, Lambda, D and Phi are names the
 * later forms use), against formsByHand: the names whose relative difference exceeds `rel`.
 */
function formMismatches(forms: Forms, rel: number): string[] {
  const scope: Record<string, number> = { n: 8, sigma: 1.5, lambda: 0.1, omega: 1, rho: RHO, t: 0.3, alpha: 0.7, beta: 0.3 }
  const want = formsByHand()
  const bad: string[] = []
  for (const [name, text] of forms) {
    const got = Number(math().evaluate(text, scope))
    scope[name] = got
    const ref = want[name]
    if (!ref) {
      bad.push(`${name}: no reference by hand`)
      continue
    }
    // A form that vanishes (floor_kl) is compared absolutely.
    const diff = ref.isZero() ? new X(got).abs() : new X(got).minus(ref).abs().div(ref.abs())
    if (!diff.lte(rel)) bad.push(`${name}: ${got}, by hand ${ref.toSignificantDigits(17)} (rel ${diff.toExponential(2)})`)
  }
  return bad
}

// Double evaluation of the printed expressions (up to ~45 terms, little cancellation at this
// point): observed at most 3.8e-16 relative (test_mse; D, w_norm2 2e-16 to 3e-16); 1e-15 is 2.6x that.
const FORM_TOL = 1e-15

beforeAll(requireBuild)

describe.concurrent('flowgm stats --digits', () => {
  it('stats --digits 30 --json: strings of exactly 30 significant digits, equal to the hand-derived values at t = 1; digits_verified >= 32', async () => {
    const r = await flowgm('stats', '--digits', '30', '--json')
    expectSuccess(r)
    const row = JSON.parse(r.stdout) as Record<string, unknown>
    expect(Object.keys(row).sort()).toEqual([...STATS_ALL, 'digits_verified'].sort())
    expect(typeof row.digits_verified, show(r)).toBe('number')
    expect(row.digits_verified as number).toBeGreaterThanOrEqual(32)
    // t is echoed as requested ("t as given", src/cli/format.ts); it is the input, not a computed value.
    expect(typeof row.t).toBe('string')
    expect(Number(row.t)).toBe(1)
    // Defaults n = 8, sigma = 1.5, lambda = 0.1, omega = 1 (docs/cli.md, common flags / flowgm --help).
    const ref = statsAtOne(new X(8), new X('1.5'), new X('0.1'), new X(1))
    const bad: string[] = []
    for (const k of STATS_KEYS.slice(1)) {
      const v = row[k]
      if (typeof v !== 'string') {
        bad.push(`${k}: not a string (${JSON.stringify(v)})`)
        continue
      }
      if (significantDigits(v) !== 30) bad.push(`${k}: ${v} has ${significantDigits(v)} significant digits`)
      if (!(ulps(v, ref[k], 30) <= 1)) bad.push(`${k}: ${v}, by hand ${ref[k].toSignificantDigits(32)}`)
    }
    expect(bad).toEqual([])
  })

  it.each(['0', '1001', '2.5', 'abc'])('stats --digits %s: exit 2, one stderr line naming --digits', async (d) => {
    expectInputError(await flowgm('stats', '--digits', d), /--digits\b/)
  })

  it('stats --n 1e16 --json (no --digits): exit 0, one warning naming double precision, valid JSON matching n mse(1) ~ 2 sigma^2', async () => {
    const r = await flowgm('stats', '--n', '1e16', '--json')
    expect(r.code, show(r)).toBe(0)
    expect(r.stderr, show(r)).toMatch(/^[^\n]+\n$/)
    expect(r.stderr, show(r)).toMatch(/warning/i)
    expect(r.stderr, show(r)).toMatch(/double precision/)
    const row = JSON.parse(r.stdout) as Record<string, unknown>
    expect(Object.keys(row)).toEqual(expect.arrayContaining(STATS_KEYS))
    // Every key by hand at n = 1e16, to the 12 printed digits (rounding: at most 1/2 unit of the
    // last place; 1 allows the reference's own last-digit tie). mse(1) = 4.5e-16 is beyond double
    // precision: M - 1 = -lambda/(n+lambda) ~ 1e-17.
    const ref = statsAtOne(new X('1e16'), new X('1.5'), new X('0.1'), new X(1))
    const bad = STATS_KEYS.slice(1)
      .filter((k) => !(ulps(String(row[k]), ref[k], 12) <= 1))
      .map((k) => `${k}: ${String(row[k])}, by hand ${ref[k].toSignificantDigits(14)}`)
    expect(bad, show(r)).toEqual([])
  })

  it('stats --schedule trig --no-skip --digits 20 at t = 1: P and var exactly 0 (found by npm run validate: rounding noise of either sign was printed)', async () => {
    // Without skip connection dP/dt = (alpha'/alpha) P with P(0) = 1, so P = alpha (docs/theory.md
    // section 4 with c = 0), and alpha(1) = cos(pi/2) = 0: P(1) = var = 0 exactly.
    for (const params of [['--n', '13', '--sigma', '0.7', '--lambda', '1.3', '--omega', '2.1'], []]) {
      const r = await flowgm('stats', '--schedule', 'trig', '--no-skip', '--digits', '20', '--json', ...params)
      expectSuccess(r)
      const row = JSON.parse(r.stdout) as Record<string, string>
      expect([row.P, row.var], show(r)).toEqual(['0', '0'])
    }
  })
})

describe.concurrent('flowgm closed-form', () => {
  it('text: one line per closed form, each evaluated at one point equal to its hand-derived value (flow, Result A, the rate)', async () => {
    const r = await flowgm('closed-form')
    expectSuccess(r)
    const lines = new Map(
      r.stdout
        .split('\n')
        .filter((l) => / = /.test(l) && !l.startsWith('#'))
        .map((l) => [l.slice(0, l.indexOf(' = ')), l.slice(l.indexOf(' = ') + 3)]),
    )
    for (const k of ['alpha', 'beta', 'K', 'Lambda', 'D', 'Phi', 'M', 'Q_xi', 'P', 'mse_1', 'c', 'm', 'q_xi', 'C', 'C1', 'C_bo', 'C_bo1', 'ratio']) {
      expect(lines.has(k), `${k} missing in\n${r.stdout}`).toBe(true)
    }
    expect(r.stdout).not.toMatch(/not found/)
    // every printed form, not only M and C, evaluated at one point against the hand-derived values
    const forms = [...lines].filter(([k]) => k !== 'alpha' && k !== 'beta')
    expect(forms.map(([k]) => k)).toContain('w_cos^2')
    expect(formMismatches(forms, FORM_TOL)).toEqual([])
  })

  it('--format json: every group found, with text and latex; the texts evaluate to the hand-derived values', async () => {
    const r = await flowgm('closed-form', '--format', 'json')
    expectSuccess(r)
    const j = JSON.parse(r.stdout) as Record<string, Record<string, { text?: string; latex?: string; found?: boolean }>>
    for (const s of ['M', 'Q_xi', 'P', 'Phi', 'mse_1']) {
      expect(j.flow[s]?.text, s).toBeTypeOf('string')
      expect(j.flow[s]?.latex, s).toBeTypeOf('string')
    }
    for (const k of ['c', 'm', 'q_xi']) expect(j.dae[k]?.latex, k).toBeTypeOf('string')
    expect(r.stdout).not.toMatch(/"found": false/)
    // the texts' values, not only their types: every group evaluated against the hand-derived forms
    const forms: Forms = ['definitions', 'flow', 'dae', 'rate'].flatMap((g) => Object.entries(j[g]).map(([k, v]) => [k, v.text!] as const))
    expect(forms).toHaveLength(4 + 5 + 10 + 9)
    expect(formMismatches(forms, FORM_TOL)).toEqual([])
  })

  it('--format latex is an align* block', async () => {
    const r = await flowgm('closed-form', '--format', 'latex')
    expectSuccess(r)
    expect(r.stdout).toContain('\\begin{align*}')
    expect(r.stdout).toContain('\\end{align*}')
    expect(r.stdout).toMatch(/M_t &= /)
  })

  it('--format xml: exit 2, one stderr line naming --format', async () => {
    expectInputError(await flowgm('closed-form', '--format', 'xml'), /--format\b/)
  })
})

describe.concurrent('flowgm rate', () => {
  it('--sigma 1.5 --lambda 0.1 --json: C = 2 sigma^2 = 4.5, C_bo = sigma^2 = 2.25, ratio 2, C1 and C_bo1 by hand; digits_agree.C >= 12', async () => {
    const r = await flowgm('rate', '--sigma', '1.5', '--lambda', '0.1', '--json')
    expectSuccess(r)
    const j = JSON.parse(r.stdout) as Record<string, unknown>
    const s2 = 1.5 ** 2,
      l = 0.1,
      w = 1
    expect(Number(j.C)).toBeCloseTo(2 * s2, 11)
    expect(Number(j.C_bo)).toBeCloseTo(s2, 11)
    expect(Number(j.ratio)).toBeCloseTo(2, 11)
    expect(Number(j.C1)).toBeCloseTo(l * w - 4 * l * s2 + l * l * w, 11)
    expect(Number(j.C_bo1)).toBeCloseTo(-(s2 * s2) / w, 11)
    // The Richardson route (numeric) on its own, not only the exact forms; 12 digits printed, so
    // 5e-12 absolute (toBeCloseTo 11) is the rounding of values of order 1-5.
    const numeric = j.numeric as Record<string, string>
    expect(Number(numeric.C)).toBeCloseTo(2 * s2, 11)
    expect(Number(numeric.C_bo)).toBeCloseTo(s2, 11)
    expect(Number(numeric.C1)).toBeCloseTo(l * w - 4 * l * s2 + l * l * w, 11)
    expect(Number(numeric.C_bo1)).toBeCloseTo(-(s2 * s2) / w, 11)
    const agree = j.digits_agree as Record<string, number>
    expect(agree.C, show(r)).toBeGreaterThanOrEqual(12)
    expect(agree.C_bo, show(r)).toBeGreaterThanOrEqual(12)
  })

  it('--format csv --n-max 1e6: header n,n_mse,n_bo_mse and 6 rows n = 1e1..1e6 matching n mse(1) and n bo_mse by hand', async () => {
    const r = await flowgm('rate', '--sigma', '1.5', '--lambda', '0.1', '--format', 'csv', '--n-max', '1e6')
    expectSuccess(r)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe('n,n_mse,n_bo_mse')
    expect(lines).toHaveLength(7)
    const bad: string[] = []
    lines.slice(1).forEach((line, k) => {
      const [n, nMse, nBo] = line.split(',')
      const N = new X(10).pow(k + 1)
      if (!new X(n).eq(N)) bad.push(`row ${k}: n = ${n}`)
      const mse = statsAtOne(N, new X('1.5'), new X('0.1'), new X(1)).mse
      const bo = N.times(new X('2.25')).div(N.plus('2.25'))
      if (!(ulps(nMse, N.times(mse), 12) <= 1)) bad.push(`n=${n}: n_mse ${nMse}, by hand ${N.times(mse).toSignificantDigits(14)}`)
      if (!(ulps(nBo, bo, 12) <= 1)) bad.push(`n=${n}: n_bo_mse ${nBo}, by hand ${bo.toSignificantDigits(14)}`)
    })
    expect(bad).toEqual([])
  })

  it('--n 5: exit 2 (rate takes n -> infinity), one stderr line naming --n', async () => {
    expectInputError(await flowgm('rate', '--n', '5'), /--n\b/)
  })
})
