import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import * as tar from 'tar';
import { describe, expect, it } from 'vitest';
import { countEntries, extractFiles } from '../../../src/backup/files.js';
import { packFiles } from '../../../src/backup/pack.js';
import { checkGzip } from '../../../src/backup/gzip.js';
import { gzipSync } from 'node:zlib';
import { caught, tempDir } from '../helpers.js';

describe('files part', () => {
  it('packs the listed paths and extracts them back in place', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'uploads'));
    writeFileSync(path.join(dir, '.env'), 'A=1\n');
    writeFileSync(path.join(dir, 'uploads', 'x.txt'), 'x');
    const archive = path.join(dir, 'files.tar.gz');
    await pipeline(packFiles(dir, ['.env', 'uploads/']), createWriteStream(archive));
    expect(await countEntries(archive)).toBe(3);
    writeFileSync(path.join(dir, 'uploads', 'x.txt'), 'changed');
    expect(await extractFiles(archive, dir, ['.env', 'uploads/'])).toBe(3);
    expect(readFileSync(path.join(dir, 'uploads', 'x.txt'), 'utf8')).toBe('x');
  });

  it('refuses entries outside the listed paths, whatever the archive says', async () => {
    const dir = tempDir();
    const src = path.join(dir, 'src');
    mkdirSync(path.join(src, 'uploads'), { recursive: true });
    writeFileSync(path.join(src, 'uploads', 'ok.txt'), 'ok');
    writeFileSync(path.join(src, 'evil.txt'), 'evil');
    const archive = path.join(dir, 'files.tar.gz');
    await tar.create({ gzip: true, cwd: src, file: archive }, ['uploads', 'evil.txt']);
    const target = path.join(dir, 'target');
    mkdirSync(target);
    const error = await caught(extractFiles(archive, target, ['uploads/']));
    expect((error as Error).message).toContain('paths outside backup.files: evil.txt');
    expect(existsSync(path.join(target, 'evil.txt'))).toBe(false);
  });

  it('a truncated archive does not count as readable', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(200_000, 3));
    const archive = path.join(dir, 'files.tar.gz');
    await pipeline(packFiles(dir, ['big.bin']), createWriteStream(archive));
    const whole = readFileSync(archive);
    writeFileSync(archive, whole.subarray(0, Math.floor(whole.length / 2)));
    await expect(countEntries(archive)).rejects.toThrow();
  });
});

describe('checkGzip', () => {
  it('passes a whole gzip stream and fails one cut short, as a full disk or a killed mongodump leaves it', async () => {
    const dir = tempDir();
    const whole = gzipSync(Buffer.alloc(300_000, 'm'));
    writeFileSync(path.join(dir, 'whole.gz'), whole);
    writeFileSync(path.join(dir, 'cut.gz'), whole.subarray(0, whole.length - 30));
    const signal = new AbortController().signal;
    await expect(checkGzip(path.join(dir, 'whole.gz'), signal)).resolves.toBeUndefined();
    await expect(checkGzip(path.join(dir, 'cut.gz'), signal)).rejects.toThrow(/cut\.gz is not a whole gzip stream: unexpected end of file/);
  });
});
