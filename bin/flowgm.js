#!/usr/bin/env node
// Entry point of the flowgm command; the code lives in dist/ (built by `npm ci` / `npm run build`).
import { existsSync } from 'node:fs'

const entry = new URL('../dist/cli/main.js', import.meta.url)
if (!existsSync(entry)) {
  process.stderr.write('flowgm: not built yet; run `npm run build` (npm ci does it) in the repository\n')
  process.exit(1)
}
const { main } = await import(entry.href)
await main(process.argv.slice(2))
