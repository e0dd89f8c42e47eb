import { beforeEach } from 'vitest'

// Let the worker's event loop turn before every test. Vitest (3.2) runs a file's tests one after
// another through promise continuations only, so a file of synchronous tests never reaches the
// loop's poll phase: the reply to the worker's "onTaskUpdate" call cannot be read, and once the
// file has held the loop for 60 s the call's timer fires first ("[vitest-worker]: Timeout calling
// onTaskUpdate", an unhandled error that fails the run although every test passed). CI failed so
// on test/theory/edge.test.ts (61.8 s of synchronous tests). A setImmediate callback runs after
// the poll phase, so the pending reply is read before the next test starts.
beforeEach(() => new Promise<void>((resolve) => setImmediate(resolve)))
