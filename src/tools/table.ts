import { tableText } from '../sweep/writers.js'

/** The benchmarks' tables, on stdout, followed by a blank line. */
export function table(head: string[], rows: string[][]): void {
  console.log(tableText(head, rows))
}
