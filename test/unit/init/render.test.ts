import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import type { DetectedProject } from '../../../src/init/detect.js';
import { renderConfig, renderEnvExample } from '../../../src/init/render.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The rendered text, loaded and validated by opsctl's own loader with the given .env. */
function load(project: DetectedProject, dotenv = '') {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'opsctl-init-render-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'opsctl.yaml'), renderConfig(project));
  writeFileSync(path.join(dir, '.env'), dotenv);
  return loadConfig({ cwd: dir, processEnv: {} }).environments.get('production')!;
}

const EMPTY: DetectedProject = { app: 'shop', scripts: { build: false, test: false }, envKeys: [], databases: [] };

describe('renderConfig', () => {
  it('an empty folder still gives a valid config with a placeholder pm2 target', () => {
    expect(load(EMPTY).target.pm2).toMatchObject({ name: 'shop', script: 'server.js', instances: 1 });
  });
  it('compose: service, image and project; databases by ${KEY}; build and checks', () => {
    const env = load(
      {
        ...EMPTY,
        compose: { file: 'compose.yaml', project: 'shop', services: [{ name: 'app', image: 'acme/shop:1', build: true }, { name: 'db', image: 'postgres:16', build: false }], app: { name: 'app', image: 'acme/shop:1', build: true } },
        scripts: { build: true, test: true },
        envKeys: ['DATABASE_URL', 'REDIS_URL'],
        databases: [{ name: 'main', type: 'postgres', variable: 'DATABASE_URL' }, { name: 'redis', type: 'redis', variable: 'REDIS_URL' }],
      },
      'DATABASE_URL=postgres://u:pw@localhost/shop\nREDIS_URL=redis://localhost:6379\n',
    );
    expect(env.target.compose).toEqual({ file: 'compose.yaml', project: 'shop', service: 'app', image: 'acme/shop' });
    expect(env.databases).toEqual({ main: { type: 'postgres', url: 'postgres://u:pw@localhost/shop' }, redis: { type: 'redis', url: 'redis://localhost:6379' } });
    expect(env.health.databases).toEqual(['main', 'redis']);
    expect(env.source).toMatchObject({ build: ['npm run build'], checks: ['npm run test'] });
  });
  it('compose image: the repository only (deploy appends :<sha>), and what the compose file must say for deploy', () => {
    const withImage = (image?: string) => {
      const app = { name: 'web', build: false, ...(image === undefined ? {} : { image }) };
      return { ...EMPTY, compose: { file: 'compose.yaml', project: 'shop', services: [app], app } };
    };
    const cases: [string, string | undefined][] = [
      ['ghcr.io/acme/shop-web:1.4.2', 'ghcr.io/acme/shop-web'],
      ['localhost:5000/acme/web@sha256:0123abcd', 'localhost:5000/acme/web'],
      ['registry:5000/web:2-alpine@sha256:0123abcd', 'registry:5000/web'],
      ['acme/web:${OPSCTL_RELEASE}', 'acme/web'],
      ['acme/web:${TAG:-latest}', 'acme/web'],
      ['${REGISTRY}/acme/web:1', undefined],
      ['acme/${NAME}', undefined],
    ];
    for (const [image, repository] of cases) expect(load(withImage(image)).target.compose?.image, image).toBe(repository);
    const text = renderConfig(withImage('ghcr.io/acme/shop-web:1.4.2'));
    expect(text).toContain('so compose.yaml must say `image: ghcr.io/acme/shop-web:${OPSCTL_RELEASE}` (it says ghcr.io/acme/shop-web:1.4.2).\n        image: ghcr.io/acme/shop-web\n');
    expect(renderConfig(withImage('acme/web:${OPSCTL_RELEASE}'))).toContain('must say `image: acme/web:${OPSCTL_RELEASE}`.\n');
    expect(renderConfig(withImage('${REGISTRY}/web:1'))).toContain('        # image: <repository>   # deploy runs <repository>:<release sha>, so compose.yaml must say `image: <repository>:${OPSCTL_RELEASE}` (it says ${REGISTRY}/web:1).\n');
    expect(renderConfig(withImage())).toContain('        # image: <repository>   #');
  });
  it('pm2 ecosystem: its file, the first app and its instances', () => {
    const env = load({ ...EMPTY, ecosystem: { file: 'ecosystem.config.cjs', apps: [{ name: 'api', instances: 'max' }, { name: 'worker' }] } });
    expect(env.target.pm2).toMatchObject({ ecosystem: 'ecosystem.config.cjs', name: 'api', instances: 'max' });
  });
  it('quotes what YAML would misread', () => {
    expect(renderConfig({ ...EMPTY, app: 'yes', main: '@app.js' })).toContain("script: \"@app.js\"");
  });
});

describe('renderEnvExample', () => {
  it('keys only, no values', () => expect(renderEnvExample(['DATABASE_URL', 'PORT'])).toBe('DATABASE_URL=\nPORT=\n'));
});

describe('a first config that deploys, checks, backs up and reads logs as written', () => {
  it('a source section even without a build script: repo ., the current branch, the install step', () => {
    const env = load({ ...EMPTY, install: 'npm ci', branch: 'trunk' });
    expect(env.source).toMatchObject({ repo: '.', ref: 'trunk', build: ['npm ci'], checks: [] });
    expect(renderConfig(EMPTY)).toContain('runs build, then checks');
  });
  it('the detected port and route as the health endpoint, host probes with load only degrading', () => {
    const env = load({ ...EMPTY, http: { port: 8081, route: '/healthz', from: '.env PORT' } });
    expect(env.health.endpoints).toMatchObject([{ name: 'app', url: 'http://localhost:8081/healthz' }]);
    expect(env.health.host).toMatchObject({ disk: { warn: 75, crit: 85 }, memory: { warn: 80, crit: 90 } });
    if (process.platform !== 'win32') expect(env.health.host && env.health.host.load).toEqual({ warn: 2 });
  });
  it('backup of the dumpable databases and .env, with retention', () => {
    const project: DetectedProject = { ...EMPTY, dotenv: true, databases: [{ name: 'main', type: 'postgres', variable: 'DATABASE_URL' }] };
    expect(load(project, 'DATABASE_URL=postgres://u:p@localhost/shop\n').backup).toMatchObject({ databases: ['main'], files: ['.env'], retention: { daily: 7, weekly: 4 } });
  });
});
