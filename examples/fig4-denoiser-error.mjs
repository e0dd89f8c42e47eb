// Published figure 4: the test error E‖x₁ − f̂(x_t)‖²/d over t of the denoiser learnt from n
// samples (docs/theory.md section 3, test_mse), for several n, against the oracle that knows μ and σ
// (oracle_mse = α²σ²/(α² + β²σ²)); the trig schedule α = cos(πt/2), β = sin(πt/2).
//
//   node examples/fig4-denoiser-error.mjs [--n 2,8,32,128 --sigma 0.3 --lambda 0.1 --schedule trig --points 101] [--out-dir DIR]
//
// Writes fig4-denoiser-error.svg and fig4-denoiser-error.csv (one row per (n, t): test_mse,
// oracle_mse, excess_mse).
import { csvOf, daeCompareFigure, sweepSpecOf, toSvg } from 'flowgm'
import { axis, number, runExample } from './lib/script.mjs'

runExample(
  import.meta.url,
  {
    about: 'the denoiser test error over t for several n, against the oracle (published figure 4, docs/theory.md section 3)',
    flags: { n: '2,8,32,128', sigma: '0.3', lambda: '0.1', schedule: 'trig', points: '101' },
  },
  async (flags, write) => {
    // A grid over n x t, as `flowgm dae-compare` sweeps it.
    const spec = sweepSpecOf({ command: 'dae-compare', n: axis(flags, 'n'), sigma: number(flags, 'sigma'), lambda: number(flags, 'lambda'), schedule: flags.schedule, points: number(flags, 'points') })
    const figure = await daeCompareFigure(spec)
    await write('fig4-denoiser-error.svg', await toSvg(figure.spec))
    await write('fig4-denoiser-error.csv', csvOf(figure.table))
  },
)
