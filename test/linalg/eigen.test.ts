// The symmetric eigensolver on matrices whose spectrum is known independently of it:
//  - Q diag(λ) Qᵀ with Q a product of random Givens rotations (Q, hence the eigenvectors, known);
//  - a·s sᵀ + b·I, eigenvalues a‖s‖² + b (vector s) and b (on s⊥);
//  - the tridiagonal Toeplitz matrix tridiag(-1, 2, -1), eigenvalues 2 - 2 cos(kπ/(n+1)) and
//    eigenvectors sin(jkπ/(n+1)) (the discrete Laplacian);
//  - 1×1 and 2×2 closed forms, diagonal and zero matrices.
// Tolerances: both stages are orthogonal transforms, so the computed decomposition is exact for a
// matrix within c·n·ε·‖A‖ of A (c a small constant; ε = 2^-52). Eigenvalues, residuals
// ‖Av - λv‖ and the departure from orthonormality are therefore allowed TOL·n·ε·‖A‖ with TOL = 3
// (c measured: at most 1.1 over the matrices below);
// an eigenvector of an eigenvalue separated by a gap g from the others is allowed an angle
// TOL·n·ε·‖A‖/g (Davis–Kahan).
import { describe, expect, it } from 'vitest'
import { eigenvector, symmetricEigen, type SymmetricEigen } from '../../src/linalg/eigen.js'
import { rng } from '../../src/random.js'

const EPS = 2 ** -52
const TOL = 3

/** Q diag(spectrum) Qᵀ and Q (row-major), Q the product of `rotations` random Givens rotations. */
function rotated(spectrum: readonly number[], rotations: number, seed: number): { a: Float64Array; q: Float64Array } {
  const n = spectrum.length
  const a = new Float64Array(n * n)
  const q = new Float64Array(n * n)
  spectrum.forEach((l, i) => {
    a[i * n + i] = l
    q[i * n + i] = 1
  })
  const r = rng(seed)
  for (let t = 0; t < rotations; t++) {
    const i = Math.floor(r.uniform() * n)
    const j = (i + 1 + Math.floor(r.uniform() * (n - 1))) % n
    const theta = 2 * Math.PI * r.uniform()
    const c = Math.cos(theta),
      s = Math.sin(theta)
    // A ← G A Gᵀ and Q ← G Q with G the rotation by θ in the plane (i, j).
    for (const m of [a, q]) {
      for (let k = 0; k < n; k++) {
        const x = m[i * n + k],
          y = m[j * n + k]
        m[i * n + k] = c * x - s * y
        m[j * n + k] = s * x + c * y
      }
    }
    for (let k = 0; k < n; k++) {
      const x = a[k * n + i],
        y = a[k * n + j]
      a[k * n + i] = c * x - s * y
      a[k * n + j] = s * x + c * y
    }
  }
  return { a, q }
}

function column(m: Float64Array, n: number, j: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => m[i * n + j])
}

function dot(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < x.length; i++) s += x[i] * y[i]
  return s
}

/** max_j ‖A v_j - λ_j v_j‖ and max |VVᵀ - I| over the decomposition. */
function quality(a: Float64Array, e: SymmetricEigen): { residual: number; orthogonality: number } {
  const n = e.n
  let residual = 0,
    orthogonality = 0
  for (let j = 0; j < n; j++) {
    const v = eigenvector(e, j)
    let r2 = 0
    for (let i = 0; i < n; i++) {
      const av = dot(a.subarray(i * n, (i + 1) * n), v)
      r2 += (av - e.values[j] * v[i]) ** 2
    }
    residual = Math.max(residual, Math.sqrt(r2))
    for (let k = 0; k <= j; k++) {
      orthogonality = Math.max(orthogonality, Math.abs(dot(v, eigenvector(e, k)) - (j === k ? 1 : 0)))
    }
  }
  return { residual, orthogonality }
}

/** Checks values against the known spectrum, the residuals and orthonormality. */
function expectDecomposition(a: Float64Array, e: SymmetricEigen, spectrum: readonly number[]): void {
  const n = e.n
  const norm = Math.max(...spectrum.map(Math.abs), Number.MIN_VALUE)
  const expected = [...spectrum].sort((x, y) => y - x)
  const bound = TOL * n * EPS * norm
  for (let j = 0; j < n; j++) {
    expect(Math.abs(e.values[j] - expected[j]), `eigenvalue ${j}`).toBeLessThanOrEqual(bound)
    if (j > 0) expect(e.values[j]).toBeLessThanOrEqual(e.values[j - 1])
  }
  const { residual, orthogonality } = quality(a, e)
  expect(residual).toBeLessThanOrEqual(bound)
  expect(orthogonality).toBeLessThanOrEqual(TOL * n * EPS)
}

describe('symmetricEigen on Q diag(λ) Qᵀ (random Givens rotations)', () => {
  for (const n of [3, 10, 64, 200]) {
    it(`n = ${n}, distinct eigenvalues of both signs: values, residuals and the vectors of Q`, () => {
      // λ_i = (i + 1)(-1)^i spread over [-n, n]: gaps ≥ 1 between neighbours once sorted.
      const spectrum = Array.from({ length: n }, (_, i) => (i + 1) * (i % 2 === 0 ? 1 : -1))
      const { a, q } = rotated(spectrum, 2 * n * n, n)
      const e = symmetricEigen(a, n)
      expectDecomposition(a, e, spectrum)
      // Eigenvector of λ_i is column i of Q, up to sign; gap ≥ 1 and ‖A‖ = n.
      const angle = TOL * n * EPS * n
      for (let j = 0; j < n; j++) {
        const i = spectrum.indexOf(Math.round(e.values[j])) // the spectrum is integer
        expect(i).toBeGreaterThanOrEqual(0)
        expect(1 - Math.abs(dot(eigenvector(e, j), column(q, n, i)))).toBeLessThanOrEqual(angle * angle + TOL * n * EPS)
      }
    })
  }

  it('n = 40 with repeated eigenvalues (multiplicities 10, 20, 5, 5) and a zero eigenvalue', () => {
    const spectrum = [...Array(10).fill(3), ...Array(20).fill(0), ...Array(5).fill(-1.5), ...Array(5).fill(7)]
    const { a } = rotated(spectrum, 3200, 99)
    expectDecomposition(a, symmetricEigen(a, 40), spectrum)
  })

  it('eigenvalues spanning 20 decades are found to absolute accuracy n ε ‖A‖', () => {
    const spectrum = [1e10, 1, -1e-10, 3e5, -2e-3, 0, 1e-10, 42]
    const { a } = rotated(spectrum, 200, 5)
    expectDecomposition(a, symmetricEigen(a, spectrum.length), spectrum)
  })
})

describe('symmetricEigen on a·s sᵀ + b·I', () => {
  for (const [n, aa, b] of [
    [8, 1, 2.25],
    [50, 0.3, 1],
    [33, -2, 0.5],
  ] as const) {
    it(`n = ${n}, a = ${aa}, b = ${b}: eigenvalues a n + b (vector ∝ s) and b (n - 1 times)`, () => {
      const r = rng(n)
      const s = Float64Array.from({ length: n }, () => r.sign(0.5))
      const m = new Float64Array(n * n)
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = aa * s[i] * s[j] + (i === j ? b : 0)
      const spectrum = [aa * n + b, ...Array(n - 1).fill(b)]
      const e = symmetricEigen(m, n)
      expectDecomposition(m, e, spectrum)
      // The simple eigenvalue a n + b is first when a > 0, last when a < 0; gap |a| n.
      const j = aa > 0 ? 0 : n - 1
      const cos = Math.abs(dot(eigenvector(e, j), s)) / Math.sqrt(n)
      const angle = (TOL * n * EPS * Math.abs(aa * n + b)) / (Math.abs(aa) * n)
      expect(1 - cos).toBeLessThanOrEqual(angle * angle + TOL * n * EPS)
    })
  }
})

describe('symmetricEigen on tridiag(-1, 2, -1)', () => {
  it('n = 100: eigenvalues 2 - 2 cos(kπ/(n+1)), eigenvectors sin(jkπ/(n+1))', () => {
    const n = 100
    const m = new Float64Array(n * n)
    for (let i = 0; i < n; i++) {
      m[i * n + i] = 2
      if (i + 1 < n) m[i * n + i + 1] = m[(i + 1) * n + i] = -1
    }
    const spectrum = Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1)))
    const e = symmetricEigen(m, n)
    expectDecomposition(m, e, spectrum)
    // The largest eigenvalue is k = n; its eigenvector sin(j n π/(n+1)), j = 1..n, normalised by
    // sqrt((n+1)/2). Neighbouring gap 2(cos(π(n-1)/(n+1)) - cos(πn/(n+1))) ≈ 3π²/(n+1)² ≈ 2.9e-3.
    const top = Float64Array.from({ length: n }, (_, j) => Math.sin(((j + 1) * n * Math.PI) / (n + 1)) / Math.sqrt((n + 1) / 2))
    const gap = spectrum[n - 1] - spectrum[n - 2]
    const angle = (TOL * n * EPS * 4) / gap
    expect(1 - Math.abs(dot(eigenvector(e, 0), top))).toBeLessThanOrEqual(angle * angle + TOL * n * EPS)
  })
})

describe('symmetricEigen small and degenerate cases', () => {
  it('1×1: the entry, vector ±1', () => {
    const e = symmetricEigen([-3.5], 1)
    expect(e.values[0]).toBe(-3.5)
    expect(Math.abs(e.vectors[0])).toBe(1)
  })

  it('2×2 [[p, q], [q, r]]: (p + r)/2 ± sqrt(((p - r)/2)² + q²)', () => {
    for (const [p, q, r] of [
      [1, 2, 3],
      [0, 1e-8, 0],
      [5, -1, 5],
      [1e6, 3, -2],
    ]) {
      const m = new Float64Array([p, q, q, r])
      const mid = (p + r) / 2,
        rad = Math.hypot((p - r) / 2, q)
      expectDecomposition(m, symmetricEigen(m, 2), [mid + rad, mid - rad])
    }
  })

  it('diagonal and zero matrices are returned as they are (sorted)', () => {
    const spectrum = [0.5, -4, 9, 0, 2]
    const n = spectrum.length
    const m = new Float64Array(n * n)
    spectrum.forEach((l, i) => (m[i * n + i] = l))
    const e = symmetricEigen(m, n)
    expect(Array.from(e.values)).toEqual([9, 2, 0.5, 0, -4])
    expectDecomposition(m, e, spectrum)
    const z = symmetricEigen(new Float64Array(16), 4)
    expect(Array.from(z.values)).toEqual([0, 0, 0, 0])
    expect(quality(new Float64Array(16), z).orthogonality).toBeLessThanOrEqual(TOL * 4 * EPS)
  })

  it('reads only the lower triangle', () => {
    const spectrum = [4, 1, -2, 0.25, 3]
    const { a } = rotated(spectrum, 50, 8)
    const garbage = Float64Array.from(a)
    for (let i = 0; i < 5; i++) for (let j = i + 1; j < 5; j++) garbage[i * 5 + j] = 1e3 * (i + j)
    expect(Array.from(symmetricEigen(garbage, 5).values)).toEqual(Array.from(symmetricEigen(a, 5).values))
  })

  it('refuses a wrong size, non-finite entries and a bad order', () => {
    expect(() => symmetricEigen(new Float64Array(5), 2)).toThrow(/entries/)
    expect(() => symmetricEigen([1, 0, Number.NaN, 1], 2)).toThrow(/finite/)
    expect(() => symmetricEigen([], 0)).toThrow(/positive integer/)
  })
})
