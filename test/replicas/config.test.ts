import { pino } from 'pino';
import { RegistryApp } from '../../src/app';
import { defaultQueryLimits, loadConfig, readReplicaSettings } from '../../src/config';

/** DATABASE_READ_URLS and its bounds: parsed once, refused where replicas cannot exist. */
describe('read replica configuration', () => {
  it('defaults: no replicas, a 5 s lag bound, checked every 2 s', () => {
    expect(readReplicaSettings(loadConfig({}))).toEqual({ urls: [], maxLagSeconds: 5, checkIntervalMs: 2_000 });
  });

  it('takes comma-separated MySQL/MariaDB URLs with a MySQL/MariaDB primary', () => {
    const config = loadConfig({
      DATABASE_URL: 'mysql://app@db:3306/mg',
      DATABASE_READ_URLS: 'mysql://app@r1:3306/mg, mariadb://app@r2:3306/mg,',
      DATABASE_READ_MAX_LAG_SECONDS: '0',
      DATABASE_READ_CHECK_INTERVAL_MS: '500',
    });
    expect(readReplicaSettings(config)).toEqual({ urls: ['mysql://app@r1:3306/mg', 'mariadb://app@r2:3306/mg'], maxLagSeconds: 0, checkIntervalMs: 500 });
  });

  it('refuses replicas of SQLite, URLs that are not MySQL/MariaDB, and bad bounds, naming the variable', () => {
    expect(() => loadConfig({ DATABASE_READ_URLS: 'mysql://app@r1:3306/mg' })).toThrow(/DATABASE_READ_URLS: needs a MySQL\/MariaDB DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://app@db:3306/mg', DATABASE_READ_URLS: 'sqlite:./r.db' })).toThrow(/DATABASE_READ_URLS: must be comma-separated/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://app@db:3306/mg', DATABASE_READ_URLS: 'mysql://app@r1:3306' })).toThrow(/DATABASE_READ_URLS/);
    expect(() => loadConfig({ DATABASE_READ_MAX_LAG_SECONDS: '-1' })).toThrow(/DATABASE_READ_MAX_LAG_SECONDS/);
    expect(() => loadConfig({ DATABASE_READ_CHECK_INTERVAL_MS: '10' })).toThrow(/DATABASE_READ_CHECK_INTERVAL_MS/);
  });

  it('an app on SQLite given replicas does not start', async () => {
    await expect(RegistryApp.create({
      databaseUrl: 'sqlite::memory:', limits: defaultQueryLimits(), log: pino({ level: 'silent' }),
      readReplicas: { urls: ['mysql://app@127.0.0.1:1/mg'] },
    })).rejects.toThrow('DATABASE_READ_URLS: needs a MySQL/MariaDB DATABASE_URL');
  });

  it('without replicas there are no replica states', async () => {
    const app = await RegistryApp.create({ databaseUrl: 'sqlite::memory:', limits: defaultQueryLimits(), log: pino({ level: 'silent' }) });
    try {
      expect(app.replicas).toBeUndefined();
      expect(app.db.replicaStates()).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});
