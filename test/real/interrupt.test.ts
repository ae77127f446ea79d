// Ctrl-C and --timeout stop the running child. The child is a stand-in `docker` on PATH that only
// records its pid and sleeps 30 s, so the test knows which process must be gone afterwards.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, isAlive, makeTempDir, parseJson, removeTempDirs, runCli, startCli, waitFor, writeConfig } from '../support/real-cli.js';
import { requireTools } from '../support/real-tools.js';

const available = requireTools('posix-signals', 'git');

describe.skipIf(!available)('interrupting a command stops its child (stand-in docker that sleeps 30 s)', () => {
  let dir: string;
  let pidFile: string;
  let env: Record<string, string | undefined>;
  const seen: number[] = [];

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('interrupt');
    const bin = makeTempDir('fake-bin');
    pidFile = path.join(dir, 'docker.pids');
    const fake = path.join(bin, 'docker');
    writeFileSync(
      fake,
      [`#!${process.execPath}`, "require('node:fs').appendFileSync(process.env.FAKE_DOCKER_PIDS, process.pid + '\\n');", 'setTimeout(() => {}, 30_000);', ''].join('\n'),
    );
    chmodSync(fake, 0o755);
    writeConfig(dir, { version: 1, app: 'realint', environments: { staging: { target: { compose: { service: 'app' } } } } });
    env = cleanEnv({ PATH: [bin, process.env.PATH].join(path.delimiter), FAKE_DOCKER_PIDS: pidFile });
  });

  afterAll(() => {
    for (const pid of seen) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    removeTempDirs();
  });

  // The child sleeps 30 s: finishing well before that shows opsctl stopped it rather than waited for it.
  // A tighter bound would only measure how busy the machine is (it flaked at 5.1 s under a load of 25).
  const CHILD_SLEEP_MS = 30_000;

  function fakePids(): number[] {
    try {
      return readFileSync(pidFile, 'utf8').split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  }

  async function expectChildrenGone(): Promise<void> {
    const pids = fakePids();
    seen.push(...pids);
    expect(pids.length).toBeGreaterThan(0);
    await waitFor('the stand-in docker to be stopped', () => pids.every((pid) => !isAlive(pid)), 10_000, 50);
  }

  it('SIGINT exits 130 within seconds, with one JSON error, and the child is killed', async () => {
    writeFileSync(pidFile, '');
    const cli = startCli(['status', '--json'], { cwd: dir, env });
    await waitFor('the stand-in docker to start', () => fakePids().length > 0, 15_000, 50);
    const sentAt = Date.now();
    cli.kill('SIGINT');
    const result = await cli;
    expect(result.exitCode).toBe(130);
    expect(Date.now() - sentAt).toBeLessThan(CHILD_SLEEP_MS / 2);
    expect(parseJson(String(result.stdout))).toMatchObject({ error: { code: 'interrupted', exitCode: 130 } });
    expect(String(result.stderr)).toContain('Interrupted');
    await expectChildrenGone();
  });

  it('--timeout 1s exits 1 quickly with "Timed out", and the child is killed', async () => {
    writeFileSync(pidFile, '');
    const result = await runCli(['status', '--timeout', '1s'], { cwd: dir, env });
    expect(result.exitCode).toBe(1);
    expect(result.durationMs).toBeLessThan(CHILD_SLEEP_MS / 2);
    expect(result.stderr).toContain('Timed out after 1s');
    await expectChildrenGone();
  });
});
