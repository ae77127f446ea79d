import type { z } from 'zod';
import { keysAt } from './schema-keys.js';
import { didYouMean } from './suggest.js';

export type Issue = z.core.$ZodIssue;

/** One thing wrong at one key: `keys` is relative to the schema that was checked. */
export interface IssueText {
  keys: PropertyKey[];
  message: string;
  /** "; did you mean databases?" for a misspelt key, else "". */
  suggestion: string;
}

/**
 * What zod found, in the user's words: the expected type or values and what was there instead
 * (`expected a number or "max", got "two"`), and each unknown key with the closest known one.
 */
export function describeIssue(issue: Issue, schema: z.core.$ZodType, input: unknown): IssueText[] {
  const at = (keys: readonly PropertyKey[], message: string, suggestion = ''): IssueText => ({ keys: [...keys], message, suggestion });
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => at([...issue.path, key], 'unknown key', didYouMean(key, keysAt(schema, issue.path))));
    case 'invalid_union':
      return describeUnion(issue, schema, input);
    case 'invalid_type':
    case 'invalid_value':
      return [at(issue.path, isDefault(issue.message) ? expectedOf([issue], valueAt(input, issue.path)) : issue.message)];
    case 'too_small':
    case 'too_big':
      return [at(issue.path, isDefault(issue.message) ? boundOf(issue, valueAt(input, issue.path)) : issue.message)];
    default:
      return [at(issue.path, issue.message)];
  }
}

/** zod's own wording ("Invalid input", "Too small: ..."), as opposed to a message the schema sets. */
const isDefault = (message: string) => /^(Invalid (input|option)|Too (small|big))\b/.test(message);

/**
 * A union that failed on the value's type in every branch says what each branch wanted. A branch that
 * got further (the value was a map, but a key inside is wrong) has the problem that matters: report that.
 */
function describeUnion(issue: Extract<Issue, { code: 'invalid_union' }>, schema: z.core.$ZodType, input: unknown): IssueText[] {
  const branches = issue.errors.flatMap((branch) => flattenUnion(branch));
  const shallow = (i: Issue) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value');
  const deeper = branches.find((branch) => !branch.every(shallow));
  if (deeper) {
    return deeper.flatMap((inner) => describeIssue({ ...inner, path: [...issue.path, ...inner.path] } as Issue, schema, input));
  }
  if (!isDefault(issue.message)) return [{ keys: [...issue.path], message: issue.message, suggestion: '' }];
  return [{ keys: [...issue.path], message: expectedOf(branches.flat(), valueAt(input, issue.path)), suggestion: '' }];
}

/** A union directly inside a union branch is more branches of the same value. */
function flattenUnion(branch: readonly Issue[]): Issue[][] {
  const only = branch.length === 1 ? branch[0]! : undefined;
  if (only?.code === 'invalid_union' && only.path.length === 0) return only.errors.flatMap((b) => flattenUnion(b));
  return [[...branch]];
}

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list ([a, b])',
  object: 'a map of keys ({ key: value })',
  record: 'a map of keys ({ key: value })',
};

function expectedOf(issues: readonly Issue[], value: unknown): string {
  const wanted = issues.flatMap((i) => (i.code === 'invalid_type' ? [TYPE_WORDS[i.expected] ?? i.expected] : i.code === 'invalid_value' ? i.values.map((v) => JSON.stringify(v)) : []));
  const unique = [...new Set(wanted)];
  const list = unique.length <= 2 ? unique.join(' or ') : `one of ${unique.join(', ')}`;
  return value === undefined ? `missing: expected ${list}` : `expected ${list}, got ${describeValue(value)}`;
}

function boundOf(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>, value: unknown): string {
  const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum;
  const word = issue.code === 'too_small' ? (issue.inclusive ? 'of at least' : 'above') : issue.inclusive ? 'of at most' : 'below';
  const what = issue.origin === 'array' ? `a list of ${word} ${String(limit)} items` : issue.origin === 'string' ? `text of ${word} ${String(limit)} characters` : `a number ${word} ${String(limit)}`;
  return `expected ${what}, got ${describeValue(value)}`;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'nothing (null)';
  if (typeof value === 'object') return 'a map';
  return JSON.stringify(value) ?? String(value);
}

/** The value the user wrote at `keys` (after defaults were merged and ${VAR}s filled in). */
export function valueAt(data: unknown, keys: readonly PropertyKey[]): unknown {
  let node = data;
  for (const key of keys) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}
