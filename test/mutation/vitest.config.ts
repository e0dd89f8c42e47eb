// The test files the mutation run uses: those that exercise the numerical core in-process. Tests
// that drive the built CLI in a child process (dist/) cannot see a mutant of src/, so they would
// only cost time there; they still run in `npm test`.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: [
      'test/baselines/*.test.ts',
      'test/hp/*.test.ts',
      'test/linalg/*.test.ts',
      'test/simulate/*.test.ts',
      'test/sweep/*.test.ts',
      'test/symbolic/{derive,exact,rational}.test.ts',
      'test/theory/*.test.ts',
      'test/mutation/*.test.ts',
      'test/reliability/{digits-baselines,digits-limits,schedule-conditions}.test.ts',
    ],
    testTimeout: 600_000,
  },
})
