/**
 * A sweep's header, the first line of its JSONL file: what determines the rows (so that shards
 * and a resumed run are recognised as the same sweep, by its id), and a LaTeX caption.
 */
import { createHash } from 'node:crypto'
import { VERSION } from '../version.js'
import { axisLength, axisText, axisValue } from './grid.js'
import type { Sweep, SweepSpec } from './sweeps.js'
import { latexText, type SweepHeader } from './writers.js'

/** The sweep's header (first line of its JSONL): what determines the rows, and the caption. */
export function sweepHeader(sweep: Sweep, shard: string): SweepHeader {
  const { spec } = sweep
  const axes = Object.fromEntries(spec.axes.map((a) => [a.name, a.definition]))
  const schedule = typeof spec.schedule === 'string' ? spec.schedule : `alpha = ${spec.schedule.alpha}; beta = ${spec.schedule.beta}`
  const params = {
    schedule,
    ...(spec.architectures ? { architectures: spec.architectures.join(','), rho: spec.rho! } : { skip: spec.skip }),
    // A class weight other than 1/2 changes w2: shards of another rho do not merge (1/2 keeps the
    // header of sweeps written before rho existed).
    ...(!spec.architectures && spec.rho !== undefined && Number(spec.rho) !== 0.5 ? { rho: spec.rho } : {}),
    ...(spec.draws === undefined ? {} : { draws: spec.draws === Infinity ? 'inf' : spec.draws }),
    ...(spec.noise === undefined ? {} : { noise: spec.noise }),
    ...(spec.sampler ? { steps: spec.sampler.steps, scheme: spec.sampler.scheme } : {}),
    ...(spec.digits !== undefined ? { digits: spec.digits } : {}),
    ...(spec.command === 'compare' ? { t: 1 } : {}),
  }
  const id = createHash('sha256')
    .update(JSON.stringify({ flowgm: VERSION, sweep: spec.command, axes, params, keys: sweep.keys }))
    .digest('hex')
    .slice(0, 16)
  return { flowgm: VERSION, sweep: spec.command, id, shard, rows: sweep.grid.size, keys: sweep.keys, axes, params, caption: caption(spec) }
}

const ARCHITECTURES_CAPTION =
  'Learnt generative flow at $t = 1$ with and without skip connection: error of the generated cluster mean, generated variance against $\\sigma^2$, distances $W_2^2/d$ and KL$/d$ to the target, and their $1/n$ constants'

const SYMBOLS: { [name: string]: string } = { sigma: '\\sigma', lambda: '\\lambda', omega: '\\omega', n: 'n', t: 't' }

/** The LaTeX caption: what is tabulated and every parameter (one value, a set or a range). */
function caption(spec: SweepSpec): string {
  const what = {
    compare: 'Learnt generative flow at $t = 1$ against the Bayes-optimal and PCA estimators (mse $= \\|\\hat\\mu - \\mu\\|^2/d$)',
    'dae-compare': 'Test error of the learnt denoiser against the oracle denoiser',
    curves: 'Learnt denoiser and summary statistics of the generative flow over $t$',
  }[spec.command]
  const schedule =
    typeof spec.schedule === 'string' ? `${spec.schedule} schedule` : `schedule $\\alpha(t) =$ \\texttt{${latexText(spec.schedule.alpha)}}, $\\beta(t) =$ \\texttt{${latexText(spec.schedule.beta)}}`
  const params = spec.axes.map((a) => {
    const len = axisLength(a)
    const texts = Array.from({ length: Math.min(len, 8) }, (_, j) => (a.kind === 'values' ? axisText(a, j) : String(axisValue(a, j))))
    if (len === 1) return `$${SYMBOLS[a.name]} = ${texts[0]}$`
    if (len <= 8) return `$${SYMBOLS[a.name]} \\in \\{${texts.join(', ')}\\}$`
    return `$${SYMBOLS[a.name]} \\in [${String(axisValue(a, 0))}, ${String(axisValue(a, len - 1))}]$ (${len} values)`
  })
  const precision = spec.digits !== undefined ? `, ${spec.digits} significant digits` : ''
  const sampler = spec.sampler ? `, sampled by ${spec.sampler.steps} ${spec.sampler.scheme} steps` : ''
  // The training pairs where they are not the published model's (one noise draw, shared over t).
  const draws = spec.draws === undefined ? '' : `, $k = ${spec.draws === Infinity ? '\\infty' : spec.draws}$ noise draws per sample`
  const noise = spec.noise === undefined ? '' : ', fresh noise at every $t$'
  if (spec.architectures)
    return `${ARCHITECTURES_CAPTION}; ${schedule}, ${spec.architectures.map((a) => (a === 'skip' ? 'with' : 'without')).join(' and ')} skip connection, ${params.join(', ')}, $\\rho = ${spec.rho}$${precision}.`
  return `${what}; ${schedule}, ${spec.skip ? 'with' : 'without'} skip connection${draws}${noise}${sampler}, ${params.join(', ')}${precision}.`
}
