import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, isAlive, makeTempDir, REPO_ROOT, removeTempDirs, runCli, startCli, waitFor, writeConfig } from '../support/real-cli.js';
import { requireTool } from '../support/real-tools.js';

const STAND_INS = path.join(REPO_ROOT, 'test', 'support', 'stand-ins');
const PASSWORD = 'mongo-secret-k9x2';

describe.skipIf(!requireTool('posix-signals'))('a mongo backup killed with SIGKILL: the next run removes its password file (mongo stand-in)', () => {
  beforeAll(ensureBuilt, 120_000);
  afterAll(removeTempDirs);

  it('kill -9 mid-dump strands the 0600 config.yaml; the next backup removes its folder and says so', async () => {
    const dir = makeTempDir('backup-mongo-kill');
    const data = path.join(dir, 'mongo-data');
    const log = path.join(dir, 'mongo.log');
    // Its own temp folder: another test's mongo run would otherwise sweep the stranded file first.
    const tmp = path.join(dir, 'tmp');
    mkdirSync(tmp);
    mkdirSync(data);
    writeFileSync(path.join(data, 'fetms.json'), JSON.stringify({ users: [{ _id: 1, name: 'ann' }] }));
    writeConfig(dir, {
      version: 1,
      app: 'fetms',
      environments: { production: { target: { pm2: { name: 'fetms', script: 'app.js' } }, databases: { content: { type: 'mongo', url: '${MONGO_URL}' } }, backup: { databases: ['content'] } } },
    });
    const env = (extra: Record<string, string> = {}) =>
      cleanEnv({ PATH: `${STAND_INS}${path.delimiter}${process.env.PATH}`, MONGO_URL: `mongodb://app:${PASSWORD}@127.0.0.1:27017/fetms`, MONGO_STANDIN_DATA: data, MONGO_STANDIN_PASSWORD: PASSWORD, MONGO_STANDIN_LOG: log, TMPDIR: tmp, ...extra });

    const child = startCli(['backup', '-e', 'production'], { cwd: dir, env: env({ MONGO_STANDIN_SLOW_MS: '20000' }) });
    await waitFor('mongodump to start', () => existsSync(log) && readFileSync(log, 'utf8').includes('"--archive"'), 30_000, 50);
    const dump = JSON.parse(readFileSync(log, 'utf8').trim().split('\n').at(-1)!);
    const configFile: string = dump.argv[1].replace('--config=', '');
    expect(path.dirname(path.dirname(configFile))).toBe(tmp);
    process.kill(child.pid!, 'SIGKILL');
    await child;
    process.kill(dump.pid, 'SIGKILL');
    await waitFor('the orphaned mongodump to end', () => !isAlive(dump.pid), 10_000, 50);
    expect(readFileSync(configFile, 'utf8')).toContain(PASSWORD);

    const again = await runCli(['backup', '-e', 'production'], { cwd: dir, env: env() });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain(`removed ${path.dirname(configFile)}: a password file left by a mongo run that did not finish`);
    expect(existsSync(path.dirname(configFile))).toBe(false);
    expect(again.stderr).not.toContain(PASSWORD);
  }, 90_000);
});
