import { describe, expect, it } from 'vitest';
import { ToolMissingError } from '../../../src/errors.js';
import { databaseProbe, probeDatabase } from '../../../src/health/database.js';
import { formatCommand } from '../../../src/process/command.js';
import { caught } from '../helpers.js';
import { scriptedRunner } from '../../support/scripted-runner.js';

describe('probeDatabase', () => {
  const pg = databaseProbe('main', { type: 'postgres', url: 'postgresql://app:s3cret-pw@db:5432/shop' }, 3000);
  const expected = { file: 'psql', args: pg.command.args, readOnly: true };

  it('healthy: the latency and the server version, in the reason and in details', async () => {
    const runner = scriptedRunner([{ ...expected, stdout: '16.4\n' }]);
    const attempt = await probeDatabase(pg, 'postgres', runner, 3000);
    expect(attempt).toMatchObject({ kind: 'postgres', target: 'postgresql://app@db:5432/shop', state: 'healthy', unit: 'ms', details: { serverVersion: '16.4' } });
    expect(attempt.reason).toMatch(/^up, answered in \d+ ms \(server 16\.4\)$/);
    expect(attempt.value).toBeGreaterThanOrEqual(0);
  });

  it("a failing client: unhealthy with the client's own words, without its program-name prefix", async () => {
    const stderr = 'psql: error: connection to server at "db" (10.0.0.5), port 5432 failed: FATAL:  password authentication failed for user "app"\n';
    const runner = scriptedRunner([{ ...expected, exitCode: 2, stderr }]);
    const attempt = await probeDatabase(pg, 'postgres', runner, 3000);
    expect(attempt.state).toBe('unhealthy');
    expect(attempt.reason).toBe('connection to server at "db" (10.0.0.5), port 5432 failed: FATAL:  password authentication failed for user "app"');
  });

  it('a URL with a password in the client output is masked in the reason', async () => {
    const mongo = databaseProbe('content', { type: 'mongo', url: 'mongodb://admin:Echoed-pw1@mongo/content' }, 3000);
    const stderr = 'MongoServerSelectionError: getaddrinfo ENOTFOUND mongo (mongodb://admin:Echoed-pw1@mongo/content)\n';
    const runner = scriptedRunner([{ file: 'mongosh', args: mongo.command.args, exitCode: 1, stderr }]);
    const attempt = await probeDatabase(mongo, 'mongo', runner, 3000);
    expect(attempt.reason).toBe('MongoServerSelectionError: getaddrinfo ENOTFOUND mongo (mongodb://admin:***@mongo/content)');
  });

  it('a failing client that says nothing: its exit code', async () => {
    const runner = scriptedRunner([{ ...expected, exitCode: 3 }]);
    expect((await probeDatabase(pg, 'postgres', runner, 3000)).reason).toBe('psql exited with code 3');
  });

  it('redis-cli exiting 0 with NOAUTH: unhealthy', async () => {
    const redis = databaseProbe('cache', { type: 'redis', url: 'redis://cache:6379' }, 3000);
    const runner = scriptedRunner([{ file: 'redis-cli', args: redis.command.args, stdout: 'NOAUTH Authentication required.\n' }]);
    expect(await probeDatabase(redis, 'redis', runner, 3000)).toMatchObject({ state: 'unhealthy', reason: 'NOAUTH Authentication required.' });
  });

  it('a missing client: unknown (not checked), not unhealthy, with the install hint', async () => {
    const runner = scriptedRunner([{ ...expected, error: new ToolMissingError('psql is not installed or not on PATH.', 'Install the PostgreSQL client tools.') }]);
    const attempt = await probeDatabase(pg, 'postgres', runner, 3000);
    expect(attempt).toEqual({ kind: 'postgres', target: 'postgresql://app@db:5432/shop', state: 'unknown', reason: 'not checked: psql is not installed', details: { hint: 'Install the PostgreSQL client tools.' } });
  });

  it('no answer within the timeout: unhealthy, saying how long it waited', async () => {
    const timeout = new DOMException('The operation timed out.', 'TimeoutError');
    const runner = scriptedRunner([{ ...expected, error: timeout }]);
    const attempt = await probeDatabase(pg, 'postgres', runner, 3000);
    expect(attempt.state).toBe('unhealthy');
    expect(attempt.reason).toMatch(/^no answer within 3(\.0)?s$/);
  });

  it('any other failure of the runner (an interrupt) is not swallowed as a probe result', async () => {
    const interrupt = new Error('Interrupted.');
    const runner = scriptedRunner([{ ...expected, error: interrupt }]);
    expect(await caught(probeDatabase(pg, 'postgres', runner, 3000))).toBe(interrupt);
  });
});

describe('formatCommand of a probe command', () => {
  it('shows nothing secret: the --verbose and --dry-run line of each probe', () => {
    const lines = [
      databaseProbe('a', { type: 'postgres', url: 'postgres://app:Verb0se-pw@db/shop' }, 5000),
      databaseProbe('b', { type: 'redis', url: 'redis://:Verb0se-pw@cache' }, 5000),
      databaseProbe('c', { type: 'mongo', url: 'mongodb://app:Verb0se-pw@mongo/content' }, 5000),
    ].map((probe) => formatCommand(probe.command));
    // Quoted as this platform's command line: POSIX shell quoting, or what CreateProcess gets on Windows.
    expect(lines[0]).toBe(
      process.platform === 'win32'
        ? `psql -X -w -q -A -t -d postgres://app@db/shop -c "select current_setting('server_version')"`
        : `psql -X -w -q -A -t -d postgres://app@db/shop -c 'select current_setting('\\''server_version'\\'')'`,
    );
    for (const line of lines) expect(line).not.toContain('Verb0se-pw');
  });
});
