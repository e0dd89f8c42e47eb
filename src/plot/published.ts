/**
 * The figures of the published study that look at the generated particles themselves (Cui et al.
 * 2024, figure 2 middle and right) and at the imbalanced mixture (figure 5): drawn from a finite-d
 * simulation's document (its particle export and its measured components) beside the theory.
 */
import type { SimulationDocument } from '../simulate/simulate.js'
import type { ParticleCloud } from '../simulate/particles.js'
import type { SweepSpec } from '../sweep/sweeps.js'
import { chart, type Guide, type Point } from './charts.js'
import { columns, describe, LABELS, measuredOverT, overT, simulationLine, sweepTable, type Figure } from './figures.js'
import { rounded } from '../printing.js'
import { maxOf, minOf } from '../extent.js'

/** The particle export of a document; a simulation run without snapshots has none (a caller's mistake, not the user's). */
function exported(doc: SimulationDocument): ParticleCloud {
  if (!doc.particles) throw new Error('the simulation exported no particles: it was run without snapshots')
  return doc.particles
}

/** The parameters of a simulation, for a subtitle. */
const runText = (doc: SimulationDocument): string => {
  const p = doc.params
  return `n = ${p.n} · σ = ${p.sigma} · λ = ${p.lambda} · ω = ${p.omega} · ${p.schedule} schedule · d = ${p.d}, ${p.particles} particles, ${p.steps} ${p.scheme} steps, trainer ${p.trainer}, seed ${p.seed}`
}

const THEORY_MEAN = 'theory mean'

/**
 * The cloud of generated particles X_t on span(μ_emp, ξ) at each snapshot t, with the theory's
 * cluster-mean trajectory (published figure 2, middle). The two clusters are mirror images, so the
 * trajectory of s = −1 is that of s = +1 through the origin.
 */
export function particlesFigure(doc: SimulationDocument): Figure {
  const x = exported(doc)
  const label = (t: number) => `t = ${rounded(t)}`
  const points: Point[] = x.rows.map((r) => ({ x: r.u, y: r.v, series: label(r.t) }))
  const lines: Point[] = x.theory.flatMap((r) => [
    { x: r.u, y: r.v, series: THEORY_MEAN, style: 's = +1' },
    { x: -r.u, y: -r.v, series: THEORY_MEAN, style: 's = −1' },
  ])
  return {
    table: {
      keys: ['t', 'particle', 'u', 'v'],
      rows: [
        ...x.rows.map((r) => ({ t: rounded(r.t), particle: r.particle, u: rounded(r.u), v: rounded(r.v) })),
        ...x.theory.map((r) => ({ t: rounded(r.t), particle: 'theory', u: rounded(r.u), v: rounded(r.v) })),
      ],
    },
    spec: chart([{ x: { title: 'X_t · μ_emp / (|μ_emp| √d)' }, y: { title: 'X_t · e_ξ / √d  (ξ ⊥ μ_emp)' }, lines, points, markers: true }], {
      title: 'The generated particles on span(μ_emp, ξ)',
      subtitle: [runText(doc), 'points: the particles at each t · line: the theory’s cluster means (d → ∞), marked at each t'],
      series: 'time',
      style: 'cluster',
      points: 'particles',
      height: 320,
    }),
  }
}

const PREDICTED = 'theory mean'

/**
 * The generated samples at t = 1 on their top two principal axes, one panel per simulation (one
 * per n), with the theory's two cluster means projected on the same axes as crosses (published
 * figure 2, right).
 */
export function pcaFigure(docs: readonly SimulationDocument[]): Figure {
  const panels = docs.map((doc) => {
    const { pca } = exported(doc)
    const points: Point[] = [
      ...pca.rows.map((r) => ({ x: r.pc1, y: r.pc2, series: 'generated sample', style: 'particle' })),
      ...pca.theory.map((r) => ({ x: r.pc1, y: r.pc2, series: PREDICTED, style: 'theory' })),
    ]
    return { title: `n = ${doc.params.n}`, x: { title: 'PC1 / √d' }, y: { title: 'PC2 / √d' }, lines: [], points }
  })
  const rows = docs.flatMap((doc) => [
    ...exported(doc).pca.rows.map((r) => ({ n: doc.params.n as number, particle: r.particle, pc1: rounded(r.pc1), pc2: rounded(r.pc2) })),
    ...exported(doc).pca.theory.map((r) => ({ n: doc.params.n as number, particle: `theory s = ${r.cluster}`, pc1: rounded(r.pc1), pc2: rounded(r.pc2) })),
  ])
  const p = docs[0].params
  return {
    table: { keys: ['n', 'particle', 'pc1', 'pc2'], rows },
    spec: chart(panels, {
      title: 'The generated samples at t = 1 on their top two principal axes',
      subtitle: [
        `σ = ${p.sigma} · λ = ${p.lambda} · ω = ${p.omega} · ${p.schedule} schedule · d = ${p.d}, ${p.particles} particles, ${p.steps} ${p.scheme} steps, trainer ${p.trainer}, seed ${p.seed}`,
        'crosses: the theory’s cluster means ±(M μ_emp + Q^ξ ξ) projected on the same axes',
      ],
      series: 'points',
      points: 'mark',
      shapes: { particle: 'circle', theory: 'cross' },
      width: 150,
      height: 200,
    }),
  }
}

/** The components of the generated cluster mean on μ, ξ and η = Σ s^μ z^μ (published figure 5). */
export const COMPONENT_KEYS = ['M_mu', 'Q_xi', 'Q_eta'] as const

/**
 * Imbalanced clusters (ρ ≠ 1/2): the generated cluster mean's components M^μ_t, Q^ξ_t, Q^η_t over t
 * (theory lines from the sweep, measured points from the simulation), and the generated weight of
 * the cluster around +μ, which stays 1/2 whatever ρ (the learnt field is odd), against ρ.
 */
export async function componentsFigure(spec: SweepSpec, simulation?: SimulationDocument): Promise<Figure> {
  const table = columns(await sweepTable(spec), ['t', ...COMPONENT_KEYS, 'weight_error', 'digits_verified'])
  const ts = table.rows.map((r) => Number(r.t))
  const level = (y: number, label: string): Guide => ({ label, points: [minOf(ts), maxOf(ts)].map((x) => ({ x, y })) })
  const half = level(0.5, 'theory: 1/2')
  const rho = level(Number(spec.rho ?? 0.5), `target ρ = ${spec.rho ?? 0.5}`)
  return {
    table,
    spec: chart(
      [
        {
          title: 'components of the generated cluster mean',
          x: { title: 't' },
          y: { title: 'component' },
          lines: overT(table.rows, COMPONENT_KEYS),
          points: measuredOverT(simulation, COMPONENT_KEYS),
        },
        {
          title: 'generated weight of the cluster around +μ',
          x: { title: 't' },
          y: { title: LABELS.weight, zero: true },
          lines: [],
          points: measuredOverT(simulation, ['weight']),
          guides: [half, rho],
        },
      ],
      {
        title: 'Imbalanced clusters: the generated cluster mean and weight over t',
        subtitle: [...describe(spec, [`ρ = ${spec.rho ?? 0.5}`]), simulationLine(simulation, 'continuous flow')],
        series: 'quantity',
      },
    ),
  }
}
