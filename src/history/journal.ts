import { createReadStream } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import type { SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';
import { redactData } from '../process/redact.js';
import { currentIdentity } from './identity.js';

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

/** One JSON line per operation, appended; secrets are masked before anything touches the disk. */
export async function appendEntry(stateDir: string, entry: Omit<HistoryEntry, 'id' | 'user' | 'host'>): Promise<HistoryEntry> {
  const { user, host } = currentIdentity();
  const full = redactData({ id: randomUUID(), user, host, ...entry });
  await mkdir(stateDir, { recursive: true });
  await appendFile(journalPath(stateDir), `${JSON.stringify(full)}\n`);
  return full;
}

/** Entries newest first. Streams the file; a torn or foreign line is skipped, not fatal. */
export async function readEntries(stateDir: string, filter: HistoryFilter = {}): Promise<HistoryEntry[]> {
  const keep: HistoryEntry[] = [];
  const limit = filter.limit ?? Number.POSITIVE_INFINITY;
  let lines: AsyncIterable<string>;
  try {
    const stream = createReadStream(journalPath(stateDir), { encoding: 'utf8' });
    await new Promise<void>((resolve, reject) => stream.once('open', () => resolve()).once('error', reject));
    lines = createInterface({ input: stream, crlfDelay: Infinity });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  for await (const line of lines) {
    const entry = parseEntry(line);
    if (!entry) continue;
    if (filter.environment && entry.environment !== filter.environment) continue;
    if (filter.types && !filter.types.includes(entry.type)) continue;
    keep.push(entry);
    if (keep.length > limit) keep.shift();
  }
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
      where.warn?.(`could not write the history journal in ${where.stateDir}: ${(error as Error).message}`);
    }
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
