import { backupAdapter, type DumpCheck } from '../databases/index.js';
import { OpsError } from '../errors.js';
import type { Runner } from '../process/runner.js';
import { countEntries } from './files.js';
import { checkGzip } from './gzip.js';

export type ContentCheck = DumpCheck;

/**
 * A foreign or damaged file fails here, not at restore time. The files' tar is read to its end; a
 * database dump is read back by its adapter (for a pg_dump custom-format file `pg_restore --list`
 * reads only its table of contents, so damage further in is caught by the sha256, or at restore).
 */
export async function checkContent(kind: string, file: string, runner: Runner, signal: AbortSignal): Promise<ContentCheck> {
  if (kind !== 'files') return backupAdapter(kind, 'the manifest').backup.check(file, runner, signal);
  await checkGzip(file, signal);
  try {
    return { entries: await countEntries(file), checked: 'gzip stream whole, tar readable' };
  } catch (error) {
    throw new OpsError(`${file} is not a readable tar: ${(error as Error).message}.`, 'The archive is damaged; take a new backup.');
  }
}
