// flowgm as a TypeScript library: the worked example of docs/api.md (the tests type-check it
// under --strict and run it).
//
//   npx tsc --strict --module nodenext --moduleResolution nodenext --target es2022 --outDir examples/out/ts examples/library.ts
//   node examples/out/ts/library.js
import { asymptoticBaselines, closedForms, flowProblem, ParameterError, rate, simulate, simulationSpec, solve, solvePrecise, sweep } from 'flowgm'

// A problem: n samples of the two-cluster mixture, cluster spread sigma, ridge lambda (docs/theory.md).
const problem = flowProblem({ n: 8, sigma: 1.5, lambda: 0.1 })

// Result B in double precision: every printed digit (12) is right; rows are typed by their keys.
const solution = solve(problem)
const end = solution.stats(1)
console.log(`mse(1) = ${end.mse.toPrecision(12)}, cos(1) = ${end.cos.toPrecision(12)}`)
// Result A, the learnt denoiser at t = 0.5.
console.log(`c(0.5) = ${solution.dae(0.5).c.toPrecision(12)}`)

// The same at 40 digits, verified by two routes.
const precise = solvePrecise(problem, { digits: 40 })
const row = precise.stats('1').rows[0]
console.log(`mse(1) = ${row.mse.toString()} (${precise.stats('1').digitsVerified} digits verified)`)

// The exact expression of mse at t = 1 and the rate constant C = lim n mse(n).
const flow = closedForms(problem).flow
console.log(`mse_1 = ${flow.find((line) => line.name === 'mse_1')?.text}`)
const { exact } = rate(problem, { digits: 20 })
console.log(`C = ${exact?.text.C} = ${exact?.values.C.toString()}`)

// The Bayes-optimal estimator at the same n (d -> infinity).
console.log(`bo_mse = ${asymptoticBaselines(problem.n, problem.sigma).bo_mse.toPrecision(12)}`)

// A sweep over n: the rows of `flowgm compare`, as they are computed.
for await (const r of sweep({ command: 'compare', n: [16, 64, 256], sigma: 1.5, lambda: 0.1 })) {
  console.log(`n = ${r.n}: n mse = ${r.n_mse}, n bo_mse = ${r.n_bo_mse}`)
}

// A small simulation at finite d, with progress, stoppable through an AbortSignal.
const controller = new AbortController()
const { document } = await simulate(simulationSpec({ problem, d: 500, particles: 50, steps: 20 }), {
  signal: controller.signal,
  onStep: (done, total) => {
    if (done === total) console.log(`simulated ${total} steps`)
  },
})
console.log(`simulated mse(1) = ${document.measured.final.mse.toPrecision(3)}, theory ${document.theory.final.mse.toPrecision(3)}`)

// Invalid values are refused with the parameter and the rule.
try {
  flowProblem({ n: 1, sigma: 1.5, lambda: 0.1 })
} catch (e) {
  if (e instanceof ParameterError) console.log(`refused: ${e.parameter}: ${e.rule}`)
}
