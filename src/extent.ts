/**
 * The largest and smallest of many numbers. Math.max(...xs) passes every value as an argument,
 * and V8 overflows its call stack beyond about 10^5 of them: a table of 200k rows, a grid axis of
 * 10^6 values would crash. These loop instead, with Math.max's and Math.min's conventions (NaN if
 * any value is NaN; -Infinity and Infinity for no values).
 */

/** The largest of xs (NaN if one is NaN, -Infinity if there are none). */
export function maxOf(xs: Iterable<number>): number {
  let best = -Infinity
  for (const x of xs) {
    if (Number.isNaN(x)) return NaN
    if (x > best) best = x
  }
  return best
}

/** The smallest of xs (NaN if one is NaN, Infinity if there are none). */
export function minOf(xs: Iterable<number>): number {
  let best = Infinity
  for (const x of xs) {
    if (Number.isNaN(x)) return NaN
    if (x < best) best = x
  }
  return best
}
