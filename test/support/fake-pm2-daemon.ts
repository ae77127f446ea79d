/** pm2's RPC server as its daemon runs it (pm2-axon's rep socket + pm2-axon-rpc's Server, pm2's own dependencies), answering what a test says. */
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { onTestFinished } from 'vitest';

const require = createRequire(import.meta.url);
type Callback = (error: unknown, ...values: unknown[]) => void;
export type DaemonMethods = Record<string, (arg: unknown, cb: Callback) => void>;

/** A socket path of this platform's kind: a Unix socket in `dir`, or a named pipe of its own on Windows. */
export function socketPathIn(dir: string): string {
  return process.platform === 'win32' ? `\\\\.\\pipe\\opsctl-test-${process.pid}-${path.basename(dir)}` : path.join(dir, 'rpc.sock');
}

/**
 * Listens on `socketPath` with pm2's RPC stack exposing `methods`; closed when the test ends. The net server is
 * ours (axon's bind() parses the path as a URL, which mangles Windows pipe names); axon handles each connection.
 */
export async function startFakeDaemon(socketPath: string, methods: DaemonMethods): Promise<{ connections: () => number }> {
  const axon = require('pm2-axon') as { socket(type: string): { onconnect(sock: net.Socket): void; close(): void } };
  const rpc = require('pm2-axon-rpc') as { Server: new (sock: unknown) => { expose(methods: DaemonMethods): void } };
  const rep = axon.socket('rep');
  new rpc.Server(rep).expose(methods);
  let connections = 0;
  const server = net.createServer((sock) => {
    connections += 1;
    rep.onconnect(sock);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socketPath, resolve));
  onTestFinished(() => new Promise<void>((resolve) => {
    rep.close();
    server.close(() => resolve());
  }));
  return { connections: () => connections };
}

/** Listens on `socketPath`, accepts, and never answers: a daemon stuck in a long loop. */
export async function startSilentDaemon(socketPath: string): Promise<void> {
  const held: net.Socket[] = [];
  const server = net.createServer((sock) => void held.push(sock));
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socketPath, resolve));
  onTestFinished(() => new Promise<void>((resolve) => {
    for (const sock of held) sock.destroy();
    server.close(() => resolve());
  }));
}
