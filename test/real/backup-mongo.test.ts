import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, REPO_ROOT, removeTempDirs, runCli, writeConfig } from '../support/real-cli.js';
import { probeCommand, requireTool } from '../support/real-tools.js';

const STAND_INS = path.join(REPO_ROOT, 'test', 'support', 'stand-ins');
const PASSWORD = 'mongo-secret-7f3a';

describe.skipIf(!requireTool('posix-signals'))('backup and restore of MongoDB through the mongodump/mongorestore STAND-INS (mongo stand-in)', () => {
  let dir: string;
  let data: string;
  let log: string;

  beforeAll(ensureBuilt, 120_000);
  afterAll(removeTempDirs);

  function app(url = `mongodb://app:${PASSWORD}@127.0.0.1:27017/fetms?authSource=admin`, backupExtra: Record<string, unknown> = {}) {
    dir = makeTempDir('backup-mongo');
    data = path.join(dir, 'mongo-data');
    log = path.join(dir, 'mongo.log');
    mkdirSync(data);
    writeFileSync(path.join(data, 'fetms.json'), JSON.stringify({ users: [{ _id: 1, name: 'ann' }, { _id: 2, name: 'bob' }] }));
    writeConfig(dir, {
      version: 1,
      app: 'fetms',
      environments: {
        production: {
          target: { pm2: { name: 'fetms', script: 'app.js' } },
          databases: { content: { type: 'mongo', url: '${MONGO_URL}' } },
          backup: { databases: ['content'], ...backupExtra },
        },
      },
    });
    return cleanEnv({ PATH: `${STAND_INS}${path.delimiter}${process.env.PATH}`, MONGO_URL: url, MONGO_STANDIN_DATA: data, MONGO_STANDIN_PASSWORD: PASSWORD, MONGO_STANDIN_LOG: log });
  }

  it('dumps with --archive --gzip, the password only in a 0600 --config file that is gone afterwards', async () => {
    const env = app();
    const run = await runCli(['backup', '-e', 'production', '--json'], { cwd: dir, env });
    expect(run.exitCode, run.stderr).toBe(0);
    const set = parseJson(run.stdout).set;
    expect(set.manifest.parts[0]).toMatchObject({ name: 'content', kind: 'mongo', file: 'content.archive.gz', tool: 'mongodump 100.9.4', source: 'mongodb://app@127.0.0.1:27017/fetms?authSource=admin' });
    const calls = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const dump = calls.find((c) => c.tool === 'mongodump' && c.argv[0] !== '--version');
    expect(dump.configMode).toBe('600');
    expect(dump.argv.slice(0, 1)).toEqual(['--uri=mongodb://app@127.0.0.1:27017/fetms?authSource=admin']);
    expect(dump.argv.slice(2)).toEqual(['--archive', '--gzip']);
    const configFile = dump.argv[1].replace('--config=', '');
    expect(existsSync(configFile)).toBe(false);
    const manifest = readFileSync(path.join(set.dir, 'manifest.json'), 'utf8');
    for (const text of [run.stdout, run.stderr, manifest, readFileSync(log, 'utf8'), readFileSync(path.join(dir, '.opsctl', 'history.jsonl'), 'utf8')]) {
      expect(text).not.toContain(PASSWORD);
    }
  });

  it('a wrong password is the tool\'s authentication error, exit 1, no set', async () => {
    const env = app(`mongodb://app:not-the-password@127.0.0.1:27017/fetms`);
    const run = await runCli(['backup', '-e', 'production'], { cwd: dir, env });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/mongodump .* failed with exit code 1/);
    expect(run.stderr).toContain('Authentication failed');
    expect(run.stderr).not.toContain('not-the-password');
    expect(readdirSync(path.join(dir, 'backups'))).toEqual([]);
  });

  it('restores with mongorestore --drop --archive --gzip after a safety backup', async () => {
    const env = app();
    const first = parseJson((await runCli(['backup', '-e', 'production', '--json'], { cwd: dir, env })).stdout).set;
    writeFileSync(path.join(data, 'fetms.json'), JSON.stringify({ users: [] }));
    const restore = await runCli(['restore', first.id, '-e', 'production', '--yes', '--json'], { cwd: dir, env });
    expect(restore.exitCode, restore.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(data, 'fetms.json'), 'utf8')).users).toHaveLength(2);
    const result = parseJson(restore.stdout);
    expect(result.safetySet).toMatch(/^\d{8}T\d{6}Z/);
    const calls = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const restored = calls.find((c) => c.tool === 'mongorestore');
    expect(restored.configMode).toBe('600');
    expect(restored.argv).toEqual(expect.arrayContaining(['--drop', '--gzip', `--archive=${path.join(first.dir, 'content.archive.gz')}`]));
    expect(restore.stderr + restore.stdout).not.toContain(PASSWORD);
  });

  it.skipIf(!requireTool('age', () => probeCommand('age', ['--version']).problem))('an encrypted set is decrypted by real age straight into mongorestore --archive on stdin (mongo stand-in)', async () => {
    const keys = makeTempDir('mongo-age');
    const key = path.join(keys, 'key.txt');
    await execa('age-keygen', ['-o', key]);
    const recipient = (await execa('age-keygen', ['-y', key])).stdout.trim();
    const env = app(undefined, { encrypt: { recipients: [recipient] } });
    const first = parseJson((await runCli(['backup', '-e', 'production', '--json'], { cwd: dir, env })).stdout).set;
    expect(first.manifest.parts[0].file).toBe('content.archive.gz.age');
    writeFileSync(path.join(data, 'fetms.json'), JSON.stringify({ users: [] }));
    const restore = await runCli(['restore', first.id, '-e', 'production', '--yes', '--identity', key], { cwd: dir, env });
    expect(restore.exitCode, restore.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(data, 'fetms.json'), 'utf8')).users).toHaveLength(2);
    const calls = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const restored = calls.find((c) => c.tool === 'mongorestore');
    expect(restored.argv).toEqual(expect.arrayContaining(['--drop', '--gzip', '--archive']));
    expect(readdirSync(first.dir).filter((name: string) => name.includes('archive'))).toEqual(['content.archive.gz.age']);
  });
});
