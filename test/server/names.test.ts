import { getMetadataStorage } from 'type-graphql';
import { buildRegistrySchema } from '../../src/schema';

/** The GraphQL names are the TypeScript names: fields as their properties, types as their classes. */
describe('GraphQL and TypeScript names', () => {
  beforeAll(() => buildRegistrySchema());

  it('names every field as its property (or resolver method)', () => {
    const renamed = getMetadataStorage().fields
      .filter((f) => f.name !== f.schemaName)
      .map((f) => `${f.target.name}.${f.name} is ${f.schemaName}`);
    expect(renamed).toEqual([]);
  });

  it('names every object, input and interface type as its class (connection and edge classes are generic)', () => {
    const storage = getMetadataStorage();
    const generic = /^(Edge|ConnectionClass)$/;
    const renamed = [...storage.objectTypes, ...storage.inputTypes, ...storage.interfaceTypes]
      .filter((t) => t.name !== t.target.name && !generic.test(t.target.name))
      .map((t) => `${t.target.name} is ${t.name}`);
    expect(renamed).toEqual([]);
  });
});
