// Files under src/ that still change the filesystem themselves instead of through ctx.effects
// (src/process/effects.ts), each with why. scripts/check-effects.mjs fails on a file missing here and on
// an entry whose file no longer needs it. "To convert after merge": owned by a branch in flight.
export const ALLOWED = {
  'process/effects.ts': 'the one executor every effect goes through',
  'backup/create.ts': 'writes the dump into a private partial folder that exists only when not --dry-run (backup create plans instead); to convert after merge',
  'backup/manifest.ts': 'writes the manifest inside that partial folder; to convert after merge',
  'backup/sets.ts': 'creates the backup folder (0700), renames a finished partial set into place, sweeps leftovers; only backup create, never under --dry-run; to convert after merge',
  'backup/prune.ts': 'renames a pruned set aside, then removes it; reached only when cleanup applies its plan; to convert after merge',
  'cleanup/temp.ts': 'a cleanup remover: unlinks relative to a checked folder, run only when cleanup applies its plan; to convert after merge',
  'cleanup/pm2-logs.ts': 'a cleanup remover: truncates through O_NOFOLLOW, which no effect expresses yet; to convert after merge',
  'history/journal.ts': 'appends to the journal, which --dry-run never opens (nothing is journaled); to convert after merge',
  'history/lock.ts': 'the lock file: taken only when not --dry-run, and must be created exclusively (O_EXCL); to convert after merge',
  'history/lock-file.ts': 'the lock file\'s atomic create (link) and stale removal; to convert after merge',
  'databases/mongo.ts': 'the 0600 secret file for mongodump\'s --config, gone again before the command returns',
  'deploy/drivers/pm2-paths.ts': 'the pm2 `current` link switch; to convert after merge (deps.effects is there)',
  'deploy/drivers/pm2-ecosystem.ts': 'writes the pm2 process file beside the releases; to convert after merge (deps.effects is there)',
  'commands/init.ts': 'writes opsctl.yaml and .env.example behind its own --dry-run check; to convert after merge with the init branch',
};
