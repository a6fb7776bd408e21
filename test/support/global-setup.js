/**
 * Once per `npx jest` run, before any test file: a run id, which names this run's migrated template database on
 * MySQL/MariaDB (test/support/template.ts), and a sweep of test databases that runs killed before their
 * teardown left behind (older than SWEEP_HOURS: no live run is that old).
 */
const { randomBytes } = require('node:crypto');
const { URL } = require('node:url');

const SWEEP_HOURS = 3;
const PREFIXES = ['mg_tpl_', 'mg_test_'];

async function adminConnection() {
  const server = process.env.TEST_DATABASE_URL;
  if (!server) return undefined;
  const uri = new URL(server);
  uri.protocol = 'mysql:';
  const { createConnection } = require('mysql2/promise');
  return createConnection({ uri: uri.toString() });
}

async function sweep(admin) {
  const [rows] = await admin.query(
    `SELECT TABLE_SCHEMA AS db FROM information_schema.TABLES
     WHERE (${PREFIXES.map(() => 'TABLE_SCHEMA LIKE ?').join(' OR ')})
     GROUP BY TABLE_SCHEMA HAVING MAX(CREATE_TIME) < NOW() - INTERVAL ? HOUR`,
    [...PREFIXES.map((p) => `${p.replace(/_/g, '\\_')}%`), SWEEP_HOURS]);
  for (const { db } of rows) await admin.query(`DROP DATABASE IF EXISTS \`${db}\``);
}

module.exports = async function globalSetup() {
  process.env.MODELGRAPH_TEST_RUN = randomBytes(8).toString('hex');
  const admin = await adminConnection();
  if (!admin) return;
  try {
    await sweep(admin);
  } finally {
    await admin.end();
  }
};

module.exports.adminConnection = adminConnection;
