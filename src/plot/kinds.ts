/** The kinds of chart `flowgm plot` draws, apart from the charts themselves (the CLI's help names them without loading the plotting stack). */
export const PLOT_KINDS = ['dae', 'curves', 'compare', 'distances', 'dae-compare', 'rate', 'steps', 'simulate', 'draws', 'particles', 'pca', 'components'] as const
export type PlotKind = (typeof PLOT_KINDS)[number]
