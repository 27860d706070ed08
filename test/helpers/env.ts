import { z } from 'zod';

/**
 * The test suite's own environment: an existing Postgres or Temporal may be given
 * (DATABASE_URL, TEMPORAL_ADDRESS); otherwise global setup starts both and hands
 * their addresses to the test files through REFCHECK_TEST_*.
 */
const TestEnv = z.object({
  DATABASE_URL: z.string().optional().transform((v) => v || undefined),
  TEMPORAL_ADDRESS: z.string().optional().transform((v) => v || undefined),
  REFCHECK_TEST_DATABASE_URL: z.string().optional(),
  REFCHECK_TEST_TEMPORAL_ADDRESS: z.string().optional(),
  REFCHECK_TEST_WORKFLOW_BUNDLE: z.string().optional(),
  REFCHECK_TEST_DATA_DIR: z.string().optional(),
  CHROMIUM_PATH: z.string().optional().transform((v) => v || '/usr/bin/chromium'),
});

export const loadTestEnv = () => TestEnv.parse(process.env);

export function suiteEnv() {
  const env = loadTestEnv();
  if (!env.REFCHECK_TEST_DATABASE_URL || !env.REFCHECK_TEST_TEMPORAL_ADDRESS || !env.REFCHECK_TEST_WORKFLOW_BUNDLE || !env.REFCHECK_TEST_DATA_DIR) {
    throw new Error('run the tests with `npm test` (or jest with its global setup)');
  }
  return { databaseUrl: env.REFCHECK_TEST_DATABASE_URL, temporalAddress: env.REFCHECK_TEST_TEMPORAL_ADDRESS, bundlePath: env.REFCHECK_TEST_WORKFLOW_BUNDLE, dataDir: env.REFCHECK_TEST_DATA_DIR };
}
