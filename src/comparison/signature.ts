import type { JsonValue } from '../common/scalars';

/** One input or output of a signature: a column or a tensor, by name. */
interface Port {
  name: string;
  type: string;
}

type JsonObject = { [key: string]: unknown };
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `{ inputs: [{ name, type, shape? }], outputs: [...] }`; a side may also be `{ columns: [...] }` or
 * `{ tensors: [...] }`, and an entry may give `dtype` or MLflow's `tensor-spec: { dtype, shape }` instead.
 * An entry without a name is named by its position (`#0`). The shape is part of the type: `float32[-1,3]`.
 */
function portsOf(signature: unknown, side: 'inputs' | 'outputs'): Port[] {
  const raw = isObject(signature) ? signature[side] : undefined;
  const list = Array.isArray(raw) ? raw : isObject(raw) ? (raw.columns ?? raw.tensors) : undefined;
  if (!Array.isArray(list)) return [];
  return list.map((entry: unknown, i) => {
    const e = isObject(entry) ? entry : {};
    const spec = isObject(e['tensor-spec']) ? e['tensor-spec'] : {};
    const type = e.type ?? e.dtype ?? spec.dtype;
    const shape = e.shape ?? spec.shape;
    return {
      name: typeof e.name === 'string' ? e.name : `#${i}`,
      type: `${typeof type === 'string' ? type : JSON.stringify(type ?? null)}${shape === undefined ? '' : JSON.stringify(shape)}`,
    };
  });
}

/**
 * What breaks a caller written against `first` when it calls `later`: a removed or retyped input (an added
 * input is not listed: callers of `first` cannot have relied on it), and any change to the outputs.
 * No signature on `first` promises nothing, so nothing breaks; dropping one is a break of its own.
 */
export function breakingChanges(first: JsonValue | null, later: JsonValue | null): string[] {
  if (first == null) return [];
  if (later == null) return ['signature removed'];
  const out: string[] = [];
  const laterInputs = new Map(portsOf(later, 'inputs').map((p) => [p.name, p.type]));
  for (const p of portsOf(first, 'inputs')) {
    const type = laterInputs.get(p.name);
    if (type === undefined) out.push(`removed input "${p.name}"`);
    else if (type !== p.type) out.push(`retyped input "${p.name}": ${p.type} → ${type}`);
  }
  const before = new Map(portsOf(first, 'outputs').map((p) => [p.name, p.type]));
  const after = new Map(portsOf(later, 'outputs').map((p) => [p.name, p.type]));
  for (const [name, type] of before) {
    const now = after.get(name);
    if (now === undefined) out.push(`removed output "${name}"`);
    else if (now !== type) out.push(`retyped output "${name}": ${type} → ${now}`);
  }
  for (const name of after.keys()) if (!before.has(name)) out.push(`added output "${name}"`);
  return out;
}
