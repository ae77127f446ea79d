import { rmSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';
import { OpsError } from '../errors.js';
import { registerCleanup } from '../process/cleanup.js';
import { folderFileError } from '../process/fs-error.js';
import { formatBytes } from '../output/table.js';
import { VERSION } from '../version.js';
import { abortedOr } from './abort.js';
import { encryptedName, encryptingSink, plainSink, recipientList, type Encryption, type PartSink } from './age.js';
import { checkContent } from './checks.js';
import { Digest } from './digest.js';
import { packFilesInto } from './pack.js';
import { writeManifest, type Manifest, type PartManifest } from './manifest.js';
import type { PartPlan } from './parts.js';
import { preflight, type Prepared } from './preflight.js';
import { writeSetGuide } from './readme.js';
import { ensureDir, partialName, publishSet, removeLeftovers, setIdFor } from './sets.js';

export interface CreatedSet {
  id: string;
  dir: string;
  manifest: Manifest;
  /** Folders of killed runs removed first. */
  leftovers: string[];
}

export interface CreateOptions {
  backupDir: string;
  reason?: string;
  /** A safety set taken by restore: marked so it is never `latest` nor a regular set for retention. */
  safety?: boolean;
}

/**
 * Writes one set: every part into a hidden folder, each streamed through its sha256 and checked,
 * then its README.txt and SHA256SUMS, then manifest.json last and one rename. Anything short of that removes the folder, so no
 * incomplete set ever looks complete. The caller holds the environment's lock.
 */
export async function createSet(ctx: Context, env: SelectedEnvironment, parts: readonly PartPlan[], options: CreateOptions): Promise<CreatedSet> {
  const started = ctx.now();
  const prepared = await preflight(ctx, parts);
  const dir = options.backupDir;
  await ensureDir(dir).catch((error: unknown) => rethrowWrite(error, dir));
  const leftovers = await removeLeftovers(dir, env.name);
  for (const name of leftovers) ctx.log.warn(`removed ${name} in ${dir}: left by a backup that did not finish`);
  const id = setIdFor(started);
  const partial = path.join(dir, partialName(env.name, id));
  const unregister = registerCleanup(() => rmSync(partial, { recursive: true, force: true }));
  try {
    await mkdir(partial, { mode: 0o700 });
    const written: PartManifest[] = [];
    const encryption = encryptionOf(env);
    for (const item of prepared) written.push(await writePart(ctx, item, partial, encryption));
    const manifest: Manifest = {
      format: 1,
      app: env.app,
      environment: env.name,
      createdAt: new Date(started).toISOString(),
      durationMs: ctx.now() - started,
      host: os.hostname(),
      opsctlVersion: VERSION,
      ...(options.reason ? { reason: options.reason } : {}),
      ...(options.safety ? { kind: 'safety' as const } : {}),
      bytes: written.reduce((sum, p) => sum + p.bytes, 0),
      parts: written,
    };
    await writeSetGuide(partial, manifest, parts);
    await writeManifest(partial, manifest);
    const finalId = await publishSet(partial, dir, id);
    return { id: finalId, dir: path.join(dir, finalId), manifest, leftovers };
  } catch (error) {
    await rm(partial, { recursive: true, force: true }).catch(() => undefined);
    if (ctx.signal.aborted) throw abortedOr(ctx.signal, error);
    rethrowWrite(error, dir);
  } finally {
    unregister();
  }
}

async function writePart(ctx: Context, item: Prepared, partial: string, encryption: Encryption | undefined): Promise<PartManifest> {
  const { part } = item;
  const name = encryption ? encryptedName(part.file) : part.file;
  const file = path.join(partial, name);
  const step = ctx.log.step(`${part.name}: ${part.kind === 'files' ? `packing ${part.paths.join(', ')}` : `dumping ${part.conn.safeUrl}`}${encryption ? ', encrypting with age' : ''}`);
  // The plaintext's digest: the tool's bytes, before age.
  const digest = new Digest();
  let sink: PartSink | undefined;
  const open = (attempt: number) => {
    sink?.kill();
    const flags = attempt === 1 ? 'wx' : 'w';
    sink = encryption ? encryptingSink(encryption, file, flags, ctx.signal) : plainSink(file, flags);
    return sink.input;
  };
  try {
    if (part.kind === 'files') {
      const request = { cwd: part.cwd, paths: part.paths, backupDir: path.dirname(partial), signal: ctx.signal, onRetry: (message: string) => ctx.log.warn(message) };
      await settleBoth(packFilesInto(request, open, digest), () => sink?.done);
    } else {
      const to = open(1);
      await settleBoth(part.adapter.backup.dump(ctx, part.conn, { through: [digest], to }), () => sink?.done);
    }
    const cipher = await sink?.done;
    if (digest.bytes === 0) throw new OpsError(`${part.name}: ${item.tool} wrote nothing.`, 'A backup of 0 bytes is no backup; check the tool\'s output with --verbose.');
    // An encrypted part cannot be read back without the identity, which the host should not hold.
    const content = cipher ? { checked: 'encrypted with age; content is checked when decrypted (restore, verify --restore-test --identity)' } : await checkContent(part.kind, file, ctx.runner, ctx.signal);
    const size = cipher ? `${formatBytes(digest.bytes)} (${formatBytes(cipher.bytes)} encrypted)` : formatBytes(digest.bytes);
    step.done(`${part.name}: ${size}, ${content.checked}${content.entries === undefined ? '' : ` (${content.entries} ${part.kind === 'files' ? 'entries' : 'tables'})`}`);
    return {
      name: part.name,
      kind: part.kind,
      file: name,
      bytes: cipher?.bytes ?? digest.bytes,
      sha256: cipher?.sha256 ?? digest.sha256(),
      ...(cipher && encryption ? { plain: { bytes: digest.bytes, sha256: digest.sha256() }, encryption: { tool: 'age' as const, recipients: recipientList(encryption) } } : {}),
      tool: item.tool,
      ...(item.serverVersion ? { serverVersion: item.serverVersion } : {}),
      source: part.kind === 'files' ? part.paths.join(', ') : part.conn.safeUrl,
      ...(part.kind === 'files' ? { paths: part.paths } : {}),
      ...('entries' in content && content.entries !== undefined ? { entries: content.entries } : {}),
    };
  } catch (error) {
    sink?.kill();
    step.fail(`${part.name}: failed`);
    throw error;
  }
}

/**
 * The writer and age fail together: when age dies (or its file cannot be written), the writer sees only
 * a broken pipe, so the sink's own error is the one reported then; any other failure is the writer's.
 */
async function settleBoth(writer: Promise<unknown>, sinkDone: () => Promise<unknown> | undefined): Promise<void> {
  try {
    await writer;
  } catch (error) {
    const sinkError: unknown = await sinkDone()?.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    throw sinkError !== undefined && isBrokenPipe(error) ? sinkError : error;
  }
}

const BROKEN_PIPE = ['EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_WRITE_AFTER_END'];
const isBrokenPipe = (error: unknown) => BROKEN_PIPE.includes((error as NodeJS.ErrnoException).code ?? '');

/** backup.encrypt with its recipients file resolved against the config folder; undefined: parts stay plain. */
export function encryptionOf(env: SelectedEnvironment): Encryption | undefined {
  const encrypt = env.config.backup?.encrypt;
  if (!encrypt) return undefined;
  return { recipients: encrypt.recipients, ...(encrypt.recipientsFile ? { recipientsFile: path.resolve(env.dir, encrypt.recipientsFile) } : {}) };
}

/** A full disk says so and what to do, instead of a bare ENOSPC. */
function rethrowWrite(error: unknown, dir: string): never {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    throw new OpsError(`No space left in ${dir}: the backup set was not kept.`, 'Free space there or prune old sets (opsctl backup prune), then run the backup again.', { code });
  }
  throw folderFileError(error, 'write the backup folder', dir, 'backup.dir');
}
