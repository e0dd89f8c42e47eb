// Published figure 2: the summary statistics of the generated samples over t (docs/theory.md section 4,
// Result B). A sample is X_t = P_t x₀ + s (M_t μ_emp + Q^ξ_t ξ); the lines are M_t, Q^ξ_t, P_t
// of the d → ∞ theory, the points a finite-d simulation (section 6: the exact trainer, Euler
// steps), which agrees up to O(1/√d).
//
//   node examples/fig2-summary-statistics.mjs [--n 8 --sigma 1.5 --lambda 0.1 --points 101]
//       [--d 5000 --particles 500 --steps 100 --seed 0 --engine js] [--out-dir DIR]
//
// Writes fig2-summary-statistics.svg, fig2-summary-statistics.csv (the theory, one row per t)
// and fig2-summary-statistics-simulation.csv (the simulation step by step, beside the theory of
// the same discrete scheme and the continuous one).
import { csvOf, curvesFigure, flowProblem, simulate, simulationSpec, simulationTable, sweepSpecOf, toSvg } from 'flowgm'
import { number, runExample } from './lib/script.mjs'

runExample(
  import.meta.url,
  {
    about: 'the summary statistics M, Q^xi, P over t with a finite-d simulation (published figure 2, docs/theory.md sections 4 and 6)',
    flags: { n: '8', sigma: '1.5', lambda: '0.1', points: '101', d: '5000', particles: '500', steps: '100', seed: '0', engine: 'js' },
  },
  async (flags, write) => {
    const params = { n: number(flags, 'n'), sigma: number(flags, 'sigma'), lambda: number(flags, 'lambda') }
    // The simulation of the same model (its settings are checked before it runs).
    const spec = simulationSpec({
      problem: flowProblem(params),
      d: number(flags, 'd'),
      particles: number(flags, 'particles'),
      steps: number(flags, 'steps'),
      seed: number(flags, 'seed'),
      engine: flags.engine,
    })
    const { document } = await simulate(spec)
    const figure = await curvesFigure(sweepSpecOf({ command: 'curves', ...params, points: number(flags, 'points') }), document)
    await write('fig2-summary-statistics.svg', await toSvg(figure.spec))
    await write('fig2-summary-statistics.csv', csvOf(figure.table))
    await write('fig2-summary-statistics-simulation.csv', csvOf(simulationTable(document)))
  },
)
