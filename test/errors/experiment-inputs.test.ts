import { TestApp } from '../support/app';
import { seed } from '../support/seed';
import { describeNamedEntity } from './helpers';

describe('createExperiment and experiment(): bad inputs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.stop());

  describeNamedEntity(() => t, {
    mutation: 'createExperiment',
    inputType: 'CreateExperimentInput',
    lookup: 'experiment',
    list: 'experiments',
    typeName: 'Experiment',
    valid: (name) => ({ name }),
    otherTypeId: async () => (await seed(t).model()).id,
  });

  it('an experiment id of a run → null', async () => {
    const exp = await seed(t).experiment();
    const run = await seed(t).run(exp.id);
    const d = await t.ok('query($id: ID) { experiment(id: $id) { id } }', { id: run.id });
    expect(d.experiment).toBeNull();
  });
});
