// Files under src/ that still change the filesystem themselves instead of through ctx.effects
// (src/process/effects.ts), each with why. scripts/check-effects.mjs fails on a file missing here and on
// an entry whose file no longer needs it. "To convert after merge": owned by a branch in flight.
export const ALLOWED = {
  'process/effects.ts': 'the one executor every effect goes through',
  'backup/create.ts': 'writes the dump into a private partial folder that exists only when not --dry-run (backup create plans instead); to convert after merge',
  'backup/manifest.ts': 'writes the manifest inside that partial folder; to convert after merge',
  'backup/readme.ts': 'writes README.txt and SHA256SUMS inside that partial folder, before the manifest (never under --dry-run)',
  'backup/sets.ts': 'creates the backup folder (0700), renames a finished partial set into place, sweeps leftovers; only backup create, never under --dry-run; to convert after merge',
  'history/journal.ts': 'appends to the journal, which --dry-run never opens (nothing is journaled); to convert after merge',
  'history/lock.ts': 'the lock file: taken only when not --dry-run, and must be created exclusively (O_EXCL); to convert after merge',
  'history/lock-file.ts': 'the lock file\'s atomic create (link) and stale removal; to convert after merge',
  'backup/remote/download.ts': 'downloads a remote set into a private partial folder in the backup folder, removed after use (restore --from also under --dry-run, to verify what it would restore), like create.ts',
  'backup/age.ts': 'writes an encrypted part (age\'s output) into the private partial folder of a backup being taken (never under --dry-run), like pack.ts',
  'cleanup/pinned-remove.ts': 'the race-free remover: unlinks relative to a folder opened and checked first, which no path-based effect can express; cleanup calls it only when applying its plan',
  'cleanup/pinned-tree.ts': 'removes a backup set entry by entry through pinned folders (same reason); only when cleanup applies its plan',
  'history/journal-file.ts': 'opens the journal for append, with a newline first after a torn line; --dry-run never journals',
  'targets/pm2/cleanup-logs.ts': 'truncates a pm2 log through O_NOFOLLOW, which no effect expresses; only when cleanup applies its plan',
  'config/cache.ts': 'the config cache in the state dir: housekeeping no user asked for, so nothing to show as a plan; never written under --dry-run (cli/context.ts) nor into a state dir that does not exist',
  'databases/mongo.ts': 'the 0600 secret file for mongodump\'s --config, gone again before the command returns',
  'databases/postgres/restore-tables.ts': 'the 0600 pg_restore -L list of restore --tables (object names, no rows) in a private temp folder, gone again when pg_restore returns; never under --dry-run',
};
