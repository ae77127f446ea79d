/** Text is handed to stdout in pieces of about this size: one write per line would be slow on big files. */
const FLUSH_AT = 64 * 1024;

/**
 * What logs prints, gathered and handed to `out` in pieces of about 64 KB: text as text, and records
 * kept as bytes (see level-gate.ts) as bytes, so they are never decoded and encoded again.
 */
export function createOutput(out: (piece: string | Buffer) => Promise<void>) {
  let text = '';
  let parts: Buffer[] = [];
  let size = 0;
  const add = (piece: Buffer) => {
    parts.push(piece);
    size += piece.length;
  };
  const flush = async () => {
    if (parts.length === 0) {
      if (text === '') return;
      const piece = text;
      text = '';
      return out(piece);
    }
    if (text !== '') add(Buffer.from(text));
    const piece = Buffer.concat(parts, size);
    text = '';
    parts = [];
    size = 0;
    await out(piece);
  };
  return {
    text(line: string) {
      text += line;
    },
    bytes(pieces: readonly Buffer[]) {
      if (text !== '') add(Buffer.from(text));
      text = '';
      for (const piece of pieces) add(piece);
    },
    /** Hands over what is gathered when there is enough of it (always, with `now`). */
    async flushIf(now: boolean) {
      if (now || text.length + size >= FLUSH_AT) await flush();
    },
    flush,
  };
}
