/**
 * The independent route for the flow: the linear ODE X' = a X + g solved by its integrating
 * factor, X(t) = P(t) (X(0) + int_0^t g/P ds) with P(t) = exp(int_0^t a), both integrals by
 * composite Gauss-Legendre quadrature. It shares the coefficients a, g with the ODE route but
 * none of the integration, so the two agree only if both integrate correctly.
 */

/** Nodes and weights of the n-point Gauss-Legendre rule on [-1, 1] (Newton on P_n). */
export function gaussLegendre(n: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(n),
    w = new Float64Array(n)
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5))
    let dp = 0
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1,
        p1 = z
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * z * p1 - (k - 1) * p0) / k]
      if (n === 1) {
        p1 = z
        p0 = 1
      }
      dp = (n * (z * p1 - p0)) / (z * z - 1)
      const dz = p1 / dp
      z -= dz
      if (Math.abs(dz) < 1e-16) break
    }
    x[i] = -z
    x[n - 1 - i] = z
    w[i] = w[n - 1 - i] = 2 / ((1 - z * z) * dp * dp)
  }
  return { x, w }
}

const RULE = gaussLegendre(20)

/** int_a^b f by `panels` panels of the 20-point Gauss-Legendre rule. */
export function integrate(f: (t: number) => number, a: number, b: number, panels = 16): number {
  if (a === b) return 0
  const h = (b - a) / panels
  let sum = 0
  for (let p = 0; p < panels; p++) {
    const mid = a + (p + 0.5) * h
    for (let i = 0; i < RULE.x.length; i++) sum += RULE.w[i] * f(mid + 0.5 * h * RULE.x[i])
  }
  return 0.5 * h * sum
}

/**
 * X(t) for X' = a(s) X + g(s), X(0) = x0, by the integrating factor: X(t) = P(t) (x0 + int g/P)
 * with P(s) = exp(int_0^s a). Requires a and g finite on [0, t].
 */
export function integratingFactor(a: (s: number) => number, g: (s: number) => number, x0: number, t: number, panels = 16): number {
  const logP = (s: number) => integrate(a, 0, s, panels)
  const inner = integrate((s) => g(s) * Math.exp(-logP(s)), 0, t, panels)
  return Math.exp(logP(t)) * (x0 + inner)
}
