import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkGzip } from '../../../src/backup/gzip.js';
import { confirmByTyping } from '../../../src/output/confirm.js';
import { hashFile } from '../../../src/backup/digest.js';
import { run } from '../../../src/commands/backup.js';
import { InterruptedError } from '../../../src/errors.js';
import { createTestContext } from '../../support/context.js';
import { caught, tempDir } from '../helpers.js';

function interrupted(): { signal: AbortSignal; reason: InterruptedError } {
  const controller = new AbortController();
  const reason = new InterruptedError('Interrupted.');
  controller.abort(reason);
  return { signal: controller.signal, reason };
}

describe('Ctrl-C is an interruption, not a failure', () => {
  it('checkGzip, hashFile and the typed confirmation reject with the signal\'s reason, not a bare AbortError', async () => {
    const file = path.join(tempDir(), 'a.gz');
    writeFileSync(file, gzipSync(Buffer.alloc(1000, 'a')));
    for (const attempt of [(s: AbortSignal) => checkGzip(file, s), (s: AbortSignal) => hashFile(file, s), (s: AbortSignal) => confirmByTyping('Restore?', 'production', 'nothing was restored', s, { input: new PassThrough(), output: new PassThrough() })]) {
      const { signal, reason } = interrupted();
      expect(await caught(attempt(signal))).toBe(reason);
    }
  });

  it('backup interrupted while packing files: exit 130, history result interrupted, no set', async () => {
    const t = createTestContext({
      config: `version: 1
app: shop
environments:
  production:
    target: { pm2: { name: shop, script: app.js } }
    backup: { files: [uploads/] }
`,
    });
    mkdirSync(path.join(t.dir, 'uploads'));
    writeFileSync(path.join(t.dir, 'uploads', 'a.txt'), 'a');
    t.controller.abort(new InterruptedError('Interrupted.'));
    const error = (await caught(run(t.ctx, {}, []))) as InterruptedError;
    expect(error).toBeInstanceOf(InterruptedError);
    expect(error.exitCode).toBe(130);
    expect(readFileSync(path.join(t.stateDir, 'history.jsonl'), 'utf8')).toMatch(/"type":"backup".*"result":"interrupted"/);
  });
});
