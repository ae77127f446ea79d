import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, pathWithout, removeTempDirs, runCli, uniqueSuffix, writeConfig } from '../support/real-cli.js';
import { daemonPid, killPm2, pathWithPm2, pm2, startClusterApp, writeServerScript, type Pm2Process } from '../support/real-pm2.js';
import { requireTool } from '../support/real-tools.js';

const available = requireTool('pm2');

describe.skipIf(!available)('status against a real pm2 daemon (own PM2_HOME)', () => {
  const name = `opsctl-real-${uniqueSuffix()}`;
  let dir: string;
  let home: string;
  let started: Pm2Process[] = [];
  let startedBefore: number;

  const env = (pm2Home: string) => cleanEnv({ PM2_HOME: pm2Home, PATH: pathWithPm2() });

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('pm2');
    home = path.join(dir, 'pm2-home');
    const script = writeServerScript(dir);
    writeConfig(dir, { version: 1, app: 'realpm2', environments: { local: { target: { pm2: { name, script, instances: 2 } } } } });
    startedBefore = Date.now();
    started = await startClusterApp(home, name, script, 2);
  });

  afterAll(async () => {
    if (home) await killPm2(home, started.map((p) => p.pid));
    removeTempDirs();
  });

  it('--json shows both cluster instances online with pid, restarts, cpu, memory and uptime', async () => {
    const result = await runCli(['status', '--json'], { cwd: dir, env: env(home) });
    expect(result.exitCode, result.stderr).toBe(0);
    const data = parseJson(result.stdout);
    expect(data.target).toMatchObject({ kind: 'pm2', name, desired: 2, notes: [expect.stringContaining('logs without timestamps')] });
    const instances = [...data.target.instances].sort((a, b) => a.name.localeCompare(b.name));
    const expected = [...started].sort((a, b) => a.pm_id - b.pm_id);
    expect(instances.map((i: { name: string }) => i.name)).toEqual(expected.map((p) => `${name}#${p.pm_id}`));
    expect(instances.map((i: { id: string }) => i.id)).toEqual(expected.map((p) => String(p.pid)));
    const elapsed = Date.now() - startedBefore;
    for (const instance of instances) {
      expect(instance.state).toBe('online');
      expect(instance.restarts).toBe(0);
      // Started by hand: no switch recorded counts to start from, so the count is pm2's lifetime one, said so.
      expect(instance.restartsSince).toBe('lifetime');
      expect(instance.cpuPercent).toBeGreaterThanOrEqual(0);
      // A node process holds at least a few MB of resident memory.
      expect(instance.memoryBytes).toBeGreaterThan(5 * 1024 * 1024);
      expect(instance.uptimeMs).toBeGreaterThanOrEqual(0);
      expect(instance.uptimeMs).toBeLessThanOrEqual(elapsed + 1000);
    }
  });

  it("reads the list from the daemon's socket: the same instances with no pm2 on PATH", async () => {
    const result = await runCli(['status', '--json'], { cwd: dir, env: cleanEnv({ PM2_HOME: home, PATH: pathWithout(['pm2'], ['git']) }) });
    expect(result.exitCode, result.stderr).toBe(0);
    const instances = parseJson(result.stdout).target.instances as Array<{ id: string; state: string }>;
    expect(instances.map((i) => i.id).sort()).toEqual(started.map((p) => String(p.pid)).sort());
    expect(instances.map((i) => i.state)).toEqual(['online', 'online']);
  });

  it('the human table (NO_COLOR) names both instances as online and counts 2/2 running', async () => {
    const result = await runCli(['status'], { cwd: dir, env: env(home) });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`pm2 ${name}: 2/2 running`));
    for (const p of started) {
      const row = result.stdout.split('\n').find((line) => line.includes(`${name}#${p.pm_id}`));
      expect(row, result.stdout).toBeDefined();
      expect(row).toContain('online');
    }
    // NO_COLOR=1: no ANSI escape codes.
    expect(result.stdout).not.toMatch(/\u001b\[/);
  });

  it('says the daemon is not running, exits 0 and starts no daemon when PM2_HOME has none', async () => {
    const emptyHome = makeTempDir('pm2-empty');
    // A pid file left by a crashed daemon: the pid is gone.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(path.join(emptyHome, 'pm2.pid'), String(dead));
    for (const args of [['status', '--json'], ['status']]) {
      const result = await runCli(args, { cwd: dir, env: env(emptyHome) });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toContain('pm2 daemon is not running');
    }
    const json = parseJson((await runCli(['status', '--json'], { cwd: dir, env: env(emptyHome) })).stdout);
    expect(json.target.instances).toEqual([]);
    // pm2 would have written its pid file, sockets and logs: the folder holds only the stale pid file.
    expect(readdirSync(emptyHome)).toEqual(['pm2.pid']);
    expect(daemonPid(emptyHome)).toBe(dead);
  });

  it('counts restarts after pm2 restarts the app', async () => {
    await pm2(home, ['restart', name]);
    const result = await runCli(['status', '--json'], { cwd: dir, env: env(home) });
    expect(result.exitCode, result.stderr).toBe(0);
    const instances = parseJson(result.stdout).target.instances as Array<{ restarts: number; id: string }>;
    expect(instances).toHaveLength(2);
    for (const instance of instances) expect(instance.restarts).toBe(1);
    // New processes after the restart: remember them so afterAll can end them if pm2 kill does not.
    started = started.concat(instances.map((i) => ({ pid: Number(i.id) }) as Pm2Process));
    expect(instances.map((i) => Number(i.id)).sort()).not.toEqual(started.slice(0, 2).map((p) => p.pid).sort());
  });
});
