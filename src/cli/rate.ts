/**
 * `flowgm rate`: C = lim n mse(n), C_bo, their ratio and the next coefficients, by the exact
 * series (route a) and by Richardson extrapolation of high-precision values (route b), with the
 * digits on which they agree. `--format csv` prints the sequence behind route (b).
 */
import type { Argv } from 'yargs'
import { Worker } from 'node:worker_threads'
import { ParameterError, raisedError, type PostedError } from '../errors.js'
import { Decimal } from '../hp/arith.js'
import { DISTANCE_RATE_KEYS, RATE_KEYS, type DistanceRateKey, type RateKey, type RatePoint, type RateResult } from '../theory/rate.js'
import type { FlowProblem } from '../theory/problem.js'
import { clip, integer, single } from '../text.js'
import type { Format } from './format.js'
import { commonOptions, samplerFrom, scheduleFrom } from './common.js'
import { stageCount } from '../theory/discrete.js'
import { checkHp, transcendentalSchedule } from '../limits.js'
import { maxOf } from '../extent.js'

/** Digits printed when --digits is not given. */
const RATE_DIGITS = 12

/** The flags of rate: the common ones and --n-max. */
export function rateOptions<T>(y: Argv<T>): Argv<T> {
  // --n is refused (n -> infinity): not shown.
  return commonOptions(y).hide('n').option('n-max', { type: 'string', describe: 'largest n of the sequence n = 10, 100, ..., a power of 10 in [1e3, 1e30] [default: 1e12]' })
}

/** --n-max: the largest n of the sequence, a power of 10 in [1e3, 1e30] (default 1e12); --n is refused. */
export function nMaxFrom(a: Record<string, unknown>): number {
  if (a.n !== undefined) throw new ParameterError('n', 'is not used by rate (it takes n -> infinity; see --n-max)')
  const nMaxText = single('n-max', a['n-max'] ?? a.nMax)
  if (nMaxText !== undefined) {
    const k = /^1e(\d+)$/i.exec(nMaxText.trim()) ?? /^1(0+)$/.exec(nMaxText.trim())
    const exp = k ? (k[0].toLowerCase().startsWith('1e') ? Number(k[1]) : k[1].length) : NaN
    if (!(exp >= 3 && exp <= 30)) throw new ParameterError('n-max', `must be a power of 10 in [1e3, 1e30], written 1eK or 10...0 (got '${clip(nMaxText)}')`)
    return 10 ** exp
  }
  return 1e12
}

/** Refuse a rate sequence beyond its time limit (src/limits.ts), before computing it: rate and plot rate. */
export function checkRate(a: Record<string, unknown>, digits: number, nMax: number): void {
  const sampler = samplerFrom(a)
  checkHp({ command: 'rate', digits, nMax, transcendental: transcendentalSchedule(scheduleFrom(a)), ...(sampler ? { stages: stageCount(sampler) } : {}) })
}

/** Where the worker's compiled code lives, from src/ (tests) and from dist/ alike. */
const WORKER = new URL('../../dist/cli/rate-worker.js', import.meta.url)

/** A RateResult read back from its JSON text (each Decimal written as its exact text). */
function rateResultOf(json: string): RateResult {
  const r = JSON.parse(json) as { [K in keyof RateResult]: unknown } & {
    exact?: { values: Record<RateKey, string>; text: Record<string, string> }
    numeric: Record<RateKey, string>
    sequence: Array<Record<keyof RatePoint, string>>
    floor?: { value: string; digits: number; zero: boolean }
    distances: { numeric: Record<string, string>; exact?: Record<string, string>; text?: Record<string, string>; agreement: Record<string, number>; reason?: string }
  }
  const decimals = <K extends string>(o: Record<K, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, new Decimal(v as string)])) as Record<K, Decimal>
  return {
    exact: r.exact && { values: decimals(r.exact.values), text: r.exact.text },
    exactReason: r.exactReason as string | undefined,
    numeric: decimals(r.numeric),
    sequence: r.sequence.map((p) => ({ n: p.n, n_mse: new Decimal(p.n_mse), n_bo_mse: new Decimal(p.n_bo_mse), w2: new Decimal(p.w2), kl: new Decimal(p.kl) })),
    distances: { ...r.distances, numeric: decimals(r.distances.numeric), ...(r.distances.exact ? { exact: decimals(r.distances.exact) } : {}) },
    agreement: r.agreement as RateResult['agreement'],
    ...(r.floor ? { floor: { ...r.floor, value: new Decimal(r.floor.value) } } : {}),
  }
}

/**
 * rate() of the flags `a` (validated), computed in a worker thread: a high-precision sequence
 * takes seconds to minutes in one synchronous call, which would hold off SIGINT and SIGTERM.
 */
export async function rateInWorker(a: Record<string, unknown>, digits: number, nMax: number): Promise<RateResult> {
  const worker = new Worker(WORKER, { workerData: { args: a, digits, nMax } })
  try {
    const m = await new Promise<{ result?: string } & Partial<PostedError>>((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
      worker.once('exit', (code) => reject(new Error(`the rate worker stopped (exit ${code})`)))
    })
    if (m.error !== undefined) throw raisedError(m as PostedError)
    return rateResultOf(m.result!)
  } finally {
    await worker.terminate()
  }
}

export async function rateCommand(a: Record<string, unknown>, problem: FlowProblem & { digits?: number }, format: Format): Promise<string> {
  const nMax = nMaxFrom(a)
  const digits = problem.digits ?? RATE_DIGITS
  integer('digits', digits, 1, 1000)
  checkRate(a, digits, nMax)
  const r = await rateInWorker(a, digits, nMax)
  if (format === 'csv') {
    const rows = r.sequence.map((s) => [s.n.replace(/^1e/, '1e'), s.n_mse.toPrecision(digits), s.n_bo_mse.toPrecision(digits)].join(','))
    return ['n,n_mse,n_bo_mse', ...rows].join('\n') + '\n'
  }
  // With a sampler route (b) alone is printed, to the digits its two extrapolations agree on.
  const verified = (x: Decimal, agreeing: number): string | null => (agreeing >= 1 ? x.toPrecision(Math.min(digits, agreeing)) : null)
  // A constant that is exactly 0 (C1 as k -> infinity or at lambda = 0) prints as 0 in both
  // columns, as the distances' below: its extrapolation's digits would be noise.
  const exactZero = (k: (typeof RATE_KEYS)[number]) => r.exact?.values[k].isZero() === true && r.agreement[k] >= 1
  const value = (k: (typeof RATE_KEYS)[number]) =>
    exactZero(k) ? '0' : r.exact ? r.exact.values[k].toPrecision(digits) : r.floor ? verified(r.numeric[k], r.agreement[k]) : r.numeric[k].toPrecision(Math.max(1, Math.min(digits, 15)))
  const numeric = (k: (typeof RATE_KEYS)[number]) =>
    exactZero(k) ? '0' : r.floor ? verified(r.numeric[k], r.agreement[k]) : r.numeric[k].toPrecision(Math.max(1, Math.min(digits, r.exact ? r.agreement[k] : digits)))
  const floor = r.floor && (r.floor.zero ? '0' : verified(r.floor.value, r.floor.digits))
  // The distances' constants: exact where flow.eq [rate] applies, else the digits two extrapolations agree on; null where absent.
  const d = r.distances
  const distanceNumeric = (k: DistanceRateKey): string | null => {
    const x = d.numeric[k]
    if (!x) return null
    // A floor that is exactly 0 (floor_w2 at rho = 1/2): the extrapolation leaves noise below the
    // working precision, which agree() counts as agreeing with 0; its digits would be noise.
    if (d.exact?.[k]?.isZero() && (d.agreement[k] ?? 0) >= 1) return '0'
    return d.exact ? x.toPrecision(Math.max(1, Math.min(digits, d.agreement[k] ?? digits))) : verified(x, d.agreement[k] ?? 0)
  }
  const distanceValue = (k: DistanceRateKey): string | null =>
    d.exact?.[k] ? (d.exact[k]!.isZero() ? '0' : d.exact[k]!.toPrecision(digits)) : r.floor ? distanceNumeric(k) : d.numeric[k] ? d.numeric[k]!.toPrecision(Math.max(1, Math.min(digits, 15))) : null
  const sampler = problem.sampler && { steps: problem.sampler.steps, scheme: problem.sampler.scheme }
  if (format === 'json') {
    return (
      JSON.stringify(
        {
          sigma: problem.text.sigma,
          lambda: problem.text.lambda,
          omega: problem.text.omega,
          skip: problem.skip,
          ...sampler,
          ...(r.floor ? { floor } : {}),
          ...Object.fromEntries(RATE_KEYS.map((k) => [k, value(k)])),
          ...Object.fromEntries(DISTANCE_RATE_KEYS.map((k) => [k, distanceValue(k)])),
          exact: r.exact ? r.exact.text : { found: false, reason: r.exactReason },
          numeric: { ...Object.fromEntries(RATE_KEYS.map((k) => [k, numeric(k)])), ...Object.fromEntries(DISTANCE_RATE_KEYS.map((k) => [k, distanceNumeric(k)])) },
          digits_agree: { ...r.agreement, ...r.distances.agreement },
          ...(r.distances.reason ? { note: r.distances.reason } : {}),
          n_max: `1e${Math.round(Math.log10(nMax))}`,
        },
        null,
        2,
      ) + '\n'
    )
  }
  const head = ['key', 'value', 'exact', 'richardson', 'digits_agree']
  const shown = (x: string | null) => x ?? 'unresolved'
  const rows = [
    ...(r.floor ? [['floor', shown(floor!), 'lim mse_K(n) as n -> infinity', shown(floor!), r.floor.zero ? 'zero' : String(r.floor.digits)]] : []),
    ...RATE_KEYS.map((k) => [
      k,
      shown(value(k)),
      r.exact ? r.exact.text[k] : r.floor ? (k.startsWith('C_bo') ? 'as without --steps' : 'none for a sampler') : 'not found',
      shown(numeric(k)),
      String(r.agreement[k]),
    ]),
    ...DISTANCE_RATE_KEYS.map((k) => [
      k,
      distanceValue(k) ?? 'null',
      d.text?.[k] ?? (d.numeric[k] ? 'not found' : (d.reason ?? 'none')),
      distanceNumeric(k) ?? (d.numeric[k] ? 'unresolved' : 'null'),
      d.agreement[k] === undefined ? '-' : String(d.agreement[k]),
    ]),
  ]
  const cells = [head, ...rows]
  const widths = head.map((_, j) => maxOf(cells.map((row) => row[j].length)))
  return cells.map((row) => row.map((c, j) => (j === 2 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ')).join('\n') + '\n'
}
