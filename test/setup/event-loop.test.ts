import { describe, expect, it } from 'vitest'

// The setup file test/setup/event-loop.ts must be in force (vitest.config.ts setupFiles): without
// it, a macrotask queued by one synchronous test has not run when the next test starts (checked by
// removing the setup file: this test then fails), and a file of synchronous tests longer than 60 s
// fails the run with vitest's "Timeout calling onTaskUpdate".
describe('the event loop between tests', () => {
  let ran = false
  it('a test queues a macrotask', () => {
    setImmediate(() => {
      ran = true
    })
  })
  it('it has run before the next test starts', () => {
    expect(ran).toBe(true)
  })
})
