import YAML, { isMap, isScalar, isSeq, LineCounter, type Document } from 'yaml';

/** Aliases may be used this many times per file: plenty for anchors of shared defaults, not a billion laughs. */
export const MAX_ALIAS_COUNT = 100;

/** A YAML problem at a line, for the caller to wrap with its file's name. */
export class YamlProblem extends Error {
  constructor(readonly at: { line: number; col: number } | undefined, reason: string) {
    super(reason);
  }

  /** "line 3, column 1" or "somewhere". */
  get where(): string {
    return this.at ? `line ${this.at.line}, column ${this.at.col}` : 'somewhere';
  }
}

/**
 * Parses YAML text to plain data in time linear in its size: duplicate keys are found with a Set per
 * map (the yaml package's uniqueKeys compares every pair: a 5 MB file took 116 s), and aliases are
 * capped so a few hundred bytes cannot expand to gigabytes.
 */
export function parseYamlText(text: string): unknown {
  return parseYamlLocated(text).data;
}

/** The data, and the line a key path was written on (its nearest written ancestor's, for a key that is missing). */
export function parseYamlLocated(text: string): { data: unknown; lineOf: (keys: readonly PropertyKey[]) => number | undefined } {
  const lines = new LineCounter();
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: false, lineCounter: lines });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    throw new YamlProblem(first.linePos?.[0], first.message.split('\n')[0]!.replace(/\s*at line \d+, column \d+:?$/, ''));
  }
  checkDuplicateKeys(doc, lines);
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {}, lineOf: (keys) => lineOfPath(doc, lines, keys) };
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    throw new YamlProblem(firstAlias(doc, lines), `its aliases (*name) expand to more than ${MAX_ALIAS_COUNT} copies`);
  }
}

function checkDuplicateKeys(doc: Document, lines: LineCounter): void {
  YAML.visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : String(pair.key);
        if (key === '<<') continue;
        if (seen.has(key)) throw new YamlProblem(lineOf(pair.key, lines), `Map keys must be unique: "${String(key)}" is repeated`);
        seen.add(key);
      }
    },
  });
}

function firstAlias(doc: Document, lines: LineCounter): { line: number; col: number } | undefined {
  let line: { line: number; col: number } | undefined;
  YAML.visit(doc, {
    Alias(_, alias) {
      line = lineOf(alias, lines);
      return YAML.visit.BREAK;
    },
  });
  return line;
}

function lineOf(node: unknown, lines: LineCounter): { line: number; col: number } | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? lines.linePos(range[0]) : undefined;
}

/** An unknown key's own line (the key, not its value), else the closest written parent's. */
function lineOfPath(doc: Document, lines: LineCounter, keys: readonly PropertyKey[]): number | undefined {
  for (let n = keys.length; n > 0; n--) {
    const parent = n === 1 ? doc.contents : doc.getIn(keys.slice(0, n - 1), true);
    const key = keys[n - 1];
    const node = isMap(parent)
      ? parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key)?.key
      : isSeq(parent) && typeof key === 'number' ? parent.items[key] : undefined;
    const line = lineOf(node, lines)?.line;
    if (line !== undefined) return line;
  }
  return lineOf(doc.contents, lines)?.line;
}
