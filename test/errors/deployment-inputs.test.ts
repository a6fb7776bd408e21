import { TestApp } from '../support/app';
import { seed } from '../support/seed';
import { chars, describeNamedEntity, expectRejected, MALFORMED_IDS, table, unknownId, type Case } from './helpers';

const CREATE = 'mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id name environment endpointUrl revision traffic { percent } } }';
const MODEL_DEPLOYMENTS = 'query($id: ID) { model(id: $id) { updatedAt deployments { id } } }';

describe('createDeployment and deployment(): bad inputs', () => {
  let t: TestApp;
  let modelId: string;
  let versionId: string;

  beforeAll(async () => {
    t = await TestApp.start();
    modelId = (await seed(t).model('served')).id;
    versionId = (await seed(t).version(modelId)).id;
  });
  afterAll(() => t.stop());

  describeNamedEntity(() => t, {
    mutation: 'createDeployment',
    inputType: 'CreateDeploymentInput',
    lookup: 'deployment',
    list: 'deployments',
    typeName: 'Deployment',
    valid: (name) => ({ name, modelId, environment: 'production' }),
    otherTypeId: async () => modelId,
  });

  const valid = () => ({ name: 'dep-x', modelId, environment: 'production' });

  describe('field validation → BAD_USER_INPUT naming the field, nothing written', () => {
    const cases: Case[] = [
      ['an endpointUrl with an ftp scheme', { endpointUrl: 'ftp://models.example.com/predict' }, 'input.endpointUrl'],
      ['an endpointUrl with no scheme', { endpointUrl: 'models.example.com/predict' }, 'input.endpointUrl'],
      ['a javascript: endpointUrl', { endpointUrl: 'javascript:alert(1)' }, 'input.endpointUrl'],
      ['a file: endpointUrl', { endpointUrl: 'file:///etc/passwd' }, 'input.endpointUrl'],
      ['an s3: endpointUrl', { endpointUrl: 's3://bucket/model' }, 'input.endpointUrl'],
      ['an http scheme with no host', { endpointUrl: 'http://' }, 'input.endpointUrl'],
      ['an empty endpointUrl', { endpointUrl: '' }, 'input.endpointUrl'],
      ['an endpointUrl of 2,049 characters', { endpointUrl: `https://e.example.com/${chars(2049 - 22)}` }, 'input.endpointUrl'],
      ['an empty environment', { environment: '' }, 'input.environment'],
      ['a 101-character environment', { environment: chars(101) }, 'input.environment'],
    ];
    it.each(table(cases))('$label → $field', async ({ patch, field }) => {
      await expectRejected(t, CREATE, { i: { ...valid(), ...patch } }, { code: 'BAD_USER_INPUT', field },
        { query: MODEL_DEPLOYMENTS, variables: { id: modelId } });
    });

    it('http and https endpoint URLs (2,048 characters at most) are accepted; a new deployment is at revision 0 with no traffic', async () => {
      const long = `https://e.example.com/${chars(2048 - 22)}`;
      for (const [i, endpointUrl] of ['http://10.0.0.1:8080/predict', 'https://models.example.com/v1/churn', long].entries()) {
        const d = await t.ok(CREATE, { i: { ...valid(), name: `ok-url-${i}`, endpointUrl, environment: chars(100, 'e') } });
        expect(d.createDeployment).toMatchObject({ endpointUrl, environment: chars(100, 'e'), revision: 0, traffic: [] });
      }
    });
  });

  describe('the model must exist', () => {
    it('modelId malformed, unknown, of a model version or of another type → NOT_FOUND on input.modelId, nothing written', async () => {
      const exp = await seed(t).experiment();
      for (const id of [...MALFORMED_IDS, unknownId('mdl'), versionId, exp.id, modelId.toUpperCase(), `${modelId} `]) {
        await expectRejected(t, CREATE, { i: { ...valid(), name: 'dep-missing-model', modelId: id } }, { code: 'NOT_FOUND', field: 'input.modelId' },
          { query: MODEL_DEPLOYMENTS, variables: { id: modelId } });
      }
      expect((await t.ok('{ deployment(name: "dep-missing-model") { id } }')).deployment).toBeNull();
    });
  });
});
