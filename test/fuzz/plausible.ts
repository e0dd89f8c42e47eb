// Whether the numbers of a successful run can be right: each printed value against the rules the
// documentation states for its key (docs/cli.md, docs/theory.md; the source is given with each
// rule), and the identities the documentation states between the keys of one row. A value that
// breaks them is wrong whatever the computation; one that keeps them may still be wrong (the
// numeric tests against independent routes are elsewhere). Parsed: table, csv, json, jsonl,
// markdown (keys and values); latex (values only: its headers are typeset names).
import type { Request } from './argv.js'

/** One row as printed: key -> text of the value (a JSON number as its shortest text; null: an empty cell). */
export type Row = Readonly<Record<string, string | null>>

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/**
 * The significant digits a decimal text may have: [least, most]. Trailing zeros after a decimal
 * point count; those of an integer written without one (JavaScript's 4349618635330000000 for
 * 4.34961863533e18) may or may not. A zero has none.
 */
export function significant(text: string): readonly [number, number] {
  const unsigned = text.replace(/^[+-]/, '')
  const mantissa = unsigned
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '')
  const integer = /^\d+$/.test(unsigned)
  return [integer ? mantissa.replace(/0+$/, '').length : mantissa.length, mantissa.length]
}

// --- Rules per key ---------------------------------------------------------------------

/** A bound on the values of a key, with where the documentation states it. */
interface Bound {
  readonly lo?: number
  readonly hi?: number
  readonly source: string
}

const COSINE: Bound = { lo: -1, hi: 1, source: 'a cosine (docs/cli.md: cos, cos_sample, w_cos, bo_cos, pca_cos)' }
const SQUARE: Bound = { lo: 0, source: 'a squared error or norm (docs/theory.md: sums of squares; docs/cli.md: n_mse = n·mse, mse_ratio = mse/bo_mse)' }
const FRACTION: Bound = { lo: 0, hi: 1, source: 'a fraction of points (docs/cli.md, simulate keys)' }

/** Bounds that hold for every command printing the key (the simulation's measurements included). */
const BOUNDS: Readonly<Record<string, Bound>> = {
  cos: COSINE,
  cos_sample: COSINE,
  w_cos: COSINE,
  bo_cos: COSINE,
  pca_cos: COSINE,
  var: SQUARE,
  P: { lo: 0, source: 'P = sqrt(D/K) or alpha, and the measured sqrt(mean ...) (docs/theory.md §4, docs/cli.md simulate keys)' },
  norm: SQUARE,
  w_norm2: SQUARE,
  test_mse: SQUARE,
  oracle_mse: SQUARE,
  bo_mse: SQUARE,
  pca_mse: SQUARE,
  n_mse: SQUARE,
  n_bo_mse: SQUARE,
  mse_ratio: SQUARE,
  excess_mse: { lo: 0, source: 'excess_mse = test_mse - oracle_mse >= 0 (docs/cli.md, dae-compare)' },
  self_consistent: FRACTION,
  weight: FRACTION,
  weight_error: { lo: 0, hi: 1, source: 'a total variation between two pairs of weights (docs/cli.md, simulate keys)' },
  label_agreement: FRACTION,
  grad_norm: { lo: 0, source: 'a square root (docs/cli.md, simulate keys)' },
  exact_distance: { lo: 0, source: 'a square root (docs/cli.md, simulate keys)' },
  C: { lo: 0, source: 'C = lim n·mse(n) with mse >= 0 (docs/cli.md, rate)' },
  C_bo: { lo: 0, source: 'C_bo = lim n·bo_mse(n) (docs/cli.md, rate)' },
  ratio: { lo: 0, source: 'ratio = C / C_bo (docs/cli.md, rate)' },
}

/**
 * Bounds of the theory only (a finite-d measurement may cross them): mse of the model is a sum of
 * squares (docs/theory.md §4, flow.eq); m, M >= 0 and q_xi, Q_xi <= 0 along the path (docs/theory.md
 * §4, "below: m, M >= 0 and q, Q <= 0"); the margin is positive on (0, 1) with skip connection and 0
 * at the ends (docs/cli.md, dae), 0 without.
 */
const THEORY_BOUNDS: Readonly<Record<string, Bound>> = {
  mse: SQUARE,
  m: { lo: 0, source: 'docs/theory.md §4: m >= 0' },
  M: { lo: 0, source: 'docs/theory.md §4: M >= 0' },
  q_xi: { hi: 0, source: 'docs/theory.md §4: q <= 0' },
  Q_xi: { hi: 0, source: 'docs/theory.md §4: Q <= 0; docs/cli.md: Q_xi <= 0 with skip connection' },
  margin: { lo: 0, source: 'docs/cli.md, dae: the margin is positive on (0, 1), 0 at the ends' },
}

/** Keys printed as given or counted, not rounded (docs/cli.md: "Grid coordinates (n, t, swept parameters) and digits_verified are printed exactly"). */
const EXACT_KEYS = new Set(['t', 'n', 'sigma', 'lambda', 'omega', 'digits_verified', 'i'])

// --- Identities between the keys of a row --------------------------------------------------

/** Parameters of a row: from its own columns, else the one value the command line gives. */
type Params = (name: 'n' | 'sigma' | 'lambda' | 'omega') => number | undefined

/**
 * An identity: the printed value of `key` against `predicted` from other printed values.
 * `scale` bounds the magnitude of the terms (the rounding of the inputs moves `predicted` by at
 * most tolerance × scale: this matters where terms cancel, as M − 1 in mse).
 */
interface Identity {
  readonly key: string
  readonly source: string
  readonly of: (x: (k: string) => number, p: Params) => { predicted: number; scale: number } | undefined
}

const sq = (x: number) => x * x

const IDENTITIES: readonly Identity[] = [
  { key: 'var', source: 'var = P^2 (docs/theory.md, flow.eq)', of: (x) => ({ predicted: sq(x('P')), scale: sq(x('P')) }) },
  {
    key: 'norm',
    source: 'norm = M^2 (omega + sigma^2/n) + n Q_xi^2 + P^2 (docs/theory.md, flow.eq)',
    of: (x, p) =>
      ifParams(p, (n, s, w) => {
        const v = sq(x('M')) * (w + sq(s) / n) + n * sq(x('Q_xi')) + sq(x('P'))
        return { predicted: v, scale: v }
      }),
  },
  {
    key: 'mse',
    source: 'mse = omega (M - 1)^2 + M^2 sigma^2/n + n Q_xi^2 (docs/theory.md, flow.eq)',
    of: (x, p) =>
      ifParams(p, (n, s, w) => {
        const [M, Q] = [x('M'), x('Q_xi')]
        const rest = (sq(M) * sq(s)) / n + n * sq(Q)
        return { predicted: w * sq(M - 1) + rest, scale: 2 * w * Math.abs(M) * (Math.abs(M) + 1) + w * sq(M - 1) + rest }
      }),
  },
  {
    key: 'cos',
    source: 'cos = M omega / sqrt(omega (M^2 (omega + sigma^2/n) + n Q_xi^2)) (docs/theory.md, flow.eq; at M = Q_xi = 0 the limit t -> 0+)',
    of: (x, p) =>
      ifParams(p, (n, s, w) => {
        const [M, Q] = [x('M'), x('Q_xi')]
        if (M === 0 && Q === 0) return undefined
        const v = (M * w) / Math.sqrt(w * (sq(M) * (w + sq(s) / n) + n * sq(Q)))
        return { predicted: v, scale: Math.abs(v) }
      }),
  },
  {
    key: 'cos_sample',
    source: 'cos_sample = M omega / sqrt(omega norm) (docs/theory.md, flow.eq)',
    of: (x, p) =>
      ifParams(p, (_n, _s, w) => {
        if (x('norm') === 0) return undefined
        const v = (x('M') * w) / Math.sqrt(w * x('norm'))
        return { predicted: v, scale: Math.abs(v) }
      }),
  },
  {
    key: 'w_norm2',
    source: 'w_norm2 = m^2 (omega + sigma^2/n) + n q_xi^2 (docs/theory.md, dae.eq)',
    of: (x, p) =>
      ifParams(p, (n, s, w) => {
        const v = sq(x('m')) * (w + sq(s) / n) + n * sq(x('q_xi'))
        return { predicted: v, scale: v }
      }),
  },
  {
    key: 'w_cos',
    source: 'w_cos = m omega / sqrt(omega w_norm2) (docs/theory.md, dae.eq; 0 where w vanishes, docs/cli.md)',
    of: (x, p) =>
      ifParams(p, (_n, _s, w) => {
        if (x('w_norm2') === 0) return { predicted: 0, scale: 0 }
        const v = (x('m') * w) / Math.sqrt(w * x('w_norm2'))
        return { predicted: v, scale: Math.abs(v) }
      }),
  },
  { key: 'excess_mse', source: 'excess_mse = test_mse - oracle_mse (docs/cli.md, dae-compare)', of: (x) => ({ predicted: x('test_mse') - x('oracle_mse'), scale: x('test_mse') + x('oracle_mse') }) },
  { key: 'mse_ratio', source: 'mse_ratio = mse / bo_mse (docs/cli.md, compare)', of: (x) => (x('bo_mse') === 0 ? undefined : { predicted: x('mse') / x('bo_mse'), scale: x('mse') / x('bo_mse') }) },
  { key: 'n_mse', source: 'n_mse = n mse (docs/cli.md, compare)', of: (x, p) => ifParams(p, (n) => ({ predicted: n * x('mse'), scale: n * x('mse') })) },
  { key: 'n_bo_mse', source: 'n_bo_mse = n bo_mse (docs/cli.md, compare)', of: (x, p) => ifParams(p, (n) => ({ predicted: n * x('bo_mse'), scale: n * x('bo_mse') })) },
  {
    key: 'bo_mse',
    source: 'bo_mse = omega sigma^2 / (n omega + sigma^2) (docs/theory.md, baselines.eq)',
    of: (x, p) =>
      ifParams(p, (n, s, w) => {
        const v = (w * sq(s)) / (n * w + sq(s))
        return { predicted: v, scale: v }
      }),
  },
  {
    key: 'bo_cos',
    source: 'bo_cos = sqrt(n omega / (n omega + sigma^2)) (docs/theory.md, baselines.eq)',
    of: (x, p) =>
      ifParams(p, (n, s, w) => {
        const v = Math.sqrt((n * w) / (n * w + sq(s)))
        return { predicted: v, scale: v }
      }),
  },
  {
    key: 'pca_cos',
    source: 'pca_cos = sqrt(n omega / (n omega + sigma^2)) (docs/theory.md, baselines.eq)',
    of: (x, p) =>
      ifParams(p, (n, s, w) => {
        const v = Math.sqrt((n * w) / (n * w + sq(s)))
        return { predicted: v, scale: v }
      }),
  },
  {
    key: 'pca_mse',
    source: 'pca_mse = 2 omega (1 - pca_cos) (docs/theory.md, baselines.eq)',
    of: (x, p) => ifParams(p, (_n, _s, w) => ({ predicted: 2 * w * (1 - x('pca_cos')), scale: 2 * w * (1 + Math.abs(x('pca_cos'))) })),
  },
  { key: 'ratio', source: 'ratio = C / C_bo (docs/cli.md, rate)', of: (x) => (x('C_bo') === 0 ? undefined : { predicted: x('C') / x('C_bo'), scale: x('C') / x('C_bo') }) },
]

function ifParams<T>(p: Params, f: (n: number, sigma: number, omega: number) => T): T | undefined {
  const [n, s, w] = [p('n'), p('sigma'), p('omega')]
  return n === undefined || s === undefined || w === undefined ? undefined : f(n, s, w)
}

/**
 * Relative tolerance of an identity between values printed to `digits` significant digits: each
 * is within one unit of its last digit (docs/cli.md: "each is meant to be right (within one unit
 * of the last)"), an identity combines a handful of them; the check itself is in double
 * precision (about 15 digits).
 */
const tolerance = (digits: number): number => 8 * 10 ** (1 - Math.min(digits, 15))

/** Values outside this range lose digits as doubles (their squares leave the double range). */
const representable = (v: number): boolean => v === 0 || (Math.abs(v) > 1e-140 && Math.abs(v) < 1e140)

// --- Checking rows ---------------------------------------------------------------------

/** Whether `key`'s values are computed (rounded to the printed digits), not coordinates. */
const rounded = (key: string): boolean => !EXACT_KEYS.has(key)

/** Which grid coordinate a key is, if any. */
const coordinate = (key: string): keyof Request['grid'] | undefined => (['n', 'sigma', 'lambda', 'omega', 't'] as const).find((k) => k === key)

/** The textual keys of a row (not numbers). */
const TEXT_KEYS = new Set(['quantity', 'note'])

/** Close within relative `tol` of either value, as doubles. */
export const near = (a: number, b: number, tol = 1e-9): boolean => a === b || Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b))

/**
 * Everything implausible in one row. `theory`: the row is the model's (not a finite-d
 * measurement); `digits`: significant digits of its values as printed (undefined: at most 12,
 * the double default); `exactDigits`: whether each value must have exactly `digits`.
 */
export function rowViolations(row: Row, where: string, req: Request, options: { theory: boolean; digits?: number; exactDigits: boolean; identities: boolean }): string[] {
  const out: string[] = []
  const values: Record<string, number> = {}
  // An infinite value (kl without skip connection at t = 1, equations/flow.eq [infinite]) is printed
  // as null (empty in CSV) with the row's note naming it (docs/cli.md, output formats).
  const noted = (key: string): boolean => typeof row.note === 'string' && /infinite/.test(row.note) && new RegExp(`\\b${key}\\b`).test(row.note)
  for (const [key, text] of Object.entries(row)) {
    if (text === null || TEXT_KEYS.has(key) || ((text === 'null' || text === '') && noted(key))) continue
    if (!DECIMAL.test(text)) {
      out.push(`${where}: ${key} = ${JSON.stringify(text.slice(0, 40))} is not a finite decimal number`)
      continue
    }
    const v = Number(text)
    values[key] = v
    const bound = BOUNDS[key] ?? (options.theory ? THEORY_BOUNDS[key] : undefined)
    if (bound && ((bound.lo !== undefined && v < bound.lo) || (bound.hi !== undefined && v > bound.hi)))
      out.push(`${where}: ${key} = ${text} outside [${bound.lo ?? '-inf'}, ${bound.hi ?? 'inf'}]: ${bound.source}`)
    if (/^-0?\.?0*(e.*)?$/i.test(text) && v === 0) out.push(`${where}: ${key} = ${text}: docs/cli.md, output formats: never -0`)
    if (rounded(key)) {
      const [least, most] = significant(text)
      const want = options.digits ?? 12
      if (most !== 0 && (options.exactDigits ? !(least <= want && want <= most) : least > want))
        out.push(
          `${where}: ${key} = ${text} has ${least === most ? least : `${least} to ${most}`} significant digits, not ${options.exactDigits ? '' : 'at most '}${want} (docs/cli.md: --digits D prints exactly D; double precision at most 12; markdown/latex --sig-figs)`,
        )
    }
    const axis = coordinate(key)
    const allowed = axis && req.grid[axis]
    // A coordinate is printed as given, or computed (a grid of --points, a range) to the digits of
    // the values (docs/cli.md: "t as given"; "Grid coordinates ... are printed exactly"); at most
    // 17 digits name any double.
    if (axis && !req.given.includes(text) && significant(text)[0] > Math.max(req.digits ?? 0, 17))
      out.push(`${where}: ${key} = ${text.slice(0, 24)}... has ${significant(text)[0]} significant digits: neither as given nor to the ${req.digits ?? 12} digits of the values`)
    if (axis === 't' && !(v >= 0 && v <= 1)) out.push(`${where}: t = ${text} outside [0, 1] (docs/cli.md)`)
    // Under --digits a computed grid time may be printed rounded to D digits (curves: t = 0.333 for 1/3).
    else if (allowed && !allowed.some((g) => near(g, v, Math.max(1e-9, 10 ** (1 - (req.digits ?? 12))))))
      out.push(`${where}: ${key} = ${text} is not a requested value (${allowed.slice(0, 6).join(', ')}${allowed.length > 6 ? ', ...' : ''})`)
  }
  if ('digits_verified' in values && req.digits !== undefined) {
    const dv = values.digits_verified
    // docs/cli.md, arbitrary precision: "the number of significant digits on which the two routes agree ... at least D + 2".
    if (!Number.isInteger(dv) || dv < req.digits + 2) out.push(`${where}: digits_verified = ${dv}, not an integer >= D + 2 = ${req.digits + 2} (docs/cli.md, --digits)`)
  }
  if (options.identities) out.push(...identityViolations(values, where, req, options.digits ?? 12))
  return out
}

function identityViolations(values: Readonly<Record<string, number>>, where: string, req: Request, digits: number): string[] {
  const out: string[] = []
  const params: Params = (name) => values[name] ?? (req.grid[name]?.length === 1 ? req.grid[name]![0] : undefined)
  const tol = tolerance(digits)
  for (const id of IDENTITIES) {
    if (!(id.key in values)) continue
    let missing = false
    const x = (k: string): number => {
      if (!(k in values)) missing = true
      return values[k] ?? NaN
    }
    const r = id.of(x, params)
    if (missing || r === undefined || ![values[id.key], r.predicted, r.scale].every(representable)) continue
    const actual = values[id.key]
    if (Math.abs(actual - r.predicted) > tol * (Math.abs(actual) + r.scale)) out.push(`${where}: ${id.key} = ${actual}, but ${id.source} gives ${r.predicted.toPrecision(12)}`)
  }
  return out
}
