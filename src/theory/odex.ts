/**
 * The one place the integrator odex (a CommonJS package) is loaded in Node: by require, which
 * runs it as it is, where an ES import of it first has Node parse its source for the names it
 * exports, which cost a double-precision command about a sixth of its start. In a browser,
 * odex.browser.ts (package.json's `browser` field) imports it.
 */
import { createRequire } from 'node:module'
import type { Solver as OdexSolver } from 'odex'

export type { OutputFunction } from 'odex'

export const Solver = (createRequire(import.meta.url)('odex') as { Solver: typeof OdexSolver }).Solver
export type Solver = OdexSolver
