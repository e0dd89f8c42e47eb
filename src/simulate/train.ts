/**
 * Training the DAE f(x) = c x + w sign(w.x) at one time t on the n k pairs (x_t^{mu,j} -> x1^mu),
 * x_t^{mu,j} = alpha x0^{mu,j} + beta x1^mu, k noise draws per sample, in double precision on
 * d-vectors (docs/theory.md section 2, docs/simulation.md section 2). The formulas below read with
 * n the number of pairs (n k), A = sum over the pairs of s x1 (k times data.A) and xi = sum over
 * the pairs of s x0 (k times data.xi, the draws' mean): a pair does not know its x1 is shared. Both
 * trainers return the learnt velocity b(x) = alpha'/alpha x + zeta f(x) in a form without the
 * 1/alpha pole:
 *   b(x) = gamma x + v sign(u.x),   gamma = alpha'/alpha + zeta c,   v = zeta w,   u ∝ w.
 *
 * exact: with the sign pattern fixed to the labels the risk is quadratic. Stationarity in w gives
 * (n + lambda) w = A - c B with A = sum s x1, B = sum s x_t = alpha xi + beta A; in c,
 * c sum|x_t|^2 = sum x_t.x1 - w.B. Substituting w, with the scalars
 *   a = S00 - xi.xi/(n+lambda),  b = S01 - A.xi/(n+lambda),  e = S11 - A.A/(n+lambda)
 * (S00 = sum|x0|^2, S01 = sum x0.x1, S11 = sum|x1|^2) and Den = alpha^2 a + 2 alpha beta b + beta^2 e:
 *   c = (alpha b + beta e)/Den,   1 - c beta = alpha (alpha a + beta b)/Den,
 *   A - c B = alpha u  with  u = (alpha a + beta b)/Den A - c xi,   w = alpha u/(n + lambda),
 *   gamma = alpha' (alpha a + beta b)/Den + beta' c,   v = W u/(n + lambda),  W = alpha beta' - alpha' beta,
 * all regular at alpha = 0, where c = 1, w = 0 and b(x) is the limit t -> 1 (Heun's last stage).
 * Without skip connection c = 0 and w = A/(n + lambda).
 *
 * adam: full-batch Adam on the risk R_t(c, w) = 1/2 sum |x1 - c x_t - w phi|^2 + lambda/2 |w|^2,
 * phi^mu = sign(w.x_t^mu) re-evaluated every epoch (its derivative is 0 almost everywhere), warm
 * started from the previous time. At t = 0 the input x_t = x0 is independent of the labels (the
 * margin of docs/theory.md section 3 is 0) and sign(w.x0) has zero gradient, so nothing leads Adam to
 * the labels' pattern, although it has the lowest risk: there the pattern is pinned to the
 * labels, and the first fit starts from c = 0, w = 0. The network and the risk are
 * even in w, so each fit is returned with w.A >= 0.
 *
 * adam with activation tanh: the network f(x) = c x + w tanh(w.x/sqrt d), trained through tanh
 * (no pinning: tanh has a gradient at t = 0). Its velocity is b(x) = gamma x + v tanh(u.x) with
 * u = w/sqrt d exactly (tanh, unlike sign, sees the scale). w = 0 is a stationary point of its
 * risk (tanh(0) = 0 and the gradient in w vanishes there), so its first fit starts from the fresh
 * initialisation below even when warm-started.
 *
 * init fresh: every time starts from c = 1 and w of i.i.d. N(0, 1) entries, the published
 * experiments' protocol (SPOC-group/Diffusion_GMM, Simulations.py), instead of the previous fit.
 */
import { ParameterError } from '../errors.js'
import { breather } from '../limits.js'
import { dot } from './vector.js'
import { pairLabels, type TrainingSet } from './data.js'
import type { Random } from '../random.js'

export const TRAINERS = ['exact', 'adam'] as const
export type TrainerName = (typeof TRAINERS)[number]

/** The network's nonlinearity phi in f(x) = c x + w phi(w.x/sqrt d); sign is scale-free. */
export const ACTIVATIONS = ['sign', 'tanh'] as const
export type Activation = (typeof ACTIVATIONS)[number]

/** Adam's starting point at each time: the previous fit (warm) or a fresh random one (fresh). */
export const INITS = ['warm', 'fresh'] as const
export type Init = (typeof INITS)[number]

/** phi of the velocity at the dot y = u.x (runge-kutta.ts); sign(0) is +1, as the trainers' patterns. */
export const activate = (phi: Activation, y: number): number => (phi === 'tanh' ? Math.tanh(y) : y >= 0 ? 1 : -1)

/** alpha, beta, alpha', beta' at t. */
export type ScheduleValues = readonly [number, number, number, number]

export interface Velocity {
  readonly gamma: number
  readonly v: Float64Array
  readonly u: Float64Array
  /** b(x) = gamma x + v phi(u.x); undefined: sign. */
  readonly phi?: Activation
}

export interface Fit {
  readonly c: number
  /** The DAE weights (0 at t = 1). */
  readonly w: Float64Array
  readonly velocity: Velocity
  /** Fraction of training points with sign(w.x_t^mu) = s^mu. */
  readonly selfConsistent: number
  /** Stationarity residual sqrt(|dR/dw|^2/d + (dR/dc/d)^2)/n: 0 at a minimiser, O(1) far from one. */
  readonly gradNorm: number
}

export interface Trainer {
  /**
   * Adam's fit is asynchronous: it gives the event loop a turn now and then (a signal is handled
   * there). `on`: the training set at this time when it is not the trainer's own (fresh noise at
   * every t: the same samples, new x0); Adam still starts from the previous time's fit.
   */
  fit(at: ScheduleValues, on?: TrainingSet): Fit | Promise<Fit>
}

/** The training set seen as the n k pairs: their count, and the row of x1 and the label of pair p. */
export interface Pairs {
  readonly count: number
  readonly row1: (p: number) => number
  readonly label: (p: number) => number
  /** Sums over the pairs of s x1 and s x0 (k A and k xi). */
  readonly A: Float64Array
  readonly xi: Float64Array
}

export function pairsOf(data: TrainingSet): Pairs {
  const k = data.draws
  // k = 1: the one-draw arrays themselves (x 1 is exact anyway).
  const times = (v: Float64Array) => (k === 1 ? v : v.map((x) => k * x))
  return { count: data.n * k, row1: (p) => Math.floor(p / k), label: (p) => data.labels[Math.floor(p / k)], A: times(data.A), xi: times(data.xi) }
}

/** Sums over the pairs that do not depend on t. */
interface Sums {
  S00: number
  S01: number
  S11: number
  AA: number
  Axi: number
  xixi: number
}

function sums(data: TrainingSet, pairs: Pairs): Sums {
  const { d, x0, x1 } = data
  const { A, xi } = pairs
  let S00 = 0,
    S01 = 0,
    S11 = 0
  for (let p = 0; p < pairs.count; p++) {
    const row0 = x0.subarray(p * d, (p + 1) * d)
    const r = pairs.row1(p)
    const row1 = x1.subarray(r * d, (r + 1) * d)
    S00 += dot(row0, row0)
    S01 += dot(row0, row1)
    S11 += dot(row1, row1)
  }
  return { S00, S01, S11, AA: dot(A, A), Axi: dot(A, xi), xixi: dot(xi, xi) }
}

/** Row p of x_t, alpha x0^{mu,j} + beta x1^mu, written into `out` from `offset`. */
function inputRow(data: TrainingSet, pairs: Pairs, alpha: number, beta: number, p: number, out: Float64Array, offset: number): void {
  const { d, x0, x1 } = data
  const o1 = pairs.row1(p) * d
  for (let i = 0, o = p * d; i < d; i++) out[offset + i] = alpha * x0[o + i] + beta * x1[o1 + i]
}

/** x_t^{mu,j} = alpha x0^{mu,j} + beta x1^mu, n k x d. */
function inputs(data: TrainingSet, pairs: Pairs, alpha: number, beta: number): Float64Array {
  const out = new Float64Array(pairs.count * data.d)
  for (let p = 0; p < pairs.count; p++) inputRow(data, pairs, alpha, beta, p, out, p * data.d)
  return out
}

/** Row p of x_t as a d-vector (the diagnostics read one row at a time). */
type InputRows = (p: number) => Float64Array

/** The rows of a whole x_t (Adam's, which trains on all of it). */
const rowsOfInputs =
  (xt: Float64Array, d: number): InputRows =>
  (p) =>
    xt.subarray(p * d, (p + 1) * d)

/**
 * The rows of x_t, each computed when asked for into one d-vector `row` (valid until the next
 * call): the exact trainer needs x_t for its diagnostics only, so it never holds the n k x d inputs.
 */
const rowsAt =
  (data: TrainingSet, pairs: Pairs, alpha: number, beta: number, row: Float64Array): InputRows =>
  (p) => {
    inputRow(data, pairs, alpha, beta, p, row, 0)
    return row
  }

/** Fraction of pairs with sign(dir . x_t^{mu,j}) = s^mu. */
function consistency(pairs: Pairs, rows: InputRows, dir: Float64Array): number {
  let ok = 0
  for (let p = 0; p < pairs.count; p++) if (Math.sign(dot(rows(p), dir)) === pairs.label(p)) ok++
  return ok / pairs.count
}

/** The gradient of R_t at (c, w) for a sign pattern phi, and its normalised norm; `g`: a d-vector to work in. */
function residual(data: TrainingSet, pairs: Pairs, lambda: number, skip: boolean, rows: InputRows, phi: ArrayLike<number>, c: number, w: Float64Array, g = new Float64Array(data.d)): number {
  const { d, x1 } = data
  const n = pairs.count
  // dR/dw = (n + lambda) w - sum phi (x1 - c x_t);  dR/dc = -sum x_t . (x1 - c x_t - phi w)
  let gw2 = 0
  let gc = 0
  for (let i = 0; i < d; i++) g[i] = (n + lambda) * w[i]
  for (let k = 0; k < n; k++) {
    const p = phi[k]
    const x = rows(k)
    const o1 = pairs.row1(k) * d
    for (let i = 0; i < d; i++) {
      const r = x1[o1 + i] - c * x[i]
      g[i] -= p * r
      gc -= x[i] * (r - p * w[i])
    }
  }
  for (let i = 0; i < d; i++) gw2 += g[i] * g[i]
  return Math.sqrt(gw2 / d + (skip ? (gc / d) ** 2 : 0)) / n
}

/**
 * The exact trainer. `vector`: where each fit takes its d-vectors w, u and v, each of which it
 * writes in full (by default new arrays; simulate passes a pool it refills, vector.ts).
 */
export function exactTrainer(data: TrainingSet, lambda: number, skip: boolean, vector: () => Float64Array = () => new Float64Array(data.d)): { fit(at: ScheduleValues): Fit } {
  const pairs = pairsOf(data)
  const S = sums(data, pairs)
  const { d } = data
  const { A, xi } = pairs
  const labels = pairLabels(data.labels, data.draws)
  const nl = pairs.count + lambda
  const a = S.S00 - S.xixi / nl
  const b = S.S01 - S.Axi / nl
  const e = S.S11 - S.AA / nl
  // Two d-vectors for the diagnostics, kept from one t to the next: a row of the inputs at t and
  // the gradient (not the n k d inputs, nor garbage of their size at every step of a simulation).
  const row = new Float64Array(d),
    g = new Float64Array(d)
  return {
    fit([alpha, beta, alphadot, betadot]) {
      const rows = rowsAt(data, pairs, alpha, beta, row)
      if (!skip) {
        const w = vector(),
          v = vector()
        const zeta = betadot - (alphadot * beta) / alpha
        for (let i = 0; i < d; i++) w[i] = A[i] / nl
        for (let i = 0; i < d; i++) v[i] = zeta * w[i]
        return {
          c: 0,
          w,
          velocity: { gamma: alphadot / alpha, v, u: w },
          selfConsistent: consistency(pairs, rows, w),
          gradNorm: residual(data, pairs, lambda, false, rows, labels, 0, w, g),
        }
      }
      const den = alpha * alpha * a + 2 * alpha * beta * b + beta * beta * e
      const c = (alpha * b + beta * e) / den
      const r = (alpha * a + beta * b) / den
      const u = vector(),
        w = vector(),
        v = vector()
      for (let i = 0; i < d; i++) u[i] = r * A[i] - c * xi[i]
      const W = alpha * betadot - alphadot * beta
      for (let i = 0; i < d; i++) w[i] = (alpha * u[i]) / nl
      for (let i = 0; i < d; i++) v[i] = (W * u[i]) / nl
      return {
        c,
        w,
        velocity: { gamma: alphadot * r + betadot * c, v, u },
        selfConsistent: consistency(pairs, rows, u),
        gradNorm: residual(data, pairs, lambda, true, rows, labels, c, w, g),
      }
    },
  }
}

export interface AdamOptions {
  /** Learning rate (default 1e-2). */
  readonly lr?: number
  /** Epochs per time step (default 2000). */
  readonly epochs?: number
  /** The network's phi (default sign). */
  readonly activation?: Activation
  /** Warm (default) or fresh starts; fresh ones, and tanh's first, draw w from `random`. */
  readonly init?: Init
  readonly random?: Random
}

/** Adam's moment decay rates and epsilon (Kingma & Ba's defaults, as in the published experiments). */
const BETA1 = 0.9
const BETA2 = 0.999
const EPSILON = 1e-8

/**
 * Smallest learning rate: an Adam step is lr times moments of the gradient, which underflow double
 * precision (below 2.2e-308 digits are lost, below 5e-324 nothing is left) for smaller ones, and
 * the run then ends in 0/0 rather than in a slow fit.
 */
export const MIN_LR = 1e-200

/** Refuse a learning rate Adam cannot step with; `shown`: the value as the user wrote it. */
export function checkLr(lr: number, shown = String(lr)): void {
  if (!(lr >= MIN_LR && Number.isFinite(lr))) {
    throw new ParameterError('lr', `must be a finite number >= ${MIN_LR}: a smaller Adam step underflows double precision (got ${shown})`)
  }
}

export function adamTrainer(data: TrainingSet, lambda: number, skip: boolean, o: AdamOptions = {}): Trainer {
  const lr = o.lr ?? 1e-2
  const epochs = o.epochs ?? 2000
  const tanh = o.activation === 'tanh'
  const { d, x1 } = data
  const n = data.n * data.draws
  const nl = n + lambda
  // Warm start: the parameters carry over from one time to the next.
  let c = 0
  const w = new Float64Array(d)
  let first = true
  const restart = () => {
    if (!o.random) throw new Error('adamTrainer: a fresh start needs a random stream')
    c = skip ? 1 : 0
    o.random.fillNormals(w)
  }
  return {
    async fit([alpha, beta, alphadot, betadot], on = data) {
      const pause = breather()
      if (o.init === 'fresh' || (tanh && first)) restart()
      first = false
      const pairs = pairsOf(on)
      const xt = inputs(on, pairs, alpha, beta)
      if (tanh) return tanhAdam({ on, pairs, xt, lambda, skip, lr, epochs, pause }, { w, c: () => c, setC: (x) => (c = x) }, [alpha, beta, alphadot, betadot])
      let sxx = 0,
        sx1 = 0
      for (let p = 0; p < n; p++) {
        const o1 = pairs.row1(p) * d
        for (let i = 0, o = p * d; i < d; i++) {
          sxx += xt[o + i] * xt[o + i]
          sx1 += xt[o + i] * x1[o1 + i]
        }
      }
      const pinned = beta === 0
      // phi, and A_phi = sum phi x1, B_phi = sum phi x_t, updated when a sign flips.
      const phi = new Int8Array(n)
      const Aphi = new Float64Array(d)
      const Bphi = new Float64Array(d)
      const setSigns = () => {
        for (let k = 0; k < n; k++) {
          const s = pinned ? pairs.label(k) : dot(xt, w, k * d, d) >= 0 ? 1 : -1
          if (s === phi[k]) continue
          const delta = s - phi[k]
          phi[k] = s
          const off1 = pairs.row1(k) * d
          for (let i = 0, off = k * d; i < d; i++) {
            Aphi[i] += delta * x1[off1 + i]
            Bphi[i] += delta * xt[off + i]
          }
        }
      }
      const mw = new Float64Array(d),
        vw = new Float64Array(d)
      let mc = 0,
        vc = 0
      let b1 = 1,
        b2 = 1
      for (let epoch = 0; epoch < epochs; epoch++) {
        const paused = pause()
        if (paused) await paused
        setSigns()
        // dR/dc = c sum|x_t|^2 - sum x_t.x1 + w.B_phi
        const gc = skip ? c * sxx - sx1 + dot(w, Bphi) : 0
        b1 *= BETA1
        b2 *= BETA2
        const step = (lr * Math.sqrt(1 - b2)) / (1 - b1)
        for (let i = 0; i < d; i++) {
          const g = nl * w[i] - Aphi[i] + c * Bphi[i]
          mw[i] = BETA1 * mw[i] + (1 - BETA1) * g
          vw[i] = BETA2 * vw[i] + (1 - BETA2) * g * g
          w[i] -= (step * mw[i]) / (Math.sqrt(vw[i]) + EPSILON * Math.sqrt(1 - b2))
        }
        if (skip) {
          mc = BETA1 * mc + (1 - BETA1) * gc
          vc = BETA2 * vc + (1 - BETA2) * gc * gc
          c -= (step * mc) / (Math.sqrt(vc) + EPSILON * Math.sqrt(1 - b2))
        }
      }
      // f_{c,w} = f_{c,-w} and R_t is even in w: orient w along A, the labels' side, so that its
      // sign pattern is compared with the labels and its overlaps with the theory's.
      if (dot(w, data.A) < 0) {
        for (let i = 0; i < d; i++) w[i] = -w[i]
        for (let k = 0; k < n; k++) phi[k] = -phi[k] as -1 | 1
      }
      const zeta = betadot - (alphadot * beta) / alpha
      const wOut = w.slice()
      return {
        c,
        w: wOut,
        velocity: { gamma: alphadot / alpha + zeta * c, v: wOut.map((x) => zeta * x), u: wOut },
        selfConsistent: consistency(pairs, rowsOfInputs(xt, d), wOut),
        gradNorm: residual(on, pairs, lambda, skip, rowsOfInputs(xt, d), phi, c, wOut),
      }
    },
  }
}

/** What one tanh fit reads: the time's pairs and inputs and Adam's settings. */
export interface TanhFit {
  readonly on: TrainingSet
  readonly pairs: Pairs
  readonly xt: Float64Array
  readonly lambda: number
  readonly skip: boolean
  readonly lr: number
  readonly epochs: number
  readonly pause: ReturnType<typeof breather>
}

/**
 * The gradient of R_t(c, w) = 1/2 sum_p |x1_p - c x_p - w tanh(h_p)|^2 + lambda/2 |w|^2,
 * h_p = w.x_p/sqrt d, into `g`; returns dR/dc. With phi_p = tanh(h_p) and r_p the residual,
 *   dR/dw = (lambda + sum phi^2) w - sum phi_p x1_p + sum (c phi_p - (r_p.w)(1 - phi_p^2)/sqrt d) x_p,
 *   r_p.w = w.x1_p - c w.x_p - |w|^2 phi_p,   dR/dc = c sum|x_p|^2 - sum x_p.x1_p + sum phi_p w.x_p.
 */
export function tanhGradient(f: TanhFit, c: number, w: Float64Array, sxx: number, sx1: number, g: Float64Array): number {
  const { on, pairs, xt, lambda } = f
  const { d, x1 } = on
  const root = Math.sqrt(d)
  const ww = dot(w, w)
  let phi2 = 0,
    gc = c * sxx - sx1
  g.fill(0)
  for (let p = 0; p < pairs.count; p++) {
    const o = p * d,
      o1 = pairs.row1(p) * d
    const wx = dot(xt, w, o, d),
      wx1 = dot(x1, w, o1, d)
    const phi = Math.tanh(wx / root)
    phi2 += phi * phi
    gc += phi * wx
    const onX = c * phi - ((wx1 - c * wx - ww * phi) * (1 - phi * phi)) / root
    for (let i = 0; i < d; i++) g[i] += onX * xt[o + i] - phi * x1[o1 + i]
  }
  for (let i = 0; i < d; i++) g[i] += (lambda + phi2) * w[i]
  return gc
}

/** Full-batch Adam on the tanh network from (c, w), which it updates in place. */
async function tanhAdam(f: TanhFit, state: { w: Float64Array; c(): number; setC(c: number): void }, [alpha, beta, alphadot, betadot]: ScheduleValues): Promise<Fit> {
  const { on, pairs, xt, skip, lr, epochs } = f
  const { d, x1 } = on
  const { w } = state
  let c = state.c()
  let sxx = 0,
    sx1 = 0
  for (let p = 0; p < pairs.count; p++) {
    const o1 = pairs.row1(p) * d
    for (let i = 0, o = p * d; i < d; i++) {
      sxx += xt[o + i] * xt[o + i]
      sx1 += xt[o + i] * x1[o1 + i]
    }
  }
  const g = new Float64Array(d),
    mw = new Float64Array(d),
    vw = new Float64Array(d)
  let mc = 0,
    vc = 0,
    b1 = 1,
    b2 = 1
  for (let epoch = 0; epoch < epochs; epoch++) {
    const paused = f.pause()
    if (paused) await paused
    const gc = tanhGradient(f, c, w, sxx, sx1, g)
    b1 *= BETA1
    b2 *= BETA2
    const step = (lr * Math.sqrt(1 - b2)) / (1 - b1)
    for (let i = 0; i < d; i++) {
      mw[i] = BETA1 * mw[i] + (1 - BETA1) * g[i]
      vw[i] = BETA2 * vw[i] + (1 - BETA2) * g[i] * g[i]
      w[i] -= (step * mw[i]) / (Math.sqrt(vw[i]) + EPSILON * Math.sqrt(1 - b2))
    }
    if (skip) {
      mc = BETA1 * mc + (1 - BETA1) * gc
      vc = BETA2 * vc + (1 - BETA2) * gc * gc
      c -= (step * mc) / (Math.sqrt(vc) + EPSILON * Math.sqrt(1 - b2))
    }
  }
  // As the sign network, tanh's is odd in w: orient w along A.
  if (dot(w, on.A) < 0) for (let i = 0; i < d; i++) w[i] = -w[i]
  state.setC(c)
  const gc = tanhGradient(f, c, w, sxx, sx1, g)
  const n = pairs.count
  const gradNorm = Math.sqrt(dot(g, g) / d + (skip ? (gc / d) ** 2 : 0)) / n
  const zeta = betadot - (alphadot * beta) / alpha
  const wOut = w.slice()
  const root = Math.sqrt(d)
  return {
    c,
    w: wOut,
    velocity: { gamma: alphadot / alpha + zeta * c, v: wOut.map((x) => zeta * x), u: wOut.map((x) => x / root), phi: 'tanh' },
    selfConsistent: consistency(pairs, rowsOfInputs(xt, d), wOut),
    gradNorm,
  }
}
