/** The typed SDK: createClient (the everyday jobs), createRegistryClient (any generated document), the generated types. */
export * from './generated/graphql';
export * from './registry-client';
export * from './sdk';
