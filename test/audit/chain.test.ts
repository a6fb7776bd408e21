import { TestApp } from '../support/app';
import { unique } from '../support/seed';
import { chainHash } from '../../src/audit/canonical';
import { onEventsCommitted } from '../../src/audit/record';
import { allEvents, sealed, verify } from './support';

const CREATE = 'mutation($n: String!) { createExperiment(input: { name: $n }) { id } }';

describe('audit chain: sealing and verification', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  const raw = (sql: string, params: unknown[] = []) => t.app.db.dataSource.query(sql, params);
  const q = (column: string) => (t.engine === 'mysql' ? `\`${column}\`` : `"${column}"`);

  it('50 concurrent writers form one unbroken chain: sequences 1..N, no gap, verifyAuditLog ok', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => t.gql(CREATE, { n: unique(`writer-${i}`) }, { 'x-actor': `w${i % 5}` })));
    expect(results.filter((r) => r.errors)).toEqual([]);
    await sealed(t);
    const events = await allEvents(t);
    expect(events).toHaveLength(50);
    expect(events.map((e) => e.sequence).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(events.every((e) => /^[0-9a-f]{64}$/.test(e.hash!))).toBe(true);
    expect(await verify(t)).toEqual({ ok: true, checked: 50, firstBrokenSequence: null });
  });

  it('the sealer chains events after commit, without counting against the request', async () => {
    const { statements } = await t.statements(CREATE, { n: unique('counted') });
    // The create itself: the experiment, its event; none of the sealer's reads or updates.
    expect(statements.filter((s) => /audit_event/.test(s))).toHaveLength(1);
    expect(statements.some((s) => /UPDATE/i.test(s) && /audit_event/.test(s))).toBe(false);
    await sealed(t);
    expect(await verify(t)).toEqual({ ok: true, checked: 51, firstBrokenSequence: null });
  });

  it('events a crash left unsealed (no wake after their commit) are sealed by the next sweep, in order', async () => {
    onEventsCommitted(t.app.db, null); // as if the process died between commit and sealing
    try {
      for (let i = 0; i < 3; i++) await t.ok(CREATE, { n: unique('orphan') });
    } finally {
      onEventsCommitted(t.app.db, () => t.app.sealer.wake());
    }
    await t.app.sealer.idle();
    const unsealed = (await allEvents(t)).filter((e) => e.sequence === null);
    expect(unsealed).toHaveLength(3);
    t.app.sealer.wake(); // what the sweep timer does
    await t.app.sealer.idle();
    const events = await allEvents(t);
    expect(events.slice(-3).map((e) => e.sequence)).toEqual([52, 53, 54]);
    expect(await verify(t)).toEqual({ ok: true, checked: 54, firstBrokenSequence: null });
  });

  it('an edited actor, an edited after and a deleted row each break the chain at their sequence', async () => {
    for (let i = 0; i < 5; i++) await t.ok(CREATE, { n: unique('more') });
    await sealed(t);
    const total = (await verify(t)).checked;
    expect(total).toBe(59);

    const [{ actor }] = await raw(`SELECT actor FROM audit_event WHERE sequence = 10`) as { actor: string }[];
    await raw(`UPDATE audit_event SET actor = 'mallory' WHERE sequence = 10`);
    expect(await verify(t)).toEqual({ ok: false, checked: 9, firstBrokenSequence: 10 });
    await raw(`UPDATE audit_event SET actor = ? WHERE sequence = 10`, [actor]);
    expect(await verify(t)).toEqual({ ok: true, checked: total, firstBrokenSequence: null });

    const [{ after }] = await raw(`SELECT ${q('after')} AS ${q('after')} FROM audit_event WHERE sequence = 20`) as { after: string }[];
    await raw(`UPDATE audit_event SET ${q('after')} = ? WHERE sequence = 20`, [after.replace('"name":"', '"name":"x')]);
    expect(await verify(t)).toEqual({ ok: false, checked: 19, firstBrokenSequence: 20 });
    await raw(`UPDATE audit_event SET ${q('after')} = ? WHERE sequence = 20`, [after]);

    // An administrator who also rewrites the stored text and recomputes that row's hash breaks the next link.
    const [prev] = await raw(`SELECT hash FROM audit_event WHERE sequence = 39`) as { hash: string }[];
    const [row] = await raw(`SELECT canonical FROM audit_event WHERE sequence = 40`) as { canonical: string }[];
    const forged = row.canonical.replace(/"actor":"[^"]*"/, '"actor":"mallory"');
    await raw(`UPDATE audit_event SET actor = 'mallory', canonical = ?, hash = ? WHERE sequence = 40`, [forged, chainHash(prev.hash, forged, 40)]);
    expect(await verify(t)).toEqual({ ok: false, checked: 40, firstBrokenSequence: 41 });

    await raw(`DELETE FROM audit_event WHERE sequence = 30`);
    expect(await verify(t)).toEqual({ ok: false, checked: 29, firstBrokenSequence: 30 });
  });
});
