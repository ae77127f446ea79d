import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from '../db/connection.js';
import { command, type Command } from '../process/command.js';
import { registerCleanup } from '../process/cleanup.js';

/** A 0600 YAML file holding the password for --config, and how to remove it. */
export interface MongoSecretFile {
  file: string | undefined;
  remove(): void;
}

/**
 * mongodump and mongorestore read `password:` from --config: a password in --uri or --password
 * would show in `ps`. The file is removed after the run, and by the exit cleanups on a second Ctrl-C.
 */
export function writeMongoSecret(conn: Connection): MongoSecretFile {
  if (!conn.password) return { file: undefined, remove: () => undefined };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'opsctl-mongo-'));
  const file = path.join(dir, 'config.yaml');
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const unregister = registerCleanup(remove);
  // A JSON string is a valid YAML double-quoted scalar: any character of the password survives.
  writeFileSync(file, `password: ${JSON.stringify(conn.password)}\n`, { mode: 0o600 });
  return {
    file,
    remove: () => {
      unregister();
      remove();
    },
  };
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
export function mongorestoreCommand(conn: Connection, secret: string | undefined, file: string, fromDatabase: string | undefined): Command {
  const rename = fromDatabase && conn.database && fromDatabase !== conn.database ? [`--nsFrom=${fromDatabase}.*`, `--nsTo=${conn.database}.*`] : [];
  return command('mongorestore', [...credentialArgs(conn, secret), '--drop', `--archive=${file}`, '--gzip', ...rename], { readOnly: false });
}
