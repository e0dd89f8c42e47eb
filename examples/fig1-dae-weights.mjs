// Published figure 1: the learnt denoiser over t (docs/theory.md section 3, Result A). At each t
// the DAE f(x) = c x + w sign(w·x/√d) trained on n samples has, as d → ∞, ŵ = m μ_emp + q ξ: the
// chart shows the skip-connection weight ĉ_t, m_t, |q_t| and ‖ŵ‖²/d in closed form.
//
//   node examples/fig1-dae-weights.mjs [--n 4 --sigma 0.9 --lambda 0.1 --schedule linear --points 101] [--out-dir DIR]
//
// Writes fig1-dae-weights.svg (the chart) and fig1-dae-weights.csv (one row per t).
import { csvOf, daeFigure, sweepSpecOf, toSvg } from 'flowgm'
import { number, runExample } from './lib/script.mjs'

runExample(
  import.meta.url,
  {
    about: 'the DAE weights c, m, |q|, |w|^2/d over t (published figure 1, docs/theory.md section 3)',
    flags: { n: '4', sigma: '0.9', lambda: '0.1', schedule: 'linear', points: '101' },
  },
  async (flags, write) => {
    // The curves grid: `points` uniform times in [0, 1] at one (n, sigma, lambda).
    const spec = sweepSpecOf({ command: 'curves', n: number(flags, 'n'), sigma: number(flags, 'sigma'), lambda: number(flags, 'lambda'), schedule: flags.schedule, points: number(flags, 'points') })
    const figure = await daeFigure(spec)
    await write('fig1-dae-weights.svg', await toSvg(figure.spec))
    await write('fig1-dae-weights.csv', csvOf(figure.table))
  },
)
