/** The flowgm version in a browser (package.json's `browser` field puts this file in place of version.ts): package.json, bundled. */
import pkg from '../package.json' with { type: 'json' }

export const VERSION: string = (pkg as { version: string }).version
