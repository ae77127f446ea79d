import { withoutPm2Stamp } from './when.js';

/** Levels as pino numbers them; every logger family's names map onto the same scale. */
export const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

export type LevelName = keyof typeof LEVELS;

/** A house style's level names (logs.levels), lower-cased, to ranks on the same scale. */
export type LevelMap = ReadonlyMap<string, number>;

// Per family, in its own order: winston's npm levels rank verbose and http above debug and below info;
// syslog's notice sits between info and warning; log4js's MARK above fatal.
const ALIASES: Record<string, number> = {
  ...LEVELS,
  silly: 10, // winston
  verbose: 24, // winston: above debug
  http: 27, // winston: above verbose, below info
  all: 10, // log4js
  mark: 65, // log4js: shown above fatal
  notice: 35, // syslog
  warning: 40,
  err: 50,
  crit: 60,
  critical: 60,
  alert: 60,
  emerg: 60,
  emergency: 60,
  panic: 60,
};

/** The names --level and logs.levels accept, for messages. */
export const LEVEL_NAMES = Object.keys(ALIASES);

/** A level value as a log line carries it (30, "30", "INFO", "Warning"): its rank, or undefined. */
export function levelRank(value: unknown): number | undefined {
  return rankIn(value, undefined);
}

/** As levelRank, with a house style's names (logs.levels) first. */
export function rankIn(value: unknown, custom: LevelMap | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value === '') return undefined;
  const lower = value.toLowerCase();
  const named = custom?.get(lower) ?? ALIASES[lower];
  if (named !== undefined) return named;
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

/** logs.levels ({SEVERE: error, AUDIT: 35}) as a map; a target that is no level is undefined (the caller says so). */
export function levelMap(config: Readonly<Record<string, string | number>> | undefined): { map: LevelMap; unknown: string[] } {
  const map = new Map<string, number>();
  const unknown: string[] = [];
  for (const [name, target] of Object.entries(config ?? {})) {
    const rank = typeof target === 'number' ? target : ALIASES[target.toLowerCase()];
    if (rank === undefined) unknown.push(name);
    else map.set(name.toLowerCase(), rank);
  }
  return { map, unknown };
}

/** The name shown for a rank: the highest level at or below it (35 is still "info"). */
export function levelName(rank: number): LevelName {
  if (rank >= LEVELS.fatal) return 'fatal';
  if (rank >= LEVELS.error) return 'error';
  if (rank >= LEVELS.warn) return 'warn';
  if (rank >= LEVELS.info) return 'info';
  return rank >= LEVELS.debug ? 'debug' : 'trace';
}

// Plain text: level words in capitals ("ERROR", "[WARN]"), or in any case where the form says it is a level.
const STRUCTURED = /\blevel[=:]\s*"?([a-z]+)|\[(trace|debug|info|notice|warn|warning|error|err|fatal|critical|mark)\]/i;
const WORD = /\b(TRACE|DEBUG|VERBOSE|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|CRIT|PANIC|EMERG|MARK)\b/;
// What node prints when it crashes or console.error(err) prints: "TypeError: x is not a function", "Error: boom".
const JS_ERROR = /^(?:Uncaught )?(?:[A-Z]\w*)?Error\b:/;

/** The level of a plain-text line, from its first level word; undefined when it names none. */
export function plainLevel(text: string, custom?: LevelMap): number | undefined {
  const structured = STRUCTURED.exec(text);
  if (structured) {
    const rank = rankIn(structured[1] ?? structured[2], custom);
    if (rank !== undefined) return rank;
  }
  const word = WORD.exec(text);
  if (word) return rankIn(word[1], custom);
  return JS_ERROR.test(withoutPm2Stamp(text)) ? LEVELS.error : undefined;
}
