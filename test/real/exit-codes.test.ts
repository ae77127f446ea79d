// The exit codes of the CLI contract (spec/CLI.md), end to end with the built CLI.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, cleanEnv, ensureBuilt, makeTempDir, parseJson, pathWithout, removeTempDirs, runCli, writeConfig, type CliResult } from '../support/real-cli.js';
import { requireTool } from '../support/real-tools.js';

const hasGit = requireTool('git');

/** --json on an error: stdout is exactly one document, {"error": {...}}, and nothing else. */
function jsonError(result: CliResult): { code: string; message: string; hint?: string; exitCode: number; details?: Record<string, unknown> } {
  const doc = parseJson(result.stdout);
  expect(Object.keys(doc)).toEqual(['error']);
  expect(doc.error.exitCode).toBe(result.exitCode);
  return doc.error;
}

beforeAll(ensureBuilt);
afterAll(removeTempDirs);

describe('invalid config exits 2 with one "path.to.key: message" line per problem', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeTempDir('invalid');
    writeConfig(
      dir,
      [
        'version: 1',
        'app: shop',
        'defaults:',
        '  backup: { retention: { daly: 7 } }',
        'environments:',
        '  prod:',
        '    target: {}',
        '    sourc: { repo: . }',
        '  staging:',
        '    target: { pm2: { script: app.js, instances: 0 } }',
      ].join('\n'),
    );
  });

  it('names each bad key on stderr and exits 2', async () => {
    const result = await runCli(['status', '-e', 'prod'], { cwd: dir, env: cleanEnv() });
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n').map((line) => line.trim());
    expect(lines).toContain('environments.prod.target: set exactly one of pm2, compose or swarm (opsctl.yaml:7)');
    // Each with a near key and where it is (issue 18).
    expect(lines).toContain('environments.prod.sourc: unknown key; did you mean source? (opsctl.yaml:8)');
    expect(lines).toContain('defaults.backup.retention.daly: unknown key; did you mean daily? (opsctl.yaml:4)');
    expect(lines).toContain('environments.staging.target.pm2.instances: expected a number of at least 1, got 0 (opsctl.yaml:10)');
  });

  it('with --json prints one error document carrying the same problems', async () => {
    const result = await runCli(['status', '--json', '-e', 'prod'], { cwd: dir, env: cleanEnv() });
    expect(result.exitCode).toBe(2);
    const error = jsonError(result);
    expect(error.code).toBe('config');
    expect(error.details?.problems).toContain('environments.prod.sourc: unknown key');
    expect(result.stderr).toContain('environments.prod.sourc: unknown key');
  });

  it('invalid YAML names the line', async () => {
    const broken = makeTempDir('yaml');
    writeConfig(broken, 'version: 1\napp: shop\nenvironments:\n  prod: [unclosed\n');
    const result = await runCli(['status'], { cwd: broken, env: cleanEnv() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/invalid YAML at line \d+/);
  });
});

describe.skipIf(!hasGit)('choosing the environment', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeTempDir('envs');
    writeConfig(dir, {
      version: 1,
      app: 'shop',
      environments: { production: { target: { pm2: { script: 'app.js' } } }, staging: { target: { pm2: { script: 'app.js' } } } },
    });
  });
  // An empty PM2_HOME: status reports the daemon as not running and needs no pm2.
  const env = (extra: Record<string, string> = {}) => cleanEnv({ PM2_HOME: path.join(dir, 'no-pm2'), ...extra });

  it('an unknown environment exits 2 and lists the names', async () => {
    const result = await runCli(['status', '-e', 'prod'], { cwd: dir, env: env() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('Unknown environment "prod"');
    expect(result.stderr).toContain('production, staging');
    expect(jsonError(await runCli(['status', '--json', '-e', 'prod'], { cwd: dir, env: env() })).code).toBe('usage');
  });

  it('several environments and no -e exit 2 and list the names', async () => {
    const result = await runCli(['status'], { cwd: dir, env: env() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('Several environments are defined: production, staging');
    expect(result.stderr).toContain('-e <name>');
  });

  it('OPSCTL_ENV, --env and --environment pick one', async () => {
    for (const [args, extra] of [
      [['status', '--json'], { OPSCTL_ENV: 'staging' }],
      [['status', '--json', '--env', 'staging'], {}],
      [['status', '--json', '--environment', 'staging'], { OPSCTL_ENV: 'production' }],
    ] as const) {
      const result = await runCli([...args], { cwd: dir, env: env(extra) });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(parseJson(result.stdout).environment).toBe('staging');
    }
  });

  it('an unknown option exits 2, with one JSON error under --json', async () => {
    const result = await runCli(['status', '--no-such-option', '--json', '-e', 'staging'], { cwd: dir, env: env() });
    expect(result.exitCode).toBe(2);
    expect(jsonError(result)).toMatchObject({ code: 'usage' });
    expect(jsonError(result).message).toContain('--no-such-option');
  });

  it('no command at all exits 2, and under --json says so in one error document', async () => {
    const result = await runCli(['--json'], { cwd: dir, env: env() });
    expect(result.exitCode).toBe(2);
    expect(jsonError(result)).toMatchObject({ code: 'usage', message: 'No command given.' });
  });
});

describe.skipIf(!hasGit)('a required tool that is not installed exits 127 with an install hint', () => {
  let dir: string;
  beforeAll(() => {
    dir = makeTempDir('missing');
    writeConfig(dir, {
      version: 1,
      app: 'shop',
      environments: {
        compose: { target: { compose: { service: 'app' } } },
        pm2: { stateDir: 'state', target: { pm2: { script: 'app.js' } } },
      },
    });
  });

  it('docker missing for a compose target', async () => {
    const env = cleanEnv({ PATH: pathWithout(['docker', 'docker-compose'], ['git']) });
    const result = await runCli(['status', '-e', 'compose'], { cwd: dir, env });
    expect(result.exitCode).toBe(127);
    expect(result.stderr).toContain('docker is not installed or not on PATH');
    expect(result.stderr).toContain('Install Docker Engine');
    const error = jsonError(await runCli(['status', '--json', '-e', 'compose'], { cwd: dir, env }));
    expect(error).toMatchObject({ code: 'tool-missing', exitCode: 127, details: { tool: 'docker' } });
    expect(error.hint).toContain('docker');
  });

  it('pm2 missing while its daemon pid file says it runs', async () => {
    const home = makeTempDir('pm2-home');
    // A live pid this test controls: its own.
    writeFileSync(path.join(home, 'pm2.pid'), String(process.pid));
    const env = cleanEnv({ PM2_HOME: home, PATH: pathWithout(['pm2'], ['git']) });
    const result = await runCli(['status', '-e', 'pm2'], { cwd: dir, env });
    expect(result.exitCode).toBe(127);
    expect(result.stderr).toContain('pm2 is not installed or not on PATH');
    expect(result.stderr).toContain('npm install -g pm2');
    expect(jsonError(await runCli(['status', '--json', '-e', 'pm2'], { cwd: dir, env })).code).toBe('tool-missing');
  });
});

describe('a reader that closes stdout early (`opsctl ... | head -1`)', () => {
  it('still gets the command\'s own exit code (1 unhealthy), not 0', async () => {
    const dir = makeTempDir('epipe');
    writeConfig(dir, {
      version: 1,
      app: 'shop',
      environments: { prod: { target: { pm2: { script: 'app.js' } }, health: { host: false, retries: 1, endpoints: [{ name: 'api', url: 'http://127.0.0.1:1/health' }] } } },
    });
    const child = spawn(process.execPath, [CLI_BIN, 'health-check', '--json'], { cwd: dir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
  });
});
