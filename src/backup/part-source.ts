import path from 'node:path';
import type { Context } from '../context.js';
import { decrypting } from './age.js';
import type { ArchiveSource } from './files.js';
import type { PartManifest } from './manifest.js';
import type { BackupSet } from './sets.js';

/**
 * How a part's bytes are read for a restore: its file as stored, or, for an encrypted part, a fresh
 * `age -d` each time (streamed: the plaintext never lands on disk). The caller has checked the identity.
 */
export function partSource(ctx: Context, set: BackupSet, part: PartManifest, identity: string | undefined): ArchiveSource {
  const file = path.join(set.dir, part.file);
  if (!part.encryption || !identity) return file;
  return () => decrypting(identity, file, part.name, ctx.signal);
}
