import { UsageError } from '../errors.js';
import type { RunbookSpec, Step } from './schema.js';

const REFERENCE = /\$\{([A-Za-z_]\w*)\}/g;

/** Filled in by the run itself: the environment chosen with -e (or OPSCTL_ENV, or the only one). */
export const BUILTIN_PARAMS = ['env'] as const;

export interface Reference {
  step: number;
  key: string;
  name: string;
}

/** Every ${name} in a step's name, description, argv, env or question that is neither declared under params nor built in. */
export function unknownReferences(book: RunbookSpec): Reference[] {
  const known = new Set<string>([...Object.keys(book.params), ...BUILTIN_PARAMS]);
  const found: Reference[] = [];
  book.steps.forEach((step, index) => {
    for (const [key, text] of stepTexts(step)) {
      for (const match of text.matchAll(REFERENCE)) if (!known.has(match[1]!)) found.push({ step: index, key, name: match[1]! });
    }
  });
  return found;
}

function stepTexts(step: Step): [string, string][] {
  const list = (key: string, values: readonly string[] | undefined) => (values ?? []).map((v, i): [string, string] => [`${key}[${i}]`, v]);
  const optional = (key: string, value: unknown): [string, string][] => (typeof value === 'string' ? [[key, value]] : []);
  return [
    ['name', step.name],
    ...optional('description', step.description),
    ...list('opsctl', step.opsctl),
    ...list('run', step.run),
    ...optional('env', step.env),
    ...optional('confirm', step.confirm),
  ];
}

/** The runbook's params with `--param name=value` applied; a name the runbook does not declare is a usage error. */
export function resolveParams(book: RunbookSpec, given: readonly string[], builtins: Record<(typeof BUILTIN_PARAMS)[number], string>): Record<string, string> {
  const values: Record<string, string> = { ...book.params };
  for (const pair of given) {
    const at = pair.indexOf('=');
    const name = at > 0 ? pair.slice(0, at) : '';
    if (!(name in book.params)) {
      const declared = Object.keys(book.params);
      throw new UsageError(
        at > 0 ? `Runbook ${book.name} has no param "${name}".` : `--param ${pair} is not name=value.`,
        declared.length > 0 ? `Its params: ${declared.join(', ')} (opsctl runbook show ${book.name}).` : `Runbook ${book.name} takes no params.`,
      );
    }
    values[name] = pair.slice(at + 1);
  }
  return { ...values, ...builtins };
}

/** "${from}" -> "production". Validation has made sure every name is known. */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(REFERENCE, (whole, name: string) => values[name] ?? whole);
}
