// Written by the build (src/tools/build-model.ts) from equations/; do not edit. A test checks
// that it matches the equations.

/** Keys of `flowgm stats` after t: the states (M, Q_xi, P), then flow.eq's observables. */
export const STATS_KEYS = ['M', 'Q_xi', 'P', 'norm', 'cos', 'cos_sample', 'mse', 'var', 'M_mu', 'Q_eta', 'weight_error', 'w2', 'kl', 'kl_reverse', 'dist_train', 'dist_fresh', 'mem_gap'] as const
/** Keys of `flowgm dae` after t: Result A's weights, then dae.eq's observables. */
export const DAE_KEYS = ['c', 'm', 'q_xi', 'w_norm2', 'w_cos', 'test_mse', 'oracle_mse', 'margin', 'm_mu', 'q_eta'] as const
/** The asymptotic baselines of baselines.eq. */
export const BASELINE_EQUATION_KEYS = ['bo_mse', 'bo_cos', 'pca_cos', 'pca_mse'] as const
/** Keys of STATS_KEYS that are +Infinity where a state vanishes (flow.eq [infinite]): printed as null with a note. */
export const INFINITE_KEYS = ['kl', 'kl_reverse'] as const

export type StatsKey = (typeof STATS_KEYS)[number]
export type DaeKey = (typeof DAE_KEYS)[number]

/** A row of `flowgm stats`: t and every key of STATS_KEYS. */
export type StatsRow = Readonly<{ t: number } & Record<StatsKey, number>>
/** A row of `flowgm dae`: t and every key of DAE_KEYS. */
export type DaeRow = Readonly<{ t: number } & Record<DaeKey, number>>
