/**
 * Benchmark of the finite-d simulation (run by `npm run bench`): prints figures next to the
 * targets of the issue. It asserts nothing; the tests own the pass/fail checks.
 *
 *  1. speed and memory of the published run (d = 5e4, n = 16, 1000 particles, 100 Euler steps,
 *     exact trainer), once per available engine: wall time of the whole process, setup time, time
 *     per step split into training and transport, and peak RSS, whole and above the RSS before the
 *     simulation started, against the particle matrix's P d 8 bytes; beside it, in the same run, the
 *     numpy script of the same protocol (bench/simulate.py, the anchor: its wall time and the ratio,
 *     and its M and mse at t = 1 against flowgm's), and a small case (d = 2000, 200 particles) per
 *     engine. Each case runs in a fresh child process (this file, with the case name as argument)
 *     so that the peak RSS is that run's alone;
 *  2. agreement at d = 2e4 with the theory of the same K-step scheme (the target) and with the
 *     continuous theory (for information): max over the steps of the errors of M, Q_xi, P and
 *     cos_sample, and the errors of cos and mse at t = 1;
 *  3. Adam against the exact minimiser on a small case: the distance between the two fits and
 *     Adam's stationarity residual over the steps (no target; the issue asks for the distance).
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { tfjsAvailable, type EngineName } from '../simulate/engine.js'
import { simulate, type Row, type Series, type SimulationDocument, type SimulationSpec, type Timing } from '../simulate/simulate.js'
import type { TrainerName } from '../simulate/train.js'
import { flowProblem } from '../theory/problem.js'
import { table } from './table.js'
import { maxOf } from '../extent.js'

const SELF = fileURLToPath(import.meta.url)

const TARGET_SECONDS = 15
/** Peak memory over the particle matrix's P d 8 bytes. */
const TARGET_PEAK_RATIO = 1.2
/** Wall time over the numpy anchor's. */
const TARGET_ANCHOR_RATIO = 0.5
const TARGET_ERROR = 0.03

/** The numpy anchor, from this file in src/tools or dist/tools. */
const ANCHOR = fileURLToPath(new URL('../../bench/simulate.py', import.meta.url))

/** The runs, by the name passed to the child process. */
const CASES = {
  'speed-tfjs': () => spec({ n: 16, d: 5e4, particles: 1000, steps: 100, engine: 'tfjs' }),
  'speed-js': () => spec({ n: 16, d: 5e4, particles: 1000, steps: 100, engine: 'js' }),
  'small-tfjs': () => spec({ n: 16, d: 2000, particles: 200, steps: 100, engine: 'tfjs' }),
  'small-js': () => spec({ n: 16, d: 2000, particles: 200, steps: 100, engine: 'js' }),
  'agreement-tfjs': () => spec({ n: 8, d: 2e4, particles: 500, steps: 100, engine: 'tfjs' }),
  'agreement-js': () => spec({ n: 8, d: 2e4, particles: 500, steps: 100, engine: 'js' }),
  adam: () => spec({ n: 8, d: 2000, particles: 200, steps: 20, engine: 'js', trainer: 'adam' }),
} as const
type CaseName = keyof typeof CASES

/** sigma = 1.5, lambda = 0.1, linear schedule, euler, seed 0, exact trainer unless told. */
function spec(o: { n: number; d: number; particles: number; steps: number; engine: EngineName; trainer?: TrainerName }): SimulationSpec {
  return {
    problem: flowProblem({ n: o.n, sigma: 1.5, lambda: 0.1 }),
    d: o.d,
    particles: o.particles,
    steps: o.steps,
    trainer: o.trainer ?? 'exact',
    lr: 1e-2,
    epochs: 2000,
    scheme: 'euler',
    seed: 0,
    engine: o.engine,
  }
}

/** What a child process sends back. */
interface Outcome {
  readonly document: SimulationDocument
  readonly timing: Timing
  readonly peakKiB: number
  /** RSS before the simulation started (before its data and particles). */
  readonly baseKiB: number
}
interface Result extends Outcome {
  readonly wall: number
}

/** In the child: run one case and send the outcome over the IPC channel. */
async function child(name: CaseName): Promise<void> {
  const baseKiB = process.memoryUsage.rss() / 1024
  const { document, timing } = await simulate(CASES[name]())
  const outcome: Outcome = { document, timing, peakKiB: process.resourceUsage().maxRSS, baseKiB }
  process.send!(outcome, () => process.disconnect())
}

/** Run one case in a fresh node process; the wall time covers the whole process. */
function run(name: CaseName): Promise<Result> {
  return new Promise((resolve, reject) => {
    const start = performance.now()
    const proc = spawn(process.execPath, [SELF, name], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    let outcome: Outcome | undefined
    proc.on('message', (m) => {
      outcome = m as Outcome
    })
    proc.on('error', reject)
    proc.on('exit', (code) => {
      if (code !== 0 || !outcome) return reject(new Error(`bench-simulate ${name} exited with ${code}`))
      resolve({ ...outcome, wall: (performance.now() - start) / 1000 })
    })
  })
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const h = s.length >> 1
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2
}

const STEP_KEYS = ['M', 'Q_xi', 'P', 'cos_sample'] as const
const FINAL_KEYS = ['cos', 'mse'] as const

/** Max over the steps of |measured - theory| per step key, and |measured - theory| at t = 1. */
function errors(measured: Series, theory: Series): Record<string, number> {
  const out: Record<string, number> = {}
  for (const key of STEP_KEYS) out[key] = maxOf(measured.steps.map((row, k) => Math.abs(row[key] - theory.steps[k][key])))
  for (const key of FINAL_KEYS) out[`${key}(1)`] = Math.abs(measured.final[key] - theory.final[key])
  return out
}

/** The values of `key` over the steps that carry it (the trained steps, t_k < 1). */
const overSteps = (steps: readonly Row[], key: string): number[] => steps.filter((row) => key in row).map((row) => row[key])

const sec = (x: number): string => `${x.toFixed(2)} s`
const ms = (x: number): string => `${(x * 1000).toFixed(1)} ms`
const sci = (x: number): string => x.toExponential(2)
const verdict = (ok: boolean): string => (ok ? 'target met' : 'target missed')

/** What the anchor prints: its own time, the process's peak RSS, and the measurements at t = 1. */
interface Anchor {
  readonly seconds: number
  readonly peak_kib: number
  /** Its peak RSS before the run (python and numpy loaded). */
  readonly base_kib: number
  readonly M: number
  readonly mse: number
}

/**
 * The anchor's two forms (bench/simulate.py): `plain`, the lean script of the issue (the one-line
 * update X = a X + outer(c, v) and a second pass for the norms), which the target is held to, and
 * `blocked`, the update in blocks of rows with the norms from the dots (no P x d temporary, no
 * second pass), for information.
 */
const FORMS = ['plain', 'blocked'] as const
type Form = (typeof FORMS)[number]

/** Run bench/simulate.py in `form` on the speed case; undefined (and why, printed) when python3 or numpy is missing. */
function anchor(s: SimulationSpec, form: Form): Promise<(Anchor & { wall: number }) | undefined> {
  return new Promise((resolve) => {
    const start = performance.now()
    const proc = spawn('python3', [ANCHOR, String(s.d), String(s.particles), String(s.steps), String(s.problem.n), form], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = '',
      err = ''
    proc.stdout.on('data', (b: Buffer) => (out += b))
    proc.stderr.on('data', (b: Buffer) => (err += b))
    const skip = (why: string) => {
      console.log(`numpy anchor skipped: ${why}\n`)
      resolve(undefined)
    }
    proc.on('error', (e) => skip(`python3 did not start (${e.message})`))
    proc.on('exit', (code) => {
      if (code !== 0) return skip(`python3 ${ANCHOR} exited with ${code}: ${err.trim().split('\n').pop()}`)
      resolve({ ...(JSON.parse(out) as Anchor), wall: (performance.now() - start) / 1000 })
    })
  })
}

async function speed(engines: readonly EngineName[]): Promise<void> {
  const sp = CASES['speed-js']()
  const matrix = sp.particles * sp.d * 8
  console.log('1. Speed: d = 5e4, n = 16, sigma = 1.5, lambda = 0.1, 1000 particles, 100 euler steps, exact trainer, seed 0')
  console.log(`   (wall = whole child process; per step = timing / K; peak = peak RSS, whole and above the RSS before the simulation, over the matrix's P d 8 = ${(matrix / 1e6).toFixed(0)} MB;`)
  console.log(`   targets: wall <= ${TARGET_SECONDS} s, peak above the start / matrix <= ${TARGET_PEAK_RATIO}, wall / numpy plain's <= ${TARGET_ANCHOR_RATIO})\n`)
  const rows: string[][] = []
  const results: Partial<Record<EngineName, Result>> = {}
  for (const engine of engines) {
    const r = (results[engine] = await run(`speed-${engine}`))
    const K = Number(r.document.params.steps)
    const [peak, above] = [r.peakKiB, r.peakKiB - r.baseKiB].map((kib) => (kib * 1024) / matrix)
    rows.push([engine, sec(r.wall), sec(r.timing.setup), ms(r.timing.training / K), ms(r.timing.transport / K), (r.peakKiB / 1024).toFixed(0), peak.toFixed(2), above.toFixed(2)])
  }
  const anchors: Partial<Record<Form, Anchor & { wall: number }>> = {}
  for (const form of FORMS) {
    const a = (anchors[form] = await anchor(sp, form))
    if (a)
      rows.push([
        `numpy, ${form} (bench/simulate.py)`,
        sec(a.wall),
        '',
        '',
        '',
        (a.peak_kib / 1024).toFixed(0),
        ((a.peak_kib * 1024) / matrix).toFixed(2),
        (((a.peak_kib - a.base_kib) * 1024) / matrix).toFixed(2),
      ])
  }
  table(['engine', 'wall', 'setup', 'training/step', 'transport/step', 'peak RSS (MiB)', 'peak / matrix', 'above start / matrix'], rows)
  const js = results.js!
  const [peak, above] = [js.peakKiB, js.peakKiB - js.baseKiB].map((kib) => (kib * 1024) / matrix)
  console.log(`\njs: wall ${sec(js.wall)} against the ${TARGET_SECONDS} s target: ${verdict(js.wall <= TARGET_SECONDS)}`)
  // The target is held to the memory the simulation takes, above the RSS of the process before it
  // (Node and the loaded model, about 52 MiB, 0.13 of the matrix, whatever the run); the whole
  // process's figure is printed beside it, with the numpy anchors' of both kinds in the table.
  console.log(`js: peak above the start / matrix ${above.toFixed(2)} against ${TARGET_PEAK_RATIO}: ${verdict(above <= TARGET_PEAK_RATIO)}; whole process ${peak.toFixed(2)} (for information)`)
  for (const form of FORMS) {
    const a = anchors[form]
    if (!a) continue
    const ratio = js.wall / a.wall
    const against = form === 'plain' ? `against ${TARGET_ANCHOR_RATIO}: ${verdict(ratio <= TARGET_ANCHOR_RATIO)}` : '(for information)'
    console.log(`js: wall / numpy ${form}'s ${ratio.toFixed(2)} (${sec(js.wall)} / ${sec(a.wall)}) ${against}`)
  }
  const a = anchors.plain ?? anchors.blocked
  if (a) {
    const f = js.document.measured.final
    console.log(`agreement at t = 1 (different random streams: within the finite-d fluctuation): M ${f.M.toFixed(4)} (numpy ${a.M.toFixed(4)}), mse ${f.mse.toFixed(4)} (numpy ${a.mse.toFixed(4)})`)
  }
  console.log('\nSmall case: d = 2000, n = 16, 200 particles, 100 euler steps, exact trainer, seed 0\n')
  const small: string[][] = []
  for (const engine of engines) {
    const r = await run(`small-${engine}`)
    small.push([engine, sec(r.wall), sec(r.timing.setup), ms(r.timing.training / 100), ms(r.timing.transport / 100), (r.peakKiB / 1024).toFixed(0)])
  }
  table(['engine', 'wall', 'setup', 'training/step', 'transport/step', 'peak RSS (MiB)'], small)
  console.log('')
}

async function agreement(engine: EngineName): Promise<void> {
  console.log(`2. Agreement: d = 2e4, n = 8, sigma = 1.5, lambda = 0.1, 500 particles, 100 euler steps, linear, exact trainer, engine ${engine}, seed 0`)
  console.log(`   (max over the steps t_k = k/K of |measured - theory|, and |measured - theory| at t = 1; target: each < ${TARGET_ERROR} against theory_discrete)\n`)
  const { document: doc } = await run(`agreement-${engine}`)
  const discrete = errors(doc.measured, doc.theory_discrete)
  const continuous = errors(doc.measured, doc.theory)
  table(
    ['quantity', 'vs theory_discrete', 'verdict', 'vs theory (information)'],
    Object.keys(discrete).map((key) => [key, sci(discrete[key]), verdict(discrete[key] < TARGET_ERROR), sci(continuous[key])]),
  )
}

async function adam(): Promise<void> {
  console.log('3. Adam against exact: d = 2000, n = 8, sigma = 1.5, lambda = 0.1, 200 particles, 20 euler steps, lr 1e-2, 2000 epochs, engine js, seed 0')
  console.log('   (over the trained steps t_k < 1; exact_distance = sqrt(|w - w_exact|^2/d + (c - c_exact)^2); no target: the issue asks to report the distance)\n')
  const r = await run('adam')
  const { steps } = r.document.measured
  table(
    ['quantity', 'max', 'median'],
    ['exact_distance', 'grad_norm'].map((key) => {
      const xs = overSteps(steps, key)
      return [key, sci(maxOf(xs)), sci(median(xs))]
    }),
  )
  console.log(`wall ${sec(r.wall)} (training ${sec(r.timing.training)})\n`)
}

async function main(): Promise<void> {
  const started = performance.now()
  const engines: EngineName[] = (await tfjsAvailable()) ? ['tfjs', 'js'] : ['js']
  console.log(`flowgm bench-simulate: node ${process.version}; engines ${engines.join(', ')}\n`)
  await speed(engines)
  await agreement(engines[0])
  await adam()
  console.log(`bench-simulate took ${sec((performance.now() - started) / 1000)}`)
}

const which = process.argv[2]
if (which === undefined) await main()
else if (which in CASES) await child(which as CaseName)
else throw new Error(`unknown case '${which}' (one of ${Object.keys(CASES).join(', ')})`)
