// The js engine (src/simulate/engine.ts, rows.ts) split over threads against a plain
// single-thread loop written here: X <- a X + sum_f c_if V_f coordinate by coordinate, then each
// dot summed as docs/simulation.md states the engine sums it (blocks of 2048 coordinates, four
// accumulators by coordinate mod 4 within a block, the leftover coordinates in the first, the
// block summed as s0 + s1 + (s2 + s3) and the blocks in order). The two must agree exactly (===):
// the threads split rows, never a row's arithmetic. Then the workers' failures and their end.
import { describe, expect, it } from 'vitest'
import { rng } from '../../src/random.js'
import { availableParallelism } from 'node:os'
import { jsEngine, MAX_THREADS, THREADED_ENTRIES, type JsEngine } from '../../src/simulate/engine.js'

const BLOCK = 2048

/** The reference dot of x and y (see the file comment). */
function referenceDot(x: Float64Array, y: Float64Array): number {
  let total = 0
  for (let lo = 0; lo < x.length; lo += BLOCK) {
    const hi = Math.min(x.length, lo + BLOCK)
    const quads = lo + 4 * Math.floor((hi - lo) / 4)
    const s = [0, 0, 0, 0]
    for (let k = lo; k < hi; k++) s[k < quads ? (k - lo) % 4 : 0] += x[k] * y[k]
    total += s[0] + s[1] + (s[2] + s[3])
  }
  return total
}

/** X_i <- a X_i + sum_f c[i F + f] V_f: a x + c v with one vector, else a x then + c_f v_f in order. */
function referenceUpdate(X: Float64Array[], a: number, V: Float64Array[], c: Float64Array): void {
  const F = V.length
  X.forEach((x, i) => {
    for (let k = 0; k < x.length; k++) {
      if (F === 1) x[k] = a * x[k] + c[i] * V[0][k]
      else {
        x[k] *= a
        for (let f = 0; f < F; f++) x[k] += c[i * F + f] * V[f][k]
      }
    }
  })
}

const normals = (seed: number, d: number, count: number) => Array.from({ length: count }, (_, j) => rng(seed + j).fillNormals(new Float64Array(d)))

/** The engine's rows, read back through combine with one-hot weights (exact: the other rows add 0 X). */
function rowsOf(engine: JsEngine, P: number): Float64Array[] {
  return Array.from({ length: P }, (_, i) => engine.combine(Float64Array.from({ length: P }, (_, j) => (j === i ? 1 : 0))))
}

async function engineAndCopy(P: number, d: number, threads: number, kernel = true): Promise<{ engine: JsEngine; X: Float64Array[] }> {
  const X = normals(100, d, P)
  let next = 0
  const engine = await jsEngine(P, d, (row) => row.set(X[next++]), { threads, kernel })
  return { engine, X: X.map((x) => x.slice()) }
}

function expectDots(out: { dots: Float64Array; norms: Float64Array }, X: Float64Array[], probes: Float64Array[]): void {
  const J = probes.length
  expect(Array.from(out.norms)).toEqual(X.map((x) => referenceDot(x, x)))
  expect(Array.from(out.dots)).toEqual(X.flatMap((x) => probes.map((p) => referenceDot(x, p))))
}

// The threads claim rows in chunks of 2^13 entries (rows.ts), whichever comes first. P = 7 rows
// of 2 blocks and 7 (d neither a multiple of the block nor of 4), a row per claim; P = 31 rows of
// one block of 1003, 8 rows per claim (P not a multiple), where a last-bit slip in a block's sum
// shows in every row's result (a larger sum of blocks can round it away); P = 16 rows of 30000, a
// pass long enough that every thread joins it.
const SHAPES = [
  { P: 7, d: 2 * BLOCK + 7 },
  { P: 31, d: 1003 },
  { P: 16, d: 30000 },
]

describe('the js engine on threads against the single-thread reference', () => {
  // On the WebAssembly kernel (src/simulate/kernel.ts, Node's default) and on the JavaScript loops (a browser's).
  for (const { P, d } of SHAPES)
    for (const [threads, kernel] of [
      [1, true],
      [2, true],
      [3, true],
      [1, false],
      [3, false],
    ] as const) {
      it(`P = ${P}, d = ${d}, ${threads} thread(s), ${kernel ? 'kernel' : 'JavaScript loops'}: project, then advance with one and with two update vectors, exactly`, async () => {
        const { engine, X } = await engineAndCopy(P, d, threads, kernel)
        try {
          expect(engine.threads).toBe(threads)
          const probes = normals(200, d, 3)
          expectDots(engine.project(probes), X, probes)
          // Euler's one vector, two probes (a pair).
          const [v] = normals(300, d, 1)
          const c1 = rng(7).fillNormals(new Float64Array(P))
          referenceUpdate(X, 0.97, [v], c1)
          expectDots(engine.advance(0.97, [v], c1, probes.slice(0, 2)), X, probes.slice(0, 2))
          // Heun's two vectors, one probe (the odd one out of the pairs).
          const V = normals(400, d, 2)
          const c2 = rng(8).fillNormals(new Float64Array(2 * P))
          referenceUpdate(X, 1.03, V, c2)
          expectDots(engine.advance(1.03, V, c2, probes.slice(2)), X, probes.slice(2))
          // Row by row, the first coordinate that differs (-1: none); toEqual on 10^5 numbers takes seconds.
          rowsOf(engine, P).forEach((row, i) =>
            expect(
              row.findIndex((x, k) => !Object.is(x, X[i][k])),
              `row ${i}`,
            ).toBe(-1),
          )
        } finally {
          engine.dispose()
        }
      })
    }

  it('has one thread by default below THREADED_ENTRIES, one per core up to MAX_THREADS from there, and one per row at most', async () => {
    const cases: Array<[number, number, number | undefined, number]> = [
      [3, 2, undefined, 1],
      [2, THREADED_ENTRIES / 2, undefined, Math.min(availableParallelism(), MAX_THREADS, 2)],
      [3, 2, 8, 3],
    ]
    for (const [rows, length, threads, expected] of cases) {
      const engine = await jsEngine(rows, length, (row) => row.fill(1), threads === undefined ? {} : { threads })
      expect(engine.threads).toBe(expected)
      engine.dispose()
    }
  })
})

describe("the js engine's workers", () => {
  it('a failure in a worker is thrown by the pass on the main thread', async () => {
    const engine = await jsEngine(4, 10, (row) => row.fill(1), { threads: 2, script: new URL('./fixtures/failing-worker.mjs', import.meta.url) })
    try {
      expect(() => engine.project([new Float64Array(10)])).toThrow(/worker failed: planted failure in the worker/)
    } finally {
      engine.dispose()
    }
  })

  it('a worker that cannot start fails the creation of the engine', async () => {
    await expect(jsEngine(4, 10, (row) => row.fill(1), { threads: 3, script: new URL('./fixtures/broken-worker.mjs', import.meta.url) })).rejects.toThrow(/planted failure at load/)
  })

  it('dispose ends the workers (stopped resolves on their exit) and the engine refuses further passes', async () => {
    const { engine } = await engineAndCopy(5, 100, 3)
    engine.dispose()
    await engine.stopped
    expect(() => engine.project([new Float64Array(100)])).toThrow(/disposed/)
  })
})
