// The explorer's controls as flags and as a command line (src/explorer/command.ts). Expected values:
// the flags as yargs hands them to the CLI (strings; skip a boolean; the sampler only with steps),
// and each word as a POSIX shell reads it back (sh itself, printing its arguments one a line).
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { argsOf, commandLine, INITIAL_CONTROLS, shellWord } from '../../src/explorer/command.js'

describe('the explorer command line', () => {
  it('gives the flags of the controls: a named schedule or the custom pair, the sampler only with steps', () => {
    expect(argsOf(INITIAL_CONTROLS)).toEqual({ n: '8', sigma: '1.5', lambda: '0.1', omega: '1', rho: '0.5', schedule: 'linear', skip: true })
    const custom = { ...INITIAL_CONTROLS, schedule: 'custom', alpha: 'cos(pi*t/2)', beta: 't^2', skip: false, steps: '10', scheme: 'heun' }
    expect(argsOf(custom)).toEqual({ n: '8', sigma: '1.5', lambda: '0.1', omega: '1', rho: '0.5', alpha: 'cos(pi*t/2)', beta: 't^2', skip: false, steps: '10', scheme: 'heun' })
    expect(commandLine('stats', custom)).toBe("flowgm stats --n 8 --sigma 1.5 --lambda 0.1 --omega 1 --rho 0.5 --alpha 'cos(pi*t/2)' --beta 't^2' --no-skip --steps 10 --scheme heun")
    expect(commandLine('plot compare', INITIAL_CONTROLS, { extra: { 'n-range': '2:1024:log' }, omit: ['n'] })).toBe(
      'flowgm plot compare --sigma 1.5 --lambda 0.1 --omega 1 --rho 0.5 --schedule linear --n-range 2:1024:log',
    )
  })

  it('quotes a word only where the shell would change it, and sh reads every word back as it was', () => {
    const words = ['1.5', '2:1024:log', '1 - t', 'cos(pi*t/2)', 't^2', "it's", '$HOME', 'a\\b', '`x`', '-t+1', '1e-3']
    expect(words.map(shellWord).slice(0, 2)).toEqual(['1.5', '2:1024:log'])
    const printed = execFileSync('sh', ['-c', `printf '%s\\n' ${words.map(shellWord).join(' ')}`], { encoding: 'utf8' })
    expect(printed.split('\n').slice(0, -1)).toEqual(words)
  })
})
