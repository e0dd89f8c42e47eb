/** odex in a browser (package.json's `browser` field puts this file in place of odex.ts): bundled with the code. */
export { Solver, type OutputFunction } from 'odex'
