/**
 * The property-based schema fuzzing (test/fuzz/): seeded, about 15 s per engine, so kept out of `npm test`
 * and run with `npm run test:fuzz` (both engines when TEST_DATABASE_URL is set, as the suite).
 * @type {import('jest').Config}
 */
const suite = require('./jest.config.js');

module.exports = {
  ...suite,
  projects: suite.projects.map((project) => ({ ...project, testPathIgnorePatterns: ['/node_modules/'], roots: ['<rootDir>/test/fuzz'] })),
};
