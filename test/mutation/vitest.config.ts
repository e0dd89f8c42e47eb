// The vitest configuration of a mutation run: the test files of the module named by
// FLOWGM_MUTATION_MODULE (src/tools/mutation-modules.ts), set by `npm run mutation` for Stryker.
import { defineConfig } from 'vitest/config'
import { MUTATION_MODULES } from '../../src/tools/mutation-modules.js'

const name = process.env.FLOWGM_MUTATION_MODULE
const module = MUTATION_MODULES.find((m) => m.name === name)
if (!module) throw new Error(`FLOWGM_MUTATION_MODULE must be one of ${MUTATION_MODULES.map((m) => m.name).join(', ')} (got ${name})`)

export default defineConfig({
  test: {
    include: [...module.tests],
    // Instrumented code runs several times slower than the original.
    testTimeout: 600_000,
  },
})
