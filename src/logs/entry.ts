import type { TextTest } from '../process/linear-regex.js';
import type { LevelMap } from './levels.js';

/** One record that passed the filters: a line, or several (a stack trace under its error). */
export interface LogEntry {
  /** Where it came from: a file, a pm2 instance's out or err log, a container. */
  source: string;
  /** The record as the app wrote it (docker's prefix taken off); its lines joined by "\n". */
  text: string;
  /** Epoch ms: the record's own time, else the line's leading time, else the transport's (docker). */
  time?: number;
  /** Rank on pino's scale (30 info, 50 error), when the record says. */
  level?: number;
  /** The record is a JSON object ... */
  json?: boolean;
  /** ... and this is it parsed (not needed for --json output without filters to check). */
  record?: Record<string, unknown>;
  /** The record's one line as written, when --level's byte test passed it undecoded (see level-gate.ts). */
  raw?: Buffer;
  /** Shown only as context (-A/-B/-C) of a record that matched. */
  context?: boolean;
  /** Context shown before the match that comes right after it (-B): a tail (-n) that keeps the match keeps it. */
  leads?: boolean;
}

/** -B and -A: how many records before and after each match to show with it. */
export interface ContextSize {
  before: number;
  after: number;
}

export interface Criteria {
  minLevel?: number;
  /** Runs in linear time (see compileLinear): a hostile line cannot hang a match. */
  grep?: TextTest;
  /** Records with a line this matches are left out (grep -v). */
  exclude?: TextTest;
  correlationId?: string;
  correlationFields: readonly string[];
  since?: number;
  until?: number;
  /** logs.levels: a house style's level names. */
  levels?: LevelMap;
}
