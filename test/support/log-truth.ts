// The truth about a real logger's file, computed without opsctl's parser: each family's own level
// table, its own record layout, JSON.parse for the JSON loggers. The logs tests compare every filter to it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { LoggerName } from './real-loggers.mjs';

const require = createRequire(import.meta.url);

export interface TruthRecord {
  /** What --json prints for it, without opsctl's fields: the JSON record re-serialized, or the plain record's text. */
  key: string;
  /** The level as the logger names it (lower case). */
  level: string;
  /** Higher is more severe, on the family's own scale. */
  severity: number;
  time: number;
  fields?: Record<string, unknown>;
  text: string;
}

const PINO: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
// log4js's basic layout: "[2024-01-15T08:00:00.148] [ERROR] api - message"; every other line continues the record.
const LOG4JS_HEAD = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})\] \[([A-Z]+)\] /;

/** The family's names for --level, and each one's severity on its own scale. */
export function familyLevels(logger: LoggerName): Map<string, number> {
  if (logger === 'winston') {
    const npm = (require('winston') as { config: { npm: { levels: Record<string, number> } } }).config.npm.levels;
    return new Map(Object.entries(npm).map(([name, rank]) => [name, -rank]));
  }
  if (logger === 'log4js') {
    const { levels } = require('log4js') as { levels: { levels: { levelStr: string; level: number }[] } };
    return new Map(levels.levels.filter((l) => !['ALL', 'OFF'].includes(l.levelStr)).map((l) => [l.levelStr.toLowerCase(), l.level]));
  }
  return new Map(Object.entries(PINO).map(([rank, name]) => [name, Number(rank)]));
}

export function readTruth(logger: LoggerName, file: string): TruthRecord[] {
  const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');
  const levels = familyLevels(logger);
  if (logger === 'log4js') {
    const records: TruthRecord[] = [];
    for (const line of lines) {
      const head = LOG4JS_HEAD.exec(line);
      if (head) records.push({ key: line, text: line, level: head[2]!.toLowerCase(), severity: levels.get(head[2]!.toLowerCase())!, time: new Date(head[1]!).getTime() });
      else {
        const last = records.at(-1)!;
        last.text += `\n${line}`;
        last.key = last.text;
      }
    }
    return records;
  }
  return lines.map((line) => {
    const fields = JSON.parse(line) as Record<string, unknown>;
    const level = typeof fields.level === 'number' ? PINO[fields.level]! : String(fields.level);
    const time = typeof fields.time === 'number' ? fields.time : Date.parse(String(fields.time ?? fields.timestamp));
    return { key: JSON.stringify(fields), text: line, level, severity: levels.get(level)!, time, fields };
  });
}

/** An output line of `opsctl logs --json` as the truth keys it: opsctl's own fields taken off. */
export function keyOfOutput(line: string): string {
  const value = JSON.parse(line) as Record<string, unknown>;
  if (typeof value.message === 'string' && value['opsctl.source'] === value.source) return value.message;
  const record = Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith('opsctl.')));
  return JSON.stringify(record);
}

/** grep's -B/-A over records: every match with `before` records before it and `after` after it, each once. */
export function withContext<T>(records: readonly T[], matches: (r: T) => boolean, before: number, after: number): T[] {
  const shown = new Set<number>();
  records.forEach((record, i) => {
    if (!matches(record)) return;
    for (let k = Math.max(0, i - before); k <= Math.min(records.length - 1, i + after); k += 1) shown.add(k);
  });
  return [...shown].sort((a, b) => a - b).map((i) => records[i]!);
}

/** Values and their counts, most frequent first, ties by value: `sort | uniq -c | sort -nr`. */
export function tally(values: readonly string[], top?: number): [string, number][] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return top === undefined ? sorted : sorted.slice(0, top);
}
