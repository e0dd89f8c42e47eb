// The documents a successful run prints, read back into rows for plausible.ts: per command, its
// shape and keys (docs/cli.md: the key tables of each command, the output formats), then every
// row's values. Parsed fully: json, jsonl, csv, table, markdown; latex: its cells (values only).
import type { Request } from './argv.js'
import { rowViolations, significant, type Row } from './plausible.js'

const DAE = ['t', 'c', 'm', 'q_xi', 'w_norm2', 'w_cos', 'test_mse', 'oracle_mse', 'margin', 'm_mu', 'q_eta']
const STATS = ['t', 'M', 'Q_xi', 'P', 'norm', 'cos', 'cos_sample', 'mse', 'var', 'M_mu', 'Q_eta', 'weight_error', 'w2', 'kl', 'kl_reverse', 'dist_train', 'dist_fresh', 'mem_gap']
const SWEPT = ['sigma', 'lambda', 'omega']
const COMPARE = ['n', 'mse', 'cos', 'bo_mse', 'bo_cos', 'pca_mse', 'pca_cos', 'mse_ratio', 'n_mse', 'n_bo_mse', 'w2', 'kl']
const DAE_COMPARE = ['n', 't', 'test_mse', 'oracle_mse', 'excess_mse']

/** Per command: the keys its rows must have, and those they may have besides (docs/cli.md). */
const ROW_KEYS: Readonly<Record<string, { required: readonly string[]; optional: readonly string[] }>> = {
  dae: { required: DAE, optional: ['digits_verified'] },
  // note: where kl is infinite (P = 0) and printed as null (docs/cli.md, stats).
  stats: { required: STATS, optional: ['digits_verified', 'note'] },
  curves: { required: [...DAE, ...STATS.slice(1)], optional: ['digits_verified', 'note'] },
  compare: { required: COMPARE, optional: [...SWEPT, 'digits_verified', 'note'] },
  'dae-compare': { required: DAE_COMPARE, optional: [...SWEPT, 'digits_verified'] },
}

/** The sweep header of a jsonl document (docs/cli.md, output formats: jsonl). */
const SWEEP_HEADER = ['flowgm', 'sweep', 'id', 'shard', 'rows', 'keys', 'axes', 'params', 'caption']

const RATE_KEYS = ['sigma', 'lambda', 'omega', 'skip', 'C', 'C1', 'C_bo', 'C_bo1', 'ratio', 'floor_w2', 'C_w2', 'floor_kl', 'C_kl', 'exact', 'numeric', 'digits_agree', 'n_max']
const RATE_VALUES = ['C', 'C1', 'C_bo', 'C_bo1', 'ratio', 'floor_w2', 'C_w2', 'floor_kl', 'C_kl']
const CLOSED_FORM_KEYS = ['variant', 'schedule', 'definitions', 'flow', 'dae', 'rate']

const SIM_PARAMS = [
  'd',
  'n',
  'sigma',
  'lambda',
  'omega',
  'rho',
  'draws',
  'noise',
  'particles',
  'steps',
  'scheme',
  'trainer',
  'activation',
  'init',
  'lr',
  'epochs',
  'schedule',
  'alpha',
  'beta',
  'skip',
  'seed',
  'engine',
  'version',
]
const SIM_FINAL = ['M', 'Q_xi', 'P', 'norm', 'cos', 'cos_sample', 'mse', 'var', 'weight', 'weight_error', 'dist_train', 'dist_fresh', 'mem_gap']
// w2 is the theories' only (docs/cli.md, simulate keys: not measured).
const SIM_FINAL_KEYS = {
  measured: [...SIM_FINAL, 'bo_mse', 'bo_cos', 'pca_mse', 'pca_cos', 'label_agreement'],
  theory: [...SIM_FINAL, 'w2', 'bo_mse', 'bo_cos', 'pca_mse', 'pca_cos'],
  theory_discrete: [...SIM_FINAL, 'w2'],
} as const
const SIM_STEP = ['t', 'M', 'Q_xi', 'P', 'norm', 'cos_sample', 'weight', 'M_mu', 'Q_eta', 'cos', 'c', 'm', 'q_xi', 'w_norm2', 'w_cos', 'test_mse', 'self_consistent', 'grad_norm', 'exact_distance']

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

/** A value as the text it was printed as (a JSON number: its shortest text, which JSON.parse keeps). */
const text = (v: Json | undefined): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v))

const asRow = (o: Readonly<Record<string, Json>>): Row => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, text(v)]))

const keyProblems = (keys: readonly string[], allowed: readonly string[], where: string, required: readonly string[] = []): string[] => [
  ...keys.filter((k) => !allowed.includes(k)).map((k) => `${where}: unknown key ${JSON.stringify(k)}`),
  ...required.filter((k) => !keys.includes(k)).map((k) => `${where}: key ${k} missing`),
]

// --- Tables as text -----------------------------------------------------------------------

/** A right-aligned table (docs/cli.md: "columns right-aligned and separated by two spaces"): cells by the header's column ends. */
export function parseTable(lines: readonly string[]): { keys: string[]; rows: Row[] } {
  const [head, ...body] = lines
  const ends = [...head.matchAll(/\S+/g)].map((m) => m.index! + m[0].length)
  const keys = head.trim().split(/\s+/)
  const rows = body.map((line) =>
    Object.fromEntries(
      keys.map((k, j) => {
        const cell = line.slice(j === 0 ? 0 : ends[j - 1], j === keys.length - 1 ? undefined : ends[j]).trim()
        return [k, cell === '' ? null : cell]
      }),
    ),
  )
  return { keys, rows }
}

const parseCsv = (lines: readonly string[]): { keys: string[]; rows: Row[] } => {
  const keys = lines[0].split(',')
  return { keys, rows: lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((c, j) => [keys[j] ?? `#${j}`, c === '' ? null : c]))) }
}

const parseMarkdown = (lines: readonly string[]): { keys: string[]; rows: Row[] } => {
  const cells = (l: string) =>
    l
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((c) => c.trim())
  const keys = cells(lines[0])
  return { keys, rows: lines.slice(2).map((l) => Object.fromEntries(cells(l).map((c, j) => [keys[j] ?? `#${j}`, c]))) }
}

/** The cells of a latex tabular's body, `$4.392 \times 10^{-4}$` read as 4.392e-4; columns by position. */
const parseLatex = (lines: readonly string[]): Row[] => {
  const body = lines.slice(lines.indexOf('\\midrule') + 1, lines.indexOf('\\bottomrule'))
  return body.map((l) =>
    Object.fromEntries(
      l
        .replace(/\s*\\\\\s*$/, '')
        .split(' & ')
        .map((c, j) => [
          `column ${j + 1}`,
          c
            .trim()
            .replace(/^\$|\$$/g, '')
            .replace(/\s*\\times 10\^\{(-?\d+)\}/, 'e$1'),
        ]),
    ),
  )
}

// --- Per command --------------------------------------------------------------------------

type Check = (text: string, req: Request) => string[]

/** Rows of a model or grid command in any format, with the options their values are printed with. */
const gridDocument: Check = (doc, req) => {
  const out: string[] = []
  const lines = doc.trimEnd().split('\n')
  const shape = ROW_KEYS[req.command] ?? { required: [], optional: Object.values(ROW_KEYS).flatMap((k) => [...k.required, ...k.optional]) }
  const allowed = [...shape.required, ...shape.optional]
  const digits = req.format === 'markdown' ? req.sigFigs : req.digits
  // Under --digits D exactly D digits; in markdown exactly --sig-figs; else at most 12 (docs/cli.md).
  // merge's digits are those of its shards (not on its command line): only the bounds apply.
  const options =
    req.command === 'merge' ? { theory: true, digits: 1000, exactDigits: false, identities: false } : { theory: true, digits, exactDigits: digits !== undefined, identities: (digits ?? 12) >= 4 }
  let keys: string[] = []
  let rows: Row[] = []
  if (req.format === 'json') {
    const parsed = JSON.parse(doc) as Json
    const objects = (Array.isArray(parsed) ? parsed : [parsed]) as Array<Record<string, Json>>
    rows = objects.map(asRow)
    for (const [i, o] of objects.entries()) out.push(...keyProblems(Object.keys(o), allowed, `row ${i + 1}`, shape.required))
  } else if (req.format === 'jsonl') {
    const header = JSON.parse(lines[0]) as Record<string, Json>
    out.push(...keyProblems(Object.keys(header), SWEEP_HEADER, 'sweep header', SWEEP_HEADER))
    const objects = lines.slice(1).map((l) => JSON.parse(l) as Record<string, Json>)
    const indices = objects.map((o) => o.i)
    if (!indices.every((i, k) => Number.isInteger(i) && (k === 0 || (i as number) > (indices[k - 1] as number))))
      out.push(`jsonl: row indices i not increasing integers: ${indices.slice(0, 8).join(', ')}`)
    rows = objects.map(({ i: _i, ...o }) => asRow(o))
    keys = (header.keys ?? []) as string[]
    out.push(...keyProblems(keys, allowed, 'sweep header keys', shape.required))
    objects.forEach((o, k) => {
      if (JSON.stringify(Object.keys(o)) !== JSON.stringify(['i', ...keys])) out.push(`jsonl row ${k + 1}: keys ${Object.keys(o).join(',')}, not i and the header's keys`)
    })
  } else if (req.format === 'latex') {
    rows = parseLatex(lines)
    // Columns by position only: every cell a finite number, nothing more is known of it.
    return rows.flatMap((r, i) => rowViolations(r, `latex row ${i + 1}`, req, { theory: false, digits: Infinity, exactDigits: false, identities: false }))
  } else {
    const parsed = req.format === 'csv' ? parseCsv(lines) : req.format === 'markdown' ? parseMarkdown(lines) : parseTable(lines)
    ;({ keys, rows } = parsed)
    out.push(...keyProblems(keys, allowed, `${req.format} header`, shape.required))
  }
  rows.forEach((r, i) => out.push(...rowViolations(r, `row ${i + 1}`, req, options)))
  return out
}

const rateDocument: Check = (doc, req) => {
  const values = { digits: req.digits ?? 12, exactDigits: true, theory: true, identities: true }
  if (req.format === 'csv') {
    // The sequence behind Richardson's route (docs/cli.md, rate): no digits stated.
    const { keys, rows } = parseCsv(doc.trimEnd().split('\n'))
    return [
      ...keyProblems(keys, ['n', 'n_mse', 'n_bo_mse'], 'csv header', ['n', 'n_mse', 'n_bo_mse']),
      ...rows.flatMap((r, i) => rowViolations(r, `row ${i + 1}`, req, { theory: true, digits: 1000, exactDigits: false, identities: false })),
    ]
  }
  if (req.format !== 'json') return []
  const o = JSON.parse(doc) as Record<string, Json>
  const pick = (from: Json, keys: readonly string[]) => asRow(Object.fromEntries(keys.map((k) => [k, (from as Record<string, Json>)?.[k] ?? null])))
  const agreeBy = (o.digits_agree ?? {}) as Record<string, Json>
  const agree = Object.values(agreeBy)
  // richardson is "printed only to the digits on which it agrees with" the value (docs/cli.md, rate).
  const numeric = (o.numeric ?? {}) as Record<string, Json>
  const beyond = RATE_VALUES.filter(
    (k) => typeof numeric[k] === 'string' && typeof agreeBy[k] === 'number' && significant(numeric[k] as string)[0] > Math.max(1, Math.min(req.digits ?? 12, agreeBy[k] as number)),
  )
  return [
    ...beyond.map((k) => `numeric.${k} = ${numeric[k]} has more digits than digits_agree.${k} = ${agreeBy[k]} (or D)`),
    ...keyProblems(Object.keys(o), [...RATE_KEYS, 'note'], 'rate', RATE_KEYS),
    ...rowViolations(pick(o, [...RATE_VALUES, ...SWEPT]), 'value', req, values),
    ...rowViolations(pick(o.numeric, RATE_VALUES), 'numeric', req, { theory: true, digits: 1000, exactDigits: false, identities: false }),
    ...agree.filter((d) => !Number.isInteger(d) || (d as number) < 0).map((d) => `digits_agree ${d} is not a count of digits`),
  ]
}

const closedFormDocument: Check = (doc, req) => (req.format === 'json' ? keyProblems(Object.keys(JSON.parse(doc) as object), CLOSED_FORM_KEYS, 'closed-form') : [])

/** simulate: the three series (measured, discrete, continuous theory) in json, csv or table (docs/cli.md, simulate). */
const simulateDocument: Check = (doc, req) => {
  const out: string[] = []
  // Only the continuous theory obeys the identities of the model; a measurement and the K-step
  // recurrence obey var = P^2 (docs/cli.md, simulate keys: "var: P^2 at t = 1").
  const series = (name: string, digits: number) => ({ theory: name === 'theory', digits, exactDigits: false, identities: name === 'theory' })
  const varOnly = (r: Row, where: string, digits: number): string[] =>
    rowViolations({ P: r.P ?? null, var: r.var ?? null }, where, req, { theory: false, digits, exactDigits: false, identities: true })
  const steps = Number(req.grid.t?.length ?? 0)
  if (req.format === 'json') {
    const o = JSON.parse(doc) as Record<string, Record<string, Json>>
    out.push(...keyProblems(Object.keys(o), ['params', 'measured', 'theory', 'theory_discrete'], 'simulate', ['params', 'measured', 'theory', 'theory_discrete']))
    out.push(...keyProblems(Object.keys(o.params ?? {}), SIM_PARAMS, 'params'))
    for (const name of ['measured', 'theory', 'theory_discrete'] as const) {
      const final = (o[name]?.final ?? {}) as Record<string, Json>
      out.push(...keyProblems(Object.keys(final), SIM_FINAL_KEYS[name], `${name}.final`, SIM_FINAL_KEYS[name]))
      out.push(...rowViolations(asRow(final), `${name}.final`, req, series(name, 12)), ...varOnly(asRow(final), `${name}.final`, 12))
      const rows = (o[name]?.steps ?? []) as Array<Record<string, Json>>
      if (rows.length !== steps) out.push(`${name}.steps has ${rows.length} rows, not K + 1 = ${steps}`)
      rows.forEach((r, k) => out.push(...keyProblems(Object.keys(r), SIM_STEP, `${name}.steps[${k}]`), ...rowViolations(asRow(r), `${name}.steps[${k}]`, req, series(name, 12))))
    }
  } else if (req.format === 'csv') {
    const { keys, rows } = parseCsv(doc.trimEnd().split('\n'))
    // Columns X (measured), X_discrete and X_theory (docs/cli.md, simulate csv).
    const base = (k: string) => k.replace(/_(discrete|theory)$/, '')
    const seriesOf = (k: string) => (k.endsWith('_discrete') ? 'theory_discrete' : k.endsWith('_theory') ? 'theory' : 'measured')
    out.push(...keyProblems([...new Set(keys.map(base))], SIM_STEP, 'csv header'))
    if (rows.length !== steps) out.push(`csv has ${rows.length} rows, not K + 1 = ${steps}`)
    rows.forEach((r, k) => {
      for (const name of ['measured', 'theory_discrete', 'theory'] as const) {
        const row = Object.fromEntries(keys.filter((key) => key === 't' || seriesOf(key) === name).map((key) => [base(key), r[key] ?? null]))
        out.push(...rowViolations(row, `csv row ${k + 1} (${name})`, req, series(name, 12)))
      }
    })
  } else {
    // Two header lines and a blank line, then the table by quantity, 6 significant digits (docs/cli.md, simulate).
    const { keys, rows } = parseTable(doc.trimEnd().split('\n').slice(3))
    out.push(...keyProblems(keys, ['quantity', 'measured', 'theory_discrete', 'theory'], 'table header', ['quantity', 'measured', 'theory_discrete', 'theory']))
    for (const name of ['measured', 'theory_discrete', 'theory'] as const) {
      const row = Object.fromEntries(rows.map((r) => [r.quantity ?? '?', r[name] ?? null]))
      out.push(...keyProblems(Object.keys(row), [...SIM_FINAL_KEYS.measured, 'w2'], `table quantities`))
      out.push(...rowViolations(row, `table ${name}`, req, series(name, 6)), ...varOnly(row, `table ${name}`, 6))
    }
  }
  return out
}

const CHECKS: Readonly<Record<string, Check>> = {
  dae: gridDocument,
  stats: gridDocument,
  curves: gridDocument,
  compare: gridDocument,
  'dae-compare': gridDocument,
  merge: gridDocument,
  rate: rateDocument,
  'closed-form': closedFormDocument,
  simulate: simulateDocument,
}

/** Everything implausible in the document a successful run printed (empty: plausible). */
export function plausibility(doc: string, req: Request): string[] {
  const check = CHECKS[req.command]
  if (check === undefined || doc.trim() === '') return []
  try {
    return check(doc, req)
  } catch (e) {
    return [`cannot read the ${req.format} document: ${(e as Error).message.split('\n')[0]}`]
  }
}
