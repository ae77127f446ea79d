import { describe, expect, it } from 'vitest';
import { redact, registerSecret } from '../../../src/process/redact.js';
import { redactBytes } from '../../../src/process/redact-bytes.js';

// What writing redact(text) as UTF-8 gives: redactBytes must give the same bytes, decoding only where it must.
const viaText = (bytes: Buffer) => Buffer.from(redact(bytes.toString('utf8')));

describe('redactBytes', () => {
  it('writes the same bytes as redact() on text, and the very bytes given where nothing can be masked', () => {
    registerSecret('hunter2-secret');
    const samples = [
      '{"level":50,"err":{"stack":"Error: x\\n    at f (file:///app/a.js:1:1)"},"msg":"caf\u00e9"}\n',
      '{"db":"postgres://app:s3cret@db:5432/x","msg":"connect"}\n',
      'GET /x?token=abc123&ok=1 and https://u:p@host/ and ftp://:@h\n',
      'the password hunter2-secret leaked\n',
      'http:// alone, s3://bucket/key, mailto:x@y\n',
    ];
    for (const sample of samples) {
      const bytes = Buffer.from(sample);
      expect(redactBytes(bytes).toString('utf8'), sample).toBe(viaText(bytes).toString('utf8'));
    }
    const clean = Buffer.from(samples[0]!);
    expect(redactBytes(clean)).toBe(clean);
  });

  it('invalid UTF-8 comes out as text would write it (U+FFFD), never as raw bytes', () => {
    const bytes = Buffer.concat([Buffer.from('{"msg":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]);
    expect(redactBytes(bytes).equals(viaText(bytes))).toBe(true);
    expect(redactBytes(bytes).equals(bytes)).toBe(false);
  });
});
