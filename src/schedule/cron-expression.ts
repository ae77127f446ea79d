import { UsageError } from '../errors.js';

interface FieldRule {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly FieldRule[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  // 7 is Sunday as well as 0 in every cron the manuals' servers run.
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const MACROS = ['@hourly', '@daily', '@midnight', '@weekly', '@monthly', '@yearly', '@annually'];

const CRON_HINT = 'Give five fields "minute hour day-of-month month day-of-week", e.g. --cron "0 2 * * *" (02:00 every day) or "*/15 * * * *".';

/** The expression, normalised to single spaces; a UsageError naming the bad field otherwise. */
export function validateCronExpression(text: string): string {
  const expr = text.trim().split(/\s+/).join(' ');
  if (MACROS.includes(expr.toLowerCase())) return expr.toLowerCase();
  const fields = expr.split(' ');
  if (fields.length !== 5) {
    throw new UsageError(`--cron "${text}" has ${fields.length} field${fields.length === 1 ? '' : 's'}, not 5.`, CRON_HINT);
  }
  fields.forEach((field, index) => validateField(field, FIELDS[index]!, text));
  return expr;
}

function validateField(field: string, rule: FieldRule, text: string): void {
  for (const part of field.split(',')) {
    const problem = partProblem(part, rule);
    if (problem) throw new UsageError(`--cron "${text}": the ${rule.name} field "${field}" ${problem}.`, CRON_HINT);
  }
}

/** Why one comma-separated part (`*`, `5`, `1-5`, `*\/15`, `mon-fri`) is wrong, or undefined. */
function partProblem(part: string, rule: FieldRule): string | undefined {
  const [range, step, extra] = part.split('/');
  if (extra !== undefined || range === undefined || range === '') return 'is not a value, range or step';
  if (step !== undefined && !/^\d+$/.test(step)) return `has the step "${step}", which is not a number`;
  if (step !== undefined && Number(step) === 0) return 'has a step of 0';
  if (range === '*') return undefined;
  const bounds = range.split('-');
  if (bounds.length > 2) return `has the range "${range}", which is not "from-to"`;
  const values = bounds.map((bound) => fieldValue(bound, rule));
  if (values.some((value) => value === undefined)) return `must be ${rule.min}-${rule.max}${rule.names ? ` or a name (${rule.names[0]}, ...)` : ''}`;
  if (values.length === 2 && values[0]! > values[1]!) return `has the range "${range}", which runs backwards`;
  return undefined;
}

function fieldValue(text: string, rule: FieldRule): number | undefined {
  const named = rule.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + (rule.min === 1 ? 1 : 0);
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= rule.min && value <= rule.max ? value : undefined;
}
