// What a fuzz command line asks for, read back from argv for the judge (harness.ts, plausible.ts):
// the flags' values, the output format, the digits, and the values each grid coordinate may take
// (docs/cli.md: the defaults, lists and ranges START:STOP:lin|log[:POINTS]). Only used on runs that
// exited 0, whose flags the CLI has accepted.

/** What the command line asked for, as far as the checks need it. */
export interface Request {
  /** The command (for plot, `plot KIND`). */
  readonly command: string
  /** --digits D, when given. */
  readonly digits?: number
  /** Significant digits of markdown and latex cells (--sig-figs, default 4: docs/cli.md, the sweep flags). */
  readonly sigFigs: number
  readonly format: string
  /** The text of every value in argv (lists split), trimmed: a coordinate may be printed as given. */
  readonly given: readonly string[]
  /** The values each grid coordinate may take (absent: not determined from argv, e.g. merge). */
  readonly grid: Readonly<Partial<Record<Axis, readonly number[]>>>
}

export type Axis = 'n' | 'sigma' | 'lambda' | 'omega' | 't'

/** The value of a flag in argv (`--flag v` or `--flag=v`; the last one), if any. */
export function flagValue(argv: readonly string[], flag: string): string | undefined {
  let value: string | undefined
  argv.forEach((a, i) => {
    if (a === `--${flag}` && i + 1 < argv.length) value = argv[i + 1]
    else if (a.startsWith(`--${flag}=`)) value = a.slice(flag.length + 3)
  })
  return value
}

/** The format a successful run must print: from --json / --format, else the command's default. */
export function formatOf(argv: readonly string[]): string {
  if (argv.some((a, i) => (a === '--json' && argv[i + 1] !== 'false') || a === '--json=true')) return 'json'
  return flagValue(argv, 'format')?.trim() ?? (argv[0] === 'closed-form' ? 'text' : 'table')
}

const list = (v: string): number[] => v.split(',').map((x) => Number(x.trim()))

/** The values of a range START:STOP:lin|log[:POINTS] (docs/cli.md, the sweep flags), or undefined if malformed. */
export function rangeValues(text: string, integers: boolean): number[] | undefined {
  const parts = text.split(':').map((x) => x.trim())
  const [a, b] = [Number(parts[0]), Number(parts[1])]
  if (parts.length < 3 || !Number.isFinite(a) || !Number.isFinite(b)) return undefined
  const log = parts[2] === 'log'
  let xs: number[] = []
  if (parts.length === 4) {
    const k = Number(parts[3])
    // One point: START (or STOP: the docs do not say which; both are accepted).
    if (k <= 1) xs = [a, b]
    else for (let i = 0; i < k; i++) xs.push(log ? a * (b / a) ** (i / (k - 1)) : a + (b - a) * (i / (k - 1)))
  } else {
    for (let x = a, i = 0; x <= b * (1 + 1e-12) && i < 1e5; i++, x = log ? 2 * x : x + 1) xs.push(x)
  }
  return integers ? xs.map(Math.round) : xs
}

/** The uniform grid k/(K - 1), k = 0 ... K - 1 (docs/cli.md, curves and dae-compare --points). */
const uniform = (points: number): number[] => Array.from({ length: points }, (_, k) => k / (points - 1))

/** Defaults of the parameters (docs/cli.md, common flags; compare and dae-compare). */
function defaultValues(command: string, axis: Exclude<Axis, 't'>): number[] {
  if (axis === 'n') return command === 'compare' ? rangeValues('2:1024:log', true)! : command === 'dae-compare' ? [2, 8, 32, 128] : [8]
  return [{ sigma: 1.5, lambda: 0.1, omega: 1 }[axis]]
}

/** The values a parameter takes: its list, its range, or its default. */
function parameterValues(argv: readonly string[], command: string, axis: Exclude<Axis, 't'>): number[] | undefined {
  const given = flagValue(argv, axis)
  if (given !== undefined) return list(given)
  const range = flagValue(argv, `${axis}-range`)
  if (range !== undefined) return rangeValues(range, axis === 'n')
  return defaultValues(command, axis)
}

/** The times a command prints (undefined: no t column, or not determined). */
function timeValues(argv: readonly string[], command: string): number[] | undefined {
  const t = flagValue(argv, 't')
  const points = flagValue(argv, 'points')
  if (command === 'dae' || command === 'stats') return t !== undefined ? list(t) : command === 'stats' ? [1] : undefined
  if (command === 'curves') return uniform(Number(points ?? 101))
  if (command === 'dae-compare') {
    const range = flagValue(argv, 't-range')
    return t !== undefined ? list(t) : range !== undefined ? rangeValues(range, false) : uniform(Number(points ?? 11))
  }
  if (command === 'simulate') {
    const steps = Number(flagValue(argv, 'steps') ?? 100)
    return Array.from({ length: steps + 1 }, (_, k) => k / steps)
  }
  return undefined
}

/** The request of a command line that the CLI accepted. */
export function requestOf(argv: readonly string[]): Request {
  const command = argv[0] ?? ''
  const digits = flagValue(argv, 'digits')
  const grid: Partial<Record<Axis, readonly number[]>> = {}
  if (command === 'rate') {
    // rate prints n = 10, 100, ..., --n-max (docs/cli.md, rate), its own n, not --n's.
    const max = Number(flagValue(argv, 'n-max') ?? 1e12)
    grid.n = Array.from({ length: Math.round(Math.log10(max)) }, (_, k) => 10 ** (k + 1))
    for (const axis of ['sigma', 'lambda', 'omega'] as const) grid[axis] = parameterValues(argv, command, axis)
  } else if (command !== 'merge') {
    for (const axis of ['n', 'sigma', 'lambda', 'omega'] as const) {
      const values = parameterValues(argv, command, axis)
      if (values !== undefined) grid[axis] = values
    }
    const times = timeValues(argv, command)
    if (times !== undefined) grid.t = times
  }
  const given = argv.flatMap((a) => a.replace(/^--[\w-]+=/, '').split(/[,:]/)).map((x) => x.trim())
  return { command, given, digits: digits === undefined ? undefined : Number(digits), sigFigs: Number(flagValue(argv, 'sig-figs') ?? 4), format: formatOf(argv), grid }
}
