import {
  astFromValue, isInputObjectType, isListType, isNonNullType, typeFromAST, valueFromASTUntyped,
  type GraphQLInputType, type GraphQLSchema, type OperationDefinitionNode,
} from 'graphql';

/**
 * graphql-jit 0.8 coerces variables without applying the default of a non-null input field
 * (`versioningScheme: VersioningScheme! = INTEGER` left out of a variable's object is "not provided"),
 * where graphql-js applies it. Before a compiled operation runs, every input field left out of a
 * variable's value is given its default here, written as a client would (enum names, serialized scalars).
 */
export function withInputDefaults(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown>): Record<string, unknown> {
  let types = defaultedVariables.get(operation);
  if (!types) defaultedVariables.set(operation, (types = variablesWithDefaults(schema, operation)));
  if (types.size === 0) return variables;
  const filled = { ...variables };
  for (const [name, type] of types) {
    if (filled[name] != null) filled[name] = fill(filled[name], type);
  }
  return filled;
}

/** Per operation: its variables whose types hold an input field with a default (usually none). */
const defaultedVariables = new WeakMap<OperationDefinitionNode, Map<string, GraphQLInputType>>();

function variablesWithDefaults(schema: GraphQLSchema, operation: OperationDefinitionNode): Map<string, GraphQLInputType> {
  const found = new Map<string, GraphQLInputType>();
  for (const definition of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    if (type && holdsDefaults(type, new Set())) found.set(definition.variable.name.value, type);
  }
  return found;
}

function holdsDefaults(type: GraphQLInputType, seen: Set<string>): boolean {
  if (isNonNullType(type) || isListType(type)) return holdsDefaults(type.ofType, seen);
  if (!isInputObjectType(type) || seen.has(type.name)) return false;
  seen.add(type.name);
  return Object.values(type.getFields()).some((f) => f.defaultValue !== undefined || holdsDefaults(f.type, seen));
}

function fill(value: unknown, type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return fill(value, type.ofType);
  if (isListType(type)) return Array.isArray(value) ? value.map((v) => (v == null ? v : fill(v, type.ofType))) : fill(value, type.ofType);
  if (!isInputObjectType(type) || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const filled: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const field of Object.values(type.getFields())) {
    const given = filled[field.name];
    if (given === undefined && field.defaultValue !== undefined) {
      const literal = astFromValue(field.defaultValue, field.type);
      filled[field.name] = literal ? valueFromASTUntyped(literal) : field.defaultValue;
    } else if (given != null) {
      filled[field.name] = fill(given, field.type);
    }
  }
  return filled;
}
