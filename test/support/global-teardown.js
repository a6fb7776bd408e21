/** After the run: drops this run's template database (see test/support/global-setup.js). */
const { adminConnection } = require('./global-setup');

module.exports = async function globalTeardown() {
  const run = process.env.MODELGRAPH_TEST_RUN;
  const admin = run && /^[a-z0-9]+$/.test(run) ? await adminConnection() : undefined;
  if (!admin) return;
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`mg_tpl_${run}\``);
  } finally {
    await admin.end();
  }
};
