import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Runs this package's tests on their own: `npx vitest run --config packages/sync-client/vitest.config.ts`.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
