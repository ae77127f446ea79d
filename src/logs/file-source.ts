import type { FileHandle } from 'node:fs/promises';
import { OpsError } from '../errors.js';
import { followFile, type FollowStart } from './file-follow.js';
import { timeRange } from './file-offsets.js';
import { openLogFile, readBackward, readChunks } from './file-read.js';
import { jsonTime, looksLikeJson } from './line.js';
import type { LogEntry } from './entry.js';
import type { Matcher } from './matcher.js';
import { sniffFormat, type RecordFormat } from './record-heads.js';
import { lastMatchesOf, lastOf } from './merge.js';
import { matchLines, type LogSource, type SourceDeps } from './source.js';
import { compileDateFormat, unreadableFormatNote } from './date-format.js';
import { PLAIN_CLOCK, stampClock, type LineClock } from './when.js';

export interface FileSourceOptions {
  /** pm2's log_date_format of the app that writes the file: the stamp before each line. */
  dateFormat?: string;
}

/** A log file: history by byte ranges (binary search for --since, read backwards for -n), then `tail -F`. */
export function fileSource(file: string, label: string, deps: SourceDeps, options: FileSourceOptions = {}): LogSource {
  const matcher = deps.matcherFor(label);
  const clock = clockOf(options.dateFormat, label, deps);
  matcher.useClock(clock);
  let followFrom: FollowStart = { position: 0 };
  return {
    name: file,
    async *history({ tail, follow }) {
      const handle = await openLog(file, deps, follow);
      if (!handle) return;
      let keep = false;
      try {
        const size = (await handle.stat()).size;
        // Following: a half-written last line is left for follow to print whole.
        const end = follow ? await completeLinesEnd(handle, size) : size;
        followFrom = { handle, position: end };
        keep = follow;
        if (tail === 0) return;
        const { since, until } = deps.criteria;
        const range = await timeRange(handle, end, (line) => timeOfLine(line, clock), since, until);
        matcher.prime(await fileFormat(handle, end, clock));
        // -n reads backwards from the end, unless -B wants the records before a match (a chunk's edge could cut them off).
        if (tail !== undefined && !matcher.holdsBefore) {
          yield await lastMatches(handle, range, matcher, tail);
          return;
        }
        // A range that starts after the file's start may open with the lines of a record before it.
        matcher.reset(range.start > 0 ? 'skip' : 'own');
        const batches = readMatches(handle, range, matcher, !follow);
        if (tail === undefined) yield* batches;
        else yield await lastOf(batches, tail);
      } finally {
        if (!keep) await handle.close();
      }
    },
    async *follow() {
      const from = followFrom;
      followFrom = { position: 0 };
      const onRotate = (how: string) => deps.debug(`${file} was ${how}; reading it from its start.`);
      for await (const lines of followFile(file, from, deps.signal, { onRotate })) yield matchLines(matcher, lines, true);
    },
  };
}

export function timeOfLine(line: string, clock: LineClock = PLAIN_CLOCK): number | undefined {
  return looksLikeJson(line) ? jsonTime(line) : clock.timeOf(line);
}

// The formats already said per run (deps): an app's instances share one, and it is said once.
const warned = new WeakMap<SourceDeps, Set<string>>();

/** The clock of a pm2 app's log_date_format; one opsctl cannot read is said, and its lines stay untimed. */
function clockOf(dateFormat: string | undefined, label: string, deps: SourceDeps): LineClock {
  if (dateFormat === undefined || dateFormat === '') return PLAIN_CLOCK;
  const compiled = compileDateFormat(dateFormat);
  if ('stamp' in compiled) return stampClock(compiled.stamp);
  const said = warned.get(deps) ?? warned.set(deps, new Set()).get(deps)!;
  if (!said.has(dateFormat)) deps.warn(unreadableFormatNote(label.replace(/(#[^/]*)?\/(out|err)$/, ''), dateFormat, compiled.unreadable));
  said.add(dateFormat);
  return PLAIN_CLOCK;
}

async function openLog(file: string, deps: SourceDeps, follow: boolean): Promise<FileHandle | undefined> {
  try {
    return await openLogFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      deps.warn(`${file} does not exist${follow ? ' yet; waiting for it' : ''}.`);
      deps.unread(file);
      return undefined;
    }
    if (code === 'EACCES' || code === 'EPERM') throw new OpsError(`Cannot read ${file}: permission denied.`, 'Run opsctl as a user that may read the log, or change its permissions.');
    if (code === 'EISDIR') throw new OpsError(`${file} is a folder, not a log file.`, 'List the log files themselves under logs.files.');
    throw error;
  }
}

async function* readMatches(handle: FileHandle, range: { start: number; end: number }, matcher: Matcher, partialLast: boolean): AsyncGenerator<LogEntry[]> {
  // Bytes go to the matcher undecoded: it decodes only the lines that may match.
  for await (const chunk of readChunks(handle, range.start, range.end, partialLast)) yield chunk.cut === undefined ? matcher.pushBytes(chunk.buffer, 0, chunk.end) : matcher.push([chunk.cut]);
  yield matcher.flush();
}

/** The last `count` matches of the range, reading from its end backwards until they are found. */
async function lastMatches(handle: FileHandle, range: { start: number; end: number }, matcher: Matcher, count: number): Promise<LogEntry[]> {
  const found: LogEntry[][] = [];
  let total = 0;
  for await (const lines of readBackward(handle, range.start, range.end, matcher.isHead)) {
    matcher.reset('own');
    const wanted = lastMatchesOf(matchLines(matcher, lines, true), count - total);
    found.unshift(wanted);
    total += wanted.filter((entry) => !entry.context).length;
    if (total >= count) break;
  }
  return found.flat();
}

/** The record format the file's first 64 KB show. */
async function fileFormat(handle: FileHandle, size: number, clock: LineClock): Promise<RecordFormat> {
  const buffer = Buffer.alloc(Math.min(size, 64 * 1024));
  const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
  return sniffFormat(buffer.toString('utf8', 0, bytesRead).split('\n'), clock);
}

/** The end of the last complete line (a writer may be half way through the one after it). */
async function completeLinesEnd(handle: FileHandle, size: number): Promise<number> {
  const buffer = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const length = Math.min(buffer.length, end);
    const { bytesRead } = await handle.read(buffer, 0, length, end - length);
    const newline = buffer.lastIndexOf(10, bytesRead - 1);
    if (newline >= 0) return end - length + newline + 1;
    end -= length;
  }
  return 0;
}
