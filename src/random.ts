/**
 * A seeded pseudo-random generator whose stream is fixed by this comment, so that a simulation
 * run with a given seed can be reproduced bit for bit, on any machine or in another language.
 *
 * Generator: xoshiro128** (Blackman & Vigna, 2018), 128 bits of state s0..s3 (unsigned 32-bit
 * words), period 2^128 - 1. One step, all arithmetic modulo 2^32, rotl(x, k) the 32-bit left
 * rotation:
 *   output = rotl(s1 · 5, 7) · 9
 *   t = s1 << 9;  s2 ^= s0;  s3 ^= s1;  s1 ^= s2;  s0 ^= s3;  s2 ^= t;  s3 = rotl(s3, 11)
 * The output is taken from the state *before* the update. From state (1, 2, 3, 4) the first
 * outputs are 11520, 0, 5927040 (worked by hand in test/random.test.ts).
 *
 * Seeding: a seed k ∈ [0, 2^32 - 1] fills s0, s1, s2, s3 (in that order) with four successive
 * outputs of splitmix32 started at x = k: each output adds the golden-ratio increment and mixes
 * with the MurmurHash3 32-bit finaliser,
 *   x = x + 0x9E3779B9;  z = x;  z = (z ^ (z >>> 16)) · 0x85EBCA6B;  z = (z ^ (z >>> 13)) · 0xC2B2AE35;
 *   output = z ^ (z >>> 16).
 * The finaliser is a bijection of 32-bit words and its four inputs are distinct, so the four
 * words are distinct and the state is never all zero (the one state xoshiro must avoid).
 *
 * Doubles:
 * - uniform() ∈ [0, 1): two outputs a then b, (a >>> 5) · 2^26 + (b >>> 6), divided by 2^53: every
 *   multiple of 2^-53 in [0, 1) with equal probability (the construction of MT19937's res53).
 * - normal(): Marsaglia's polar method on uniforms: u = 2·uniform() - 1, then v = 2·uniform() - 1;
 *   reject unless 0 < s = u² + v² < 1; with f = Math.sqrt(-2 * Math.log(s) / s) (evaluated in
 *   that order) return u·f and keep v·f for the next call of normal(). The kept variate is
 *   returned by the next normal() even when uniform() or sign() are called in between.
 *   Reproducibility relies on Math.log, which IEEE 754 does not require to be correctly rounded;
 *   V8 (Node) uses the same fdlibm-derived code on every platform. Math.sqrt is exact-rounded.
 * - sign(ρ): one uniform(), +1 when it is below ρ, otherwise -1 (so P(+1) = ρ).
 * - fillNormals(out): out[0], out[1], … from successive normal() calls.
 */

/** The largest seed accepted by rng(), and the largest state word. */
export const MAX_SEED = 2 ** 32 - 1
const TWO_POW_26 = 2 ** 26
const TWO_POW_53 = 2 ** 53

/** The 32-bit left rotation. */
function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}

/** splitmix32 from `seed`: a function returning its successive 32-bit outputs (unsigned). */
export function splitmix32(seed: number): () => number {
  let x = seed >>> 0
  return () => {
    x = (x + 0x9e3779b9) >>> 0
    let z = x
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return (z ^ (z >>> 16)) >>> 0
  }
}

/** A seeded stream of uniforms, normals and signs (xoshiro128**; see the file comment). */
export class Random {
  private s0: number
  private s1: number
  private s2: number
  private s3: number
  /** The second variate of the last polar pair; returned by the next normal() when `kept`. */
  private spare = 0
  private kept = false

  /** A generator started from an explicit state (four 32-bit words, not all zero). */
  static fromState(state: readonly [number, number, number, number]): Random {
    return new Random(state)
  }

  private constructor(state: readonly [number, number, number, number]) {
    if (state.some((w) => !Number.isInteger(w) || w < 0 || w > MAX_SEED)) {
      throw new Error(`xoshiro128** state words must be integers in [0, 2^32 - 1], got ${state.join(', ')}`)
    }
    if (state.every((w) => w === 0)) throw new Error('xoshiro128** state must not be all zero')
    this.s0 = state[0] | 0
    this.s1 = state[1] | 0
    this.s2 = state[2] | 0
    this.s3 = state[3] | 0
  }

  /** The next raw output, an unsigned 32-bit integer. */
  nextUint32(): number {
    const out = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0
    const t = this.s1 << 9
    this.s2 ^= this.s0
    this.s3 ^= this.s1
    this.s1 ^= this.s2
    this.s0 ^= this.s3
    this.s2 ^= t
    this.s3 = rotl(this.s3, 11)
    return out
  }

  /** A uniform double in [0, 1), a multiple of 2^-53 (high 27 bits from the first output). */
  uniform(): number {
    const a = this.nextUint32() >>> 5
    const b = this.nextUint32() >>> 6
    return (a * TWO_POW_26 + b) / TWO_POW_53
  }

  /**
   * One pair of the polar method: returns u f and leaves v f in `spare` (not marked kept). The
   * spare is a number field that never holds undefined, so that V8 stores it unboxed: a field of
   * number | undefined made every pair allocate, and fillNormals ran at 55-60 ns a normal, not 35-40.
   */
  private polar(): number {
    for (;;) {
      const u = 2 * this.uniform() - 1
      const v = 2 * this.uniform() - 1
      const s = u * u + v * v
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s)
        this.spare = v * f
        return u * f
      }
    }
  }

  /** A standard normal variate (Marsaglia's polar method; pairs, the second one kept). */
  normal(): number {
    if (this.kept) {
      this.kept = false
      return this.spare
    }
    const first = this.polar()
    this.kept = true
    return first
  }

  /** Fills `out` with successive standard normals (as many normal() calls) and returns it. */
  fillNormals(out: Float64Array): Float64Array {
    const n = out.length
    let i = 0
    if (n > 0 && this.kept) {
      out[i++] = this.spare
      this.kept = false
    }
    while (i < n) {
      out[i++] = this.polar()
      if (i < n) out[i++] = this.spare
      else this.kept = true
    }
    return out
  }

  /** +1 with probability rho, otherwise -1 (rho in [0, 1]). */
  sign(rho: number): 1 | -1 {
    if (!(rho >= 0 && rho <= 1)) throw new Error(`sign: rho must be in [0, 1], got ${rho}`)
    return this.uniform() < rho ? 1 : -1
  }
}

/** A generator seeded with an integer in [0, 2^32 - 1] through splitmix32 (see the file comment). */
export function rng(seed: number): Random {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new Error(`rng: the seed must be an integer in [0, 2^32 - 1], got ${seed}`)
  }
  const next = splitmix32(seed)
  return Random.fromState([next(), next(), next(), next()])
}
