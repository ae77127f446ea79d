/**
 * A throwaway redis-server for real-tool tests, a child process of the test worker.
 *
 *   const redis = await startRedis({ password: 's3cret' });   // omit password: no AUTH
 *   redis.url                                  // redis://:s3cret@127.0.0.1:<port>
 *   await redis.cli(['set', 'k', 'v']);        // redis-cli against it, password via REDISCLI_AUTH
 *   await redis.stop();                        // idempotent; afterAll(stopAllRedis) catches the rest
 *
 * It listens on a free port on 127.0.0.1, persists nothing (--save '' --appendonly no, its folder is a
 * temp dir) and is ready when `redis-cli -p N ping` answers PONG. stop() kills it by the pid we spawned.
 * Gate the tests with requireTool('redis').
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { waitFor } from './real-cli.js';
import { freePort } from './real-postgres.js';

export interface RedisServer {
  host: '127.0.0.1';
  port: number;
  password: string | undefined;
  pid: number;
  /** redis://[:password@]127.0.0.1:<port> */
  url: string;
  /** A URL to this server; `password: false` leaves it out, a string replaces it; `db` adds /<n>. */
  urlFor(options?: { password?: string | false; user?: string; db?: number }): string;
  /** redis-cli -h 127.0.0.1 -p <port> <args> (the password in REDISCLI_AUTH); stdout trimmed, throws on exit != 0. */
  cli(args: string[]): Promise<string>;
  stop(): Promise<void>;
}

const running = new Set<RedisServer>();
const children = new Set<ChildProcess>();

// A worker that exits before its afterAll must not leave a server behind.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

export async function stopAllRedis(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop()));
}

export async function startRedis(options: { password?: string } = {}): Promise<RedisServer> {
  const { password } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(await freePort(), password);
    } catch (error) {
      // Another test may take the port between freePort() and redis's bind: try another.
      if (attempt >= 3 || !/Address already in use/i.test(String(error))) throw error;
    }
  }
}

async function startOnce(port: number, password: string | undefined): Promise<RedisServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'opsctl-real-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir];
  if (password !== undefined) args.push('--requirepass', password);
  const child = spawn('redis-server', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', (error) => (output += String(error)));

  const cliEnv = (auth: string | undefined) => (auth === undefined ? {} : { REDISCLI_AUTH: auth });
  const cli = async (cliArgs: string[]) => {
    const result = await execa('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...cliArgs], { reject: false, stdin: 'ignore', timeout: 20_000, env: cliEnv(password) });
    if (result.exitCode !== 0) throw new Error(`redis-cli ${cliArgs.join(' ')} failed (exit ${result.exitCode}): ${result.stderr}`);
    return result.stdout.trim();
  };

  let stopped: Promise<void> | undefined;
  const server: RedisServer = {
    host: '127.0.0.1',
    port,
    password,
    pid: child.pid ?? -1,
    url: urlFor(port, password),
    urlFor: (opts = {}) => urlFor(port, opts.password === false ? undefined : (opts.password ?? password), opts.user, opts.db),
    cli,
    stop: () => {
      stopped ??= (async () => {
        running.delete(server);
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(timer);
        }
        children.delete(child);
        rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      })();
      return stopped;
    },
  };
  running.add(server);
  try {
    const died = exited.then(() => {
      throw new Error(`redis-server exited at start: ${output}`);
    });
    died.catch(() => undefined); // it rejects again when stop() ends the server
    await Promise.race([waitFor(`redis-server on port ${port} to answer PING`, async () => (await cli(['ping'])) === 'PONG', 30_000, 100), died]);
  } catch (error) {
    await server.stop();
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return server;
}

function urlFor(port: number, password: string | undefined, user?: string, db?: number): string {
  const auth = password === undefined ? (user ? `${encodeURIComponent(user)}@` : '') : `${user ? encodeURIComponent(user) : ''}:${encodeURIComponent(password)}@`;
  return `redis://${auth}127.0.0.1:${port}${db === undefined ? '' : `/${db}`}`;
}
