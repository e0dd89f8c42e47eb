/**
 * `flowgm closed-form`: the exact expressions the symbolic layer found (src/symbolic/exact.ts and
 * Result A), as functions of n, sigma, lambda, omega and of alpha, beta (the schedule at t), in
 * mathjs syntax (text), LaTeX or JSON. What was not found is said plainly, with the reason.
 */
import { ParameterError } from '../errors.js'
import { math } from '../symbolic/mathjs.js'
import { closedForms } from '../theory/closed-form.js'
import type { FlowProblem } from '../theory/problem.js'
import { clip, single } from '../text.js'

export const CLOSED_FORM_FORMATS = ['text', 'latex', 'json'] as const

/** LaTeX names of the left-hand sides. */
const TEX_NAMES: Record<string, string> = {
  M: 'M_t',
  Q_xi: 'Q^{\\xi}_t',
  P: 'P_t',
  Phi: '\\Phi_t',
  mse_1: '\\mathrm{mse}(t=1)',
  K: 'K',
  Lambda: '\\Lambda',
  D: 'D',
  c: '\\hat c',
  m: '\\hat m',
  q_xi: '\\hat q_{\\xi}',
  w_norm2: '\\|\\hat w\\|^2/d',
  'w_cos^2': '\\cos^2(\\hat w, \\mu)',
  test_mse: '\\mathrm{mse}_{\\mathrm{test}}',
  oracle_mse: '\\mathrm{mse}_{\\mathrm{oracle}}',
  margin: '\\mathrm{margin}',
  m_mu: '\\hat m_{\\mu}',
  q_eta: '\\hat q_{\\eta}',
  C: 'C',
  C1: 'C_1',
  C_bo: 'C_{\\mathrm{BO}}',
  C_bo1: 'C_{\\mathrm{BO},1}',
  ratio: 'C / C_{\\mathrm{BO}}',
  floor_w2: 'w_{2,\\infty}',
  C_w2: 'C_{w_2}',
  floor_kl: '\\mathrm{kl}_{\\infty}',
  C_kl: 'C_{\\mathrm{kl}}',
}

const HEADINGS: Record<string, string> = {
  schedule: 'Schedule (x_t = alpha(t) x0 + beta(t) x1)',
  definitions: 'Definitions (dae.eq)',
  flow: 'Flow (Result B): exact solutions for every schedule, with alpha = alpha(t), beta = beta(t); mse_1 is mse at t = 1',
  dae: 'Denoiser (Result A) at time t, exact normal form',
  rate: 'Rate: n mse(n) = C + C1/n + O(1/n^2), n bo_mse(n) = C_bo + C_bo1/n + O(1/n^2)',
}

const tex = (text: string) => math().parse(text).toTex({ parenthesis: 'auto', implicit: 'hide' })

export function closedFormCommand(a: Record<string, unknown>, problem: FlowProblem): string {
  const given = single('format', a.format)
  // --json is --format json: with another --format it is a conflict, as for every command.
  if (a.json === true && given !== undefined && given !== 'json') throw new ParameterError('json', `conflicts with --format ${clip(given)}`)
  const format = given ?? (a.json === true ? 'json' : 'text')
  if (!(CLOSED_FORM_FORMATS as readonly string[]).includes(format)) throw new ParameterError('format', `must be one of ${CLOSED_FORM_FORMATS.join(', ')} for closed-form (got '${clip(format)}')`)
  if (a.digits !== undefined) throw new ParameterError('digits', 'is not used by closed-form (its expressions are exact)')
  const groups = closedForms(problem)
  // Fresh noise at every t says so (shared noise, the published model, reads as before it existed).
  const perTime = problem.noise === 'per-time'
  const variant = (problem.skip ? 'with skip connection' : 'without skip connection (c = 0)') + (perTime ? ', fresh noise at every t (the memorised part vanishes: Q_xi = 0)' : '')
  if (format === 'json') {
    const out = Object.fromEntries(
      Object.entries(groups).map(([g, lines]) => [
        g,
        Object.fromEntries(lines.map((l) => [l.name, l.text !== undefined ? { text: l.text, latex: g === 'schedule' ? undefined : tex(l.text) } : { found: false, reason: l.reason }])),
      ]),
    )
    return JSON.stringify({ variant: problem.skip ? 'skip' : 'noskip', ...(perTime ? { noise: problem.noise } : {}), ...out }, null, 2) + '\n'
  }
  if (format === 'latex') {
    const body = Object.entries(groups)
      .filter(([g]) => g !== 'schedule')
      .map(([g, lines]) =>
        [`% ${HEADINGS[g]}`, ...lines.map((l) => (l.text !== undefined ? `${TEX_NAMES[l.name] ?? l.name} &= ${tex(l.text)} \\\\` : `% ${l.name}: not found (${l.reason})`))].join('\n'),
      )
    return `% flowgm closed-form, ${variant}; schedule alpha = ${problem.schedule.alpha}, beta = ${problem.schedule.beta}\n\\begin{align*}\n${body.join('\n')}\n\\end{align*}\n`
  }
  const lines = Object.entries(groups).map(([g, ls]) => [`# ${HEADINGS[g]}`, ...ls.map((l) => (l.text !== undefined ? `${l.name} = ${l.text}` : `${l.name}: not found (${l.reason})`))].join('\n'))
  return `# flowgm closed-form, ${variant}\n\n${lines.join('\n\n')}\n`
}
