import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';
import { OpsError, ToolMissingError } from '../errors.js';
import { abortedOr } from './abort.js';
import { IdentityError, plaintextDigest, withDecrypted } from './age.js';
import { checkContent } from './checks.js';
import { hashFile } from './digest.js';
import { archiveRefusals } from './files.js';
import { partSource } from './part-source.js';
import type { PartManifest } from './manifest.js';
import { databasePart } from './parts.js';
import type { BackupSet } from './sets.js';

export interface PartCheck {
  name: string;
  kind: PartManifest['kind'];
  ok: boolean;
  /** What passed, in words. */
  checked: string[];
  problem?: string;
}

export interface RestoreTest {
  name: string;
  /** The scratch database, dropped afterwards. */
  database: string;
  ok: boolean;
  tables?: number;
  rows?: number;
  problem?: string;
}

export interface Verification {
  id: string;
  ok: boolean;
  parts: PartCheck[];
  restoreTests: RestoreTest[];
}

/**
 * Size, sha256 and content of every part against the manifest; the files part also against the
 * rules restore applies in `env` (what it would refuse, verify reports). Problems are collected, not thrown.
 */
export async function verifySet(ctx: Context, env: SelectedEnvironment, set: BackupSet, only?: readonly string[], identity?: string): Promise<Verification> {
  const parts: PartCheck[] = [];
  for (const part of set.manifest.parts) {
    if (only && !only.includes(part.name)) continue;
    const check = await checkPart(ctx, set, part, identity);
    parts.push(check.ok && part.kind === 'files' ? await checkRestorable(ctx, env, set, part, check, identity) : check);
  }
  return { id: set.id, ok: parts.every((p) => p.ok), parts, restoreTests: [] };
}

async function checkPart(ctx: Context, set: BackupSet, part: PartManifest, identity: string | undefined): Promise<PartCheck> {
  const file = path.join(set.dir, part.file);
  const check: PartCheck = { name: part.name, kind: part.kind, ok: false, checked: [] };
  try {
    const size = (await stat(file)).size;
    if (size !== part.bytes) return { ...check, problem: `${part.file} is ${size} bytes, the manifest says ${part.bytes}` };
    check.checked.push('size');
    const { sha256 } = await hashFile(file, ctx.signal);
    if (sha256 !== part.sha256) return { ...check, problem: `${part.file}: sha256 ${sha256.slice(0, 12)}… differs from the manifest's ${part.sha256.slice(0, 12)}…` };
    check.checked.push('sha256');
    if (part.encryption) return await checkDecrypted(ctx, file, part, identity, check);
    const content = await checkContent(part.kind, file, ctx.runner, ctx.signal);
    check.checked.push(content.checked);
    return { ...check, ok: true };
  } catch (error) {
    if (ctx.signal.aborted) throw abortedOr(ctx.signal, error);
    // A missing client (pg_restore) says nothing about the set: exit 127 naming the tool, not "failed verification".
    if (error instanceof ToolMissingError || error instanceof IdentityError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    return { ...check, problem: code === 'ENOENT' ? `${part.file} is missing` : (error as Error).message };
  }
}

/**
 * An encrypted part without the identity: its sha256 is all that can be checked, and that is said. With
 * it: it decrypts, and the plaintext is byte for byte what the dump wrote.
 */
async function checkDecrypted(ctx: Context, file: string, part: PartManifest, identity: string | undefined, check: PartCheck): Promise<PartCheck> {
  if (!identity) return { ...check, ok: true, checked: [...check.checked, 'encrypted: content not checked without --identity'] };
  const plain = await plaintextDigest(identity, file, part.name, ctx.signal);
  if (plain.sha256 !== part.plain?.sha256) return { ...check, problem: `${part.file} decrypts to other bytes than were backed up (plaintext sha256 ${plain.sha256.slice(0, 12)}…)` };
  return { ...check, ok: true, checked: [...check.checked, 'decrypts with the identity; plaintext sha256'] };
}

/** The files part as restore would take it: every entry inside the current backup.files, through links too. */
async function checkRestorable(ctx: Context, env: SelectedEnvironment, set: BackupSet, part: PartManifest, check: PartCheck, identity: string | undefined): Promise<PartCheck> {
  const paths = env.config.backup?.files ?? [];
  if (paths.length === 0) return { ...check, ok: false, problem: `backup.files of ${env.name} is empty: restore puts files only inside those paths` };
  if (part.encryption && !identity) return check;
  const refused = await archiveRefusals(partSource(ctx, set, part, identity), env.dir, paths);
  if (refused.length > 0) return { ...check, ok: false, problem: `restore would refuse it: ${refused.slice(0, 3).join(', ')}${refused.length > 3 ? ` and ${refused.length - 3} more` : ''}` };
  return { ...check, checked: [...check.checked, 'every path inside backup.files'] };
}

/**
 * Restores each PostgreSQL part into a new scratch database on the same server (never the source
 * one), counts its tables and rows, and drops it again.
 */
export async function restoreTest(ctx: Context, env: SelectedEnvironment, set: BackupSet, part: PartManifest, identity?: string): Promise<RestoreTest> {
  const plan = databasePart(env, part.name);
  if (!plan.adapter.backup.scratch) throw new OpsError(`${part.name} is not a PostgreSQL database in the config.`, 'A restore test needs the database under databases: with type postgres.');
  const scratch = plan.adapter.backup.scratch(ctx, plan.conn, set.id, `databases.${part.name}.url`);
  const result: RestoreTest = { name: part.name, database: scratch.name, ok: false };
  const step = ctx.log.step(`${part.name}: restore test into scratch database ${scratch.name}`);
  await scratch.create();
  try {
    const source = partSource(ctx, set, part, identity);
    await (typeof source === 'string' ? scratch.restore(source) : withDecrypted(source(), (stream) => scratch.restore(stream)));
    const counted = await scratch.count();
    result.tables = counted.tables;
    result.rows = counted.rows;
    result.ok = part.entries === undefined || result.tables === part.entries;
    if (!result.ok) result.problem = `restored ${result.tables} tables, the dump lists ${part.entries}`;
    step.done(`${part.name}: restored into ${scratch.name}: ${result.tables} tables, ${result.rows} rows`);
  } catch (error) {
    if (ctx.signal.aborted) {
      ctx.log.warn(`interrupted: drop the scratch database yourself: ${scratch.dropStatement}`);
      throw abortedOr(ctx.signal, error);
    }
    if (error instanceof ToolMissingError) throw error;
    result.problem = (error as Error).message;
    step.fail(`${part.name}: restore test failed`);
  } finally {
    if (!ctx.signal.aborted) await scratch.drop();
  }
  return result;
}
