import type { Loaders } from '../common/loaders';
import { typeOfId, type NodeTypeName } from '../common/ids';
import { nodeType } from './node-types';

/** Any node by global id (the type comes from the prefix); null for unknown or malformed ids. */
export function loadNode(loaders: Loaders, id: string, expected?: NodeTypeName): Promise<object | null> {
  const type = typeOfId(id);
  if (!type || (expected && type !== expected)) return Promise.resolve(null);
  return loaders.get(nodeType(type).byId).load(id);
}
