/**
 * The js engine's inner loops (rows.ts) as a WebAssembly module with 128-bit SIMD, for X and the
 * pass's vectors held in a shared WebAssembly.Memory: two doubles per instruction where V8 runs
 * the JavaScript loops one at a time. The arithmetic is that of vector.ts's dotRange and rows.ts's
 * updateOne, operation for operation: the four accumulators s0..s3 are the lanes of two f64x2
 * registers ([s0, s1], [s2, s3]), the leftover coordinates go into s0, and the result is
 * s0 + s1 + (s2 + s3); an update is a x + c v, two products and a sum (no fused multiply-add), so
 * every value is the same double as the JavaScript loop's (test/simulate/engine.test.ts).
 *
 * The module is written here as bytes, from the instructions below (WebAssembly core
 * specification 2.0, binary format, with the fixed-width SIMD proposal's opcodes), so the build
 * needs no assembler. Addresses are byte offsets into the memory; lengths are counts of doubles.
 *   dot(x, y, n) -> f64:             the dotRange of n doubles at x and at y;
 *   dot2(x, y, z, n, out):           dot(x, y, n) and dot(x, z, n), stored at out and out + 8;
 *   update(x, v, n, a, c) -> f64:    x <- a x + c v on n doubles, and the dotRange of the new x with itself.
 */

/** The module's three functions, bound to a memory (byte offsets; see the file comment). */
export interface Kernel {
  dot(x: number, y: number, n: number): number
  dot2(x: number, y: number, z: number, n: number, out: number): void
  update(x: number, v: number, n: number, a: number, c: number): number
}

// --- The binary encoding.

const unsigned = (x: number): number[] => {
  const out: number[] = []
  do {
    let byte = x & 0x7f
    x >>>= 7
    if (x !== 0) byte |= 0x80
    out.push(byte)
  } while (x !== 0)
  return out
}
const signed = (x: number): number[] => {
  const out: number[] = []
  for (;;) {
    const byte = x & 0x7f
    x >>= 7
    if ((x === 0 && (byte & 0x40) === 0) || (x === -1 && (byte & 0x40) !== 0)) return [...out, byte]
    out.push(byte | 0x80)
  }
}
const vector = (items: number[][]): number[] => [...unsigned(items.length), ...items.flat()]
const section = (id: number, body: number[]): number[] => [id, ...unsigned(body.length), ...body]

const I32 = 0x7f,
  F64 = 0x7c,
  V128 = 0x7b

// Instructions.
const get = (i: number) => [0x20, ...unsigned(i)]
const set = (i: number) => [0x21, ...unsigned(i)]
const i32 = (x: number) => [0x41, ...signed(x)]
const I32_ADD = [0x6a],
  I32_AND = [0x71],
  I32_SHL = [0x74],
  I32_GE_U = [0x4f]
const F64_ADD = [0xa0],
  F64_MUL = [0xa2]
const f64Load = (offset: number) => [0x2b, 3, ...unsigned(offset)]
const f64Store = (offset: number) => [0x39, 3, ...unsigned(offset)]
const simd = (op: number, ...rest: number[]) => [0xfd, ...unsigned(op), ...rest]
const v128Load = (offset: number) => simd(0x00, 3, ...unsigned(offset))
const v128Store = (offset: number) => simd(0x0b, 3, ...unsigned(offset))
const F64X2_SPLAT = simd(0x14),
  F64X2_ADD = simd(0xf0),
  F64X2_MUL = simd(0xf2)
const lane = (l: number) => simd(0x21, l)
const BLOCK = [0x02, 0x40],
  LOOP = [0x03, 0x40],
  END = [0x0b]
const brIf = (depth: number) => [0x0d, ...unsigned(depth)]
const br = (depth: number) => [0x0c, ...unsigned(depth)]

/** The address x + k (locals). */
const at = (x: number, k: number) => [...get(x), ...get(k), ...I32_ADD]

/** while (k < end) { body; k += step } */
const loop = (k: number, end: number, step: number, body: number[]): number[] => [
  ...BLOCK,
  ...LOOP,
  ...get(k),
  ...get(end),
  ...I32_GE_U,
  ...brIf(1),
  ...body,
  ...get(k),
  ...i32(step),
  ...I32_ADD,
  ...set(k),
  ...br(0),
  ...END,
  ...END,
]

/** quads = bytes of the whole groups of four doubles of n, end = bytes of n. */
const bounds = (n: number, quads: number, end: number) => [...get(n), ...i32(-4), ...I32_AND, ...i32(3), ...I32_SHL, ...set(quads), ...get(n), ...i32(3), ...I32_SHL, ...set(end)]

/** acc += x[k + offset..] * y[k + offset..] (two lanes). */
const accumulate = (acc: number, x: number, y: number, k: number, offset: number) => [
  ...get(acc),
  ...at(x, k),
  ...v128Load(offset),
  ...at(y, k),
  ...v128Load(offset),
  ...F64X2_MUL,
  ...F64X2_ADD,
  ...set(acc),
]

/** s += x[k] y[k] (one double). */
const term = (s: number, x: number, y: number, k: number) => [...get(s), ...at(x, k), ...f64Load(0), ...at(y, k), ...f64Load(0), ...F64_MUL, ...F64_ADD, ...set(s)]

/** s0 = lane 0 of lo. */
const first = (s0: number, lo: number) => [...get(lo), ...lane(0), ...set(s0)]

/** s0 = lane 0 of lo, then s0 += x[k] y[k] over the leftover doubles. */
const leftover = (s0: number, lo: number, x: number, y: number, k: number, end: number) => [...first(s0, lo), ...loop(k, end, 8, term(s0, x, y, k))]

/** s0 + s1 + (s2 + s3) on the stack, s1 lane 1 of lo, s2 and s3 the lanes of hi. */
const total = (s0: number, lo: number, hi: number) => [...get(s0), ...get(lo), ...lane(1), ...F64_ADD, ...get(hi), ...lane(0), ...get(hi), ...lane(1), ...F64_ADD, ...F64_ADD]

const locals = (groups: Array<[number, number]>) => vector(groups.map(([count, type]) => [...unsigned(count), type]))
const body = (localGroups: Array<[number, number]>, code: number[]) => {
  const b = [...locals(localGroups), ...code, ...END]
  return [...unsigned(b.length), ...b]
}

// dot(x, y, n): params 0..2; locals k 3, quads 4, end 5 (i32), s0 6 (f64), lo 7, hi 8 (v128).
const DOT = body(
  [
    [3, I32],
    [1, F64],
    [2, V128],
  ],
  [...bounds(2, 4, 5), ...loop(3, 4, 32, [...accumulate(7, 0, 1, 3, 0), ...accumulate(8, 0, 1, 3, 16)]), ...leftover(6, 7, 0, 1, 3, 5), ...total(6, 7, 8)],
)

// dot2(x, y, z, n, out): params 0..4; locals k 5, quads 6, end 7 (i32), s0 8, t0 9 (f64), lo 10, hi 11, tlo 12, thi 13 (v128).
const DOT2 = body(
  [
    [3, I32],
    [2, F64],
    [4, V128],
  ],
  [
    ...bounds(3, 6, 7),
    ...loop(5, 6, 32, [...accumulate(10, 0, 1, 5, 0), ...accumulate(11, 0, 1, 5, 16), ...accumulate(12, 0, 2, 5, 0), ...accumulate(13, 0, 2, 5, 16)]),
    // Both leftovers in one sweep: k is the same for both.
    ...first(8, 10),
    ...first(9, 12),
    ...loop(5, 7, 8, [...term(8, 0, 1, 5), ...term(9, 0, 2, 5)]),
    ...get(4),
    ...total(8, 10, 11),
    ...f64Store(0),
    ...get(4),
    ...total(9, 12, 13),
    ...f64Store(8),
  ],
)

/** x[k + offset..] <- a x + c v (two lanes, left on the stack too), acc += new x squared. */
const updateLanes = (x: number, v: number, k: number, offset: number, A: number, C: number, tmp: number, acc: number) => [
  ...get(A),
  ...at(x, k),
  ...v128Load(offset),
  ...F64X2_MUL,
  ...get(C),
  ...at(v, k),
  ...v128Load(offset),
  ...F64X2_MUL,
  ...F64X2_ADD,
  ...set(tmp),
  ...at(x, k),
  ...get(tmp),
  ...v128Store(offset),
  ...get(acc),
  ...get(tmp),
  ...get(tmp),
  ...F64X2_MUL,
  ...F64X2_ADD,
  ...set(acc),
]

// update(x, v, n, a, c): params 0..2 (i32), 3, 4 (f64); locals k 5, quads 6, end 7 (i32), s0 8, y 9 (f64), lo 10, hi 11, A 12, C 13, tmp 14 (v128).
const UPDATE = body(
  [
    [3, I32],
    [2, F64],
    [5, V128],
  ],
  [
    ...bounds(2, 6, 7),
    ...get(3),
    ...F64X2_SPLAT,
    ...set(12),
    ...get(4),
    ...F64X2_SPLAT,
    ...set(13),
    ...loop(5, 6, 32, [...updateLanes(0, 1, 5, 0, 12, 13, 14, 10), ...updateLanes(0, 1, 5, 16, 12, 13, 14, 11)]),
    ...get(10),
    ...lane(0),
    ...set(8),
    ...loop(5, 7, 8, [
      ...get(3),
      ...at(0, 5),
      ...f64Load(0),
      ...F64_MUL,
      ...get(4),
      ...at(1, 5),
      ...f64Load(0),
      ...F64_MUL,
      ...F64_ADD,
      ...set(9),
      ...at(0, 5),
      ...get(9),
      ...f64Store(0),
      ...get(8),
      ...get(9),
      ...get(9),
      ...F64_MUL,
      ...F64_ADD,
      ...set(8),
    ]),
    ...total(8, 10, 11),
  ],
)

const functionType = (params: number[], results: number[]) => [0x60, ...vector(params.map((p) => [p])), ...vector(results.map((r) => [r]))]
const name = (s: string) => vector([...s].map((ch) => [ch.charCodeAt(0)]))

/** The module's bytes: it imports env.memory (shared, `pages` 64 KiB pages) and exports dot, dot2, update. */
function moduleBytes(pages: number): Uint8Array<ArrayBuffer> {
  const types = vector([functionType([I32, I32, I32], [F64]), functionType([I32, I32, I32, I32, I32], []), functionType([I32, I32, I32, F64, F64], [F64])])
  // An import of kind memory with limits flag 3: shared, minimum and maximum.
  const imports = vector([[...name('env'), ...name('memory'), 0x02, 0x03, ...unsigned(pages), ...unsigned(pages)]])
  const functions = vector([[0], [1], [2]])
  const exports = vector([
    [...name('dot'), 0x00, 0],
    [...name('dot2'), 0x00, 1],
    [...name('update'), 0x00, 2],
  ])
  const code = vector([DOT, DOT2, UPDATE])
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...section(1, types), ...section(2, imports), ...section(3, functions), ...section(7, exports), ...section(10, code)])
}

/** Bytes per WebAssembly page, and the most pages a 32-bit memory has (4 GiB). */
export const PAGE = 65536
export const MAX_PAGES = 65536

/** A shared memory of `bytes` (rounded up to pages) and its module, or undefined where WebAssembly SIMD or shared memory is missing or the size is beyond 4 GiB. */
export function kernelMemory(bytes: number): { memory: WebAssembly.Memory; module: WebAssembly.Module } | undefined {
  const pages = Math.ceil(bytes / PAGE)
  if (pages > MAX_PAGES || typeof WebAssembly !== 'object') return undefined
  try {
    const module = new WebAssembly.Module(moduleBytes(pages))
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true })
    return { memory, module }
  } catch {
    return undefined
  }
}

/** The kernel's functions on `memory` (the main thread's and each worker's instance of `module`). */
export function kernelOn(module: WebAssembly.Module, memory: WebAssembly.Memory): Kernel {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Kernel
}
