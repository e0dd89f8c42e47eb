// The fuzz tests' runner process (forked by harness.ts, in a scratch working directory): for each
// message { id, argv }, main(argv) of the built CLI runs in this process with process.exit,
// stdout and stderr intercepted; the reply is the outcome, with the files the run left in the
// working directory (then removed). One process runs many cases: spawning node per case costs
// ~0.4 s. A message { id, op, args } calls the library instead (api.test.ts).
//
// Each outcome carries the case's resource use: `ms`, the wall time of main, and `bytes`, the
// growth of this process's resident memory during the case: exact when the case set a new peak
// (the peak, from resourceUsage().maxRSS, minus the resident size before), else what it kept
// (an earlier, higher peak hides a lower one: harness.ts restarts a runner whose peak is high).
// `allocate: BYTES` in a message holds that much memory during the case: a planted
// over-allocation, to check that the measurement sees it.
import { readdirSync, readFileSync, rmSync } from 'node:fs'

const { main } = await import(new URL('../../dist/cli/main.js', import.meta.url).href)

/** Thrown by the intercepted process.exit to unwind main. */
class Exit extends Error {}

/** An error that escaped every handler between two cases (reported with the next outcome). */
let stray
process.on('uncaughtException', (e) => { stray = `uncaught: ${e?.stack ?? e}` })
process.on('unhandledRejection', (e) => { stray = `unhandled rejection: ${e?.stack ?? e}` })

/** The peak resident size of this process so far, in bytes (Linux reports maxRSS in KiB). */
const peak = () => process.resourceUsage().maxRSS * 1024

async function run(argv, allocate) {
  const before = { rss: process.memoryUsage.rss(), peak: peak() }
  const saved = { out: process.stdout.write, err: process.stderr.write, exit: process.exit }
  const listeners = new Set(process.stdout.listeners('error'))
  let code
  let stdout = ''
  let stderr = ''
  let thrown
  // After exit the real process would be gone: later writes (an error unwinding) are not seen.
  const capture = (append) => (chunk, ...rest) => {
    if (code === undefined) append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1'))
    rest.find((x) => typeof x === 'function')?.()
    return true
  }
  process.stdout.write = capture((s) => { stdout += s })
  process.stderr.write = capture((s) => { stderr += s })
  process.exit = (c) => {
    code ??= c ?? 0
    throw new Exit()
  }
  const start = performance.now()
  let held
  try {
    // Filled, so that the pages are resident.
    if (allocate) held = Buffer.alloc(allocate, 1)
    await main(argv)
    code ??= 0
  } catch (e) {
    if (!(e instanceof Exit)) {
      thrown = e instanceof Error ? (e.stack ?? e.message) : String(e)
      code ??= -1
    }
  } finally {
    process.stdout.write = saved.out
    process.stderr.write = saved.err
    process.exit = saved.exit
    // main adds an EPIPE listener to stdout on each call: drop it.
    for (const l of process.stdout.listeners('error')) if (!listeners.has(l)) process.stdout.off('error', l)
  }
  const ms = performance.now() - start
  // Let pending callbacks run: an error they raise belongs to this case.
  await new Promise((resolve) => setImmediate(resolve))
  const after = peak()
  const bytes = after > before.peak ? after - before.rss : Math.max(0, process.memoryUsage.rss() - before.rss)
  held = undefined
  if (stray !== undefined) { thrown ??= stray; stray = undefined }
  const files = {}
  for (const name of readdirSync('.')) {
    try { files[name] = readFileSync(name, 'latin1') } catch { files[name] = '' }
    rmSync(name, { recursive: true, force: true })
  }
  return { argv, code, stdout, stderr, files, ms, bytes, peak: after, thrown }
}

// --- The library API (api.test.ts): each operation calls the built modules and returns plain
// data, an error as { error: { name, message } }, a decimal as { decimal: text }.

const lib = async () => ({
  ...(await import(new URL('../../dist/theory/problem.js', import.meta.url).href)),
  ...(await import(new URL('../../dist/theory/solve.js', import.meta.url).href)),
  ...(await import(new URL('../../dist/theory/hp.js', import.meta.url).href)),
  ...(await import(new URL('../../dist/theory/rate.js', import.meta.url).href)),
  ...(await import(new URL('../../dist/simulate/simulate.js', import.meta.url).href)),
  ...(await import(new URL('../../dist/baselines/asymptotic.js', import.meta.url).href)),
  ...(await import(new URL('../../dist/hp/arith.js', import.meta.url).href)),
})

/** A result as plain data (decimals as their text). */
function plain(x, Decimal) {
  if (Decimal.isDecimal(x)) return { decimal: x.toString() }
  if (Array.isArray(x)) return x.map((v) => plain(v, Decimal))
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v, Decimal)]))
  return x
}

/** The value of f(), or its error. */
async function capture(f, Decimal) {
  try {
    return { value: plain(await f(), Decimal) }
  } catch (e) {
    return { error: { name: e?.constructor?.name ?? typeof e, message: e instanceof Error ? e.message : String(e) } }
  }
}

const api = {
  problem: (L, o) => capture(() => {
    const p = L.flowProblem(o)
    return { n: p.n, sigma: p.sigma, lambda: p.lambda, omega: p.omega, text: p.text, at: p.schedule.at(0.5) }
  }, L.Decimal),
  async solve(L, o, ts) {
    const sol = L.solve(L.flowProblem(o))
    return { dae: await capture(() => ts.map((t) => sol.dae(t)), L.Decimal), stats: await capture(() => ts.map((t) => sol.stats(t)), L.Decimal), grid: await capture(() => sol.statsGrid(ts), L.Decimal) }
  },
  hp: (L, o, ts, digits, which) => capture(() => (which === 'stats' ? L.statsHp : L.daeHp)(L.flowProblem(o), ts, { digits }).rows, L.Decimal),
  rate: (L, o, digits, nMax) => capture(() => {
    const r = L.rate(L.flowProblem(o), { digits, nMax })
    return { numeric: r.numeric, sequence: r.sequence, exact: r.exact?.values }
  }, L.Decimal),
  // rho is the problem's: flowProblem checks it, as checkSpec checks the simulation's own fields.
  async simulate(L, { problem, rho, ...rest }) {
    let spec
    const checked = await capture(() => L.checkSpec((spec = { ...rest, problem: L.flowProblem({ ...problem, rho }) })), L.Decimal)
    if (checked.error) return { checked }
    return { checked, run: await capture(async () => (await L.simulate(spec)).document, L.Decimal) }
  },
  baselines: (L, n, sigma, omega, hp) => capture(() => (hp ? L.asymptoticBaselinesHp(L.Decimal.clone({ precision: 30 }), String(n), String(sigma), String(omega)) : L.asymptoticBaselines(n, sigma, omega)), L.Decimal),
}

process.on('message', async ({ id, argv, op, args, allocate }) => {
  // An operation's own error (e.g. flowProblem refusing its options) is its outcome.
  const outcome = op === undefined ? await run(argv, allocate) : await capture(async () => api[op](await lib(), ...args), { isDecimal: () => false }).then((c) => c.error ? c : c.value)
  process.send({ id, outcome })
})
process.send('ready')
