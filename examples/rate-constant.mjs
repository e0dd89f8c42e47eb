// The rate constant C = lim n · mse(n) of the generated cluster mean at t = 1 (docs/theory.md section 4,
// "Rate"), and C_bo of the Bayes-optimal estimator (section 5), by two routes: the exact series in
// 1/n of the closed form, and Richardson extrapolation of n · mse(n) computed in high precision at
// n = 10, 100, ..., --n-max. The chart shows n · mse(n) → C and the gap closing like 1/n.
//
//   node examples/rate-constant.mjs [--sigma 1.5 --lambda 0.1 --omega 1 --n-max 1e12 --digits 20] [--out-dir DIR]
//
// Writes rate-constant.svg, rate-constant.csv (C, C1, C_bo, C_bo1, C/C_bo, the exact expression of
// C and the digits on which both routes agree) and rate-constant-sequence.csv (n, n·mse, n·bo_mse).
import { csvOf, flowProblem, RATE_KEYS, rate, rateConstants, rateFigure, toSvg } from 'flowgm'
import { number, runExample } from './lib/script.mjs'

runExample(
  import.meta.url,
  {
    about: 'the 1/n rate constant C = lim n mse(n) and C_bo (docs/theory.md sections 4-5)',
    flags: { sigma: '1.5', lambda: '0.1', omega: '1', 'n-max': '1e12', digits: '20' },
  },
  async (flags, write) => {
    // n is not used (rate takes n -> infinity); linear schedule, skip connection.
    const problem = flowProblem({ n: 2, sigma: number(flags, 'sigma'), lambda: number(flags, 'lambda'), omega: number(flags, 'omega') })
    const digits = number(flags, 'digits')
    const result = rate(problem, { digits, nMax: number(flags, 'n-max') })

    const p = problem.text
    const constants = { keys: ['sigma', 'lambda', 'omega', ...RATE_KEYS, 'C_exact', 'digits_agree'], rows: [{ sigma: p.sigma, lambda: p.lambda, omega: p.omega, ...rateConstants(result, digits) }] }
    const figure = rateFigure(result, problem)
    await write('rate-constant.svg', await toSvg(figure.spec))
    await write('rate-constant.csv', csvOf(constants))
    await write('rate-constant-sequence.csv', csvOf(figure.table))
    const { C, C_bo, ratio } = constants.rows[0]
    process.stdout.write(`C = ${C}${result.exact ? ` (exact: ${result.exact.text.C})` : ''}, C_bo = ${C_bo}, C/C_bo = ${ratio}\n`)
  },
)
