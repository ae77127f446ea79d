import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';
import { toOpsError } from '../errors.js';
import { redactData } from '../process/redact.js';
import { noteBadLines, reportBadLines } from './bad-lines.js';
import { currentIdentity } from './identity.js';
import { appendLine, openLines } from './journal-file.js';
import { inStateDir } from '../process/fs-error.js';

export type OperationResult = 'success' | 'failed' | 'interrupted' | 'rolled-back' | 'partial';

export interface HistoryEntry {
  id: string;
  type: string;
  environment: string;
  app: string;
  user: string;
  host: string;
  startedAt: string;
  durationMs: number;
  result: OperationResult;
  details?: Record<string, unknown>;
  error?: string;
}

export interface HistoryFilter {
  limit?: number;
  types?: readonly string[];
  environment?: string;
}

export function journalPath(stateDir: string): string {
  return path.join(stateDir, 'history.jsonl');
}

/**
 * One JSON line per operation, appended on a line of its own; secrets are masked before anything
 * touches the disk. A torn line it had to end is noted for the run's warning.
 */
export async function appendEntry(stateDir: string, entry: Omit<HistoryEntry, 'id' | 'user' | 'host'>): Promise<HistoryEntry> {
  const { user, host } = currentIdentity();
  const full = redactData({ id: randomUUID(), user, host, ...entry });
  const file = journalPath(stateDir);
  await inStateDir(mkdir(stateDir, { recursive: true }), 'create the state folder', stateDir);
  const torn = await inStateDir(appendLine(file, JSON.stringify(full)), 'append to the history journal', file);
  if (torn) noteBadLines(file, [torn]);
  return full;
}

/**
 * Entries newest first. Streams the file; a torn or foreign line is skipped, never its neighbours, and
 * noted for one warning a run (reportBadLines). Empty lines are passed over silently.
 */
export async function readEntries(stateDir: string, filter: HistoryFilter = {}): Promise<HistoryEntry[]> {
  const keep: HistoryEntry[] = [];
  const limit = filter.limit ?? Number.POSITIVE_INFINITY;
  const file = journalPath(stateDir);
  const lines = await inStateDir(openLines(file), 'read the history journal', file);
  if (!lines) return [];
  const bad: number[] = [];
  let number = 0;
  for await (const line of lines) {
    number += 1;
    if (line.trim() === '') continue;
    const entry = parseEntry(line);
    if (!entry) bad.push(number);
    if (!entry || (filter.environment && entry.environment !== filter.environment)) continue;
    if (filter.types && !filter.types.includes(entry.type)) continue;
    keep.push(entry);
    if (keep.length > limit) keep.shift();
  }
  noteBadLines(file, bad);
  return keep.reverse();
}

function parseEntry(line: string): HistoryEntry | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const entry = JSON.parse(line) as HistoryEntry;
    return typeof entry.type === 'string' && typeof entry.startedAt === 'string' ? entry : undefined;
  } catch {
    return undefined;
  }
}

export interface Recorded<T> {
  value: T;
  result?: OperationResult;
  details?: Record<string, unknown>;
}

export interface JournalTarget {
  stateDir: string;
  environment: string;
  app: string;
  /** Told when the journal cannot be written; the operation's own outcome still stands. */
  warn?: (message: string) => void;
}

/** Where an environment's operations are journaled; a journal that cannot be written is the logger's warning. */
export function journalOf(ctx: Pick<Context, 'log'>, env: Pick<SelectedEnvironment, 'stateDir' | 'name' | 'app'>): JournalTarget {
  return { stateDir: env.stateDir, environment: env.name, app: env.app, warn: ctx.log.warn };
}

/** Runs an operation and journals it, success or failure; the operation's error is rethrown unchanged. */
export async function recordOperation<T>(where: JournalTarget, type: string, operation: () => Promise<Recorded<T>>): Promise<T> {
  const started = Date.now();
  const base = { type, environment: where.environment, app: where.app, startedAt: new Date(started).toISOString() };
  const journal = async (entry: Pick<HistoryEntry, 'result' | 'details' | 'error'>) => {
    try {
      await appendEntry(where.stateDir, { ...base, durationMs: Date.now() - started, ...entry });
    } catch (error) {
      const failure = toOpsError(error);
      where.warn?.(`${failure.message} This ${type} is missing from the history.${failure.hint ? ` ${failure.hint}` : ''}`);
    }
    if (where.warn) reportBadLines(where.warn);
  };
  let outcome: Recorded<T>;
  try {
    outcome = await operation();
  } catch (error) {
    const interrupted = (error as { code?: string }).code === 'interrupted';
    await journal({ result: interrupted ? 'interrupted' : 'failed', error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
  await journal({ result: outcome.result ?? 'success', details: outcome.details });
  return outcome.value;
}
