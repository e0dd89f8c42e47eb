/**
 * flowgm in a browser, and the part of the library that runs anywhere: index.ts adds what needs
 * Node (the report, which writes files; PNG, rendered by a native binary; SVG in a worker thread).
 * package.json's `exports` sends a bundler that targets the browser here; docs/api.md is the guide.
 *
 *   import { flowProblem, solve } from 'flowgm'
 *   const s = solve(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1 }))
 *   s.stats(1).mse  // 0.550566621801...
 *
 * Invalid values throw a ParameterError naming the parameter and the rule.
 */

// Problems and their solution: Result A (the learnt denoiser) and Result B (the generated flow).
export { flowProblem, scheduleNames, PARAMETER_RANGE, PROBLEM_DEFAULTS, DOUBLE_N_MAX, type FlowProblem, type ProblemOptions, type ScheduleSpec } from './theory/problem.js'
export { solve, learntDae, type FlowSolution, type SolveOptions, type Diagnostics, type PrecisionNote } from './theory/solve.js'
export { solvePrecise, type PreciseSolution, type PreciseRows, type PreciseRow, type Times } from './theory/precise.js'
export { STATS_KEYS, DAE_KEYS, INFINITE_KEYS, type StatsKey, type DaeKey, type StatsRow, type DaeRow } from './generated/keys.js'
export { discreteFlow, SCHEMES, TABLEAUX, type Sampler, type Scheme, type Tableau } from './theory/discrete.js'
export { closedForms, type ClosedFormGroup, type ClosedFormLine } from './theory/closed-form.js'
export { rate, RATE_KEYS, DISTANCE_RATE_KEYS, type RateKey, type DistanceRateKey, type RateOptions, type RateResult, type RatePoint } from './theory/rate.js'
export {
  stepsTable,
  stepsNeeded,
  STEPS_KEYS,
  STEP_CRITERIA,
  type StepsKey,
  type StepsOptions,
  type StepsRow,
  type StepsConstant,
  type StepsResult,
  type StepCriterion,
  type StepsNeededOptions,
  type StepsNeededResult,
} from './theory/steps.js'

// Baselines: the Bayes-optimal and PCA estimators, asymptotic (d -> infinity) and on samples.
export { asymptoticBaselines, asymptoticBaselinesHp, BASELINE_KEYS, type BaselineKey, type Baselines } from './baselines/asymptotic.js'
export {
  bayesOptimal,
  pca,
  gramSpectrum,
  alignedError,
  baselineErrors,
  type GramSpectrum,
  type PcaEstimate,
  type AlignedError,
  type BaselineErrors,
  type BaselineOptions,
  type Labels,
} from './baselines/finite.js'

// Simulation at finite d.
export {
  simulate,
  simulationSpec,
  SIMULATE_DEFAULTS,
  FLOW_STEP_KEYS,
  DAE_STEP_KEYS,
  type SimulationSpec,
  type SimulationHooks,
  type SimulationDocument,
  type Series,
  type Timing,
} from './simulate/simulate.js'
export { TRAINERS, type TrainerName } from './simulate/train.js'
export { ENGINES, type EngineName } from './simulate/engine.js'

// Sweeps over grids of parameters (the rows of compare, dae-compare and curves).
export { sweep, sweepSpecOf, type SweepOptions, type SweepRow, type AxisValues } from './sweep/iterate.js'
export { SWEEP_COMMANDS, COMPARE_KEYS, DAE_COMPARE_KEYS, type SweepCommand, type SweepSpec } from './sweep/sweeps.js'

// Charts: vega-lite specifications with the table behind each, and their SVG.
export {
  daeFigure,
  curvesFigure,
  compareFigure,
  distancesFigure,
  daeCompareFigure,
  rateFigure,
  rateConstants,
  simulateFigure,
  simulationTable,
  csvOf,
  PLOT_KINDS,
  type Figure,
  type Table,
  type PlotKind,
} from './plot/figures.js'
export { particlesFigure, pcaFigure, componentsFigure, COMPONENT_KEYS } from './plot/published.js'
export { toSvg, type ChartSpec } from './plot/render.js'

export { ParameterError, OutputError } from './errors.js'
export { Decimal } from './hp/arith.js'
export { VERSION } from './version.js'
