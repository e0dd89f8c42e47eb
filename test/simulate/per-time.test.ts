// simulate --noise per-time (issue 20): the DAE at every time the sampler trains at is fitted on
// the same samples with base noise drawn afresh for that time, and the measurements are set
// against the theory of the same K-step sampler with fresh noise at every t (src/theory/discrete.ts,
// the sum of squares of the memorised directions): a route independent of the code under test,
// which only samples, trains and transports d-vectors.
import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { simulate, simulationSpec } from '../../src/simulate/simulate.js'
import { perTimeMeasurement } from '../../src/simulate/measure.js'
import { createEngine } from '../../src/simulate/engine.js'
import { dot } from '../../src/simulate/vector.js'
import { rng } from '../../src/random.js'
import { flowProblem, type Noise } from '../../src/theory/problem.js'
import type { Scheme } from '../../src/theory/discrete.js'
import { expectInputError, inProcessCli, show } from '../cli/run.js'

const d = 10_000
const K = 10
const run = (noise: Noise, scheme: Scheme, seed = 1) =>
  simulate(simulationSpec({ problem: flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, noise }), d, particles: 300, steps: K, scheme, seed, engine: 'js' }))
// The runs two tests read, made once.
const runs = new Map<string, ReturnType<typeof run>>()
const cached = (noise: Noise, scheme: Scheme) => {
  const key = `${noise} ${scheme}`
  if (!runs.has(key)) runs.set(key, run(noise, scheme))
  return runs.get(key)!
}

// Tolerance 4/sqrt(d) (the issue's): measured - theory is O(1/sqrt(d)) from the finite training
// sets and particles. Observed over seeds 1..8 at these parameters (300 particles, 10 steps), the
// worst step of sqrt(d) |measured - theory|: euler M 1.07, Q_xi 0.30, P 0.99, mse 0.68 at t = 1;
// heun M 1.23, Q_xi 0.30, P 1.11, mse 0.77; and the DAE's c 1.72, m 0.68, q_xi 0.13 against
// Result A: 4 is 2.3x the worst.
const tol = 4 / Math.sqrt(d)

describe('simulate --noise per-time', () => {
  it.each(['euler', 'heun'] as const)('%s: the flow at every step and t = 1, and the DAE at every step, agree with the per-time theory', async (scheme) => {
    const { document: doc } = await cached('per-time', scheme)
    expect(doc.params.noise).toBe('per-time')
    for (let k = 0; k <= K; k++) {
      const m = doc.measured.steps[k]
      for (const key of ['M', 'Q_xi', 'P']) expect(Math.abs(m[key] - doc.theory_discrete.steps[k][key]), `${key} at step ${k}`).toBeLessThan(tol)
      // Each DAE's q_xi is its own time's: the overlap with the xi of the noise it was trained on.
      if (k < K) for (const key of ['c', 'm', 'q_xi']) expect(Math.abs(m[key] - doc.theory.steps[k][key]), `${key} at step ${k}`).toBeLessThan(tol)
    }
    for (const key of ['M', 'Q_xi', 'P', 'mse']) expect(Math.abs(doc.measured.final[key] - doc.theory_discrete.final[key]), key).toBeLessThan(tol)
  })

  it("adam: each time's fit is the exact fit on that time's own set, and its q_xi is Result A's", async () => {
    // exact_distance is measured against the exact trainer on the same time's noise: observed at
    // most 6.8e-4 over seeds 1-3 at these settings (Adam's stopping point; 2000 epochs, lr 1e-2),
    // bound 5e-3. A fit on another time's noise is off by about sqrt(2 q_xi^2 n) = 0.24 there.
    // q_xi against Result A within 4/sqrt(d), as above.
    const { document: doc } = await simulate(
      simulationSpec({ problem: flowProblem({ n: 8, sigma: 1.5, lambda: 0.1, noise: 'per-time' }), d: 2000, particles: 50, steps: 5, scheme: 'heun', trainer: 'adam', seed: 1, engine: 'js' }),
    )
    for (let k = 0; k < 5; k++) {
      const m = doc.measured.steps[k]
      expect(m.exact_distance, `exact_distance at step ${k}`).toBeLessThan(5e-3)
      expect(Math.abs(m.q_xi - doc.theory.steps[k].q_xi), `q_xi at step ${k}`).toBeLessThan(4 / Math.sqrt(2000))
    }
  })

  it('fresh noise is not the shared noise: the same seed with shared noise meets the shared theory, 10/sqrt(d) away', async () => {
    // Q_xi(1) of these 10 Euler steps: -0.162 with shared noise, -0.057 with fresh noise at every
    // t (flowgm stats --steps 10 --noise shared|per-time), 10.5/sqrt(d) apart, so the per-time
    // check above cannot pass on a training set whose noise is the same at every time.
    const [shared, fresh] = await Promise.all([cached('shared', 'euler'), cached('per-time', 'euler')])
    const gap = Math.abs(shared.document.theory_discrete.final.Q_xi - fresh.document.theory_discrete.final.Q_xi)
    expect(gap).toBeGreaterThan(10 / Math.sqrt(d))
    const m = shared.document.measured.final
    for (const key of ['M', 'Q_xi', 'P', 'mse']) expect(Math.abs(m[key] - shared.document.theory_discrete.final[key]), key).toBeLessThan(tol)
    expect(shared.document.params).not.toHaveProperty('noise')
  })

  it('is reproducible from the seed; its first time trains on the shared run’s draws, and N does not move the noise', async () => {
    const small = (noise: Noise, seed: number, particles = 8) =>
      simulate(simulationSpec({ problem: flowProblem({ n: 4, sigma: 1.5, lambda: 0.1, noise }), d: 60, particles, steps: 4, scheme: 'heun', seed, engine: 'js' }))
    const [a, b, other, shared, more] = await Promise.all([small('per-time', 5), small('per-time', 5), small('per-time', 6), small('shared', 5), small('per-time', 5, 9)])
    expect(a.document.measured).toEqual(b.document.measured)
    expect(a.document.measured).not.toEqual(other.document.measured)
    // data.ts: t = 0's noise is the training set's own draws, later times' come from a second
    // stream, which the particles do not read: the DAE rows depend on the training sets only.
    const dae = (doc: typeof a.document, k: number) => ['c', 'm', 'q_xi', 'w_norm2'].map((key) => doc.measured.steps[k][key])
    expect(dae(a.document, 0)).toEqual(dae(shared.document, 0))
    expect(dae(a.document, 1)).not.toEqual(dae(shared.document, 1))
    for (let k = 0; k < 4; k++) expect(dae(more.document, k), `step ${k}`).toEqual(dae(a.document, k))
  })
})

describe('the per-time measurement of Q_xi and P (measure.ts)', () => {
  it('gives the memorised part of a cluster centre built from known directions, and the spread', async () => {
    // Particles written out by hand: X_i = s_i c + P g_i, c = (M/n) A + sum_tau Q_tau xi_tau with
    // T = 10 directions xi_tau ~ N(0, (n/k) I) and s_i = sign(g_i . A) (the cluster set by the
    // particle's own noise, docs/simulation.md section 6). The expected values are the
    // construction's: Q_xi = -sqrt(sum_tau Q_tau^2 |xi_tau|^2/(d n/k)) and P.
    // Tolerances: the measurement's errors are zero-mean cross terms (the largest 2 P c_perp . gbar/d,
    // gbar = mean s_i g_i) and the fluctuation sqrt(2/(N d)) of mean |g_i|^2/d; measured over seeds
    // 1-20 of this construction: Q_xi - want has sd 1.1e-3 (worst 2.7e-3), P - 1.3 sd 1.5e-3 (worst
    // 3.2e-3). Bounds 6e-3 and 8e-3 (over 5 sd). Without the -P^2/N term Q_xi would read -0.121
    // (P^2/(N n/k) = 0.0106 added to Q_xi^2 = 0.004); without 1/(1 - 1/N) P would be 0.033 low.
    const d = 20_000,
      N = 20,
      n = 8,
      T = 10,
      P = 1.3,
      M = 1,
      Qtau = -0.02
    const random = rng(11)
    const normals = () => random.fillNormals(new Float64Array(d))
    const mu = normals()
    const A = normals().map((z, i) => n * mu[i] + 1.5 * Math.sqrt(n) * z)
    const xis = Array.from({ length: T }, () => normals().map((x) => Math.sqrt(n) * x))
    const c = A.map((a, i) => (M / n) * a + xis.reduce((sum, xi) => sum + Qtau * xi[i], 0))
    const rows = Array.from({ length: N }, () => {
      const g = normals()
      const s = dot(g, A) >= 0 ? 1 : -1
      return g.map((x, i) => s * c[i] + P * x)
    })
    let next = 0
    const engine = await createEngine('js', N, d, (row) => row.set(rows[next++]))
    const data = { d, n, draws: 1, mu, labels: new Int8Array(n), x0: new Float64Array(0), x1: new Float64Array(0), A, xi: new Float64Array(d) }
    const probe = perTimeMeasurement(data, N)
    const { dots, norms } = engine.project(probe.vectors)
    const row = probe.row(1, dots, norms, probe.vectors.length, 0, engine)
    const want = -Math.sqrt(xis.reduce((sum, xi) => sum + (Qtau ** 2 * dot(xi, xi)) / (d * n), 0))
    expect(Math.abs(row.Q_xi - want), `Q_xi ${row.Q_xi} against ${want}`).toBeLessThan(6e-3)
    expect(Math.abs(row.P - P), `P ${row.P}`).toBeLessThan(8e-3)
  })
})

describe('flowgm simulate --noise', () => {
  const cli = inProcessCli()
  afterAll(() => cli.close())
  const refused = (r: Awaited<ReturnType<typeof cli.run>>, flag: string) => {
    expectInputError(r, flag)
    return r.stderr
  }

  it('shared noise, the default, prints what it printed before fresh noise existed (test/golden/simulate.out)', async () => {
    const golden = JSON.parse(readFileSync(new URL('../golden/simulate.out', import.meta.url), 'utf8')) as { stdout: string }
    const args = JSON.parse(readFileSync(new URL('../golden/invocations.json', import.meta.url), 'utf8')).find((x: { name: string }) => x.name === 'simulate').args as string[]
    for (const extra of [[], ['--noise', 'shared']]) {
      const r = await cli.run([...args, ...extra])
      expect(r.stdout, show(r)).toBe(golden.stdout)
    }
  })

  it('refuses one particle under per-time, naming --particles', async () => {
    expect(refused(await cli.run(['simulate', '--d', '50', '--particles', '1', '--steps', '2', '--noise', 'per-time']), 'particles')).toMatch(/at least 2/)
  })

  it('refuses noise the machine cannot hold, with the estimate, naming --draws', async () => {
    // One time's n k d = 100 x 1e6 x 1e4 noise and as many inputs: 2e12 x 8 bytes = 14901 GiB
    // (the other times' noise is not held at once).
    const line = refused(await cli.run(['simulate', '--n', '100', '--d', '10000', '--draws', '1000000', '--noise', 'per-time', '--engine', 'js']), 'draws')
    expect(line).toMatch(/need about 1490\d\.\d GiB/)
  })
})
