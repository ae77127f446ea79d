// `opsctl logs` (the built CLI) over files the real loggers write (pino, pino-http, winston, bunyan,
// log4js), every filter compared with the truth test/support/log-truth.ts computes on its own.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { familyLevels, keyOfOutput, readTruth, tally, withContext, type TruthRecord } from '../support/log-truth.js';
import { cleanEnv, ensureBuilt, makeTempDir, removeTempDirs, runCli, writeConfig } from '../support/real-cli.js';
import { LOGGERS, T0, writeLoggerFile, type LoggerName } from '../support/real-loggers.mjs';

const RECORDS = 4000;
const STEP_MS = 37;
// A correlation id per family, in the field its logger writes it to.
const CORRELATION: Record<LoggerName, (r: TruthRecord) => unknown> = {
  pino: (r) => r.fields?.reqId,
  'pino-http': (r) => (r.fields?.req as { id?: string } | undefined)?.id,
  winston: (r) => r.fields?.correlationId,
  bunyan: (r) => r.fields?.req_id,
  log4js: (r) => (r.text.includes('[req-7]') ? 'req-7' : undefined),
};
// --count-by a field of the family's records (log4js: plain text, so by level).
const COUNT_BY: Record<LoggerName, [string, (r: TruthRecord) => string]> = {
  pino: ['reqId', (r) => String(r.fields!.reqId)],
  'pino-http': ['req.url', (r) => String((r.fields!.req as { url: string }).url)],
  winston: ['level', (r) => r.level],
  bunyan: ['req_id', (r) => String(r.fields!.req_id ?? '(none)')],
  log4js: ['level', (r) => (r.level === 'mark' ? 'fatal' : r.level)],
};

describe.each(LOGGERS)('opsctl logs over a real %s file (built CLI, independent truth)', (logger) => {
  let dir: string;
  let truth: TruthRecord[];
  const levels = familyLevels(logger);
  const env = cleanEnv({ OPSCTL_ENV: 'production' });
  const cli = (args: string[]) => runCli(['logs', ...args], { cwd: dir, env });
  const keys = (stdout: string) => stdout.split('\n').filter(Boolean).map(keyOfOutput);
  const atLeast = (name: string) => (r: TruthRecord) => r.severity >= levels.get(name)!;

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir(`logs-${logger}`);
    // 20% errors, so every level has records; the file is written by the real package at test time.
    await writeLoggerFile(logger, path.join(dir, 'app.log'), { records: RECORDS, errorRate: 0.2, seed: 15 });
    truth = readTruth(logger, path.join(dir, 'app.log'));
    writeConfig(dir, { version: 1, app: 'loggers', environments: { production: { target: { pm2: { name: 'loggers', script: 'app.js' } }, logs: { files: ['app.log'], pm2: false } } } });
  }, 120_000);
  afterAll(() => removeTempDirs());

  it.each([...familyLevels(logger).keys()])('--level %s keeps exactly the records at that level and above, as one record each', async (level) => {
    const result = await cli(['--level', level, '--json']);
    const expected = truth.filter(atLeast(level)).map((r) => r.key);
    expect(result.exitCode, result.stderr).toBe(expected.length > 0 ? 0 : 1);
    expect(keys(result.stdout)).toEqual(expected);
  });

  it('--correlation-id finds the records whose own id field is the id, stack lines included', async () => {
    const result = await cli(['--correlation-id', 'req-7', '--json']);
    const expected = truth.filter((r) => CORRELATION[logger](r) === 'req-7').map((r) => r.key);
    expect(expected.length).toBeGreaterThan(0);
    expect(keys(result.stdout)).toEqual(expected);
  });

  it('--since/--until keep the window by the record\'s own time; -n and --count count records', async () => {
    const since = T0 + Math.floor(RECORDS * 0.4) * STEP_MS + 5;
    const until = T0 + Math.floor(RECORDS * 0.7) * STEP_MS + 5;
    const window = (await cli(['--since', new Date(since).toISOString(), '--until', new Date(until).toISOString(), '--json'])).stdout;
    expect(keys(window)).toEqual(truth.filter((r) => r.time >= since && r.time <= until).map((r) => r.key));
    const last = await cli(['--level', 'warn', '-n', '10', '--json']);
    expect(keys(last.stdout)).toEqual(truth.filter(atLeast('warn')).slice(-10).map((r) => r.key));
    const count = await cli(['--level', 'error', '--count']);
    expect(count.stdout.trim()).toBe(String(truth.filter(atLeast('error')).length));
  });

  it('--count-by with -n prints the top values as uniq -c | sort -nr does', async () => {
    const [field, valueOf] = COUNT_BY[logger];
    const result = await cli(['--level', 'warn', '--count-by', field, '-n', '5', '--json']);
    const rows = result.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { value: string; count: number });
    expect(rows.map((row) => [row.value, row.count])).toEqual(tally(truth.filter(atLeast('warn')).map(valueOf), 5));
  });

  it('-n with -B/-A: the last N matches, each with the records before and after it', async () => {
    const error = atLeast('error');
    const matches = truth.flatMap((r, i) => (error(r) ? [i] : []));
    // The records before the 5th match from the end, back to -B of them but not past the match before it.
    const start = Math.max(matches.at(-5)! - 2, matches.at(-6)! + 1);
    const expected = withContext(truth.map((r, i) => ({ r, i })), ({ r }) => error(r), 2, 1).filter(({ i }) => i >= start).map(({ r }) => r.key);
    const result = await cli(['--level', 'error', '-n', '5', '-B', '2', '-A', '1', '--json']);
    expect(keys(result.stdout)).toEqual(expected);
  });

  it('-A/-B/-C show the records around each match; --exclude leaves out records with a matching line', async () => {
    const error = atLeast('error');
    const around = await cli(['--level', 'error', '-C', '1', '--json']);
    expect(keys(around.stdout)).toEqual(withContext(truth, error, 1, 1).map((r) => r.key));
    const after = await cli(['--level', 'error', '-A', '2', '-B', '0', '--json']);
    expect(keys(after.stdout)).toEqual(withContext(truth, error, 0, 2).map((r) => r.key));
    const excluded = await cli(['--level', 'warn', '--exclude', 'req-1[0-9]\\b', '--json']);
    expect(keys(excluded.stdout)).toEqual(truth.filter((r) => atLeast('warn')(r) && !r.text.split('\n').some((line) => /req-1[0-9]\b/.test(line))).map((r) => r.key));
  });
});
