/**
 * The model's source in a browser (package.json's `browser` field puts this file in place of
 * model-file.ts): the build's dist/generated/model.json, bundled with the code. The equation files
 * are not read, so the source is the one the package was built with.
 */
import type { ModelSource } from '../symbolic/derive.js'
// @ts-expect-error written by the build (src/tools/build-model.ts) next to this file's compiled form, after TypeScript runs
import source from '../generated/model.json' with { type: 'json' }

export const loadSource = (): ModelSource => source as ModelSource
