// Issue 13 item 3 as reported: a journal line torn after a backup hid the next deploy, so status named
// the old release and rollback found nothing to go back to. The built CLI, a real pm2 daemon (its own
// PM2_HOME) and a real git repository.
import { statSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, uniqueSuffix, writeConfig } from '../support/real-cli.js';
import { freePort, getOnce, jlist, killPm2, makeReleaseRepo, pathWithPm2, type ReleaseRepo } from '../support/real-pm2.js';
import { requireTools } from '../support/real-tools.js';

const available = requireTools('pm2', 'git');

describe.skipIf(!available)('a torn journal line does not hide the deploy after it (built CLI, real pm2, real git)', () => {
  const name = `opsctl-torn-${uniqueSuffix()}`;
  let dir: string;
  let home: string;
  let app: string;
  let port: number;
  let repo: ReleaseRepo;

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('journal-torn-deploy');
    home = path.join(dir, 'pm2-home');
    [repo, port] = await Promise.all([makeReleaseRepo(path.join(dir, 'repo'), `${name}-eco`), freePort()]);
    app = path.join(repo.repo, 'app');
    writeConfig(app, {
      version: 1,
      app: 'torn',
      environments: {
        prod: {
          stateDir: path.join(dir, 'state'),
          source: { repo: '..', ref: 'main' },
          target: { pm2: { name, script: 'server.cjs', instances: 1, env: { PORT: String(port) } } },
          deploy: { gate: { passes: 2, interval: '500ms', settle: '1s', timeout: '20s' } },
          health: { endpoints: [{ name: 'web', url: `http://127.0.0.1:${port}/` }] },
          backup: { dir: path.join(dir, 'backups'), files: ['VERSION'] },
        },
      },
    });
  }, 120_000);

  afterAll(async () => {
    if (home) await killPm2(home, (await jlist(home).catch(() => [])).map((p) => p.pid).filter((pid) => pid > 0));
    removeTempDirs();
  });

  const cli = (...args: string[]) => runCli([...args, '-e', 'prod'], { cwd: app, env: cleanEnv({ PM2_HOME: home, PATH: pathWithPm2() }), timeoutMs: 120_000 });
  const served = async () => (await getOnce(port)).version;

  it('deploy v1, backup, cut 30 bytes, deploy --ref HEAD~1: history has it, status names it, rollback goes back to v1', async () => {
    const [v1, v2] = repo.shas as [string, string, string];
    const journal = path.join(dir, 'state', 'history.jsonl');
    const first = await cli('deploy', '--ref', 'HEAD~2', '--json');
    expect(first.exitCode, first.stderr).toBe(0);
    expect((await cli('backup')).exitCode).toBe(0);
    truncateSync(journal, statSync(journal).size - 30);

    const second = await cli('deploy', '--ref', 'HEAD~1', '--json');
    expect(second.exitCode, second.stderr).toBe(0);
    expect(parseJson(second.stdout)).toMatchObject({ outcome: 'deployed', previous: v1, running: v2 });
    expect(second.stderr.split('\n').filter((l) => l.includes(`${journal}: line`))).toEqual([expect.stringContaining(`${journal}: line 2 is not a complete history entry`)]);
    expect(await served()).toBe('v2');

    const history = parseJson((await cli('history', '--json')).stdout);
    expect(history.entries.map((e: { type: string; details: { release?: string } }) => `${e.type} ${e.details.release}`)).toEqual([`deploy ${v2}`, `deploy ${v1}`]);
    expect(parseJson((await cli('status', '--json')).stdout).deployed).toMatchObject({ sha: v2 });

    const back = await cli('rollback', '--json');
    expect(back.exitCode, back.stderr).toBe(0);
    expect(parseJson(back.stdout)).toMatchObject({ operation: 'rollback', running: v1 });
    expect(await served()).toBe('v1');
  }, 240_000);
});
