import { open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { DATABASE_KINDS } from '../databases/kinds.js';
import { OpsError } from '../errors.js';

export const MANIFEST_FILE = 'manifest.json';

/** A name that is also a key of every object ("constructor", "__proto__") would be looked up as one. */
const notInherited = (value: string) => !(value in Object.prototype);

const part = z.object({
  /** A database name of the config, or "files". */
  name: z.string().regex(/^[A-Za-z0-9][\w.-]*$/).refine(notInherited, 'is a reserved word'),
  kind: z.enum([...DATABASE_KINDS, 'files']),
  /** A file in the set's folder: no folders, no dot-files, not the manifest itself. */
  file: z.string().regex(/^[\w-][\w.-]*$/).refine((f) => f !== MANIFEST_FILE, 'is the manifest'),
  /** Size and sha256 of the file as stored (encrypted, when it is): verify checks these without a key. */
  bytes: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** An encrypted part: its plaintext's size and sha256, checked when it is decrypted. */
  plain: z.object({ bytes: z.number().int().positive(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
  /** Who can decrypt it: the age recipients it was encrypted to. */
  encryption: z.object({ tool: z.literal('age'), recipients: z.array(z.string()) }).optional(),
  /** The tool that wrote it, with its version ("pg_dump 15.18", "tar 7.5.23"). */
  tool: z.string(),
  serverVersion: z.string().optional(),
  /** Where it came from: a URL without password, or the config-relative paths. */
  source: z.string(),
  paths: z.array(z.string()).optional(),
  /** Tables (postgres) or entries (files) found by the content check. */
  entries: z.number().int().nonnegative().optional(),
});

/** The set's id is its folder's name, given at the final rename: not stored, so it cannot disagree. */
export const manifestSchema = z.object({
  format: z.literal(1),
  app: z.string(),
  environment: z.string(),
  /** Sorting and retention read it: a full UTC timestamp, as toISOString() writes it. */
  createdAt: z.iso.datetime().refine((at) => Number.isFinite(Date.parse(at)), 'is not a real date'),
  durationMs: z.number().nonnegative(),
  host: z.string(),
  opsctlVersion: z.string(),
  /** Why it was taken when not by hand: "safety before restore of <id>". */
  reason: z.string().optional(),
  /** "safety": taken by restore before overwriting; never `latest`, kept by its own rule. Absent: a regular set. */
  kind: z.enum(['regular', 'safety']).optional(),
  bytes: z.number().int().nonnegative(),
  parts: z
    .array(part)
    .min(1)
    .refine((parts) => new Set(parts.map((p) => p.name)).size === parts.length, 'name the same part twice')
    .refine((parts) => new Set(parts.map((p) => p.file)).size === parts.length, 'name the same file twice'),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type PartManifest = z.infer<typeof part>;

/** Safety sets are marked; older ones only by their reason. */
export function isSafety(manifest: Manifest): boolean {
  return manifest.kind === 'safety' || (manifest.reason ?? '').startsWith('safety before restore of ');
}

/** The manifest of a set folder, or why it is not a complete set. */
export async function readManifest(dir: string): Promise<{ manifest: Manifest } | { problem: string }> {
  let text: string;
  try {
    text = await readFile(path.join(dir, MANIFEST_FILE), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: code === 'ENOENT' ? 'no manifest.json' : `manifest.json unreadable (${code})` };
  }
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(text), { reportInput: true });
    return parsed.success ? { manifest: parsed.data } : { problem: `manifest.json is not valid: ${describeIssue(parsed.error.issues[0])}` };
  } catch {
    return { problem: 'manifest.json is not JSON' };
  }
}

/**
 * Written last, flushed to disk: its presence is what makes a folder a complete set. It is built from
 * safe fields only (URLs without password), never redacted as a whole: masking a password that equals
 * a word of the manifest ("postgres") would break the very set it describes. Read back and validated
 * before the caller publishes the set, so a bad manifest fails the run instead of hiding the set.
 */
export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  const valid = manifestSchema.safeParse(manifest, { reportInput: true });
  if (!valid.success) throw invalid(describeIssue(valid.error.issues[0]));
  const file = path.join(dir, MANIFEST_FILE);
  await writeFile(file, `${JSON.stringify(valid.data, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await syncPath(file);
  const back = await readManifest(dir);
  if ('problem' in back) throw invalid(back.problem);
}

/** `parts.1.name "constructor" is a reserved word`: where, what it holds, and what is wrong. */
function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'unknown problem';
  const value = issue.input === undefined || typeof issue.input === 'object' ? '' : ` ${JSON.stringify(issue.input).slice(0, 60)}`;
  return `${issue.path.join('.')}${value} ${issue.message}`.trim();
}

function invalid(problem: string): OpsError {
  return new OpsError(`The manifest of the new set is not valid (${problem}): the set was not kept.`, 'This is a bug in opsctl; report it with the output of --verbose.');
}

/** fsync a file or folder; folders cannot be opened for that on Windows, which journals renames itself. */
export async function syncPath(target: string): Promise<void> {
  let handle;
  try {
    handle = await open(target, 'r');
    await handle.sync();
  } catch (error) {
    if (process.platform !== 'win32' && !['EISDIR', 'EPERM', 'EINVAL'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}
