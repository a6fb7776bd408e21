import { DatasetVersion } from '../../src/dataset/dataset.entity';
import { newId } from '../../src/common/ids';
import { LineageEdgeRow, LineageRelation } from '../../src/lineage/lineage-edge.entity';
import { ModelVersion, Stage } from '../../src/model-version/model-version.entity';
import { TestApp } from '../support/app';
import { DIGEST, seed } from '../support/seed';

const Q = `query($id: ID!, $direction: LineageDirection, $maxDepth: Int, $first: Int) {
  lineage(id: $id, direction: $direction, maxDepth: $maxDepth, first: $first) {
    nodes { depth node { __typename ... on ModelVersion { id sequence } ... on DatasetVersion { id } } }
    edges { from to }
    truncated
  }
}`;

async function insertChunks<T extends object>(t: TestApp, entity: new () => T, rows: Partial<T>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await t.app.db.manager.insert(entity, rows.slice(i, i + 200) as never);
}

describe('lineage at depth and width', () => {
  let t: TestApp;
  const chain: string[] = [];
  let dagRoot: string;
  let dagSize = 0;

  beforeAll(async () => {
    t = await TestApp.start();
    // A 1,000-deep parent chain of model versions, written directly (the walker is under test, not registration).
    const model = await seed(t).model();
    const at = new Date();
    const versions = Array.from({ length: 1001 }, (_, i) => ({
      id: newId('ModelVersion'), modelId: model.id, version: String(i + 1), sequence: i + 1, stage: Stage.NONE,
      artifactUri: 's3://m', createdBy: 'test', createdAt: at, updatedAt: at,
    }));
    versions.forEach((v, i) => Object.assign(v, { parentId: i ? versions[i - 1].id : null }));
    await insertChunks(t, ModelVersion, versions);
    await insertChunks(t, LineageEdgeRow, versions.slice(1).map((v, i) => ({ fromId: versions[i].id, toId: v.id, relation: LineageRelation.PARENT_OF, sinceRevision: 0, createdAt: at })));
    chain.push(...versions.map((v) => v.id));

    // A wide DAG of dataset versions with diamonds: 1 → 60 → 60×60 (each also derived from its neighbour's parent).
    const ds = await seed(t).dataset();
    const mk = (seq: number) => ({ id: newId('DatasetVersion'), datasetId: ds.id, version: String(seq), sequence: seq, uri: 's3://d', digest: DIGEST, createdBy: 'test', createdAt: at, updatedAt: at });
    const root = mk(1);
    const layer1 = Array.from({ length: 60 }, (_, i) => mk(2 + i));
    const layer2 = Array.from({ length: 3600 }, (_, i) => mk(62 + i));
    await insertChunks(t, DatasetVersion, [root, ...layer1, ...layer2]);
    const edges = [
      ...layer1.map((l) => ({ fromId: root.id, toId: l.id })),
      ...layer2.map((l, i) => ({ fromId: layer1[Math.floor(i / 60)].id, toId: l.id })),
      ...layer2.map((l, i) => ({ fromId: layer1[(Math.floor(i / 60) + 1) % 60].id, toId: l.id })),
    ].map((e) => ({ ...e, relation: LineageRelation.DERIVED, sinceRevision: 0, createdAt: at }));
    await insertChunks(t, LineageEdgeRow, edges);
    dagRoot = root.id;
    dagSize = 1 + layer1.length + layer2.length;
  });
  afterAll(() => t.stop());

  it('answers a 1,000-deep chain fully in one request', async () => {
    const g = (await t.ok(Q, { id: chain[1000], direction: 'UPSTREAM', maxDepth: 1000, first: 5000 })).lineage;
    expect(g.nodes).toHaveLength(1001);
    expect(g.nodes.map((n: { depth: number }) => n.depth)).toEqual(Array.from({ length: 1001 }, (_, i) => i));
    expect(g.nodes[1000].node.id).toBe(chain[0]);
    expect(g.edges).toHaveLength(1000);
    expect(g.truncated).toBe(false);
    const cut = (await t.ok(Q, { id: chain[1000], direction: 'UPSTREAM', maxDepth: 999, first: 5000 })).lineage;
    expect([cut.nodes.length, cut.truncated]).toEqual([1000, true]);
  });

  it('costs the same number of statements at depth 1, 10, 100 and 1,000', async () => {
    const counts: number[] = [];
    for (const maxDepth of [1, 10, 100, 1000]) {
      const { result, statements } = await t.statements(Q, { id: chain[1000], direction: 'UPSTREAM', maxDepth, first: 5000 });
      expect((result.data as { lineage: { nodes: unknown[] } }).lineage.nodes).toHaveLength(maxDepth + 1);
      counts.push(statements.length);
    }
    expect(new Set(counts).size).toBe(1);
    expect(counts[0]).toBeLessThanOrEqual(4);
  });

  it('truncates a wide DAG at first, with shortest depths through diamonds', async () => {
    const all = (await t.ok(Q, { id: dagRoot, direction: 'DOWNSTREAM', maxDepth: 10, first: 5000 })).lineage;
    expect(all.nodes).toHaveLength(dagSize);
    expect(all.truncated).toBe(false);
    expect(all.nodes.filter((n: { depth: number }) => n.depth === 2)).toHaveLength(3600);
    expect(all.edges).toHaveLength(60 + 7200);
    const page = (await t.ok(Q, { id: dagRoot, direction: 'DOWNSTREAM', maxDepth: 10, first: 1000 })).lineage;
    expect(page.nodes).toHaveLength(1000);
    expect(page.truncated).toBe(true);
    expect(page.nodes.slice(0, 61).every((n: { depth: number }) => n.depth <= 1)).toBe(true);
  });

  it('terminates on a cycle inserted directly, with shortest depths', async () => {
    await t.app.db.manager.insert(LineageEdgeRow, { fromId: chain[5], toId: chain[0], relation: LineageRelation.PARENT_OF, sinceRevision: 0, createdAt: new Date() });
    const g = (await t.ok(Q, { id: chain[0], direction: 'DOWNSTREAM', maxDepth: 1000, first: 5000 })).lineage;
    expect(g.nodes).toHaveLength(1001);
    expect(g.nodes.find((n: { node: { id: string } }) => n.node.id === chain[5]).depth).toBe(5);
    const both = (await t.ok(Q, { id: chain[2], direction: 'BOTH', maxDepth: 50, first: 5000 })).lineage;
    expect(both.nodes.find((n: { node: { id: string } }) => n.node.id === chain[0]).depth).toBe(2);
    expect(both.nodes.filter((n: { node: { id: string } }) => n.node.id === chain[2])).toHaveLength(1);
  });
});
