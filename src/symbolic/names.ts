/**
 * The model's names, shared by the symbolic layer and the code it compiles for (src/theory): kept
 * apart from derive.ts, which reads the equation files, so that the compiled model is usable
 * without them (in a browser).
 */

/** Model parameters, in the order the compiled factories take them. */
export const PARAMETERS = ['n', 'sigma', 'lambda', 'omega', 'rho', 'kinv'] as const
export type Parameter = (typeof PARAMETERS)[number]
/** A problem's parameter values in the factories' order. */
export const parameterValues = (p: Readonly<Record<Parameter, number>>): [number, number, number, number, number, number] => [p.n, p.sigma, p.lambda, p.omega, p.rho, p.kinv]
export const SCHEDULE_SYMBOLS = ['alpha', 'beta', 'alphadot', 'betadot'] as const
export const UNKNOWNS = ['c', 'm', 'q_xi'] as const
export const STATES = ['M', 'Q_xi', 'P'] as const
export const VARIANTS = ['skip', 'noskip'] as const
export type Variant = (typeof VARIANTS)[number]
