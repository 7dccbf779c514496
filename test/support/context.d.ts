// Values handed from test/support/global-setup.ts to test files via vitest's provide/inject.
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres://… of the run's PostgreSQL (throwaway cluster or COGNATE_TEST_DATABASE_URL); pass to freshDatabase(). */
    postgresUrl: string;
    /** A directory for the whole run, removed after the last test file (even when tests fail). */
    scratchDir: string;
  }
}
