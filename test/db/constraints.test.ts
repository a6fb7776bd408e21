import { StageTransition, TransitionKind } from '../../src/lifecycle/stage-transition.entity';
import { ModelAliasRow } from '../../src/lifecycle/alias.entity';
import { TrafficRow } from '../../src/deployment/deployment-revision.entity';
import { ModelVersion, Stage } from '../../src/model-version/model-version.entity';
import { TransitionReview } from '../../src/lifecycle/transition-request.entity';
import { TestApp } from '../support/app';
import { seed } from '../support/seed';

/** The database itself refuses history that describes nothing, and enum columns outside their values. */
describe('schema constraints', () => {
  let t: TestApp;
  let modelId: string;
  let versionId: string;
  beforeAll(async () => {
    t = await TestApp.start();
    const s = seed(t);
    modelId = (await s.model()).id;
    versionId = (await s.version(modelId)).id;
  });
  afterAll(() => t.stop());

  const at = new Date();
  const transition = (over: Partial<StageTransition>) => ({
    modelId, versionId, fromStage: Stage.NONE, toStage: Stage.STAGING, kind: TransitionKind.TRANSITION,
    actor: 'test', comment: null, requestId: null, at, ...over,
  });

  it('accepts a well-formed history row (the cases below fail for their one bad value only)', async () => {
    await expect(t.app.db.manager.insert(StageTransition, transition({}))).resolves.toBeDefined();
  });

  it.each([
    ['a stage change of a model that does not exist', () => t.app.db.manager.insert(StageTransition, transition({ modelId: 'mdl_missing' }))],
    ['a stage change of a version that does not exist', () => t.app.db.manager.insert(StageTransition, transition({ versionId: 'mv_missing' }))],
    ['a stage change citing a request that does not exist', () => t.app.db.manager.insert(StageTransition, transition({ requestId: 'req_missing' }))],
    ['an alias pointing at a missing version', () => t.app.db.manager.insert(ModelAliasRow, { modelId, name: 'champion', versionId: 'mv_missing', updatedAt: at })],
    ['traffic of a revision that does not exist', () => t.app.db.manager.insert(TrafficRow, { deploymentId: 'dep_missing', revision: 1, versionId, percent: 100 })],
    ['a review of a request that does not exist', () => t.app.db.manager.insert(TransitionReview, { requestId: 'req_missing', actor: 'a', decision: 'APPROVE', comment: null, at } as never)],
  ])('refuses %s (foreign key)', async (_name, write) => {
    await expect(write()).rejects.toThrow(/foreign key/i);
  });

  it.each([
    ['a stage outside the enum', () => t.app.db.manager.insert(StageTransition, transition({ toStage: 'LIVE' as Stage }))],
    ['a transition kind outside the enum', () => t.app.db.manager.insert(StageTransition, transition({ kind: 'MOVED' as TransitionKind }))],
    ['a version stage outside the enum', () => t.app.db.manager.update(ModelVersion, { id: versionId }, { stage: 'production' as Stage })],
  ])('refuses %s (CHECK)', async (_name, write) => {
    await expect(write()).rejects.toThrow(/constraint/i);
  });

  it('indexes the approval queries: pending requests of a version, and requests by status', async () => {
    const table = await t.app.db.dataSource.createQueryRunner().getTable('transition_request');
    const indexes = Object.fromEntries((table?.indices ?? []).map((i) => [i.name, i.columnNames]));
    expect(indexes).toMatchObject({
      IDX_transition_request_version: ['version_id', 'status'],
      IDX_transition_request_status: ['status', 'id'],
    });
  });
});
