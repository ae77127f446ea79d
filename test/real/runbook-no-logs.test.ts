// morning-check through the built CLI where the configured log file does not exist: "no overnight errors"
// must not pass on a log that was never read, and the child's warning must reach the runbook's stderr.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, writeConfig } from '../support/real-cli.js';

describe('morning-check when no log source can be read', () => {
  let dir: string;
  let server: http.Server;

  beforeAll(async () => {
    await ensureBuilt();
    server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    dir = makeTempDir('runbook-no-logs');
    writeConfig(dir, {
      version: 1,
      app: 'nologs',
      environments: {
        local: {
          // A pm2 app never started under an empty PM2_HOME: status reports it, nothing runs.
          target: { pm2: { name: 'nologs-app', script: 'app.js' } },
          health: { host: false, retries: 1, timeout: '2s', endpoints: [{ name: 'web', url: `http://127.0.0.1:${port}/` }] },
          logs: { files: ['logs/app.log'], pm2: false },
        },
      },
    });
  }, 180_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    removeTempDirs();
  });

  it('fails the overnight-errors check (the run exits 3, a warning) and shows logs\' warning without --verbose', async () => {
    const env = cleanEnv({ PM2_HOME: path.join(dir, 'pm2-home'), HOME: dir });
    const result = await runCli(['runbook', 'run', 'morning-check', '-e', 'local', '--json'], { cwd: dir, env, timeoutMs: 120_000 });
    expect(result.exitCode, result.stderr).toBe(3);
    const errors = parseJson(result.stdout).steps[2];
    const missing = path.join(dir, 'logs', 'app.log');
    expect(errors).toMatchObject({ name: 'overnight errors', result: 'failed', exitCode: 1, output: { count: 0, sources: { read: [], unread: [missing] } } });
    expect(errors.checks.map((c: { ok: boolean }) => c.ok)).toEqual([true, false]);
    expect(result.stderr).toContain(`warning: step 3 (overnight errors): ${missing} does not exist.`);
    expect(result.stderr).toContain('warning: step 3 (overnight errors): No log source of local could be read, so nothing was searched.');
    expect(result.stderr).toMatch(/✖ 3\/4 overnight errors: failed, going on \(continueOnError\): no log source could be read/);
  });
});
