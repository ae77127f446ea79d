import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli } from '../support/real-cli.js';
import { requireTool } from '../support/real-tools.js';

/** A temp folder holding these files; init runs in it with the built CLI. */
function project(label: string, files: Record<string, string>): string {
  const dir = makeTempDir(`init-${label}`);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

/** The config check of `opsctl doctor --json`: opsctl's own loader and schema on the written file. */
async function configCheck(dir: string): Promise<{ status: string; detail: string }> {
  const result = await runCli(['doctor', '--json'], { cwd: dir });
  const checks = parseJson<{ checks: { name: string; status: string; detail: string }[] }>(result.stdout).checks;
  return checks.find((check) => check.name === 'config')!;
}

const ECOSYSTEM = `module.exports = {\n  apps: [\n    { name: 'shop-api', script: './dist/server.js', instances: 2, exec_mode: 'cluster' },\n    { name: 'shop-worker', script: './dist/worker.js' },\n  ],\n};\n`;
const COMPOSE = 'services:\n  db:\n    image: postgres:16\n  api:\n    build: .\n    image: acme/shop-api:latest\n  cache:\n    image: redis:7\n';

describe('opsctl init (built CLI, temp folders)', () => {
  beforeAll(ensureBuilt);
  afterAll(removeTempDirs);

  it('pm2: ecosystem app and instances, build/test scripts, MONGO_URI as ${MONGO_URI}, .env.example without values', async () => {
    const dir = project('pm2', {
      'ecosystem.config.js': ECOSYSTEM,
      'package.json': JSON.stringify({ name: 'shop', scripts: { build: 'tsc', test: 'vitest run' } }),
      '.env': 'MONGO_URI=mongodb://shop:s3cret@localhost:27017/shop\nPORT=3000\n',
    });
    const result = await runCli(['init'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    const text = readFileSync(path.join(dir, 'opsctl.yaml'), 'utf8');
    expect(text).not.toContain('s3cret');
    const config = YAML.parse(text);
    expect(config.environments.production.target.pm2).toEqual({ ecosystem: 'ecosystem.config.js', name: 'shop-api', instances: 2 });
    expect(config.defaults.databases).toEqual({ mongo: { type: 'mongo', url: '${MONGO_URI}' } });
    expect(config.defaults.source).toMatchObject({ build: ['npm run build'], checks: ['npm run test'] });
    expect(readFileSync(path.join(dir, '.env.example'), 'utf8')).toBe('MONGO_URI=\nPORT=\n');
    expect(await configCheck(dir)).toMatchObject({ status: 'ok' });
  });

  it('compose: the built service with its image, the folder\'s compose project, DATABASE_URL and REDIS_URL as databases', async () => {
    const dir = project('compose', {
      'docker-compose.yml': COMPOSE,
      '.env': 'DATABASE_URL=postgres://shop:pw@localhost:5432/shop\nREDIS_URL=redis://localhost:6379\n',
    });
    const result = await runCli(['init', '--json'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(parseJson(result.stdout)).toMatchObject({ written: true, detected: { target: 'compose service api', compose: 'docker-compose.yml' } });
    const text = readFileSync(path.join(dir, 'opsctl.yaml'), 'utf8');
    const config = YAML.parse(text);
    // The repository without compose's :latest (deploy appends :<sha>), and how compose must name it.
    expect(config.environments.production.target.compose).toEqual({ file: 'docker-compose.yml', project: path.basename(dir).toLowerCase().replace(/[^a-z0-9_-]/g, ''), service: 'api', image: 'acme/shop-api' });
    expect(text).toContain('docker-compose.yml must say `image: acme/shop-api:${OPSCTL_RELEASE}` (it says acme/shop-api:latest).');
    expect(config.defaults.health.databases).toEqual(['main', 'redis']);
    expect(await configCheck(dir)).toMatchObject({ status: 'ok' });
    // status asks the docker engine; without one the rest of this test still holds.
    if (!requireTool('docker')) return;
    const status = await runCli(['status', '--json'], { cwd: dir });
    expect(parseJson(status.stdout)).toMatchObject({ environment: 'production', target: { kind: 'compose', service: 'api' } });
  });

  it('an empty folder: a valid config with a placeholder target and no .env.example', async () => {
    const dir = project('empty', {});
    const dry = await runCli(['init', '--dry-run'], { cwd: dir });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('script: server.js');
    expect(existsSync(path.join(dir, 'opsctl.yaml'))).toBe(false);
    expect((await runCli(['init'], { cwd: dir })).exitCode).toBe(0);
    expect(existsSync(path.join(dir, '.env.example'))).toBe(false);
    expect(await configCheck(dir)).toMatchObject({ status: 'ok' });
  });

  it('refuses to overwrite opsctl.yaml without --force (exit 2, with the hint); --force overwrites', async () => {
    const dir = project('exists', { 'opsctl.yaml': '# mine\n' });
    const refused = await runCli(['init'], { cwd: dir });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('already exists');
    expect(refused.stderr).toContain('opsctl init --force');
    expect(readFileSync(path.join(dir, 'opsctl.yaml'), 'utf8')).toBe('# mine\n');
    expect((await runCli(['init', '--force'], { cwd: dir })).exitCode).toBe(0);
    expect(readFileSync(path.join(dir, 'opsctl.yaml'), 'utf8')).toContain('version: 1');
  });
});
