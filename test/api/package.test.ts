// The package as a user installs it: `npm pack`, installed into an empty project, where the
// command and the library must answer alike and the rows' types must catch a misspelt key.
// The reference is the command's own JSON (12 printed digits); the library's value must round to
// it. Dependencies come from npm's cache, else the registry (the only network allowed).
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = new URL('../../', import.meta.url).pathname
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc')
const dir = mkdtempSync(join(tmpdir(), 'flowgm-package-'))
const app = join(dir, 'app')

const run = (command: string, args: string[], cwd = app) => spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 180_000 })

beforeAll(() => {
  // dist/ is built by `npm test` before the suite runs; the tarball packs it as it is.
  execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: ROOT, stdio: 'pipe' })
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!
  mkdirSync(app)
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }))
  const install = run('npm', ['install', '--prefer-offline', '--omit=optional', '--no-audit', '--no-fund', join(dir, tarball)])
  if (install.status !== 0) throw new Error(`npm install of the tarball failed:\n${install.stderr}`)
}, 300_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the packed package, installed into an empty project', () => {
  it('ships no development tools and no sources', () => {
    const shipped = readdirSync(join(app, 'node_modules/flowgm'))
    expect(shipped.sort()).toEqual(['README.md', 'bin', 'dist', 'equations', 'package.json'])
    expect(readdirSync(join(app, 'node_modules/flowgm/dist'))).not.toContain('tools')
  })

  it('npx flowgm stats --json and a three-line ESM script print the same mse to 12 digits', () => {
    const cli = run('npx', ['--no-install', 'flowgm', 'stats', '--json'])
    expect(cli.stderr).toBe('')
    const printed = (JSON.parse(cli.stdout) as { mse: number }).mse
    writeFileSync(join(app, 'main.mjs'), "import { flowProblem, solve } from 'flowgm'\nconst s = solve(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1 }))\nconsole.log(s.stats(1).mse)\n")
    const lib = run(process.execPath, ['main.mjs'])
    expect(lib.stderr).toBe('')
    expect(Number(Number(lib.stdout).toPrecision(12))).toBe(printed)
  })

  it('types its rows under tsc --strict (module nodenext): .mse compiles, .mes does not', () => {
    const source = (key: string) => `import { flowProblem, solve } from 'flowgm'\nconst x: number = solve(flowProblem({ n: 8, sigma: 1.5, lambda: 0.1 })).stats(1).${key}\nconsole.log(x)\n`
    writeFileSync(join(app, 'good.ts'), source('mse'))
    writeFileSync(join(app, 'bad.ts'), source('mes'))
    const tsc = (file: string) => run(process.execPath, [TSC, '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--noEmit', file])
    const good = tsc('good.ts')
    expect(good.stdout + good.stderr).toBe('')
    expect(good.status).toBe(0)
    const bad = tsc('bad.ts')
    expect(bad.status).toBe(2)
    expect(bad.stdout).toMatch(/bad\.ts\(2,\d+\): error TS2339: Property 'mes' does not exist/)
  })
})
