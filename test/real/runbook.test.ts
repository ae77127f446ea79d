// Runbooks against the example service (examples/hello-api/server.mjs) under a real pm2 daemon with its
// own PM2_HOME: every opsctl step is the built opsctl spawned again with --json, as users run it.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, isAlive, makeTempDir, parseJson, REPO_ROOT, removeTempDirs, runCli, startCli, uniqueSuffix, waitFor, writeConfig } from '../support/real-cli.js';
import { jlist, killPm2, pathWithPm2, pm2 } from '../support/real-pm2.js';
import { requireTool } from '../support/real-tools.js';

const available = requireTool('pm2');
const signals = available && requireTool('posix-signals');
const SERVER = path.join(REPO_ROOT, 'examples', 'hello-api', 'server.mjs');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

describe.skipIf(!available)('runbooks against the example app under a real pm2 (own PM2_HOME)', () => {
  const name = `opsctl-rb-${uniqueSuffix()}`;
  let dir: string;
  let home: string;
  let env: Record<string, string | undefined>;
  const appPids: number[] = [];
  const cli = (args: string[]) => runCli(args, { cwd: dir, env, timeoutMs: 120_000 });

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('runbook');
    home = path.join(dir, 'pm2-home');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/api`;
    writeFileSync(path.join(dir, 'ecosystem.config.cjs'), `module.exports = { apps: [{ name: '${name}', script: ${JSON.stringify(SERVER)}, env: { PORT: '${port}' } }] };\n`);
    writeFileSync(path.join(dir, 'data.txt'), 'what the backup holds\n');
    mkdirSync(path.join(dir, 'books'));
    writeConfig(dir, {
      version: 1,
      app: 'rbreal',
      runbooks: 'books',
      environments: {
        local: {
          target: { pm2: { name, ecosystem: 'ecosystem.config.cjs' } },
          health: { host: false, retries: 1, timeout: '2s', endpoints: [{ name: 'health', url: `${url}/health`, expect: { status: 200, json: { status: 'healthy' } } }] },
          backup: { dir: 'backups', files: ['data.txt'] },
        },
      },
    });
    env = cleanEnv({ PM2_HOME: home, PATH: pathWithPm2() });
    await pm2(home, ['start', path.join(dir, 'ecosystem.config.cjs')]);
    const online = await waitFor('the example app online', async () => {
      const list = await jlist(home);
      return list.length === 1 && list[0]!.pm2_env.status === 'online' && list[0]!.pid > 0 ? list : undefined;
    }, 60_000, 300);
    appPids.push(online[0]!.pid);
    await waitFor('the example app listening', () => fetch(`${url}/health`).then((r) => r.ok), 30_000, 200);
    // The morning check wants last night's backup.
    const backup = await cli(['backup']);
    expect(backup.exitCode, backup.stderr).toBe(0);
  });

  afterAll(async () => {
    if (home) await killPm2(home, appPids);
    removeTempDirs();
  });

  it('morning-check passes on the healthy app: exit 0, one JSON document with every step, its exit code, duration and checks', async () => {
    const result = await cli(['runbook', 'run', 'morning-check', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const data = parseJson(result.stdout);
    expect(data).toMatchObject({ action: 'run', runbook: { name: 'morning-check', source: 'shipped' }, environment: 'local', dryRun: false, result: 'passed', exitCode: 0 });
    expect(data.steps.map((s: { name: string; result: string }) => [s.name, s.result])).toEqual([
      ['status', 'passed'],
      ['health-check', 'passed'],
      ['overnight errors', 'passed'],
      ['latest backup age', 'passed'],
    ]);
    // logs --count found no error line and exited 1, as grep does: allowed by the step's exitCodes.
    expect(data.steps[2]).toMatchObject({ exitCode: 1, output: { count: 0, sources: { unread: [] } }, checks: [{ path: 'count', ok: true, actual: 0 }, { path: 'sources.read.length', ok: true }] });
    // pm2's out and err files of the app: a count of 0 from logs that were read.
    expect(data.steps[2].output.sources.read.length).toBeGreaterThan(0);
    expect(data.steps[3].checks[0]).toMatchObject({ path: 'backup.ageMs', operator: 'below', expected: '26h', ok: true });
    expect(data.steps[3].checks[0].actual).toBeLessThan(3_600_000);
    expect(data.steps[1].output).toMatchObject({ state: 'healthy' });
    expect(data.steps[0].output.target.instances[0]).toMatchObject({ state: 'online' });
    for (const step of data.steps.slice(0, 3)) expect(step.durationMs).toBeGreaterThan(0);
    // The backup age is a check of status's result (step 1): no second status run.
    expect(data.steps[3]).toMatchObject({ kind: 'check', argv: [], exitCode: null, output: null });
  });

  it('without --json: each step\'s own table on stdout, a line per step on stderr, the summary table last', async () => {
    const result = await cli(['runbook', 'run', 'morning-check']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/── 1\. status\n[\s\S]*pm2 opsctl-rb-\S+: 1\/1 running/);
    expect(result.stdout).toMatch(/── 2\. health-check\n[\s\S]*local: healthy/);
    expect(result.stdout).toMatch(/│ 4 │ latest backup age │ passed │ - +│/);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/^Runbook morning-check on local: passed in /);
    expect(result.stderr).toMatch(/✔ 3\/4 overnight errors: passed \(count = 0, expected 0; sources\.read\.length = \d+, expected above 0\)/);
  });

  it('--dry-run runs nothing: every step is planned and shown as would run, no backup set and no file appear', async () => {
    writeFileSync(path.join(dir, 'books', 'writes.yaml'), 'name: writes\ndescription: changes things\nsteps:\n  - { name: backup, opsctl: [backup] }\n  - { name: marker, run: [node, -e, "require(\'fs\').writeFileSync(\'marker\', \'x\')"] }\n');
    const before = readdirSync(path.join(dir, 'backups'));
    const result = await cli(['runbook', 'run', 'writes', '--dry-run', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const data = parseJson(result.stdout);
    expect(data).toMatchObject({ dryRun: true, result: 'planned', runbook: { source: 'user' } });
    expect(data.steps.map((s: { result: string; exitCode: null }) => [s.result, s.exitCode])).toEqual([['planned', null], ['planned', null]]);
    expect(result.stderr).toMatch(/would run: \S+ \S+opsctl\.js --json --config \S+opsctl\.yaml --env local backup\n/);
    expect(result.stderr).toMatch(/would run: node -e /);
    expect(existsSync(path.join(dir, 'marker'))).toBe(false);
    expect(readdirSync(path.join(dir, 'backups'))).toEqual(before);
  });

  it('a step that asks refuses without a terminal and --yes (exit 2, nothing run); --yes answers it and reaches the child', async () => {
    const refused = await cli(['runbook', 'run', 'weekly-maintenance']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('Runbook weekly-maintenance asks before step 2 (cleanup) and needs confirmation; nothing was run.');
    expect(refused.stderr).not.toContain('cleanup plan: passed');
    // cleanup, run as a child without a terminal, would itself refuse without the --yes passed on to it.
    const result = await cli(['runbook', 'run', 'weekly-maintenance', '--yes', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(parseJson(result.stdout).steps.map((s: { result: string }) => s.result)).toEqual(['passed', 'passed', 'passed', 'passed']);
  });

  it.skipIf(!signals)('Ctrl-C during a step stops its child and exits 130', async () => {
    const pidFile = path.join(dir, 'sleeper.pid');
    writeFileSync(path.join(dir, 'books', 'sleeps.yaml'), `name: sleeps\ndescription: waits\nsteps:\n  - { name: sleep, run: [node, -e, "require('fs').writeFileSync(${JSON.stringify(JSON.stringify(pidFile)).slice(1, -1)}, String(process.pid)); setTimeout(() => {}, 60000)"] }\n  - { name: after, run: [node, -e, "require('fs').writeFileSync('after', 'x')"] }\n`);
    const child = startCli(['runbook', 'run', 'sleeps'], { cwd: dir, env });
    const sleeper = await waitFor('the step\'s pid file', () => existsSync(pidFile) && Number(readFileSync(pidFile, 'utf8')), 30_000, 100);
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    await waitFor('the step\'s child to be gone', () => !isAlive(sleeper), 10_000, 100);
    expect(existsSync(path.join(dir, 'after'))).toBe(false);
  });

  it('a step\'s timeout stops its child and fails the step; continueOnError goes on to the next', async () => {
    writeFileSync(
      path.join(dir, 'books', 'slow.yaml'),
      'name: slow\ndescription: too slow\nsteps:\n  - { name: hangs, run: [node, -e, "setTimeout(() => {}, 60000)"], timeout: 1s, continueOnError: true }\n  - { name: quick, run: [node, -e, "console.log(JSON.stringify({ ok: true }))"], check: { path: ok, equals: true } }\n',
    );
    const result = await cli(['runbook', 'run', 'slow', '--json']);
    expect(result.exitCode, result.stderr).toBe(3);
    const steps = parseJson(result.stdout).steps;
    expect(steps[0]).toMatchObject({ result: 'failed', error: { message: 'Timed out after 1s.' } });
    expect(steps[0].durationMs).toBeLessThan(10_000);
    expect(steps[1]).toMatchObject({ result: 'passed', output: { ok: true }, checks: [{ ok: true }] });
  });

  describe('with the app stopped', () => {
    beforeAll(async () => {
      await pm2(home, ['stop', name]);
    });

    it('morning-check stops at the failing health-check: exit 1, the later steps skipped', async () => {
      const result = await cli(['runbook', 'run', 'morning-check', '--json']);
      expect(result.exitCode, result.stderr).toBe(1);
      const data = parseJson(result.stdout);
      expect(data.result).toBe('failed');
      expect(data.steps.map((s: { result: string; exitCode: number | null }) => [s.result, s.exitCode])).toEqual([['passed', 0], ['failed', 1], ['skipped', null], ['skipped', null]]);
      expect(result.stderr).toMatch(/✖ 2\/4 health-check: failed/);
      // Without --json the failed step's own table still says why.
      const human = await cli(['runbook', 'run', 'morning-check']);
      expect(human.exitCode).toBe(1);
      expect(human.stdout).toMatch(/── 2\. health-check\n[\s\S]*│ health │ http │ unhealthy │/);
      expect(human.stdout).toMatch(/│ 3 │ overnight errors +│ skipped │/);
    });

    it('incident-triage goes on past the failing health-check (continueOnError) and exits 3', async () => {
      const result = await cli(['runbook', 'run', 'incident-triage', '--json']);
      expect(result.exitCode, result.stderr).toBe(3);
      const data = parseJson(result.stdout);
      expect(data.result).toBe('warning');
      expect(data.steps.map((s: { result: string }) => s.result)).toEqual(['passed', 'failed', 'passed', 'passed']);
      expect(data.steps[3].output).toMatchObject({ entries: [] });
    });
  });
});
