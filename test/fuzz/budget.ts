// What one fuzz case may cost. Every resource check of the harness reads its limits here, so that
// a cost model of the library can replace the fixed caps in one place: budgetOf(argv) is then the
// library's up-front estimate for argv times a safety margin, and a case that exceeds it shows an
// estimate that is wrong (or work that the estimate does not know about).

/** The most a case may use: wall time of main(argv) and growth of the runner's resident memory. */
export interface Budget {
  readonly ms: number
  readonly bytes: number
}

/**
 * Fixed caps for now. 30 s is the runner's old time limit (a case that needs more is treated as
 * hung); 1.5 GiB is far above any case the generators make (values.ts caps the costly flags),
 * and well below the 2 GiB a runaway allocation reaches before the machine suffers.
 */
export function budgetOf(_argv: readonly string[]): Budget {
  return { ms: 30_000, bytes: 1.5 * 2 ** 30 }
}
