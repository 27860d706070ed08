/** Jest runs TypeScript through ts-jest; with isolatedModules it transpiles only (the build type-checks). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  testTimeout: 60_000,
  // Two cores: files share one Temporal dev server and one Postgres; two jest workers keep both busy.
  maxWorkers: 2,
};
