import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheFile } from '../../../src/config/cache.js';
import { cachedConfigLoader } from '../../../src/config/cached-load.js';
import { loadConfig, type LoadOptions } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';
import { tempDir } from '../helpers.js';

/** A config folder with a state dir (where the cache lives), opsctl.yaml and optionally .env. */
function project(yaml: string, options: { stateDir?: boolean; dotenv?: string } = {}) {
  const dir = tempDir();
  if (options.stateDir !== false) mkdirSync(path.join(dir, '.opsctl'));
  writeFileSync(path.join(dir, 'opsctl.yaml'), yaml);
  if (options.dotenv !== undefined) writeFileSync(path.join(dir, '.env'), options.dotenv);
  return { dir, file: path.join(dir, 'opsctl.yaml') };
}

const optionsFor = (dir: string, processEnv: Record<string, string> = {}): LoadOptions => ({ cwd: dir, processEnv, writeCache: true });
const cached = (dir: string, processEnv: Record<string, string> = {}) => cachedConfigLoader(optionsFor(dir, processEnv))?.();

const config = (extra = '') => `
version: 1
app: shop
defaults:
  health: { timeout: 3s }
environments:
  prod:
    target: { pm2: { script: server.js, instances: 2 } }
    databases:
      main: { type: postgres, url: "\${DATABASE_URL}" }
    alerts: { webhook: "https://hooks.example.com/\${HOOK_TOKEN}" }
    health: { databases: [main], endpoints: [{ name: api, url: "http://127.0.0.1:\${PORT}/health" }] }
${extra}
  staging:
    target: { compose: { service: api } }
`;

describe('config cache (skips YAML and the schema when opsctl.yaml has not changed)', () => {
  it('gives what loadConfig gives, ${VAR}s filled in from this run, after a run that validated the file', () => {
    const { dir, file } = project(config(), { dotenv: 'PORT=8080\n' });
    const env = { DATABASE_URL: 'postgres://app:first-pass@127.0.0.1/shop', HOOK_TOKEN: 'tok-1' };
    expect(cached(dir, env)).toBeUndefined();
    const full = loadConfig(optionsFor(dir, env));
    expect(existsSync(cacheFile(file))).toBe(true);
    const fromCache = cached(dir, env)!;
    expect(fromCache).toEqual(full);
    expect([...fromCache.environments.keys()]).toEqual(['prod', 'staging']);
    // `databases` has no prototype, as the schema makes it: "constructor" is no database.
    expect('constructor' in fromCache.environments.get('prod')!.databases).toBe(false);

    const next = cached(dir, { DATABASE_URL: 'postgres://app:second-pass@127.0.0.1/shop', HOOK_TOKEN: 'tok-2' })!;
    expect(next.environments.get('prod')!.databases.main!.url).toBe('postgres://app:second-pass@127.0.0.1/shop');
    expect(next.environments.get('prod')!.alerts!.webhook).toBe('https://hooks.example.com/tok-2');
    expect(next.environments.get('prod')!.health.endpoints[0]!.url).toBe('http://127.0.0.1:8080/health');
  });

  it('never writes a value that came from the environment or .env, and is readable by its owner only', () => {
    const { dir, file } = project(config(), { dotenv: 'HOOK_TOKEN=dotenv-token-42\n' });
    loadConfig(optionsFor(dir, { DATABASE_URL: 'postgres://app:s3cret-pw@db.internal/shop', PORT: '8080' }));
    const text = readFileSync(cacheFile(file), 'utf8');
    for (const value of ['s3cret-pw', 'db.internal', 'dotenv-token-42', '8080']) expect(text).not.toContain(value);
    expect(text).toContain('${DATABASE_URL}');
    if (process.platform !== 'win32') expect(statSync(cacheFile(file)).mode & 0o077).toBe(0);
  });

  it('misses once the file changes, and the full loader reports its problems with file:line', () => {
    const { dir, file } = project(config());
    loadConfig(optionsFor(dir));
    writeFileSync(file, config().replace('instances: 2', 'instances: two'));
    expect(cached(dir)).toBeUndefined();
    expect(() => loadConfig(optionsFor(dir))).toThrow(/instances: expected a number or "max", got "two" \(opsctl\.yaml:8\)/);
  });

  it.each([
    ['a duration', 'health: { timeout: "${TIMEOUT}" }', { TIMEOUT: '5s' }],
    ['an enum', 'databases: { main: { type: "${DB_TYPE}", url: x } }', { DB_TYPE: 'postgres' }],
    ['a name another key must define', 'databases: { main: { type: postgres, url: x } }\n    health: { databases: ["${DB}"] }', { DB: 'main' }],
  ])('is not kept when a ${VAR} sits where its text decides validity (%s): every run validates', (_label, body, env) => {
    const { dir, file } = project(`version: 1\napp: shop\nenvironments:\n  prod:\n    target: { pm2: { script: server.js } }\n    ${body}\n`);
    expect(loadConfig(optionsFor(dir, env)).environments.has('prod')).toBe(true);
    expect(existsSync(cacheFile(file))).toBe(false);
  });

  it.each([
    ['a header value', 'health: { endpoints: [{ name: api, url: "http://127.0.0.1/", headers: { Authorization: "Bearer ${API_TOKEN}" } }] }'],
    ['a value deep in expect.json', 'health: { endpoints: [{ name: api, url: "http://127.0.0.1/", expect: { json: { build: { sha: "${SHA}" } } } }] }'],
    ['a build command', 'source: { build: ["npm run build -- --tag ${TAG}"] }'],
  ])('is kept when each ${VAR} is free text (%s), and filled in on the next run', (_label, body) => {
    const { dir, file } = project(`version: 1\napp: shop\nenvironments:\n  prod:\n    target: { pm2: { script: server.js } }\n    ${body}\n`);
    const env = { API_TOKEN: 'tok', SHA: 'abc', TAG: 'v1' };
    const full = loadConfig(optionsFor(dir, env));
    expect(existsSync(cacheFile(file))).toBe(true);
    expect(cached(dir, env)).toEqual(full);
  });

  it('is kept only in a state dir that exists and that every environment uses', () => {
    const none = project(config(), { stateDir: false });
    loadConfig(optionsFor(none.dir));
    expect(existsSync(path.join(none.dir, '.opsctl'))).toBe(false);

    const own = project(config('    stateDir: /var/lib/shop'));
    loadConfig(optionsFor(own.dir));
    expect(existsSync(cacheFile(own.file))).toBe(false);
  });

  it('is not written unless asked (dry runs, the library API)', () => {
    const { dir, file } = project(config());
    loadConfig({ cwd: dir, processEnv: {} });
    expect(existsSync(cacheFile(file))).toBe(false);
  });

  it('a tampered or foreign entry is a miss, and a missing config is for the caller to report', () => {
    const { dir, file } = project(config());
    loadConfig(optionsFor(dir));
    const entry = JSON.parse(readFileSync(cacheFile(file), 'utf8')) as { key: string };
    writeFileSync(cacheFile(file), JSON.stringify({ ...entry, key: entry.key.replace(/^./, (c) => (c === '0' ? '1' : '0')) }));
    expect(cached(dir)).toBeUndefined();
    writeFileSync(cacheFile(file), '{ not json');
    expect(cached(dir)).toBeUndefined();
    expect(() => cachedConfigLoader({ ...optionsFor(dir), configPath: 'missing.yaml' })).toThrow(ConfigError);
  });
});
