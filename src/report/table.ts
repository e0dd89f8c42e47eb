import { maxOf } from '../extent.js'

/** Printed tables: a header, a rule, then the rows (first column left-aligned, the others right). */
export function tableText(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, j) => Math.max(h.length, maxOf(rows.map((r) => r[j].length))))
  const line = (r: readonly string[]): string => r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ')
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n'
}
