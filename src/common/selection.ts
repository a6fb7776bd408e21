import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

const answers = new WeakMap<FieldNode, Map<string, boolean>>();

/**
 * Whether the field being resolved selects the nested field `path` (e.g. `datasetVersion.dataset`), in any of
 * its field nodes, through fragments and inline fragments alike. A loader uses it to read a level ahead in the
 * same statement; `@skip`/`@include` are not evaluated, so the answer may say yes to a field left out (reading
 * ahead is then only wasted, never wrong). Answers are kept per first field node (a document's nodes are
 * reused by every execution of it); a miss only costs the statement reading ahead would have saved.
 */
export function selects(info: GraphQLResolveInfo, path: string): boolean {
  const node = info.fieldNodes[0];
  let byPath = answers.get(node);
  if (!byPath) answers.set(node, (byPath = new Map()));
  let answer = byPath.get(path);
  if (answer === undefined) {
    const names = path.split('.');
    answer = info.fieldNodes.some((f) => f.selectionSet != null && within(f.selectionSet, names, info, new Set()));
    byPath.set(path, answer);
  }
  return answer;
}

function within(set: SelectionSetNode, names: string[], info: GraphQLResolveInfo, seen: Set<string>): boolean {
  const [name, ...rest] = names;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== name) continue;
      if (rest.length === 0) return true;
      if (selection.selectionSet && within(selection.selectionSet, rest, info, seen)) return true;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (within(selection.selectionSet, names, info, seen)) return true;
    } else {
      const fragment = info.fragments[selection.name.value];
      const visit = `${selection.name.value}:${names.length}`;
      if (!fragment || seen.has(visit)) continue;
      seen.add(visit);
      if (within(fragment.selectionSet, names, info, seen)) return true;
    }
  }
  return false;
}
