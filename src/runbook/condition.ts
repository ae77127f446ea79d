import { formatDuration, parseDuration } from '../config/duration.js';
import { ConfigError } from '../errors.js';
import { compileLinear, NotLinearError } from '../process/linear-regex.js';
import { OPERATORS, type Condition, type Operator, type Step } from './schema.js';

export interface CheckOutcome {
  path: string;
  operator: Operator;
  expected: unknown;
  actual: unknown;
  ok: boolean;
  /** "backup.ageMs = 3h 2m, below 26h": what was compared, for people. */
  detail: string;
}

/** A step's check as a list (one condition or several). */
export function conditionsOf(step: Step): Condition[] {
  if (step.check === undefined) return [];
  return Array.isArray(step.check) ? step.check : [step.check];
}

/** Evaluates one condition against a step's JSON result. */
export function evaluate(condition: Condition, result: unknown): CheckOutcome {
  const operator = OPERATORS.find((op) => condition[op] !== undefined)!;
  const expected = condition[operator];
  const { found, value } = lookup(result, condition.path);
  const ok = operator === 'exists' ? found === expected : found && compare(operator, value, expected);
  const shown = found ? show(value, expected) : 'missing';
  const detail = `${condition.path} = ${shown}, expected ${describe(operator, expected)}`;
  return { path: condition.path, operator, expected, actual: found ? value : null, ok, detail: !ok && condition.message ? `${condition.message} (${detail})` : detail };
}

/** "sets.0.ageMs", "sets[0].ageMs", "probes.length": a dotted path into objects and arrays. */
export function lookup(root: unknown, path: string): { found: boolean; value: unknown } {
  let node = root;
  for (const key of path.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean)) {
    if (Array.isArray(node) && key === 'length') node = node.length;
    else if (Array.isArray(node) && /^\d+$/.test(key) && Number(key) < node.length) node = node[Number(key)];
    else if (node !== null && typeof node === 'object' && !Array.isArray(node) && Object.hasOwn(node, key)) node = (node as Record<string, unknown>)[key];
    else return { found: false, value: undefined };
  }
  return { found: true, value: node };
}

function compare(operator: Operator, actual: unknown, expected: unknown): boolean {
  switch (operator) {
    case 'equals':
      return actual === expected;
    case 'notEquals':
      return actual !== expected;
    case 'matches':
      return typeof actual === 'string' && matches(expected as string, actual);
    case 'oneOf':
      return (expected as unknown[]).includes(actual);
    default:
      return typeof actual === 'number' && ordered(operator, actual, toNumber(expected as number | string));
  }
}

/** A step's output can hold log lines and tool errors: the pattern runs in linear time, or is refused. */
function matches(pattern: string, actual: string): boolean {
  try {
    return compileLinear(pattern).test(actual);
  } catch (error) {
    if (!(error instanceof NotLinearError)) throw error;
    throw new ConfigError(`matches: ${JSON.stringify(pattern)} cannot run in linear time: ${error.message}.`, 'Rewrite the check without backreferences and lookarounds.');
  }
}

function ordered(operator: Operator, actual: number, limit: number): boolean {
  if (operator === 'below') return actual < limit;
  if (operator === 'above') return actual > limit;
  if (operator === 'atMost') return actual <= limit;
  return actual >= limit;
}

/** A number as is; a duration ("26h") in milliseconds, which is how opsctl's JSON gives ages and times. */
function toNumber(limit: number | string): number {
  return typeof limit === 'number' ? limit : parseDuration(limit)!;
}

const WORDS: Record<Operator, string> = {
  equals: '',
  notEquals: 'not ',
  below: 'below ',
  above: 'above ',
  atMost: 'at most ',
  atLeast: 'at least ',
  matches: 'matching ',
  oneOf: 'one of ',
  exists: '',
};

/** "backup.ageMs below 26h", for `runbook show`. */
export function describeCondition(condition: Condition): string {
  const operator = OPERATORS.find((op) => condition[op] !== undefined)!;
  return `${condition.path} ${operator === 'equals' ? 'is ' : ''}${describe(operator, condition[operator])}`;
}

function describe(operator: Operator, expected: unknown): string {
  if (operator === 'exists') return expected ? 'exists' : 'is absent';
  return `${WORDS[operator]}${JSON.stringify(expected)}`.replace(/"(\d+(?:\.\d+)?(?:ms|s|m|h|d|w))"/, '$1');
}

/** Milliseconds are shown as a duration when the limit was one. */
function show(value: unknown, expected: unknown): string {
  if (typeof value === 'number' && typeof expected === 'string' && parseDuration(expected) !== undefined) return formatDuration(value);
  return JSON.stringify(value) ?? String(value);
}
