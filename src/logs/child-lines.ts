import { Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { Command } from '../process/command.js';
import type { Runner } from '../process/runner.js';

/**
 * The lines a read-only command prints (stdout and stderr alike: docker prints a container's stderr on
 * its own), a batch per chunk. The child waits while the consumer is busy, so nothing piles up in
 * memory; it is stopped when the consumer stops early. A failed command throws as runner.run does.
 */
export async function* commandLines(runner: Runner, cmd: Command, signal: AbortSignal): AsyncGenerator<string[]> {
  const queue = new BatchQueue();
  const stop = new AbortController();
  const running = runner
    .stream(cmd, { to: lineSink(queue), stderrTo: lineSink(queue), signal: AbortSignal.any([signal, stop.signal]) })
    .then(() => queue.close(), (error: unknown) => queue.close(error));
  try {
    for (;;) {
      const batch = await queue.take();
      if (!batch) break;
      yield batch;
    }
  } finally {
    stop.abort();
    await running;
  }
}

/** A writable that splits what it gets into lines and waits until the queue's reader took them. */
function lineSink(queue: BatchQueue): Writable {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  const push = (text: string, final: boolean, done: (error?: Error | null) => void) => {
    const lines = (rest + text).split('\n');
    rest = final ? '' : lines.pop()!;
    const batch = lines.filter((line, i) => !(final && i === lines.length - 1 && line === '')).map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
    if (batch.length === 0) return done();
    queue.put(batch).then(() => done(), done);
  };
  return new Writable({
    write: (chunk: Buffer, _encoding, done) => push(decoder.write(chunk), false, done),
    final: (done) => push(decoder.end(), true, done),
  });
}

/** One batch at a time between writers and a reader: a writer waits until its batch is taken. */
class BatchQueue {
  private waiting: { batch: string[]; taken: () => void }[] = [];
  private reader?: { resolve: (batch: string[] | undefined) => void; reject: (error: unknown) => void };
  private closed = false;
  private error: unknown;

  put(batch: string[]): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((taken) => {
      if (this.reader) {
        const reader = this.reader;
        this.reader = undefined;
        reader.resolve(batch);
        taken();
      } else this.waiting.push({ batch, taken });
    });
  }

  take(): Promise<string[] | undefined> {
    const next = this.waiting.shift();
    if (next) {
      next.taken();
      return Promise.resolve(next.batch);
    }
    if (this.closed) return this.error === undefined ? Promise.resolve(undefined) : Promise.reject(this.error);
    return new Promise((resolve, reject) => (this.reader = { resolve, reject }));
  }

  close(error?: unknown): void {
    this.closed = true;
    this.error = error;
    for (const { taken } of this.waiting.splice(0)) taken();
    if (error === undefined) this.reader?.resolve(undefined);
    else this.reader?.reject(error);
    this.reader = undefined;
  }
}
