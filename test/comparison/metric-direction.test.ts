import { TestApp } from '../support/app';
import { seed } from '../support/seed';

const SET = `mutation($m: ID!, $k: String!, $h: Boolean!) { setMetricDirection(modelId: $m, key: $k, higherIsBetter: $h) {
  id metricDirections { key higherIsBetter updatedBy } } }`;
const CLEAR = `mutation($m: ID!, $k: String!) { clearMetricDirection(modelId: $m, key: $k) { id metricDirections { key higherIsBetter } } }`;
const COMPARE = `query($ids: [ID!]!) { compareVersions(ids: $ids) { metrics { key values best { id } higherIsBetter directionsDisagree } } }`;

type Diff = { key: string; values: (number | null)[]; best: { id: string } | null; higherIsBetter: boolean; directionsDisagree: boolean };

/** setMetricDirection / clearMetricDirection, Model.metricDirections, and how compareVersions uses them. */
describe('metric direction per model', () => {
  let t: TestApp;
  const m: string[] = [];
  const v: string[] = [];
  beforeAll(async () => {
    t = await TestApp.start();
    const s = seed(t);
    for (let i = 0; i < 3; i++) m.push((await s.model()).id);
    // "margin" reads as higher-is-better by name; "reward_loss" as lower-is-better.
    const points = (margin: number, rewardLoss: number) => ({ metrics: [{ key: 'margin', value: margin }, { key: 'reward_loss', value: rewardLoss }] });
    v.push((await s.version(m[0], points(0.5, 2))).id);
    v.push((await s.version(m[0], points(0.25, 3))).id);
    v.push((await s.version(m[1], points(0.75, 1))).id);
    v.push((await s.version(m[2], points(0.125, 4))).id);
  });
  afterAll(() => t.stop());

  const compare = async (ids: string[]): Promise<Record<string, Diff>> =>
    Object.fromEntries(((await t.ok(COMPARE, { ids })).compareVersions.metrics as Diff[]).map((d) => [d.key, d]));

  it('without directions of its own, a model follows the key\'s name', async () => {
    expect((await t.ok(`query($id: ID!) { model(id: $id) { metricDirections { key } } }`, { id: m[0] })).model.metricDirections).toEqual([]);
    const c = await compare([v[0], v[1]]);
    expect(c.margin).toEqual({ key: 'margin', values: [0.5, 0.25], best: { id: v[0] }, higherIsBetter: true, directionsDisagree: false });
    expect(c.reward_loss).toEqual({ key: 'reward_loss', values: [2, 3], best: { id: v[0] }, higherIsBetter: false, directionsDisagree: false });
  });

  it('a set direction overrides the name for that model; setting again replaces it; keys are listed in code-point order', async () => {
    await t.ok(SET, { m: m[0], k: 'reward_loss', h: false });
    const set = (await t.ok(SET, { m: m[0], k: 'reward_loss', h: true })).setMetricDirection;
    expect(set.metricDirections).toEqual([{ key: 'reward_loss', higherIsBetter: true, updatedBy: 'local' }]);
    const both = (await t.ok(SET, { m: m[0], k: 'Margin', h: false })).setMetricDirection;
    expect(both.metricDirections.map((d: { key: string }) => d.key)).toEqual(['Margin', 'reward_loss']);
    const c = await compare([v[0], v[1]]);
    // reward_loss is now higher-is-better for m0: 3 beats 2. "Margin" is another key than "margin".
    expect(c.reward_loss).toEqual({ key: 'reward_loss', values: [2, 3], best: { id: v[1] }, higherIsBetter: true, directionsDisagree: false });
    expect(c.margin.best).toEqual({ id: v[0] });
  });

  it('versions of models that agree (an override equal to another model\'s name default) get a best', async () => {
    await t.ok(SET, { m: m[1], k: 'margin', h: true }); // the same as the name says
    const c = await compare([v[0], v[2]]);
    expect(c.margin).toEqual({ key: 'margin', values: [0.5, 0.75], best: { id: v[2] }, higherIsBetter: true, directionsDisagree: false });
  });

  it('when the models disagree: the first version\'s model\'s direction, no best, and directionsDisagree', async () => {
    // m0 says reward_loss goes up; m2 has no override, so its name says down.
    const c = await compare([v[0], v[3], v[1]]);
    expect(c.reward_loss).toEqual({ key: 'reward_loss', values: [2, 4, 3], best: null, higherIsBetter: true, directionsDisagree: true });
    const reversed = await compare([v[3], v[0]]);
    expect(reversed.reward_loss).toEqual({ key: 'reward_loss', values: [4, 2], best: null, higherIsBetter: false, directionsDisagree: true });
    expect(reversed.margin).toMatchObject({ best: { id: v[0] }, directionsDisagree: false });
  });

  it('clearing returns the key to its name-based direction; clearing a key without a direction changes nothing', async () => {
    const cleared = (await t.ok(CLEAR, { m: m[0], k: 'reward_loss' })).clearMetricDirection;
    expect(cleared.metricDirections).toEqual([{ key: 'Margin', higherIsBetter: false }]);
    expect((await t.ok(CLEAR, { m: m[0], k: 'reward_loss' })).clearMetricDirection.metricDirections).toEqual([{ key: 'Margin', higherIsBetter: false }]);
    const c = await compare([v[0], v[3], v[1]]);
    expect(c.reward_loss).toEqual({ key: 'reward_loss', values: [2, 4, 3], best: { id: v[0] }, higherIsBetter: false, directionsDisagree: false });
  });

  it('Model.metricDirections is one statement for every model of a list', async () => {
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Model { metricDirections { key higherIsBetter } } } }`;
    const { result, statements } = await t.statements(query, { ids: m });
    expect(result.errors).toBeUndefined();
    const nodes = (result.data as { nodes: { id: string; metricDirections: { key: string; higherIsBetter: boolean }[] }[] }).nodes;
    expect(nodes.map((n) => n.metricDirections)).toEqual([[{ key: 'Margin', higherIsBetter: false }], [{ key: 'margin', higherIsBetter: true }], []]);
    expect(statements).toHaveLength(2); // the models, their directions
  });

  it('rejects an unknown model (NOT_FOUND) and a bad key (BAD_USER_INPUT), writing nothing', async () => {
    const unknown = m[0].slice(0, -4) + 'ZZZZ';
    expect(await t.fails(SET, { m: unknown, k: 'auc', h: true })).toMatchObject({ code: 'NOT_FOUND', field: 'modelId' });
    expect(await t.fails(SET, { m: 'run_x', k: 'auc', h: true })).toMatchObject({ code: 'NOT_FOUND', field: 'modelId' });
    expect(await t.fails(CLEAR, { m: unknown, k: 'auc' })).toMatchObject({ code: 'NOT_FOUND', field: 'modelId' });
    expect(await t.fails(SET, { m: m[2], k: '', h: true })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'key' });
    expect(await t.fails(SET, { m: m[2], k: 'k'.repeat(251), h: true })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'key' });
    expect((await t.ok(`query($id: ID!) { model(id: $id) { metricDirections { key } } }`, { id: m[2] })).model.metricDirections).toEqual([]);
  });
});
