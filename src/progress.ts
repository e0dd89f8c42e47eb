/** Progress of long commands (sweeps, simulations). */

/**
 * A one-line progress bar on stderr, redrawn at most ten times a second; by default only when
 * stderr is a terminal and CI is unset. `from` units were done before it started (a resumed
 * sweep): the bar starts there and the rate counts only the units done since.
 */
export function progressBar(label: string, total: number, unit: string, enabled = process.stderr.isTTY === true && !process.env.CI, from = 0): { update(done: number): void; end(): void } {
  if (!enabled || total === 0) return { update: () => {}, end: () => {} }
  const start = Date.now()
  let last = 0
  const draw = (done: number) => {
    const f = done / total
    const width = 30
    const bar = '#'.repeat(Math.round(f * width)).padEnd(width, '-')
    const s = (Date.now() - start) / 1000
    process.stderr.write(`\r${label} [${bar}] ${(100 * f).toFixed(0).padStart(3)}% ${done}/${total} ${unit}, ${s.toFixed(1)} s, ${((done - from) / Math.max(s, 1e-3)).toFixed(0)} ${unit}/s`)
  }
  return {
    update(done) {
      const now = Date.now()
      if (now - last >= 100 || done === total) {
        last = now
        draw(done)
      }
    },
    end() {
      process.stderr.write('\r\x1b[K')
    },
  }
}
