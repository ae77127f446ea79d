/**
 * `opsctl deploy` and `opsctl rollback` of apps with no shutdown code under keep-alive load (issue 14 part 1):
 * the real CLI, a real pm2 daemon (own PM2_HOME), a real git repo; opsctl adds its drain preload to the app.
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, uniqueSuffix, writeConfig } from '../support/real-cli.js';
import { failedCount, makeDrainRepo, startKeepAliveLoad, type DrainAppFile } from '../support/drain-apps.js';
import { freePort, jlist, killPm2, pathWithPm2 } from '../support/real-pm2.js';
import { requireTools } from '../support/real-tools.js';

const available = requireTools('pm2', 'git');

describe.skipIf(!available)('pm2 deploy and rollback with the drain preload: 0 failed keep-alive requests', () => {
  const base = `opsctl-drain-${uniqueSuffix()}`;
  let dir: string;
  let app: string;
  let home: string;
  let shas: string[];
  const environments: Record<string, unknown> = {};
  const ports: Record<string, number> = {};

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('deploy-pm2-drain');
    home = path.join(dir, 'pm2-home');
    shas = makeDrainRepo(path.join(dir, 'repo'));
    app = path.join(dir, 'repo', 'app');
  }, 120_000);

  afterAll(async () => {
    if (home) await killPm2(home, (await jlist(home).catch(() => [])).map((p) => p.pid).filter((pid) => pid > 0));
    removeTempDirs();
  });

  /** One environment per case in opsctl.yaml (not committed): its own pm2 app and port. */
  async function environment(name: string, script: DrainAppFile, drain?: { enabled: boolean }) {
    ports[name] ??= await freePort();
    environments[name] = {
      stateDir: path.join(dir, 'state'),
      source: { repo: '..', ref: 'main' },
      target: { pm2: { name: `${base}-${name}`, script, instances: 2, env: { PORT: String(ports[name]) }, ...(drain ? { drain } : {}) } },
      deploy: { gate: { passes: 2, interval: '500ms', timeout: '60s', settle: '2s' } },
      health: { endpoints: [{ name: 'web', url: `http://127.0.0.1:${ports[name]}/` }] },
    };
    writeConfig(app, YAML.stringify({ version: 1, app: 'drain', environments }));
    return ports[name]!;
  }

  const opsctl = async (env: string, ...args: string[]) => {
    const result = await runCli([...args, '-e', env, '--json'], { cwd: app, env: cleanEnv({ PM2_HOME: home, PATH: pathWithPm2() }), timeoutMs: 150_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    return parseJson(result.stdout);
  };

  /** What the running instances say node started them with (process.execArgv): both pids of the cluster, a connection per request. */
  async function argvOf(env: string): Promise<string[]> {
    const seen = new Map<string, string>();
    for (let i = 0; i < 40 && seen.size < 2; i += 1) {
      const [, pid, argv] = /^\S+ (\d+) (.*)$/.exec(await getText(ports[env]!))!;
      seen.set(pid!, argv!);
    }
    expect(seen.size).toBe(2);
    return [...seen.values()];
  }

  const getText = (port: number) =>
    new Promise<string>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, agent: false }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });

  async function deployAndRollBackUnderLoad(env: string, port: number) {
    await opsctl(env, 'deploy', '--ref', shas[0]!);
    const load = startKeepAliveLoad(port);
    await opsctl(env, 'deploy', '--ref', shas[1]!);
    const deployed = await load.stop();
    const back = startKeepAliveLoad(port);
    await opsctl(env, 'rollback');
    const rolledBack = await back.stop();
    return { deployed, rolledBack };
  }

  // plain: no signal handling; esm: the same as an ES module; own: its own SIGINT handler (server.close, then exit).
  it.each([
    ['plain', 'plain.cjs'],
    ['esm', 'esm.mjs'],
    ['own', 'own.cjs'],
  ] as const)('%s: deploy and rollback of %s lose no request of 4 keep-alive clients', async (env, script) => {
    const port = await environment(env, script);
    const { deployed, rolledBack } = await deployAndRollBackUnderLoad(env, port);
    expect(deployed.requests).toBeGreaterThan(50);
    expect(deployed.failures).toEqual({});
    expect([...deployed.bodies]).toContain('v2');
    expect(rolledBack.requests).toBeGreaterThan(50);
    expect(rolledBack.failures).toEqual({});
    expect([...rolledBack.bodies]).toContain('v1');
    for (const argv of await argvOf(env)) expect(argv).toContain(path.join(dir, 'state', 'releases', env, 'opsctl-drain.cjs'));
    expect(failedCount(deployed) + failedCount(rolledBack)).toBe(0);
  }, 400_000);

  it('drain.enabled: false loads no preload; turning it on reloads the app with it; off again starts the app afresh without it', async () => {
    const preload = path.join(dir, 'state', 'releases', 'off', 'opsctl-drain.cjs');
    await environment('off', 'plain.cjs', { enabled: false });
    await opsctl('off', 'deploy', '--ref', shas[0]!);
    for (const argv of await argvOf('off')) expect(argv).not.toContain('opsctl-drain');
    expect(existsSync(preload)).toBe(false);

    await environment('off', 'plain.cjs', { enabled: true });
    await opsctl('off', 'deploy', '--ref', shas[1]!);
    for (const argv of await argvOf('off')) expect(argv).toContain(preload);

    await environment('off', 'plain.cjs', { enabled: false });
    await opsctl('off', 'deploy', '--ref', shas[0]!, '--force');
    for (const argv of await argvOf('off')) expect(argv).not.toContain('opsctl-drain');
  }, 400_000);
});
