/**
 * The modules of the numerical core under mutation testing (`npm run mutation`), each with the
 * files Stryker mutates and the test files that run against its mutants. Only tests that call the
 * code in-process can see a mutant (tests that run the built CLI in a child process use dist/), and
 * each module runs the subset of those that exercises it, so a score is a lower bound on what the
 * whole suite kills.
 */
export interface MutationModule {
  readonly name: string
  readonly mutate: readonly string[]
  readonly tests: readonly string[]
  /** Files of the project left out of the sandbox (e.g. the compiled model, to derive it from the mutated code). */
  readonly ignore?: readonly string[]
}

export const MUTATION_MODULES: readonly MutationModule[] = [
  { name: 'hp', mutate: ['src/hp/**/*.ts'], tests: ['test/hp/*.test.ts', 'test/theory/hp.test.ts', 'test/reliability/digits-limits.test.ts'] },
  // Without the compiled model in the sandbox, every test file derives it with the mutated code generator.
  { name: 'codegen', mutate: ['src/symbolic/codegen.ts'], tests: ['test/symbolic/{derive,exact,rational,meaning,codegen-mutants}.test.ts', 'test/theory/solve.test.ts'], ignore: ['/dist/generated'] },
  // The plain-TypeScript kernels (vector.ts, rows.ts: the products and updates of engine.ts's jsEngine) are
  // left out: instrumented, they make every simulation some 30x slower and the run would not end
  // (the initial test run alone timed out at 5 minutes). test/simulate checks them against the
  // theory through every measurement.
  { name: 'simulate', mutate: ['src/simulate/{simulate,train,data}.ts', 'src/simulate/engine.ts:1-58'], tests: ['test/simulate/*.test.ts'] },
  // merge, and the resume code: resumePoint and the scan it makes (run.ts), the partial file (sink.ts).
  { name: 'sweep', mutate: ['src/sweep/merge.ts', 'src/sweep/run.ts:178-288', 'src/sweep/sink.ts:254-316'], tests: ['test/sweep/*.test.ts'] },
  // test/theory/edge.test.ts (40 s, high-precision references at extreme parameters) is left out: under
  // instrumentation it would cost minutes per mutant.
  // The double-precision theory and the high-precision driver are two modules: a mutant of solve.ts
  // would otherwise run the high-precision tests too (some 40 s each under instrumentation).
  {
    name: 'theory',
    mutate: ['src/theory/{solve,problem,model,quadrature,rate}.ts'],
    tests: ['test/theory/{solve,discrete,rate}.test.ts', 'test/theory/*-mutants.test.ts', 'test/reliability/schedule-conditions.test.ts'],
  },
  // The K-step samplers: the recurrences (discrete.ts), the solution on the grid (sampled.ts), the
  // table over K (steps.ts) and the particles' step (runge-kutta.ts). Left out: test/theory/
  // sampler-reference.test.ts (it starts eleven CLI runs of dist/, which no mutant reaches, in
  // beforeAll, and its in-process checks of discrete.ts go through statsHp at 40 digits, the
  // slow part of a run instrumented; sampler-mutants.test.ts checks both recurrences against each
  // scheme written out by hand, at small K) and test/simulate/simulate.test.ts (its sampler checks
  // are within O(1/sqrt(d)); simulate-b-mutants.test.ts moves the particles by hand to 1e-15).
  {
    name: 'sampler',
    mutate: ['src/theory/{discrete,sampled,steps}.ts', 'src/simulate/runge-kutta.ts'],
    tests: ['test/theory/{discrete,steps,rate-sampler,sampler-mutants}.test.ts', 'test/simulate/{runge-kutta,simulate-b-mutants}.test.ts'],
  },
  { name: 'theory-hp', mutate: ['src/theory/hp.ts'], tests: ['test/theory/hp.test.ts', 'test/theory/hp-mutants/*.test.ts', 'test/reliability/digits-{limits,hp}.test.ts'] },
  { name: 'baselines', mutate: ['src/baselines/**/*.ts'], tests: ['test/baselines/*.test.ts', 'test/reliability/digits-baselines.test.ts'] },
]
