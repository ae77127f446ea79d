import { existsSync } from 'node:fs';
import path from 'node:path';
import { IDENTITY_VARIABLE } from '../backup/age.js';
import { resolveFrom, type SelectedEnvironment } from '../config/select.js';
import type { Check } from './checks.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The age identity decrypts every set: kept on the host the sets are taken from, it is lost or stolen
 * with them, and encryption then protects nothing. Doctor runs on that host, so a readable file here is the finding.
 */
export function identityCheck(scope: readonly SelectedEnvironment[], env: Env): Check | undefined {
  const identity = env[IDENTITY_VARIABLE];
  const encrypting = scope.filter((e) => e.config.backup?.encrypt);
  if (!identity || encrypting.length === 0) return undefined;
  const base = { name: 'age identity', kind: 'config' as const, required: false };
  const file = path.resolve(identity);
  if (!existsSync(file)) return { ...base, status: 'ok', detail: `${IDENTITY_VARIABLE} names ${file}, which is not on this host` };
  const inside = encrypting.flatMap((e) => backedUpPaths(e).filter((p) => isInside(file, p)).map((p) => `${p} (backup of ${e.name})`));
  return {
    ...base,
    status: 'warn',
    detail: `${file} (${IDENTITY_VARIABLE}) is on the backed-up host${inside.length > 0 ? `, inside ${inside.join(', ')}` : ''}`,
    hint: `Whoever gets this host or its disks gets the key that decrypts every set. Keep the identity off it (a password manager, another machine) and unset ${IDENTITY_VARIABLE} here; bring it back only to restore.`,
  };
}

/** The backup folder and the file paths of an environment's sets, absolute. */
function backedUpPaths(env: SelectedEnvironment): string[] {
  const backup = env.config.backup;
  return backup ? [resolveFrom(env, backup.dir), ...backup.files.map((p) => resolveFrom(env, p))] : [];
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
