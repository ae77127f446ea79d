/** Levels as pino numbers them; string levels ("INFO", "warning") map onto the same scale. */
export const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

export type LevelName = keyof typeof LEVELS;

const ALIASES: Record<string, number> = {
  ...LEVELS,
  verbose: 10,
  silly: 10,
  notice: 30,
  warning: 40,
  err: 50,
  crit: 60,
  critical: 60,
  alert: 60,
  emerg: 60,
  emergency: 60,
  panic: 60,
};

/** A level value as a log line carries it (30, "30", "INFO", "Warning"): its rank, or undefined. */
export function levelRank(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value === '') return undefined;
  const named = ALIASES[value.toLowerCase()];
  if (named !== undefined) return named;
  return /^\d+$/.test(value) ? Number(value) : undefined;
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
const STRUCTURED = /\blevel[=:]\s*"?([a-z]+)|\[(trace|debug|info|notice|warn|warning|error|err|fatal|critical)\]/i;
const WORD = /\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|CRIT|PANIC|EMERG)\b/;
// What node prints when it crashes: "TypeError: x is not a function".
const JS_ERROR = /^(?:Uncaught )?[A-Z]\w*Error\b:/;

/** The level of a plain-text line, from its first level word; undefined when it names none. */
export function plainLevel(text: string): number | undefined {
  const structured = STRUCTURED.exec(text);
  if (structured) {
    const rank = levelRank(structured[1] ?? structured[2]);
    if (rank !== undefined) return rank;
  }
  const word = WORD.exec(text);
  if (word) return levelRank(word[1]);
  return JS_ERROR.test(text) ? LEVELS.error : undefined;
}
