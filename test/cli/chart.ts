// What a chart file must be, for the tests of `flowgm plot`, the report and the examples.
import { expect } from 'vitest'

/** An SVG document drawn by vega: vega's line or symbol mark groups holding a drawn path, no NaN. */
export function expectChart(text: string, file: string): void {
  expect(text.startsWith('<svg'), `${file} starts with <svg: ${text.slice(0, 40)}`).toBe(true)
  expect(text.trimEnd().endsWith('</svg>'), `${file} ends with </svg>`).toBe(true)
  const groups = text.split(/(?=<g[^>]*class="mark-)/).filter((g) => /^<g[^>]*class="mark-(line|symbol)/.test(g))
  const drawn = groups.filter((g) => /<path[^>]*\bd="M\s*-?[\d.]+[ ,]-?[\d.]+[^"]+"/.test(g))
  expect(drawn.length, `${file}: line or symbol marks with a drawn path`).toBeGreaterThan(0)
  expect(text, `${file}: a path of some length`).toMatch(/<path[^>]* d="M[^"]{20,}"/)
  expect(text, file).not.toMatch(/NaN|Infinity/)
}
