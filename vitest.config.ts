import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Says once when the conformance corpus is missing (its tests skip), or fails when CI requires it.
    globalSetup: ['test/support/conformance-setup.ts'],
  },
});
