import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConnectionUrl } from '../../../src/databases/connection.js';
import { mongo as adapter, mongodumpCommand, mongorestoreCommand, writeMongoSecret } from '../../../src/databases/mongo.js';
import { tempDir } from '../helpers.js';
import { expectNotInArgv, probeWith } from './probe-helpers.js';

const probeOf = probeWith(adapter, 'content');
const mongo = parseConnectionUrl('mongodb://app:m0ngo-pw@m1:27017/fetms?authSource=admin', 'k', ['mongodb:']);

describe('mongo command builders', () => {
  it('mongodump and mongorestore: --uri without password, --config for it', () => {
    expect(mongodumpCommand(mongo, '/tmp/x/config.yaml').args).toEqual(['--uri=mongodb://app@m1:27017/fetms?authSource=admin', '--config=/tmp/x/config.yaml', '--archive', '--gzip']);
    expect(mongorestoreCommand(mongo, undefined, '/b/c.archive.gz', 'prod').args).toEqual([
      '--uri=mongodb://app@m1:27017/fetms?authSource=admin', '--drop', '--archive=/b/c.archive.gz', '--gzip', '--nsFrom=prod.*', '--nsTo=fetms.*',
    ]);
  });
});

describe('mongo adapter: the health probe (mongosh)', () => {
  const url = 'mongodb://admin:M0ngo%40pw@mongo-1:27017,mongo-2:27017/content?replicaSet=rs0&authSource=admin';

  it('no URI in argv: mongosh --nodb runs a script that connects to OPSCTL_MONGO_URI from its environment', () => {
    const probe = probeOf('mongodb://admin:M0ngo%40pw@mongo:27017/content', 5000);
    expect(probe.command.file).toBe('mongosh');
    expect(probe.command.args.slice(0, 4)).toEqual(['--nodb', '--quiet', '--norc', '--eval']);
    expect(probe.command.args).toHaveLength(5);
    expect(probe.command.args[4]).toContain('connect(process.env.OPSCTL_MONGO_URI)');
    expect(probe.command.env).toEqual({ OPSCTL_MONGO_URI: 'mongodb://admin:M0ngo%40pw@mongo:27017/content' });
    expect(probe.command.readOnly).toBe(true);
    expect(probe.target).toBe('mongodb://admin@mongo:27017/content');
    expectNotInArgv(probe, 'M0ngo', 'mongo:27017');
    expect(probe.target).not.toContain('M0ngo');
  });

  // src bug: src/databases/connection.ts parses with new URL(), which rejects a mongodb:// seed list
  // (host1:27017,host2:27017), the usual replica-set URI: health-check exits 2 "databases.<name>.url:
  // not a URL." for a valid connection string. Flip to it() once fixed.
  it('a replica-set URI with a seed list is accepted and passed on as it is', () => {
    const probe = probeOf(url, 5000);
    expect(probe.command.env).toEqual({ OPSCTL_MONGO_URI: url });
    expect(probe.target).toBe('mongodb://admin@mongo-1:27017,mongo-2:27017/content?replicaSet=rs0&authSource=admin');
  });

  it('mongodb+srv:// is accepted, the URI passed on as it is', () => {
    const srv = probeOf('mongodb+srv://admin:Zx9q@cluster0.abcd.mongodb.net/content', 5000);
    expect(srv.target).toBe('mongodb+srv://admin@cluster0.abcd.mongodb.net/content');
    expect(srv.command.env).toEqual({ OPSCTL_MONGO_URI: 'mongodb+srv://admin:Zx9q@cluster0.abcd.mongodb.net/content' });
    expectNotInArgv(srv, 'Zx9q');
  });

  it('reads the last line of output as the ping answer', () => {
    const probe = probeOf('mongodb://mongo/content', 5000);
    expect(probe.read('Warning: something\n{"ok":1,"version":"7.0.12"}\n', '')).toEqual({ ok: true, version: '7.0.12' });
    expect(probe.read('{"ok":1}\n', '')).toEqual({ ok: true });
    expect(probe.read('{"ok":0}', '')).toEqual({ ok: false, reason: 'ping answered {"ok":0}' });
    expect(probe.read('MongoshInvalidInputError: nope', '')).toEqual({ ok: false, reason: 'unexpected answer from mongosh: MongoshInvalidInputError: nope' });
  });
});

describe('mongo password file', () => {
  const host = os.hostname().replace(/[^\w.-]/g, '_');

  it('is a 0600 file in a folder naming its pid and host, gone after remove()', () => {
    const root = tempDir();
    const secret = writeMongoSecret(mongo, root);
    expect(path.basename(path.dirname(secret.file!))).toMatch(new RegExp(`^opsctl-mongo-[0-9a-f]{12}-${process.pid}@${host.replace(/\./g, '\\.')}$`));
    expect(readFileSync(secret.file!, 'utf8')).toBe('password: "m0ngo-pw"\n');
    if (process.platform !== 'win32') expect(statSync(secret.file!).mode & 0o777).toBe(0o600);
    secret.remove();
    expect(readdirSync(root)).toEqual([]);
  });

  it("removes first the folders a killed run left: this host's, whose pid is gone; never a live run's, another host's or an older unlabelled one", () => {
    const root = tempDir();
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const names = {
      dead: `opsctl-mongo-aaaaaaaaaaaa-${dead}@${host}`,
      live: `opsctl-mongo-bbbbbbbbbbbb-${process.ppid}@${host}`,
      otherHost: `opsctl-mongo-cccccccccccc-${dead}@${host}-elsewhere`,
      unlabelled: 'opsctl-mongo-Xy12Ab',
    };
    for (const name of Object.values(names)) {
      mkdirSync(path.join(root, name));
      writeFileSync(path.join(root, name, 'config.yaml'), 'password: "left-behind"\n', { mode: 0o600 });
    }
    const secret = writeMongoSecret(mongo, root);
    expect(secret.swept).toEqual([path.join(root, names.dead)]);
    expect(readdirSync(root).sort()).toEqual([names.live, names.otherHost, names.unlabelled, path.basename(path.dirname(secret.file!))].sort());
    secret.remove();
  });

  it('no password: no file, nothing swept', () => {
    expect(writeMongoSecret(parseConnectionUrl('mongodb://m1/x', 'k', ['mongodb:']), tempDir())).toMatchObject({ file: undefined, swept: [] });
  });
});
