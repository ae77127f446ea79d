/**
 * When a cron expression next fires after a moment, in local time as cron reads it: monitor uses it
 * to tell that a scheduled entry missed its run. Fields as validateCronExpression accepts them.
 */
const MACROS: Record<string, string> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

const RANGES: readonly [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];
const NAMES = [
  [],
  [],
  [],
  ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
];

/** Searching further than this finds nothing a monitor could wait for (Feb 30th). */
const HORIZON_MS = 5 * 366 * 24 * 60 * 60 * 1000;

interface Fields {
  sets: Set<number>[];
  /** Cron's rule: when both day fields are restricted, a day matching either one fires. */
  domStar: boolean;
  dowStar: boolean;
}

function parseField(text: string, index: number): Set<number> {
  const [min, max] = RANGES[index]!;
  const value = (word: string) => {
    const named = NAMES[index]!.indexOf(word.toLowerCase());
    return named >= 0 ? named + (min === 1 ? 1 : 0) : Number(word);
  };
  const set = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    const [from, to] = range === '*' ? [min, max] : range.includes('-') ? range.split('-').map(value) as [number, number] : [value(range), stepText === undefined ? value(range) : max];
    for (let n = from; n <= to; n += step) set.add(index === 4 && n === 7 ? 0 : n);
  }
  return set;
}

function parse(expression: string): Fields | undefined {
  const expr = MACROS[expression.trim().toLowerCase()] ?? expression.trim();
  const words = expr.split(/\s+/);
  if (words.length !== 5) return undefined;
  return { sets: words.map(parseField), domStar: words[2] === '*', dowStar: words[4] === '*' };
}

function dayMatches(fields: Fields, date: Date): boolean {
  const dom = fields.sets[2]!.has(date.getDate());
  const dow = fields.sets[4]!.has(date.getDay());
  if (fields.domStar || fields.dowStar) return (fields.domStar || dom) && (fields.dowStar || dow);
  return dom || dow;
}

/** The first minute strictly after `afterMs` at which the expression fires, or undefined (@reboot, never). */
export function nextFire(expression: string, afterMs: number): number | undefined {
  const fields = parse(expression);
  if (!fields) return undefined;
  const [minutes, hours, , months] = fields.sets as [Set<number>, Set<number>, Set<number>, Set<number>];
  const date = new Date(afterMs);
  date.setSeconds(0, 0);
  date.setMinutes(date.getMinutes() + 1);
  while (date.getTime() - afterMs < HORIZON_MS) {
    if (!months.has(date.getMonth() + 1) || !dayMatches(fields, date)) {
      date.setHours(0, 0, 0, 0);
      date.setDate(date.getDate() + 1);
    } else if (!hours.has(date.getHours())) {
      date.setMinutes(0, 0, 0);
      date.setHours(date.getHours() + 1);
    } else if (!minutes.has(date.getMinutes())) {
      date.setMinutes(date.getMinutes() + 1, 0, 0);
    } else return date.getTime();
  }
  return undefined;
}
