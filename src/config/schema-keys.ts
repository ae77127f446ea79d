import type { z } from 'zod';

/** Just what the walk reads of a zod 4 schema's definition. */
interface Def {
  type: string;
  innerType?: z.core.$ZodType;
  in?: z.core.$ZodType;
  options?: readonly z.core.$ZodType[];
  shape?: Record<string, z.core.$ZodType>;
  valueType?: z.core.$ZodType;
  element?: z.core.$ZodType;
  checks?: readonly { _zod: { def: { check: string; minimum?: unknown } } }[];
  values?: readonly unknown[];
}

const defOf = (schema: z.core.$ZodType) => schema._zod.def as unknown as Def;

/** The keys an object at `keys` under `schema` accepts (of every union branch): the candidates for "did you mean". */
export function keysAt(schema: z.core.$ZodType, keys: readonly PropertyKey[]): string[] {
  let nodes = [schema];
  for (const key of keys) nodes = nodes.flatMap((node) => childrenOf(node, key));
  return [...new Set(nodes.flatMap(unwrap).flatMap((node) => Object.keys(defOf(node).shape ?? {})))];
}

/** Optional, default and pipe (a transform) wrap the schema that says what is accepted; a union has several. */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType[] {
  const def = defOf(schema);
  if (def.innerType) return unwrap(def.innerType);
  if (def.type === 'pipe' && def.in) return unwrap(def.in);
  if (def.type === 'union' && def.options) return def.options.flatMap(unwrap);
  return [schema];
}

function childrenOf(schema: z.core.$ZodType, key: PropertyKey): z.core.$ZodType[] {
  return unwrap(schema).flatMap((node) => {
    const def = defOf(node);
    const child = def.type === 'object' ? def.shape?.[String(key)] : def.type === 'record' ? def.valueType : def.type === 'array' ? def.element : undefined;
    return child ? [child] : [];
  });
}

/** Kinds a string is checked against by its type alone: a string fails them whatever its text. */
const TEXT_BLIND = new Set(['unknown', 'any', 'number', 'int', 'boolean', 'object', 'record', 'array', 'null', 'undefined']);

/**
 * Whether every schema a value at `keys` may meet accepts or refuses any text alike: a plain string
 * (at most "not empty"), or a kind that no string is. Then the text of a ${VAR} there cannot change what
 * validation says (the config cache relies on it); a pattern, an enum, a literal or a refine can.
 */
export function isFreeText(schema: z.core.$ZodType, keys: readonly PropertyKey[]): boolean {
  let nodes = [schema];
  // Anything below an unknown (expect.json's values) is accepted as it is.
  for (const key of keys) nodes = nodes.flatMap((node) => (isOpen(node) ? [node] : childrenOf(node, key)));
  return nodes.length > 0 && nodes.every(leafIsFreeText);
}

const isOpen = (schema: z.core.$ZodType) => ['unknown', 'any'].includes(defOf(schema).type);

/** Wrappers that pass the value on unchanged; `catch` is not one: it turns a failure into a value. */
const PASS_THROUGH = new Set(['optional', 'default', 'prefault', 'nullable', 'nonoptional', 'readonly']);

/** Optional and default wrappers say nothing about the text; a pipe (a transform) or anything unknown does. */
function leafIsFreeText(schema: z.core.$ZodType): boolean {
  const def = defOf(schema);
  if (def.innerType) return PASS_THROUGH.has(def.type) && leafIsFreeText(def.innerType);
  if (def.type === 'union' && def.options) return def.options.every(leafIsFreeText);
  if (def.type === 'literal') return (def.values ?? []).every((value) => typeof value !== 'string');
  if (def.type === 'string') return (def.checks ?? []).every((c) => c._zod.def.check === 'min_length' && Number(c._zod.def.minimum) <= 1);
  return TEXT_BLIND.has(def.type) && (def.checks ?? []).length === 0;
}
