/**
 * Build step (run by `npm run build` after build-model.ts): bundle the explorer's script
 * (src/explorer/page.ts, compiled to dist/explorer/page.js) with the library, vega and vega-lite
 * for the browser, one minified script, into dist/explorer/bundle.js, which `flowgm report`
 * inlines into explorer.html (src/explorer/html.ts). The package's `browser` field swaps the
 * modules that read files or use require in Node, as for any bundler targeting the browser; a
 * Node module left in the bundle fails the build. Licences of the bundled packages are kept at its end.
 */
import { renameSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const OUT = `${ROOT}dist/explorer/bundle.js`

const start = performance.now()
const result = await build({
  entryPoints: [`${ROOT}dist/explorer/page.js`],
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  minify: true,
  legalComments: 'eof',
  write: false,
  logLevel: 'error',
})
const text = result.outputFiles[0].text
const tmp = `${OUT}.${process.pid}.tmp`
writeFileSync(tmp, text)
renameSync(tmp, OUT)
console.log(`flowgm: explorer script ${(text.length / 1e6).toFixed(2)} MB in ${((performance.now() - start) / 1000).toFixed(1)} s`)
