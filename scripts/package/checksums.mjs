// What a release carries beside the executables: the runbooks as one archive, and SHA256SUMS over all of it
// in the format `sha256sum -c SHA256SUMS` reads (hex digest, two spaces, file name).
import { createHash } from 'node:crypto';
import { createReadStream, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';

export const SUMS_FILE = 'SHA256SUMS';
export const RUNBOOKS_ARCHIVE = 'opsctl-runbooks.tar.gz';

async function sha256(file) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest('hex');
}

/** release/runbooks/ as opsctl-runbooks.tar.gz (a release can attach files, not folders); unpacks to runbooks/. */
export async function packRunbooks(releaseDir) {
  const file = path.join(releaseDir, RUNBOOKS_ARCHIVE);
  await tar.c({ file, gzip: true, cwd: releaseDir, portable: true }, ['runbooks']);
  return file;
}

/** Writes releaseDir/SHA256SUMS for these files (all in releaseDir), sorted by name. */
export async function writeChecksums(releaseDir, files) {
  const names = files.map((file) => path.relative(releaseDir, file)).sort();
  const lines = [];
  for (const name of names) lines.push(`${await sha256(path.join(releaseDir, name))}  ${name}`);
  const file = path.join(releaseDir, SUMS_FILE);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
