// The generated mixture's mean error at t = 1 against n, and n * mse, which tends to the rate
// constant (THEORY.md section 4). Run after `npm ci`: node examples/mse-against-n.mjs
import { flowProblem } from '../dist/theory/problem.js'
import { solve } from '../dist/theory/solve.js'

console.log('n,mse,n_mse')
for (let n = 2; n <= 1024; n *= 2) {
  const { mse } = solve(flowProblem({ n, sigma: 1.5, lambda: 0.1 })).stats(1)
  console.log(`${n},${mse.toPrecision(12)},${(n * mse).toPrecision(12)}`)
}
