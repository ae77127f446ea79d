import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { OpsError } from '../errors.js';
import type { Runner } from '../process/runner.js';
import { abortedOr } from './abort.js';
import { discard } from './digest.js';
import { countEntries } from './files.js';
import { countTables, pgRestoreListCommand } from './postgres.js';

export interface ContentCheck {
  /** Tables in a dump, entries in a tar. */
  entries?: number;
  /** What was checked, in words. */
  checked: string;
}

/**
 * A foreign or damaged file fails here, not at restore time. gzip streams (mongo, files) and the tar
 * are read to their end; for a pg_dump custom-format file `pg_restore --list` reads only its table
 * of contents, so damage further in is caught by the sha256 (verify), or at restore.
 */
export async function checkContent(kind: 'postgres' | 'mongo' | 'files', file: string, runner: Runner, signal: AbortSignal): Promise<ContentCheck> {
  switch (kind) {
    case 'postgres': {
      const listed = await runner.run(pgRestoreListCommand(file), { allowFailure: true });
      if (listed.exitCode !== 0) throw new OpsError(`pg_restore cannot read ${file}: ${listed.stderr.trim().split(/\r?\n/).pop() ?? `exit ${listed.exitCode}`}.`, 'The dump is damaged; take a new backup.');
      return { entries: countTables(listed.stdout), checked: 'pg_restore --list reads it' };
    }
    case 'mongo':
      await checkGzip(file, signal);
      return { checked: 'gzip stream whole' };
    case 'files': {
      await checkGzip(file, signal);
      try {
        return { entries: await countEntries(file), checked: 'gzip stream whole, tar readable' };
      } catch (error) {
        throw new OpsError(`${file} is not a readable tar: ${(error as Error).message}.`, 'The archive is damaged; take a new backup.');
      }
    }
  }
}

export async function checkGzip(file: string, signal: AbortSignal): Promise<void> {
  try {
    await pipeline(createReadStream(file), createGunzip(), discard(), { signal });
  } catch (error) {
    if (signal.aborted) throw abortedOr(signal, error);
    throw new OpsError(`${file} is not a whole gzip stream: ${(error as Error).message}.`, 'The archive is truncated or damaged; take a new backup.');
  }
}
