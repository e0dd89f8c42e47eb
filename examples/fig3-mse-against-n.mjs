// Published figure 3: the generated cluster mean μ̂ = M_1 μ_emp + Q_1 ξ at t = 1 against the number
// of training samples n (docs/theory.md sections 4 and 5): its error ‖μ̂ − μ‖²/d decays like 1/n, as
// the Bayes-optimal estimator's (with twice its constant, see rate-constant.mjs), and its cosine
// with μ, beside the Bayes-optimal and PCA estimators, for several σ.
//
//   node examples/fig3-mse-against-n.mjs [--n-range 2:1024:log --sigma 0.5,1,1.5,2 --lambda 0.1] [--out-dir DIR]
//
// --n-range is START:STOP:lin|log[:POINTS] (log: doubling). Writes fig3-mse-against-n.svg and
// fig3-mse-against-n.csv (one row per (σ, n): mse, cos, bo_mse, bo_cos, pca_mse, pca_cos, ...).
import { compareFigure, csvOf, sweepSpecOf, toSvg } from 'flowgm'
import { axis, number, runExample } from './lib/script.mjs'

runExample(
  import.meta.url,
  {
    about: 'mse and cosine of the generated cluster mean against n, with Bayes-optimal and PCA (published figure 3, docs/theory.md sections 4-5)',
    flags: { 'n-range': '2:1024:log', sigma: '0.5,1,1.5,2', lambda: '0.1' },
  },
  async (flags, write) => {
    // A grid over sigma x n, as `flowgm compare` sweeps it: n a range, sigma a list.
    const spec = sweepSpecOf({ command: 'compare', n: axis(flags, 'n-range'), sigma: axis(flags, 'sigma'), lambda: number(flags, 'lambda') })
    const figure = await compareFigure(spec)
    await write('fig3-mse-against-n.svg', await toSvg(figure.spec))
    await write('fig3-mse-against-n.csv', csvOf(figure.table))
  },
)
