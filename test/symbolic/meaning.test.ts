// Every observable of the equation files is checked, when building, against what it means: a
// vector model of the limit d -> infinity in the same file ([directions], [vectors], [meaning];
// src/symbolic/meaning.ts). These tests plant wrong observables in copies of the files and require
// the build's check to refuse each one by name; the expected verdicts come from the planted change
// (a factor 2, a sign, a dropped term alter the value at almost every point), not from the code.
import { describe, expect, it } from 'vitest'
import { checkEquations, deriveModel, readModelEquations } from '../../src/symbolic/derive.js'
import { readEquationText, section, type EquationFile } from '../../src/symbolic/eqfile.js'

const FILES = ['dae.eq', 'flow.eq', 'baselines.eq'] as const

/** The observables of a file, in order, as written. */
function observables(file: (typeof FILES)[number]): Array<{ name: string; text: string }> {
  const eqs = readModelEquations()
  const key = file.replace('.eq', '') as 'dae' | 'flow' | 'baselines'
  return section(eqs[key], 'observables').entries.map((e) => ({ name: e.name, text: e.text }))
}

/** The file with one observable's right-hand side replaced (its first definition line only). */
function plant(file: EquationFile, name: string, text: string, by: string): string {
  const source = readEquationText(file)
  const line = `${name} = ${text}`
  const at = source.indexOf(`\n${line}\n`)
  if (at < 0) throw new Error(`no line '${line}' in ${file}`)
  return source.slice(0, at + 1) + `${name} = ${by}` + source.slice(at + 1 + line.length)
}

const check = (file: EquationFile, text: string) => () => checkEquations(readModelEquations({ [file]: text }))

describe('the observables as written are what they mean', () => {
  it('the files as they are: every observable is checked, the rational ones exactly', () => {
    // Expected routes: an observable with no square root on either side is a rational function of
    // the parameters (exact); the cosines and pca_mse (through sqrt(omega/|mu_emp|^2)) are not.
    const routes = Object.fromEntries(checkEquations(readModelEquations()).map((c) => [c.name, c.route]))
    expect(routes).toEqual({
      w_norm2: 'exact',
      w_cos: 'random points',
      test_mse: 'exact',
      oracle_mse: 'exact',
      margin: 'exact',
      m_mu: 'exact',
      q_eta: 'exact',
      norm: 'exact',
      cos: 'random points',
      cos_sample: 'random points',
      mse: 'exact',
      var: 'exact',
      M_mu: 'exact',
      Q_eta: 'exact',
      // abs and log leave the rational functions.
      weight_error: 'random points',
      w2: 'random points',
      kl: 'random points',
      kl_reverse: 'random points',
      dist_train: 'exact',
      dist_fresh: 'exact',
      mem_gap: 'exact',
      bo_mse: 'exact',
      bo_cos: 'random points',
      pca_cos: 'random points',
      pca_mse: 'random points',
    })
  })

  for (const file of FILES) {
    for (const { name, text } of observables(file)) {
      it(`${file}: ${name} times 2, or with its first + made a -, is refused by name`, () => {
        const message = new RegExp(`${file.replace('.', '\\.')}: observable ${name} = `)
        expect(check(file, plant(file, name, text, `2 * (${text})`))).toThrow(message)
        if (text.includes(' + ')) expect(check(file, plant(file, name, text, text.replace(' + ', ' - ')))).toThrow(message)
      })
    }
  }

  it('the planted bugs of the mutation audit are refused: pca_mse without its 2, n Q_xi^2 doubled in flow.eq', () => {
    const pca = observables('baselines.eq').find((o) => o.name === 'pca_mse')!
    expect(pca.text.startsWith('2 * ')).toBe(true)
    expect(check('baselines.eq', plant('baselines.eq', 'pca_mse', pca.text, pca.text.slice(4)))).toThrow(/observable pca_mse = /)
    const flow = readEquationText('flow.eq')
    const doubled = flow.replace('n * kinv * Q_xi^2 + P^2', '2 * n * kinv * Q_xi^2 + P^2')
    expect(doubled).not.toBe(flow)
    expect(check('flow.eq', doubled)).toThrow(/observable norm = /)
  })

  it('a meaning that is wrong is refused as well (the check has two sides)', () => {
    const flow = readEquationText('flow.eq')
    const wrong = flow.replace('var = dot(X - mean, X - mean)', 'var = dot(X, X)')
    expect(wrong).not.toBe(flow)
    expect(check('flow.eq', wrong)).toThrow(/observable var = P\^2 is not what it means, dot\(X, X\)/)
  })

  it('an observable without a meaning, or a meaning without an observable, is refused', () => {
    const flow = readEquationText('flow.eq')
    expect(check('flow.eq', flow.replace('var = dot(X - mean, X - mean)\n', ''))).toThrow(/observable var has no \[meaning\]/)
    expect(check('flow.eq', flow.replace('\nvar = dot(X - mean, X - mean)\n', '\nvar = dot(X - mean, X - mean)\nbogus = dot(X, X)\n'))).toThrow(/\[meaning\] of bogus, which is not an observable/)
  })

  it('the build runs the check: deriveModel refuses a planted observable, and derives from the files as they are', () => {
    const flow = readEquationText('flow.eq')
    expect(() => deriveModel({ 'flow.eq': flow.replace('var = P^2', 'var = 2 * P^2') })).toThrow(/flow\.eq: observable var = 2 \* P\^2 is not what it means/)
    expect(deriveModel().variants.skip.flowKeys).toEqual(observables('flow.eq').map((o) => o.name))
  })
})
