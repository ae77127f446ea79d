import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes } from '../output/table.js';
import type { Manifest, PartManifest } from './manifest.js';
import type { PartPlan } from './parts.js';

export const README_FILE = 'README.txt';
export const SUMS_FILE = 'SHA256SUMS';

/**
 * Writes README.txt and SHA256SUMS into a set's folder before its manifest: whoever restores during an
 * incident, without opsctl, learns from the set itself what each part is, how to check it
 * (`sha256sum -c SHA256SUMS`) and the command that puts it back.
 */
export async function writeSetGuide(dir: string, manifest: Manifest, plans: readonly PartPlan[]): Promise<void> {
  await writeFile(path.join(dir, SUMS_FILE), sha256Sums(manifest.parts), { mode: 0o600, flag: 'wx' });
  await writeFile(path.join(dir, README_FILE), setReadme(manifest, plans), { mode: 0o600, flag: 'wx' });
}

/** The format `sha256sum -c` reads: digest, two spaces, file name. */
export function sha256Sums(parts: readonly PartManifest[]): string {
  return parts.map((part) => `${part.sha256}  ${part.file}\n`).join('');
}

export function setReadme(manifest: Manifest, plans: readonly PartPlan[]): string {
  const lines = [
    `opsctl backup set of ${manifest.app}, environment ${manifest.environment}`,
    `Taken ${manifest.createdAt} on ${manifest.host} by opsctl ${manifest.opsctlVersion}${manifest.reason ? ` (${manifest.reason})` : ''}.`,
    '',
    'The set is complete only if manifest.json is here: it is written last. Check every part first:',
    `    sha256sum -c ${SUMS_FILE}`,
    '',
    'Parts:',
  ];
  for (const part of manifest.parts) {
    const plan = plans.find((p) => p.name === part.name);
    lines.push('', `  ${part.file}  (${part.kind === 'files' ? 'files' : `database "${part.name}", ${part.kind}`}, ${formatBytes(part.bytes)}, written by ${part.tool})`);
    lines.push(...describe(part, plan).map((line) => `    ${line}`));
  }
  lines.push(
    '',
    'With opsctl, from the folder of opsctl.yaml:',
    `    opsctl restore <this folder's name> -e ${manifest.environment}`,
    '(it verifies the set, takes a safety backup of what it overwrites, and asks first).',
    '',
  );
  return lines.join('\n');
}

/** The part's format, then `Restore by hand:` and one `$ command` line each, run from the set's folder. */
function describe(part: PartManifest, plan: PartPlan | undefined): string[] {
  if (!plan) return [];
  // An encrypted part is decrypted first, into the plain file the restore commands name.
  const decrypt = part.encryption ? [`age --decrypt -i "<identity file>" -o ${plan.file} ${part.file}`] : [];
  const [format, commands] =
    plan.kind === 'files'
      ? [`tar, gzip-compressed, of ${plan.paths.join(', ')}; paths are relative to ${plan.cwd}`, [`tar -xzf ${plan.file} -C "${plan.cwd}"`]]
      : [`${plan.adapter.backup.byHand.format}; dumped from ${part.source}${part.serverVersion ? ` (server ${part.serverVersion})` : ''}`, plan.adapter.backup.byHand.restore(plan.file)];
  const encrypted = part.encryption ? [`Encrypted with age to ${part.encryption.recipients.length > 0 ? part.encryption.recipients.join(', ') : 'the recipients file'}: decrypt it first, with the identity (private key) kept off this host.`] : [];
  return [`Format: ${format}`, ...encrypted, 'Restore by hand, from this folder:', ...[...decrypt, ...commands].map((line) => `  $ ${line}`)];
}
