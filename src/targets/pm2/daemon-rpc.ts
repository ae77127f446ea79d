import net from 'node:net';

/**
 * pm2's own client talks to its daemon over axon-rpc (pm2-axon's req/rep sockets): each message is an amp
 * frame, one byte `version << 4 | argc`, then per argument a 32-bit big-endian length and the bytes, an
 * argument being `j:<json>` or `s:<string>`. A call is `[{ type: 'call', method, args }, id]`; the answer
 * is `[{ args: [...] } | { error }, id]`. Written here rather than loading pm2-axon: a few lines, no deps.
 */
const AMP_VERSION = 1;
/** A reply bigger than this is not pm2's process list; the caller falls back to the pm2 CLI. */
const MAX_FRAME_BYTES = 256 * 1024 * 1024;

/** The daemon could not be asked (no socket, refused, closed, garbled, or answered an error). */
export class DaemonRpcError extends Error {}

export interface DaemonCall {
  method: string;
  args: unknown[];
}

const ID_PREFIX = 'opsctl:';

export function encodeFrame(args: readonly unknown[]): Buffer {
  const parts = args.map((arg) => Buffer.from(typeof arg === 'string' ? `s:${arg}` : `j:${JSON.stringify(arg ?? null)}`));
  const head = Buffer.from([(AMP_VERSION << 4) | parts.length]);
  return Buffer.concat([head, ...parts.flatMap((part) => [uint32(part.length), part])]);
}

function uint32(n: number): Buffer {
  const buf = Buffer.alloc(4);
  buf.writeUInt32BE(n);
  return buf;
}

/** The first complete frame in `buf` and the bytes it used, or how many bytes it needs at least. */
export function decodeFrame(buf: Buffer): { args: unknown[]; used: number } | { need: number } {
  if (buf.length < 1) return { need: 1 };
  if (buf[0]! >> 4 !== AMP_VERSION) throw new DaemonRpcError(`pm2's daemon speaks amp version ${buf[0]! >> 4}, not ${AMP_VERSION}.`);
  const argc = buf[0]! & 0xf;
  const raw: Buffer[] = [];
  let off = 1;
  for (let i = 0; i < argc; i += 1) {
    if (buf.length < off + 4) return { need: off + 4 };
    const len = buf.readUInt32BE(off);
    if (len > MAX_FRAME_BYTES) throw new DaemonRpcError(`pm2's daemon sent a ${len}-byte message.`);
    if (buf.length < off + 4 + len) return { need: off + 4 + len };
    raw.push(buf.subarray(off + 4, off + 4 + len));
    off += 4 + len;
  }
  // Unpacked once the whole frame is here: the list is parsed once, however it was split.
  return { args: raw.map(unpack), used: off };
}

function unpack(arg: Buffer): unknown {
  const tag = arg.subarray(0, 2).toString('latin1');
  if (tag === 'j:') return JSON.parse(arg.subarray(2).toString('utf8'));
  if (tag === 's:') return arg.subarray(2).toString('utf8');
  return arg;
}

/**
 * Calls `method(...args)` on the daemon at `socketPath` (a Unix socket or a Windows named pipe) and
 * resolves with its result values. Rejects with DaemonRpcError when it cannot be asked, or with the
 * signal's reason when `signal` aborts first. The answer is never put into an error: it holds the apps' env.
 */
export function callDaemon(socketPath: string, calls: readonly DaemonCall[], signal: AbortSignal): Promise<unknown[][]> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const socket = net.connect({ path: socketPath });
    const answers = new Map<number, unknown[]>();
    const reader = frameReader();
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error === undefined) resolve(calls.map((_, i) => answers.get(i)!));
      else reject(error);
    };
    const onAbort = () => finish(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (error: NodeJS.ErrnoException) => finish(new DaemonRpcError(`pm2's daemon socket ${socketPath}: ${error.code ?? error.message}`)));
    socket.on('close', () => finish(new DaemonRpcError(`pm2's daemon closed ${socketPath} before it answered.`)));
    socket.on('connect', () => {
      calls.forEach((call, i) => socket.write(encodeFrame([{ type: 'call', method: call.method, args: call.args }, `${ID_PREFIX}${i}`])));
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const args of reader(chunk)) {
          // The daemon answers each call when it is done (getReport at once, getMonitorData after pidusage): match by id.
          const id = String(args.at(-1));
          const index = id.startsWith(ID_PREFIX) ? Number(id.slice(ID_PREFIX.length)) : -1;
          const call = calls[index];
          if (!call || answers.has(index)) throw new DaemonRpcError(`pm2's daemon answered a call opsctl did not make.`);
          answers.set(index, resultOf(args, call.method));
        }
        if (answers.size === calls.length) finish();
      } catch (error) {
        finish(error instanceof DaemonRpcError ? error : new DaemonRpcError(`pm2's daemon sent a message opsctl cannot read (${(error as Error).name}).`));
      }
    });
  });
}

/** Collects chunks and joins them only once a frame can be complete: a large list arrives in many chunks. */
function frameReader(): (chunk: Buffer) => unknown[][] {
  let chunks: Buffer[] = [];
  let size = 0;
  let need = 1;
  return (chunk) => {
    chunks.push(chunk);
    size += chunk.length;
    const frames: unknown[][] = [];
    while (size >= need) {
      const buf = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      const frame = decodeFrame(buf);
      if ('need' in frame) {
        chunks = [buf];
        need = frame.need;
        continue;
      }
      frames.push(frame.args);
      chunks = [buf.subarray(frame.used)];
      size = buf.length - frame.used;
      need = 1;
    }
    return frames;
  };
}

/** The values of a reply `[{ args } | { error }, id]`. */
function resultOf(args: unknown[], method: string): unknown[] {
  const reply = args[0] as { args?: unknown; error?: unknown } | null;
  if (!reply || typeof reply !== 'object') throw new DaemonRpcError(`pm2's daemon answered ${method} with no reply object.`);
  if ('error' in reply) throw new DaemonRpcError(`pm2's daemon refused ${method}: ${String(reply.error).split('\n')[0]}`);
  if (!Array.isArray(reply.args)) throw new DaemonRpcError(`pm2's daemon answered ${method} with no values.`);
  return reply.args;
}
