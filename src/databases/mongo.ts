import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkGzip } from '../backup/gzip.js';
import { holderIsDead } from '../backup/sets.js';
import type { Context } from '../context.js';
import { command, type Command } from '../process/command.js';
import { registerCleanup } from '../process/cleanup.js';
import { parseVersion } from '../process/tools.js';
import type { DumpInput } from './types.js';
import type { Connection } from './connection.js';
import { mongoStats } from './mongo-stats.js';
import { parseWithSecrets } from './parse.js';
import type { DatabaseAdapter, DatabaseProbe } from './types.js';

const PROTOCOLS = ['mongodb:', 'mongodb+srv:'];

// mongosh reads the URI from its environment: a URI in argv would show its password to every `ps`.
const PING_SCRIPT =
  'const c = connect(process.env.OPSCTL_MONGO_URI); const r = c.runCommand({ ping: 1 }); print(JSON.stringify({ ok: r.ok, version: c.version() }));';

/** Shown in place of the password file under --dry-run, which writes nothing. */
const DRY_RUN_SECRET = '<temporary 0600 file>';

export const mongo: DatabaseAdapter = {
  kind: 'mongo',
  protocols: PROTOCOLS,
  dotenvKeys: [
    { variable: 'MONGO_URI', name: 'mongo' },
    { variable: 'MONGODB_URI', name: 'mongo' },
  ],
  tools: { backup: ['mongodump', 'mongorestore'], probe: ['mongosh'] },
  parse: (url, key) => parseWithSecrets(url, key, PROTOCOLS),
  stats: mongoStats,
  probe: (conn, url): DatabaseProbe => ({
    target: conn.safeUrl,
    command: command('mongosh', ['--nodb', '--quiet', '--norc', '--eval', PING_SCRIPT], { readOnly: true, env: { OPSCTL_MONGO_URI: url } }),
    read: readPing,
  }),
  backup: {
    fileName: (name) => `${name}.archive.gz`,
    byHand: {
      format: 'mongodump archive, gzip-compressed (mongodump --archive --gzip)',
      restore: (file) => [`mongorestore --drop --gzip --archive=${file} --uri "<database URL>"`],
    },
    prepare: async (ctx) => ({ tool: `mongodump ${parseVersion((await ctx.runner.run(mongodumpVersionCommand())).stdout) ?? 'unknown'}` }),
    dump: (ctx, conn, sink) => withSecret(ctx, conn, async (secret) => void (await ctx.runner.stream(mongodumpCommand(conn, secret), sink))),
    check: async (file, _runner, signal) => {
      await checkGzip(file, signal);
      return { checked: 'gzip stream whole' };
    },
    restore: (ctx, conn, dump, source) => withSecret(ctx, conn, async (secret) => void (await ctx.runner.run(mongorestoreCommand(conn, secret, dump, databaseOf(source))))),
  },
};

function readPing(stdout: string): { ok: true; version?: string } | { ok: false; reason: string } {
  const line = stdout.trim().split(/\r?\n/).pop() ?? '';
  try {
    const answer = JSON.parse(line) as { ok?: unknown; version?: unknown };
    if (Number(answer.ok) === 1) return { ok: true, ...(typeof answer.version === 'string' ? { version: answer.version } : {}) };
    return { ok: false, reason: `ping answered ${line}` };
  } catch {
    return { ok: false, reason: `unexpected answer from mongosh: ${line.slice(0, 80)}` };
  }
}

/** Runs `use` with the password file, removed afterwards; under --dry-run nothing is written, not even that file. */
async function withSecret(ctx: Context, conn: Connection, use: (secret: string | undefined) => Promise<void>): Promise<void> {
  if (ctx.dryRun) return use(conn.password ? DRY_RUN_SECRET : undefined);
  const secret = writeMongoSecret(conn);
  for (const gone of secret.swept) ctx.log.warn(`removed ${gone}: a password file left by a mongo run that did not finish`);
  try {
    await use(secret.file);
  } finally {
    secret.remove();
  }
}

/** A 0600 YAML file holding the password for --config, how to remove it, and the leftovers of killed runs removed first. */
export interface MongoSecretFile {
  file: string | undefined;
  remove(): void;
  swept: string[];
}

const SECRET_PREFIX = 'opsctl-mongo-';

/**
 * mongodump and mongorestore read `password:` from --config: a password in --uri or --password
 * would show in `ps`. The file is removed after the run, and by the exit cleanups on a second Ctrl-C.
 * A kill -9 skips both, so its folder is named `opsctl-mongo-<random>-<pid>@<host>` and the next run
 * removes the folders of this host whose pid is gone.
 */
export function writeMongoSecret(conn: Connection, root = os.tmpdir()): MongoSecretFile {
  if (!conn.password) return { file: undefined, remove: () => undefined, swept: [] };
  const swept = sweepSecrets(root);
  const dir = path.join(root, `${SECRET_PREFIX}${randomBytes(6).toString('hex')}-${process.pid}@${os.hostname().replace(/[^\w.-]/g, '_')}`);
  mkdirSync(dir, { mode: 0o700 });
  const file = path.join(dir, 'config.yaml');
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const unregister = registerCleanup(remove);
  // A JSON string is a valid YAML double-quoted scalar: any character of the password survives.
  writeFileSync(file, `password: ${JSON.stringify(conn.password)}\n`, { mode: 0o600 });
  return {
    file,
    swept,
    remove: () => {
      unregister();
      remove();
    },
  };
}

/** Folders of killed runs: only this user's real folders (never a link), of this host, whose pid is gone. */
function sweepSecrets(root: string): string[] {
  const swept: string[] = [];
  for (const name of readdirSync(root).filter((n) => n.startsWith(SECRET_PREFIX) && holderIsDead(n))) {
    const dir = path.join(root, name);
    try {
      const stats = lstatSync(dir);
      if (!stats.isDirectory() || (process.getuid && stats.uid !== process.getuid())) continue;
      rmSync(dir, { recursive: true, force: true });
      swept.push(dir);
    } catch {
      // Gone meanwhile, or not ours to remove: the run goes on.
    }
  }
  return swept;
}

function credentialArgs(conn: Connection, secret: string | undefined): string[] {
  return [`--uri=${conn.safeUrl}`, ...(secret ? [`--config=${secret}`] : [])];
}

export function mongodumpVersionCommand(): Command {
  return command('mongodump', ['--version'], { readOnly: true });
}

/** The archive goes to stdout (`--archive` without a file), gzipped by mongodump itself. */
export function mongodumpCommand(conn: Connection, secret: string | undefined): Command {
  return command('mongodump', [...credentialArgs(conn, secret), '--archive', '--gzip'], { readOnly: false });
}

/** Restores into the URI's database; a dump of another database name is mapped with --nsFrom/--nsTo. */
export function mongorestoreCommand(conn: Connection, secret: string | undefined, dump: DumpInput, fromDatabase: string | undefined): Command {
  const rename = fromDatabase && conn.database && fromDatabase !== conn.database ? [`--nsFrom=${fromDatabase}.*`, `--nsTo=${conn.database}.*`] : [];
  // `--archive` alone reads stdin: a stream decrypted on the fly.
  const archive = typeof dump === 'string' ? `--archive=${dump}` : '--archive';
  return command('mongorestore', [...credentialArgs(conn, secret), '--drop', archive, '--gzip', ...rename], { readOnly: false, ...(typeof dump === 'string' ? {} : { stdin: dump }) });
}

/** The database a dump was taken from, by the safe URL in the manifest. */
function databaseOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || undefined;
  } catch {
    return undefined;
  }
}
