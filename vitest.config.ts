import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // The AWS SDK's warning that its releases after early 2027 need Node.js 22, printed by every test
    // process that loads a client on Node.js 20: its documented switch (@aws-sdk/core) turns it off.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // Says once when the conformance corpus is missing (its tests skip), or fails when CI requires it.
    globalSetup: ['test/support/conformance-setup.ts'],
  },
});
