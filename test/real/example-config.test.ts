// The contract's example config must always load: the built loader (dist/), not the sources.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import YAML from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, DIST, ensureBuilt, REPO_ROOT, runCli } from '../support/real-cli.js';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'opsctl.example.yaml');

interface Loaded {
  app: string;
  environments: ReadonlyMap<string, { target: Record<string, unknown>; backup?: { dir: string }; databases: Record<string, { url: string }> }>;
}
type LoadConfig = (options: { cwd: string; configPath?: string; processEnv: Record<string, string | undefined> }) => Loaded;

describe('examples/opsctl.example.yaml', () => {
  let loadConfig: LoadConfig;
  beforeAll(async () => {
    await ensureBuilt();
    ({ loadConfig } = (await import(pathToFileURL(path.join(DIST, 'config', 'load.js')).href)) as { loadConfig: LoadConfig });
  });

  it('loads and validates with every environment it defines and the target each one names', () => {
    const raw = YAML.parse(readFileSync(EXAMPLE, 'utf8')) as { app: string; environments: Record<string, { target: Record<string, unknown> }> };
    const loaded = loadConfig({ cwd: path.dirname(EXAMPLE), configPath: EXAMPLE, processEnv: {} });
    expect(loaded.app).toBe(raw.app);
    expect([...loaded.environments.keys()]).toEqual(Object.keys(raw.environments));
    for (const [name, env] of loaded.environments) {
      expect(Object.keys(env.target), name).toEqual(Object.keys(raw.environments[name]!.target));
    }
  });

  it('fills ${VAR} from the environment and OPSCTL_ENV with each environment name', () => {
    const url = 'postgres://app:s3cret@db.internal:5432/app';
    const loaded = loadConfig({ cwd: path.dirname(EXAMPLE), configPath: EXAMPLE, processEnv: { DATABASE_URL: url } });
    const production = loaded.environments.get('production')!;
    expect(production.databases.main!.url).toBe(url);
    for (const [name, env] of loaded.environments) {
      if (env.backup) expect(env.backup.dir, name).toBe(`backups/${name}`);
    }
  });

  it('doctor on the built CLI reports it valid with all its environments', async () => {
    const result = await runCli(['doctor', '--json', '-c', EXAMPLE], { cwd: REPO_ROOT, env: cleanEnv() });
    const data = JSON.parse(result.stdout) as { environments: string[]; checks: Array<{ name: string; status: string }> };
    expect(data.checks.find((c) => c.name === 'config')?.status).toBe('ok');
    expect(data.environments).toEqual(['production', 'staging', 'cluster']);
  });
});
