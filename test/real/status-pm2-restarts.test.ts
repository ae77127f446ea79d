// Issue 14 part 3: status's pm2 restarts count since the current release, not over pm2's lifetime
// (39 restarts shown on a healthy release 48 s old). Built CLI, real pm2 (own PM2_HOME), real git repo.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, parseJson, removeTempDirs, runCli, uniqueSuffix, waitFor } from '../support/real-cli.js';
import { getOnce, jlist, killPm2, pathWithPm2 } from '../support/real-pm2.js';
import { pm2AppFixture } from '../support/pm2-script-repo.js';
import { PM2_BIN, requireTools } from '../support/real-tools.js';

const available = requireTools('pm2', 'git');

/** An ordinary app that exits (a crash pm2 restarts) after answering GET /crash. */
const server = (version: string) => `const http = require('node:http');
http.createServer((req, res) => {
  res.end(JSON.stringify({ version: '${version}', release: process.env.OPSCTL_RELEASE, pid: process.pid }));
  if (req.url === '/crash') setTimeout(() => process.exit(1), 20);
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

interface Restarts {
  pm2: number[];
  shown: number[];
  since: string[];
}

describe.skipIf(!available)("status counts pm2 restarts since the release's switch (built CLI, real pm2)", () => {
  const name = `opsctl-restarts-${uniqueSuffix()}`;
  let home: string;
  let app: string;
  let port: number;
  let shas: string[] = [];

  beforeAll(async () => {
    await ensureBuilt();
    ({ home, app, port, shas } = await pm2AppFixture('status-restarts', name, () => [server('v1'), server('v2')], { deploy: { gate: { passes: 2, interval: '500ms', settle: '2s', timeout: '60s' } } }));
  }, 120_000);

  afterAll(async () => {
    if (home) await killPm2(home, (await jlist(home).catch(() => [])).map((p) => p.pid).filter((pid) => pid > 0));
    removeTempDirs();
  });

  const cli = (...args: string[]) => runCli([...args, '-e', 'prod'], { cwd: app, env: cleanEnv({ PM2_HOME: home, PATH: pathWithPm2(), NO_COLOR: '1' }), timeoutMs: 300_000 });
  const sum = (counts: number[]) => counts.reduce((a, b) => a + b, 0);

  async function restarts(): Promise<Restarts> {
    const mine = (await jlist(home)).filter((p) => p.name === name).sort((a, b) => a.pm_id - b.pm_id);
    const status = parseJson((await cli('status', '--json')).stdout);
    const instances = [...status.target.instances].sort((a, b) => a.name.localeCompare(b.name));
    return {
      pm2: mine.map((p) => (p.pm2_env as { restart_time?: number }).restart_time ?? 0),
      shown: instances.map((i: { restarts: number }) => i.restarts),
      since: instances.map((i: { restartsSince: string }) => i.restartsSince),
    };
  }

  /** One crash: an instance answers /crash and exits; pm2 starts it again. Waits until both are back online. */
  const pm2Counts = async () => (await jlist(home)).filter((p) => p.name === name).map((p) => (p.pm2_env as { restart_time?: number }).restart_time ?? 0);

  async function crashOnce(): Promise<void> {
    const before = sum(await pm2Counts());
    await getOnce(port, '/crash');
    await waitFor('pm2 to restart the crashed instance', async () => {
      const mine = (await jlist(home)).filter((p) => p.name === name);
      const total = sum(mine.map((p) => (p.pm2_env as { restart_time?: number }).restart_time ?? 0));
      return total === before + 1 && mine.every((p) => p.pm2_env.status === 'online' && p.pid > 0);
    }, 30_000, 200);
  }

  it('3 crashes of v1 show as 3; v2 deployed after them shows 0, a crash of v2 shows 1, and opsctl restart adds none', async () => {
    const [v1, v2] = shas as [string, string];
    expect((await cli('deploy', '--ref', v1)).exitCode).toBe(0);
    for (let i = 0; i < 3; i += 1) await crashOnce();
    const onV1 = await restarts();
    expect(sum(onV1.shown)).toBe(3);
    expect(onV1.since).toEqual(['release', 'release']);

    const second = await cli('deploy', '--ref', v2);
    expect(second.exitCode, second.stderr).toBe(0);
    const fresh = await restarts();
    expect(fresh.shown).toEqual([0, 0]);
    // pm2's own count kept v1's crashes and added the reload: status would show it without the baseline.
    expect(sum(fresh.pm2)).toBeGreaterThanOrEqual(5);

    await crashOnce();
    expect(sum((await restarts()).shown)).toBe(1);

    // opsctl restart reloads each worker (pm2 adds 1 to each count): a restart on purpose is not a crash.
    const pidsBefore = (await jlist(home)).filter((p) => p.name === name).map((p) => p.pid);
    expect((await cli('restart')).exitCode).toBe(0);
    const pidsAfter = (await jlist(home)).filter((p) => p.name === name).map((p) => p.pid);
    expect(pidsAfter.some((pid) => pidsBefore.includes(pid))).toBe(false);
    const afterRestart = await restarts();
    expect(sum(afterRestart.shown)).toBe(1);
    expect(sum(afterRestart.pm2)).toBe(sum(fresh.pm2) + 1 + 2);
    expect((await getOnce(port)).release).toBe(v2);

    // The human table marks no count as lifetime.
    const human = await cli('status');
    expect(human.stdout).not.toContain('(lifetime)');
  }, 900_000);

  it('an app reloaded by hand onto another release gets its lifetime count, said so in --json and the table', async () => {
    // By hand: pm2 reload with another OPSCTL_RELEASE, which no opsctl switch recorded.
    await execa(process.execPath, [PM2_BIN, 'reload', name, '--update-env'], { env: cleanEnv({ PM2_HOME: home, OPSCTL_RELEASE: 'by-hand', PORT: String(port) }), extendEnv: false, stdin: 'ignore' });
    await waitFor('both instances to run the release set by hand', async () => {
      const mine = (await jlist(home)).filter((p) => p.name === name) as Array<{ pid: number; pm2_env: { status: string; env?: Record<string, string> } }>;
      return mine.length === 2 && mine.every((p) => p.pm2_env.status === 'online' && p.pid > 0 && p.pm2_env.env?.OPSCTL_RELEASE === 'by-hand');
    }, 60_000, 200);
    const byHand = await restarts();
    expect(byHand.since).toEqual(['lifetime', 'lifetime']);
    expect(byHand.shown).toEqual(byHand.pm2);
    expect((await getOnce(port)).release).toBe('by-hand');
    expect((await cli('status')).stdout).toContain("restarts: pm2's counts over the app's life (lifetime)");
  }, 300_000);
});
