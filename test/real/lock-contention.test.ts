import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST, ensureBuilt, makeTempDir, removeTempDirs } from '../support/real-cli.js';

// Real processes racing for one stale lock through the built module: exactly one may win; every
// other one must see the winner's lock as held (exit 4) and not delete it. The winner holds the lock
// until every other racer has given up (or 30 s), so a racer that starts late on a loaded machine
// meets the held lock instead of taking a lock that was already released, which would be correct.
const RACER = `
  const { acquireLock } = await import(process.argv[1]);
  const { appendFileSync, existsSync, readFileSync } = await import('node:fs');
  const dir = process.argv[2];
  const losers = () => (existsSync(dir + '/losers') ? readFileSync(dir + '/losers', 'utf8').trim().split('\\n').length : 0);
  try {
    const lock = await acquireLock(dir, 'prod', 'race');
    appendFileSync(dir + '/winners', process.pid + '\\n');
    const deadline = Date.now() + 30000;
    while (losers() < 11 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await lock.release();
  } catch (error) {
    if (error.exitCode !== 4) { console.error(error); process.exit(9); }
    appendFileSync(dir + '/losers', process.pid + '\\n');
  }`;

describe('lock reclaiming under contention (real processes)', () => {
  beforeAll(ensureBuilt, 120_000);
  afterAll(removeTempDirs);

  it("lets exactly one of twelve processes take a dead holder's lock, round after round", async () => {
    const lockModule = pathToFileURL(path.join(DIST, 'history', 'lock.js')).href;
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
    for (let round = 0; round < 5; round += 1) {
      const dir = makeTempDir('lock-race');
      mkdirSync(path.join(dir, 'locks'));
      const stale = { environment: 'prod', pid: deadPid, host: os.hostname(), user: 'gone', command: 'deploy', startedAt: '2026-01-01T00:00:00.000Z' };
      writeFileSync(path.join(dir, 'locks', 'prod.lock'), JSON.stringify(stale));
      const racers = Array.from({ length: 12 }, () => execa(process.execPath, ['--input-type=module', '-e', RACER, lockModule, dir], { reject: false }));
      const results = await Promise.all(racers);
      expect(results.map((r) => r.exitCode), results.map((r) => r.stderr).join('\n')).toEqual(Array(12).fill(0));
      expect(readFileSync(path.join(dir, 'winners'), 'utf8').trim().split('\n')).toHaveLength(1);
      expect(readFileSync(path.join(dir, 'losers'), 'utf8').trim().split('\n')).toHaveLength(11);
      expect(existsSync(path.join(dir, 'locks', 'prod.lock'))).toBe(false);
    }
  }, 180_000);
});
