import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InterruptedError, UsageError } from '../../../src/errors.js';
import { confirmByTyping } from '../../../src/output/confirm.js';
import { caught } from '../helpers.js';

describe('confirmByTyping', () => {
  const ask = (typed: string) => confirmByTyping('Restore?', 'production', 'nothing was restored', new AbortController().signal, { input: Readable.from([`${typed}\n`]), output: new PassThrough() });

  it('goes on when the environment name is typed', async () => {
    await expect(ask('production')).resolves.toBeUndefined();
  });

  it('refuses anything else, "y" included, as a usage error', async () => {
    const error = await caught(ask('y'));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe('You typed "y", not "production": nothing was restored.');
  });
});

describe('confirmByTyping interrupted', () => {
  it('rejects with the signal\'s own reason (exit 130), not readline\'s bare AbortError', async () => {
    const controller = new AbortController();
    const reason = new InterruptedError('Interrupted.');
    const pending = confirmByTyping('Restore?', 'production', 'nothing was restored', controller.signal, { input: new PassThrough(), output: new PassThrough() });
    controller.abort(reason);
    expect(await caught(pending)).toBe(reason);
  });
});
