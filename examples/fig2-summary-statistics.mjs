// Published figure 2: the summary statistics of the generated samples over t (THEORY.md section 4,
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
import { simulationSpecFrom } from '../dist/cli/simulate.js'
import { specFrom } from '../dist/cli/sweep.js'
import { csvOf, curvesFigure, simulationTable } from '../dist/plot/figures.js'
import { toSvg } from '../dist/plot/render.js'
import { simulate } from '../dist/simulate/simulate.js'
import { runExample } from './lib/script.mjs'

runExample(import.meta.url, {
  about: 'the summary statistics M, Q^xi, P over t with a finite-d simulation (published figure 2, THEORY.md sections 4 and 6)',
  flags: { n: '8', sigma: '1.5', lambda: '0.1', points: '101', d: '5000', particles: '500', steps: '100', seed: '0', engine: 'js' },
}, async ({ n, sigma, lambda, points, ...simulation }, write) => {
  // The simulation of the same model: every flag is checked (memory included) before it runs.
  const { document } = await simulate(await simulationSpecFrom({ n, sigma, lambda, ...simulation }))
  const figure = await curvesFigure(specFrom('curves', { n, sigma, lambda, points }), document)
  await write('fig2-summary-statistics.svg', await toSvg(figure.spec))
  await write('fig2-summary-statistics.csv', csvOf(figure.table))
  await write('fig2-summary-statistics-simulation.csv', csvOf(simulationTable(document)))
})
