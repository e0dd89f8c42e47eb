// Types for the parts of odex (CommonJS, ships no declarations) that flowgm uses.
declare module 'odex' {
  export type Derivative = (x: number, y: number[]) => number[]
  export type OutputFunction = (nr: number, xOld: number, x: number, y: number[], dense?: (c: number, x: number) => number) => boolean | void
  export enum Outcome {
    Converged = 0,
    MaxStepsExceeded = 1,
    EarlyReturn = 2,
  }
  export interface Result {
    y: number[]
    outcome: Outcome
    nStep: number
    xEnd: number
    nAccept: number
    nReject: number
    nEval: number
  }
  export class Solver {
    constructor(n: number)
    absoluteTolerance: number | number[]
    relativeTolerance: number | number[]
    maxSteps: number
    initialStepSize: number
    maxStepSize: number
    denseOutput: boolean
    denseOutputErrorEstimator: boolean
    interpolationFormulaDegree: number
    solve(f: Derivative, x: number, y0: number[], xEnd: number, solOut?: OutputFunction): Result
  }
}
