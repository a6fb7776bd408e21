import { TestApp } from '../support/app';
import { seed } from '../support/seed';

/**
 * History lists (stage transitions, alias events, deployment revisions) are keyed by their database sequence,
 * not an id: they page forward and backward by that key, for one parent and for many in one batch.
 */

interface Lists {
  model: string;
  version: string;
  deployment: string;
}

const LISTS: { name: string; owner: keyof Lists; type: string; field: string }[] = [
  { name: 'Model.stageHistory', owner: 'model', type: 'Model', field: 'stageHistory' },
  { name: 'Model.aliasHistory', owner: 'model', type: 'Model', field: 'aliasHistory' },
  { name: 'ModelVersion.transitions', owner: 'version', type: 'ModelVersion', field: 'transitions' },
  { name: 'Deployment.revisions', owner: 'deployment', type: 'Deployment', field: 'revisions' },
];

/** A revision has no `sequence` field: its revision number orders it within its deployment. */
const itemField = (field: string) => (field === 'revisions' ? 'revision' : 'sequence');

type Page = { nodes: Record<string, number>[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string; endCursor: string } };

describe('history connections page by their sequence', () => {
  let t: TestApp;
  const parents: Lists[] = [];

  async function history(): Promise<Lists> {
    const s = seed(t);
    const model = await s.model();
    const [v1, v2, v3] = [await s.version(model.id), await s.version(model.id), await s.version(model.id)];
    for (const [v, stage] of [[v1, 'STAGING'], [v1, 'PRODUCTION'], [v2, 'PRODUCTION'], [v1, 'STAGING']] as const) {
      await t.ok('mutation($v: ID!, $s: Stage!) { transitionStage(versionId: $v, stage: $s) { id } }', { v: v.id, s: stage });
    }
    for (const [alias, v] of [['champion', v1], ['champion', v2], ['challenger', v3], ['champion', v3]] as const) {
      await t.ok('mutation($m: ID!, $a: String!, $v: ID!) { setAlias(modelId: $m, alias: $a, versionId: $v) { id } }', { m: model.id, a: alias, v: v.id });
    }
    const deployment = await s.deployment(model.id);
    for (const v of [v1, v2, v3, v1]) {
      await t.ok('mutation($d: ID!, $v: ID!) { deploy(deploymentId: $d, traffic: [{ versionId: $v, percent: 100 }]) { revision } }', { d: deployment.id, v: v.id });
    }
    await t.ok('mutation($d: ID!) { rollbackDeployment(deploymentId: $d) { revision } }', { d: deployment.id });
    return { model: model.id, version: v1.id, deployment: deployment.id };
  }

  beforeAll(async () => {
    t = await TestApp.start();
    parents.push(await history(), await history());
  });
  afterAll(() => t.stop());

  async function page(list: (typeof LISTS)[number], ids: string[], args: string, vars: Record<string, unknown> = {}): Promise<Page[]> {
    const data = await t.ok<{ nodes: Record<string, Page>[] }>(
      `query($ids: [ID!]!${args.includes('$c') ? ', $c: String' : ''}) { nodes(ids: $ids) { ... on ${list.type} { ${list.field}(${args}) {
        nodes { ${itemField(list.field)} } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }`, { ids, ...vars });
    return data.nodes.map((n) => n[list.field]);
  }
  const values = (p: Page, list: (typeof LISTS)[number]) => p.nodes.map((n) => n[itemField(list.field)]);

  it.each(LISTS.map((l) => [l.name, l] as const))('%s: newest first, forward and backward by 2, alone and batched', async (_name, list) => {
    for (const parent of parents) {
      const id = parent[list.owner];
      const [all] = await page(list, [id], 'first: 100');
      const full = values(all, list);
      expect(full.length).toBeGreaterThanOrEqual(4);
      expect(full).toEqual([...full].sort((a, b) => b - a));

      const forward: number[] = [];
      let cursor: string | null = null;
      for (let more = true; more;) {
        const [p]: Page[] = await page(list, [id], 'first: 2, after: $c', { c: cursor });
        forward.push(...values(p, list));
        [cursor, more] = [p.pageInfo.endCursor, p.pageInfo.hasNextPage];
      }
      expect(forward).toEqual(full);

      const backward: number[] = [];
      cursor = null;
      for (let more = true; more;) {
        const [p]: Page[] = await page(list, [id], 'last: 2, before: $c', { c: cursor });
        backward.unshift(...values(p, list));
        [cursor, more] = [p.pageInfo.startCursor, p.pageInfo.hasPreviousPage];
      }
      expect(backward).toEqual(full);
    }
    // Both parents in one request: one windowed statement gives each its own first page.
    const alone = await Promise.all(parents.map(async (p) => values((await page(list, [p[list.owner]], 'first: 3'))[0], list)));
    const batched = (await page(list, parents.map((p) => p[list.owner]), 'first: 3')).map((p) => values(p, list));
    expect(batched).toEqual(alone);
  });
});
