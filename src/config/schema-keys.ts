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
