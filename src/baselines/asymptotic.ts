/**
 * The baselines in the limit d -> infinity (docs/theory.md section 5), compiled from
 * equations/baselines.eq with the model: the Bayes-optimal estimator and PCA, at the same n, sigma,
 * omega as the generative model. Finite-d estimators acting on a sample matrix live in finite.ts.
 */
import { Decimal, decimalArith, type Arith, type DecimalConstructor } from '../hp/arith.js'
import { compiled } from '../symbolic/codegen.js'
import { model } from '../theory/model.js'
import { checkParameters } from '../theory/problem.js'

export const BASELINE_KEYS = ['bo_mse', 'bo_cos', 'pca_mse', 'pca_cos'] as const
export type BaselineKey = (typeof BASELINE_KEYS)[number]
export type Baselines<T> = Readonly<Record<BaselineKey, T>>

function named<T>(values: readonly T[]): Baselines<T> {
  const keys = model().source.baselines.keys
  return Object.fromEntries(
    BASELINE_KEYS.map((k) => {
      const i = keys.indexOf(k)
      if (i < 0) throw new Error(`equations/baselines.eq defines no ${k}`)
      return [k, values[i]]
    }),
  ) as Baselines<T>
}

/** The asymptotic baselines in double precision (lambda plays no part). */
export function asymptoticBaselines(n: number, sigma: number, omega = 1): Baselines<number> {
  checkParameters({ n, sigma, lambda: 0, omega })
  return named(model().baselines(n, sigma, 0, omega, 0.5, 1)())
}

type DecimalFactory = (F: Arith<Decimal>) => (...p: Decimal[]) => () => Decimal[]

/** The asymptotic baselines at the precision of D, from exact decimal text of the parameters. */
export function asymptoticBaselinesHp(D: DecimalConstructor, n: string, sigma: string, omega = '1'): Baselines<Decimal> {
  checkParameters({ n: Number(n), sigma: Number(sigma), lambda: 0, omega: Number(omega) }, true)
  const f = compiled<DecimalFactory>(model().source.baselines.source)(decimalArith(D))
  return named(f(new D(n), new D(sigma), new D(0), new D(omega), new D('0.5'), new D(1))())
}
