import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, pathWithout, REPO_ROOT, removeTempDirs, runCli, whichTool, writeConfig } from '../support/real-cli.js';
import { pathWithPm2 } from '../support/real-pm2.js';
import { requireTools } from '../support/real-tools.js';

const available = requireTools('pm2', 'git');

interface Check {
  name: string;
  kind: string;
  status: string;
  required: boolean;
  version?: string;
  detail: string;
}

describe.skipIf(!available)('doctor with the real tools', () => {
  let dir: string;

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('doctor');
    writeConfig(dir, {
      version: 1,
      app: 'realdoctor',
      environments: {
        local: { source: { repo: '.' }, target: { pm2: { script: 'app.js', instances: 2 } } },
        staging: { target: { compose: { service: 'app' } } },
      },
    });
  });
  afterAll(removeTempDirs);

  const env = (pathValue: string) => cleanEnv({ PATH: pathValue, PM2_HOME: path.join(dir, 'no-pm2') });

  it('exits 0 for a pm2 config when pm2 and git are on PATH, with pm2 version from its package', async () => {
    const result = await runCli(['doctor', '-e', 'local', '--json'], { cwd: dir, env: env(pathWithPm2()) });
    expect(result.exitCode, result.stdout).toBe(0);
    const data = parseJson(result.stdout) as { ok: boolean; checks: Check[] };
    expect(data.ok).toBe(true);
    const pm2 = data.checks.find((c) => c.name === 'pm2');
    const pm2Version = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', 'pm2', 'package.json'), 'utf8')) as { version: string }).version;
    expect(pm2).toMatchObject({ kind: 'tool', status: 'ok', required: true, version: pm2Version });
    expect(data.checks.find((c) => c.name === 'git')).toMatchObject({ status: 'ok', required: true });
    // No daemon in this PM2_HOME: reported, not fatal, and not started by doctor.
    expect(data.checks.find((c) => c.name === 'pm2 daemon')).toMatchObject({ status: 'warn', required: false });
    const human = await runCli(['doctor', '-e', 'local'], { cwd: dir, env: env(pathWithPm2()) });
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toContain('Everything the config needs is here.');
  });

  it('exits 1 for a compose config when docker is not on PATH, marking docker missing and needed', async () => {
    const noDocker = pathWithout(['docker', 'docker-compose'], ['git']);
    const result = await runCli(['doctor', '-e', 'staging', '--json'], { cwd: dir, env: env(noDocker) });
    expect(result.exitCode).toBe(1);
    const data = parseJson(result.stdout) as { ok: boolean; checks: Check[] };
    expect(data.ok).toBe(false);
    expect(data.checks.find((c) => c.name === 'docker')).toMatchObject({ kind: 'tool', status: 'missing', required: true });
    expect(data.checks.find((c) => c.name === 'docker engine')).toMatchObject({ status: 'missing', required: true });
    // pm2 is not what this environment needs.
    expect(data.checks.find((c) => c.name === 'pm2')?.required).toBe(false);

    const human = await runCli(['doctor', '-e', 'staging'], { cwd: dir, env: env(noDocker) });
    expect(human.exitCode).toBe(1);
    const row = human.stdout.split('\n').find((line) => /^\W*docker\s/.test(line));
    expect(row, human.stdout).toMatch(/missing.*\byes\b/);
    expect(human.stdout).toContain('Install Docker Engine');
  });

  it('--json lists every tool as found or missing, agreeing with PATH, with the version the tool reports', async () => {
    const result = await runCli(['doctor', '--json'], { cwd: dir, env: env(pathWithPm2()) });
    const data = parseJson(result.stdout) as { checks: Check[] };
    const tools = data.checks.filter((c) => c.kind === 'tool');
    const single = ['git', 'docker', 'docker-compose', 'pm2', 'pg_dump', 'pg_restore', 'psql', 'mongodump', 'mongorestore'];
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining([...single, 'docker compose']));
    for (const name of single) {
      const check = tools.find((t) => t.name === name)!;
      const onPath = whichTool(name, pathWithPm2());
      expect(check.status, `${name}: ${check.detail}`).toBe(onPath ? 'ok' : 'missing');
      if (onPath) expect(check.version, name).toMatch(/^\d+\.\d+/);
    }
    const gitSays = (await execa('git', ['--version'])).stdout;
    expect(gitSays).toContain(tools.find((t) => t.name === 'git')!.version!);
    const docker = tools.find((t) => t.name === 'docker')!;
    if (docker.status === 'ok') {
      // `docker --version` answers without an engine, as doctor's own probe does.
      expect((await execa('docker', ['--version'])).stdout).toContain(docker.version!);
    }
    // Both environments together: compose and pm2 are needed.
    expect(tools.find((t) => t.name === 'pm2')!.required).toBe(true);
    expect(tools.find((t) => t.name === 'docker')!.required).toBe(true);
  });
});
