/**
 * The fault tests (test/faults/): storage full, kill -9 under load, a private MariaDB made read-only,
 * killed, paused and restarted. Slow, so kept out of `npm test`; run with `npm run test:faults`.
 * @type {import('jest').Config}
 */
// The suite's SQLite project (same transform and setup), pointed at test/faults only.
const [sqlite] = require('./jest.config.js').projects;

const faults = { ...sqlite, displayName: 'faults', testPathIgnorePatterns: ['/node_modules/'], roots: ['<rootDir>/test/faults'] };

module.exports = { projects: [faults], testTimeout: 180_000, maxWorkers: 1 };
