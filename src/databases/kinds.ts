/**
 * The database kinds a config may name, as it spells them. A leaf with no adapter code, so the config
 * schema and the health and deploy planners can name the kinds without loading client builders.
 * A new kind is one word here and one line in the registry (index.ts).
 */
export const DATABASE_KINDS = ['postgres', 'mongo', 'redis'] as const;

export type DatabaseKind = (typeof DATABASE_KINDS)[number];

export function isDatabaseKind(kind: string): kind is DatabaseKind {
  return (DATABASE_KINDS as readonly string[]).includes(kind);
}
