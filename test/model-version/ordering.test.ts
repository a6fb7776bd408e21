import { ModelVersion } from '../../src/model-version/model-version.entity';
import { TestApp } from '../support/app';
import { seed } from '../support/seed';

/**
 * Model.versions(orderBy:) honours both the field and the direction. Ids (creation order) are drawn before
 * the model's row lock that numbers a version, so overlapping registrations can be numbered in another order
 * than their ids; the test sets such numbering directly so the two orders differ.
 */

const VERSIONS = `query($ids: [ID!]!, $order: ModelVersionOrder, $after: String) { nodes(ids: $ids) { ... on Model {
  versions(first: 2, after: $after, orderBy: $order) { nodes { id sequence } pageInfo { hasNextPage endCursor } } } } }`;

type Page = { nodes: { id: string; sequence: number }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };

describe('Model.versions(orderBy:)', () => {
  let t: TestApp;
  const models: { id: string; versions: string[] }[] = [];

  beforeAll(async () => {
    t = await TestApp.start();
    for (let m = 0; m < 2; m++) {
      const model = await seed(t).model();
      const versions: string[] = [];
      for (let i = 0; i < 3; i++) versions.push((await seed(t).version(model.id)).id);
      // Numbered 4, 2, 3 in id order: by sequence the first-created version comes last.
      await t.app.db.manager.update(ModelVersion, { id: versions[0] }, { sequence: 4 });
      models.push({ id: model.id, versions });
    }
  });
  afterAll(() => t.stop());

  /** A model's whole list, two versions per page, each page after the previous one's endCursor. */
  async function read(order: Record<string, string> | null, modelId: string): Promise<string[]> {
    const ids: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 2; page++) {
      const data: { nodes: { versions: Page }[] } = await t.ok(VERSIONS, { ids: [modelId], order, after });
      ids.push(...data.nodes[0].versions.nodes.map((v) => v.id));
      after = data.nodes[0].versions.pageInfo.endCursor;
    }
    return ids;
  }

  const cases: [Record<string, string> | null, number[]][] = [
    [null, [0, 2, 1]],
    [{ field: 'SEQUENCE', direction: 'DESC' }, [0, 2, 1]],
    [{ field: 'SEQUENCE', direction: 'ASC' }, [1, 2, 0]],
    [{ field: 'CREATED_AT', direction: 'DESC' }, [2, 1, 0]],
    [{ field: 'CREATED_AT', direction: 'ASC' }, [0, 1, 2]],
    [{ field: 'SEQUENCE' }, [0, 2, 1]],
    [{ field: 'CREATED_AT' }, [2, 1, 0]],
  ];

  it.each(cases)('orderBy %j lists versions as %j, page after page', async (order, expected) => {
    for (const model of models) {
      expect(await read(order, model.id)).toEqual(expected.map((i) => model.versions[i]));
    }
  });

  it.each(cases)('orderBy %j orders each model alike when several models are read in one batch', async (order, expected) => {
    const data = await t.ok<{ nodes: { versions: Page }[] }>(
      VERSIONS.replace('first: 2', 'first: 3'), { ids: models.map((m) => m.id), order });
    expect(data.nodes.map((n) => n.versions.nodes.map((v) => v.id))).toEqual(models.map((m) => expected.map((i) => m.versions[i])));
  });
});
