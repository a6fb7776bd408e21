import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode, type ValidationRule } from 'graphql';
// graphql-js's own way to stop validation early (thrown by its rules when their work budget runs out);
// internal but stable in the pinned graphql 16.15. Anything else thrown by a rule would be a 500.
import { validationAbortedError } from 'graphql/validation/validationAbortedError';

/**
 * The work a document asks of validation, estimated before any rule does it. graphql-js compares every
 * pair of fields that answer to the same response key at the same place (OverlappingFieldsCanBeMerged):
 * a few thousand repeats of one selection, within the token limit, cost it hundreds of milliseconds.
 * Here each operation is inlined (fragments expanded wherever spread, as the depth and alias rules walk
 * them) and its cost is the number of fields plus, for each response path, the pairs of fields sharing it. The walk stops as soon as the budget is spent, so it is cheap
 * even for a fragment bomb.
 */
export function documentCost(document: DocumentNode, budget: number): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  type Chain = { name: string; next: Chain | null } | null;
  type Item = { set: SelectionSetNode; path: number; chain: Chain };
  const fieldsAt = new Map<string, number>();
  const childPath = new Map<string, number>();
  let paths = 0;
  let cost = 0;
  for (const operation of document.definitions) {
    if (operation.kind !== Kind.OPERATION_DEFINITION) continue;
    const stack: Item[] = [{ set: operation.selectionSet, path: ++paths, chain: null }];
    while (stack.length > 0) {
      const { set, path, chain } = stack.pop()!;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          const key = `${path}:${selection.alias?.value ?? selection.name.value}`;
          const seen = fieldsAt.get(key) ?? 0;
          fieldsAt.set(key, seen + 1);
          cost += 1 + seen;
          if (cost > budget) return cost;
          if (selection.selectionSet) {
            let child = childPath.get(key);
            if (child === undefined) childPath.set(key, (child = ++paths));
            stack.push({ set: selection.selectionSet, path: child, chain });
          }
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          stack.push({ set: selection.selectionSet, path, chain });
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          // Unknown fragments and cycles are reported by graphql-js's own rules.
          if (!fragment || inChain(chain, name)) continue;
          if (++cost > budget) return cost;
          stack.push({ set: fragment.selectionSet, path, chain: { name, next: chain } });
        }
      }
    }
  }
  return cost;
}

function inChain(chain: { name: string; next: unknown } | null, name: string): boolean {
  for (let c = chain; c; c = c.next as typeof chain) if (c.name === name) return true;
  return false;
}

/** Rejects a document over the budget before the other rules start on it (they run node by node, after Document). */
export function documentCostRule(budget: number): ValidationRule {
  return (context) => ({
    Document(node) {
      const cost = documentCost(node, budget);
      if (cost <= budget) return;
      context.reportError(new GraphQLError(
        `The document selects too many fields, or the same fields too many times (more than ${budget} selections and repeats once fragments are expanded)`,
        { extensions: { limit: budget } },
      ));
      throw validationAbortedError;
    },
  });
}
