import { AsyncLocalStorage } from 'node:async_hooks';
import type { QueryRunner } from 'typeorm';
import type { TestApp } from './app';

/**
 * Concurrency tests mean different things per engine. SQLite has one writer, and TypeORM's better-sqlite3
 * driver one shared query runner: the app serializes write transactions in-process, so what such a test can
 * catch there is a broken serialization (two transactions open on the one runner undo each other). On
 * MySQL/MariaDB the transactions really run at once and the row locks keep them apart, which the test can only
 * prove if they did overlap. `concurrently` runs the operations together and counts how many transactions were
 * open at the same time; `expectEngineOverlap` asserts the count each engine must show.
 */
export interface Overlap<T> {
  results: T[];
  /** The most write transactions open at once while the operations ran. */
  maxOpen: number;
}

/** Which of the concurrent operations a statement belongs to. */
const operationOf = new AsyncLocalStorage<number>();

export async function concurrently<T>(t: TestApp, n: number, operation: (i: number) => Promise<T>): Promise<Overlap<T>> {
  const dataSource = t.app.db.dataSource;
  const create = dataSource.createQueryRunner.bind(dataSource);
  const watched = new WeakSet<QueryRunner>();
  const restore: (() => void)[] = [];
  // Per operation, how deep its transactions are: an operation counts as open from its first BEGIN answered to
  // its last COMMIT/ROLLBACK answered (on SQLite's shared runner another operation's BEGIN would be a savepoint).
  const depth = new Map<number, number>();
  let maxOpen = 0;
  const change = (by: number) => {
    const op = operationOf.getStore();
    if (op === undefined) return;
    depth.set(op, (depth.get(op) ?? 0) + by);
    maxOpen = Math.max(maxOpen, [...depth.values()].filter((d) => d > 0).length);
  };
  const watch = (runner: QueryRunner): QueryRunner => {
    if (watched.has(runner)) return runner;
    watched.add(runner);
    const { startTransaction, commitTransaction, rollbackTransaction } = runner;
    restore.push(() => Object.assign(runner, { startTransaction, commitTransaction, rollbackTransaction }));
    runner.startTransaction = async (...args) => {
      await startTransaction.apply(runner, args);
      change(+1);
    };
    runner.commitTransaction = async () => {
      await commitTransaction.apply(runner);
      change(-1);
    };
    runner.rollbackTransaction = async () => {
      try {
        await rollbackTransaction.apply(runner);
      } finally {
        change(-1);
      }
    };
    return runner;
  };
  dataSource.createQueryRunner = (...args) => watch(create(...args));
  try {
    const results = await Promise.all(Array.from({ length: n }, (_, i) => operationOf.run(i, () => operation(i))));
    return { results, maxOpen };
  } finally {
    dataSource.createQueryRunner = create;
    for (const undo of restore) undo();
  }
}

/** SQLite: never two write transactions at once. MySQL/MariaDB: several at once (else the test proved nothing). */
export function expectEngineOverlap(t: TestApp, maxOpen: number): void {
  if (t.engine === 'sqlite') expect(maxOpen).toBe(1);
  else expect(maxOpen).toBeGreaterThanOrEqual(2);
}
