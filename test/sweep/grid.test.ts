// Grids, ranges and shards (src/sweep/grid.ts). Expected values are written out by hand from the
// definitions in docs/cli.md (lin: step 1 or POINTS evenly spaced; log: factor 2 or POINTS
// geometrically spaced; shard k/K: rows i with i mod K = k - 1).
import { describe, expect, it } from 'vitest'
import { ParameterError } from '../../src/errors.js'
import { axisLength, axisText, axisValue, Grid, readAxis, readShard, shardIndex, shardRows, uniformAxis, type Axis, type AxisRule } from '../../src/sweep/grid.js'

const N: AxisRule = { integer: true, min: 2, phrase: 'an integer >= 2' }
const POSITIVE: AxisRule = { min: 0, open: true, phrase: 'a finite number > 0' }
const values = (a: Axis) => Array.from({ length: axisLength(a) }, (_, j) => axisValue(a, j))

describe('axes', () => {
  it('2:1024:log is 2, 4, ..., 1024 (factor 2)', () => {
    expect(values(readAxis('n', undefined, '2:1024:log', N, '8'))).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512, 1024])
  })
  it('2:100:lin is every integer from 2 to 100', () => {
    expect(values(readAxis('n', undefined, '2:100:lin', N, '8'))).toEqual(Array.from({ length: 99 }, (_, k) => k + 2))
  })
  it('with POINTS: evenly / geometrically spaced, STOP included; integer axes rounded and deduplicated', () => {
    expect(values(readAxis('sigma', undefined, '0.5:2:lin:4', POSITIVE, '1'))).toEqual([0.5, 1, 1.5, 2])
    const g = values(readAxis('sigma', undefined, '1:100:log:3', POSITIVE, '1'))
    expect(g[0]).toBe(1)
    // 1 * 100^(1/2) through pow or exp/log: a few roundings of a number near 10, 4 ulps (measured 0).
    expect(Math.abs(g[1] - 10)).toBeLessThanOrEqual(4 * 10 * Number.EPSILON)
    expect(g[2]).toBe(100)
    // 2 * 2^(k/4), k = 0..4: 2, 2.38, 2.83, 3.36, 4 -> rounded 2, 2, 3, 3, 4 -> 2, 3, 4
    expect(values(readAxis('n', undefined, '2:4:log:5', N, '8'))).toEqual([2, 3, 4])
  })
  it('lists keep the exact decimal text; the fallback applies when neither flag is given', () => {
    const a = readAxis('sigma', '0.50, 1e-1,2', undefined, POSITIVE, '1')
    expect(values(a)).toEqual([0.5, 0.1, 2])
    expect([0, 1, 2].map((j) => axisText(a, j))).toEqual(['0.5', '0.1', '2'])
    expect(values(readAxis('sigma', undefined, undefined, POSITIVE, '1.5'))).toEqual([1.5])
  })
  it('a uniform axis is k/(K-1), ending exactly at 1, with exact text', () => {
    const t = uniformAxis('t', 4)
    expect(values(t)).toEqual([0, 1 / 3, 2 / 3, 1])
    expect(axisText(t, 1).slice(0, 12)).toBe('0.3333333333')
    expect(axisText(t, 1).length).toBeGreaterThan(1000)
  })
  it.each([
    ['n', '2,,4', undefined, /n: must be a number or a comma-separated list/],
    ['n', '2,3.5', undefined, /n: must be an integer >= 2/],
    ['n', '1', undefined, /n: must be an integer >= 2/],
    ['n', '4,4', undefined, /n: lists 4 twice/],
    ['n', undefined, '2:1024', /n-range: must be START:STOP:lin\|log/],
    ['n', undefined, '2:1024:geo', /n-range: must be START:STOP/],
    ['n', undefined, '100:2:lin', /n-range: is empty/],
    ['n', undefined, '2:10:lin:0', /n-range: POINTS must be an integer/],
    ['n', undefined, '2:10:lin:1', /n-range: POINTS = 1 needs START = STOP/],
    ['n', undefined, 'a:10:lin', /n-range: must be a decimal number/],
    ['n', '2,4', '2:8:log', /n-range: cannot be combined with --n/],
    ['sigma', undefined, '0:1:log:3', /sigma-range: must be a finite number > 0/],
  ])('--%s %s / range %s is refused: %s', (name, list, range, message) => {
    const rule = name === 'n' ? N : POSITIVE
    expect(() => readAxis(name, list, range, rule, '1')).toThrow(ParameterError)
    expect(() => readAxis(name, list, range, rule, '1')).toThrow(message)
  })
})

describe('grid order and shards', () => {
  const grid = new Grid([readAxis('sigma', '1,2', undefined, POSITIVE, '1'), readAxis('n', '2,4,8', undefined, N, '8')])
  it('rows run over the last axis fastest', () => {
    expect(grid.size).toBe(6)
    expect(Array.from({ length: 6 }, (_, i) => grid.position(i))).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
      [1, 2],
    ])
  })
  it.each([1, 2, 3, 4, 7, 10])('the K = %i shards partition every grid size: each row exactly once', (K) => {
    for (const size of [0, 1, 5, 6, 23]) {
      const count = new Array<number>(size).fill(0)
      for (let k = 1; k <= K; k++) {
        const s = { k, K }
        for (let j = 0; j < shardRows(size, s); j++) {
          const i = shardIndex(s, j)
          expect(i % K).toBe(k - 1)
          count[i]++
        }
      }
      expect(count).toEqual(new Array<number>(size).fill(1))
    }
  })
  it('--shard k/K is read strictly', () => {
    expect(readShard(undefined)).toEqual({ k: 1, K: 1 })
    expect(readShard('2/4')).toEqual({ k: 2, K: 4 })
    for (const bad of ['0/4', '5/4', '1/0', '2', 'a/b', '-1/2', '1.5/3']) expect(() => readShard(bad), bad).toThrow(/shard: must be k\/K/)
    expect(() => readShard('')).toThrow(/shard: needs a value/)
  })
})

describe('defaults', () => {
  it('a default grid may be a range (compare: n = 2:1024:log)', () => {
    expect(values(readAxis('n', undefined, undefined, N, '2:1024:log'))).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512, 1024])
  })
})
