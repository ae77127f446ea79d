// `opsctl logs` (the built CLI) over generated log files with known counts: filters, exit codes,
// ndjson, colours, a reader that closes the pipe early, and follow through rotation, truncation and Ctrl-C.
import { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, startCli, waitFor, writeConfig } from '../support/real-cli.js';
import { requireTool } from '../support/real-tools.js';

const LINES = 200_000;
const T0 = Date.parse('2024-06-01T00:00:00Z');
const STEP = 100;

/** Level of line i: 1 in 20 is an error, 1 in 20 a warn, 1 in 100 a fatal (pino numbers) ... */
function pinoLevel(i: number): number {
  if (i % 100 === 99) return 60;
  if (i % 20 === 0) return 50;
  if (i % 20 === 10) return 40;
  return 30;
}

/** ... and the manuals' string levels in the second file, where every 4th line is an ERROR. */
function manualLine(i: number): string {
  const level = i % 4 === 0 ? 'ERROR' : 'INFO';
  return JSON.stringify({ level, time: new Date(T0 + i * 1000 + 50).toISOString(), evt: 'http_request', corr: { correlationId: `cid-${i % 50}` }, msg: `manual ${i}` });
}

/** A JSON record as --json prints it: as written, its source added first. */
function sourced(line: string, source: string): string {
  return `{"opsctl.source":${JSON.stringify(source)},${line.slice(1)}`;
}

function pinoLine(i: number): string {
  return JSON.stringify({ level: pinoLevel(i), time: T0 + i * STEP, pid: 1, hostname: 'web-1', reqId: `r-${i}`, msg: `pino ${i}` });
}

describe('opsctl logs over generated log files (built CLI)', () => {
  let dir: string;
  const env = cleanEnv({ OPSCTL_ENV: 'production' });
  // runCli's stdout has its final newline dropped (execa).
  const cli = (args: string[], extra: Record<string, string> = {}) => runCli(['logs', ...args], { cwd: dir, env: { ...env, ...extra } });

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('logs-files');
    writeFileSync(path.join(dir, 'app.log'), `${Array.from({ length: LINES }, (_, i) => pinoLine(i)).join('\n')}\n`);
    writeFileSync(path.join(dir, 'manual.log'), `${Array.from({ length: 2000 }, (_, i) => manualLine(i)).join('\n')}\n`);
    writeFileSync(path.join(dir, 'plain.log'), 'boot INFO listening on 8080\nWARN slow query 1200ms\nERROR connection refused\n    at connect (db.js:10:3)\n');
    // Errors carrying a URL password and a query token between one-line records: the byte path prints them.
    const leaky = [pinoLine(1), '{"level":50,"db":"postgres://app:pw-in-url@db:5432/x","msg":"connect failed"}', '{"level":50,"url":"/cb?token=tok-in-query","msg":"callback"}', pinoLine(20), pinoLine(2)];
    writeFileSync(path.join(dir, 'secrets.log'), `${leaky.join('\n')}\n`);
    writeConfig(dir, {
      version: 1,
      app: 'reallogs',
      environments: {
        production: { target: { pm2: { name: 'reallogs', script: 'app.js' } }, logs: { files: ['app.log', 'manual.log', 'plain.log'], pm2: false } },
        live: { target: { pm2: { name: 'reallogs', script: 'app.js' } }, logs: { files: ['live.log'], pm2: false } },
        secrets: { target: { pm2: { name: 'reallogs', script: 'app.js' } }, logs: { files: ['secrets.log'], pm2: false } },
      },
    });
  }, 120_000);

  afterAll(() => removeTempDirs());

  it('--level error --json: every error and fatal record of both notations, unchanged, one per line (exit 0)', async () => {
    const result = await cli(['--level', 'error', '--json', '--source', 'app.log,manual.log']);
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    const pino = Array.from({ length: LINES }, (_, i) => i).filter((i) => pinoLevel(i) >= 50);
    expect(lines.length).toBe(pino.length + 500);
    const records = lines.map((line) => JSON.parse(line) as { level: number | string; msg: string });
    expect(records.filter((r) => typeof r.level === 'number').map((r) => r.msg)).toEqual(pino.map((i) => `pino ${i}`));
    expect(records.filter((r) => r.level === 'ERROR')).toHaveLength(500);
    // Written as the app wrote them, the source added first.
    expect(lines).toContain(sourced(pinoLine(99), 'app.log'));
    expect(lines).toContain(sourced(manualLine(4), 'manual.log'));
  });

  it('--level --json masks URL passwords and query secrets in the records it prints as written', async () => {
    const result = await cli(['--level', 'error', '--json'], { OPSCTL_ENV: 'secrets' });
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(sourced('{"level":50,"db":"postgres://app:***@db:5432/x","msg":"connect failed"}', 'secrets.log'));
    // A query secret is masked to the end of its word, as redact() masks any text.
    expect(lines[1]).toMatch(/^\{"opsctl.source":"secrets.log","level":50,"url":"\/cb\?token=\*\*\*/);
    expect(result.stdout).not.toMatch(/pw-in-url|tok-in-query/);
    expect(lines[2]).toBe(sourced(pinoLine(20), 'secrets.log'));
  });

  it('--count replaces grep | wc -l; nothing matching exits 1 like grep, with an empty stdout', async () => {
    const count = await cli(['--level', 'warn', '--count']);
    expect(count.exitCode).toBe(0);
    // pino: 1 in 20 error + 1 in 20 warn + 1 in 100 fatal; manual: 500 ERROR; plain: WARN, and ERROR with its stack line as one record.
    expect(count.stdout).toBe(String(LINES / 20 + LINES / 20 + LINES / 100 + 500 + 2));
    const none = await cli(['--grep', 'no such thing anywhere']);
    expect(none.exitCode).toBe(1);
    expect(none.stdout).toBe('');
  });

  it('--correlation-id finds the records of one request across files', async () => {
    const result = await cli(['--correlation-id', 'cid-7', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toEqual(Array.from({ length: 40 }, (_, k) => sourced(manualLine(7 + 50 * k), 'manual.log')));
  });

  it('--since and --until cut a window out of a 200,000-line file; -n keeps the last matches', async () => {
    const from = 150_000;
    const to = 150_199;
    const window = await cli(['--since', new Date(T0 + from * STEP).toISOString(), '--until', new Date(T0 + to * STEP).toISOString(), '--json', '--source', 'app.log']);
    expect(window.exitCode, window.stderr).toBe(0);
    expect(window.stdout).toBe(Array.from({ length: to - from + 1 }, (_, k) => sourced(pinoLine(from + k), 'app.log')).join('\n'));
    const last = await cli(['--level', 'fatal', '-n', '3', '--json', '--source', 'app.log']);
    expect(last.stdout.trimEnd().split('\n')).toEqual([pinoLine(LINES - 201), pinoLine(LINES - 101), pinoLine(LINES - 1)].map((line) => sourced(line, 'app.log')));
  });

  it('plain text: level words, the stack trace under its error, and where each line came from', async () => {
    const result = await cli(['--level', 'error', '--source', 'plain.log']);
    expect(result.stdout).toBe('plain.log ERROR connection refused\nplain.log     at connect (db.js:10:3)');
    const json = await cli(['--level', 'warn', '--source', 'plain.log', '--json']);
    expect(json.stdout.trimEnd().split('\n').map((line) => JSON.parse(line))).toEqual([
      { level: 'warn', source: 'plain.log', message: 'WARN slow query 1200ms', 'opsctl.source': 'plain.log' },
      { level: 'error', source: 'plain.log', message: 'ERROR connection refused\n    at connect (db.js:10:3)', 'opsctl.source': 'plain.log' },
    ]);
  });

  it('coloured only when asked (FORCE_COLOR) or on a terminal; NO_COLOR output has no escapes', async () => {
    const plain = await cli(['--level', 'error', '-n', '2', '--source', 'app.log']);
    expect(plain.stdout).not.toMatch(/\u001b\[/);
    const { NO_COLOR: _, ...colourEnv } = env;
    const coloured = await runCli(['logs', '--level', 'error', '-n', '2', '--source', 'app.log'], { cwd: dir, env: { ...colourEnv, FORCE_COLOR: '1' } });
    expect(coloured.stdout).toContain('\u001b[31mERROR');
  });

  it('bad usage exits 2 and names the problem', async () => {
    const result = await cli(['--since', 'yesterday-ish']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--since yesterday-ish is neither a duration nor a time.');
    const json = await cli(['--level', 'loud', '--json']);
    expect(parseJson(json.stdout)).toMatchObject({ error: { code: 'usage', exitCode: 2 } });
  });

  it('a reader that stops early (| head) ends opsctl at once, exit 0', async () => {
    const child = startCli(['logs', '--source', 'app.log'], { cwd: dir, env });
    const first = await new Promise<string>((resolve) => child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    child.stdout!.destroy();
    const result = await child;
    expect(first).toContain('app.log');
    expect(result.exitCode).toBe(0);
  });

  describe.skipIf(!requireTool('posix-signals'))('follow', () => {
    it('-f: the last 10 matches, then new lines through rotation and truncation; Ctrl-C ends it with exit 0', async () => {
      const live = path.join(dir, 'live.log');
      writeFileSync(live, `${Array.from({ length: 30 }, (_, i) => pinoLine(i)).join('\n')}\n`);
      const child = startCli(['logs', '-e', 'live', '-f', '--json'], { cwd: dir, env });
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const lines = () => out.split('\n').filter(Boolean);
      await waitFor('the last 10 lines', () => lines().length === 10, 15_000, 50);
      expect(lines()).toEqual(Array.from({ length: 10 }, (_, k) => sourced(pinoLine(20 + k), 'live.log')));

      appendFileSync(live, `${pinoLine(30)}\n`);
      await waitFor('an appended line', () => lines().length === 11, 10_000, 50);
      // logrotate (create): the old file is renamed, a new one takes its name.
      renameSync(live, `${live}.1`);
      appendFileSync(`${live}.1`, `${pinoLine(31)}\n`);
      writeFileSync(live, `${pinoLine(32)}\n`);
      await waitFor('lines from both sides of the rotation', () => lines().length === 13, 10_000, 50);
      // copytruncate: emptied in place.
      await new Promise((resolve) => setTimeout(resolve, 500));
      truncateSync(live, 0);
      await new Promise((resolve) => setTimeout(resolve, 600));
      appendFileSync(live, `${pinoLine(33)}\n`);
      await waitFor('a line after truncation', () => lines().length === 14, 10_000, 50);

      child.kill('SIGINT');
      const result = await child;
      expect(result.exitCode).toBe(0);
      expect(lines()).toEqual(Array.from({ length: 14 }, (_, k) => sourced(pinoLine(20 + k), 'live.log')));
    });

    it('-f --timeout is a watch window that exits like grep: 1 when nothing matched', async () => {
      const result = await cli(['-e', 'live', '-f', '-n', '0', '--grep', 'never written', '--timeout', '1s']);
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toBe('');
    });
  });
});
