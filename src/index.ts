/**
 * flowgm as a library: everything the CLI computes, as values. docs/api.md is the guide, with a
 * worked example; docs/theory.md defines every quantity.
 *
 *   import { flowProblem, solve } from 'flowgm'
 *   const s = solve(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1 }))
 *   s.stats(1).mse  // 0.550566621801...
 *
 * Invalid values throw a ParameterError naming the parameter and the rule. The exports are those
 * of the browser build (browser.ts), which runs anywhere, and what needs Node besides.
 */
export * from './browser.js'

// The best regularisation lambda* of an objective at t = 1 (flowgm optimize).
export { optimize, optimizeLambda, optimizeOverN, OBJECTIVES, type Objective, type OptimizeOptions, type LambdaStar, type LambdaStarOverN, type Limit } from './theory/optimize.js'

// Rendering in Node (PNG by a native binary; SVG in a worker thread) and the report, which writes files.
export { toPng, toSvgInWorker } from './plot/render-node.js'
export { report, buildReport } from './cli/report.js'
