/**
 * The suite runs on SQLite, and again on MySQL/MariaDB when TEST_DATABASE_URL is set (two projects;
 * each test file gets its own database, see test/support/database.ts).
 * @type {import('jest').Config}
 */
const project = (engine) => ({
  displayName: engine,
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Two long suites run apart, each its own CI step: the fault tests (storage full, kill -9, a private
  // MariaDB) with `npm run test:faults`, the schema fuzzing with `npm run test:fuzz`.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/', '<rootDir>/test/fuzz/'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
    }],
  },
  setupFiles: ['reflect-metadata'],
  globals: { TEST_ENGINE: engine },
});

module.exports = {
  projects: process.env.TEST_DATABASE_URL ? [project('sqlite'), project('mysql')] : [project('sqlite')],
  // A run id naming this run's migrated template database on MySQL/MariaDB (test/support/template.ts).
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  testTimeout: 120_000,
  maxWorkers: 2,
};
