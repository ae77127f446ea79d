/**
 * A throwaway PostgreSQL cluster for real-tool tests (health-check now, backup and restore next).
 *
 *   const pg = await startPostgres();          // initdb + pg_ctl start, ~2-5 s
 *   pg.url                                     // postgresql://postgres:<password>@127.0.0.1:<port>/postgres
 *   await pg.createDatabase('shop');           // then pg.urlFor('shop')
 *   await pg.psql('create table t (id int)', 'shop');   // stdout of psql -A -t, trimmed
 *   await pg.stop();                           // idempotent; afterAll(stopAllPostgres) catches the rest
 *
 * The cluster lives in its own temp folder (data, unix socket, log), listens on a free TCP port on
 * 127.0.0.1 only, and asks for a password (scram-sha-256) over TCP and the socket alike: a test that
 * passes proves the password reached the client. The server refuses to run as root, so as root
 * initdb and pg_ctl run as the `postgres` user through `runuser` (the gate 'postgres' checks that user
 * exists). Every command is an argv array; fsync is off since nothing here must survive a crash.
 * stop() asks pg_ctl for a fast shutdown, and if that fails kills the postmaster pid it started; a
 * process exit handler does the same for a worker that dies before its afterAll.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { isAlive, waitFor } from './real-cli.js';
import { postgresBinDir } from './real-tools.js';

export interface PostgresServer {
  host: '127.0.0.1';
  port: number;
  /** The superuser, `postgres`. */
  user: string;
  password: string;
  /** postgresql://postgres:<password>@127.0.0.1:<port>/postgres */
  url: string;
  /** The same URL without its password. */
  urlWithoutPassword: string;
  /** `show server_version`, e.g. "15.18 (Debian 15.18-0+deb12u1)": what psql reports to opsctl. */
  serverVersion: string;
  /** The postmaster's pid, read from postmaster.pid after start. */
  pid: number;
  /** The cluster's folder (data/, socket/, server.log); removed by stop(). */
  dir: string;
  /** A URL to `database` (default postgres); `password: false` leaves it out, a string replaces it. */
  urlFor(database?: string, options?: { password?: string | false; user?: string }): string;
  createDatabase(name: string): Promise<void>;
  /** Runs one SQL text with psql (-X -A -t, ON_ERROR_STOP) over TCP and returns stdout, trimmed. */
  psql(sql: string, database?: string): Promise<string>;
  stop(): Promise<void>;
}

const running = new Set<PostgresServer>();
const pids = new Set<number>();

// A worker killed before its afterAll must not leave a cluster behind: SIGQUIT is an immediate shutdown.
process.once('exit', () => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGQUIT');
    } catch {
      // already gone
    }
  }
});

/** Stops every cluster this process started and has not stopped yet: call it in afterAll. */
export async function stopAllPostgres(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop()));
}

/** A TCP port on 127.0.0.1 that nothing listened on a moment ago. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startPostgres(options: { password?: string } = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('No PostgreSQL server binaries: gate the test with requireTool("postgres").');
  const password = options.password ?? `pw-${Math.random().toString(36).slice(2, 12)}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'opsctl-real-pg-'));
  const data = path.join(dir, 'data');
  const socket = path.join(dir, 'socket');
  const log = path.join(dir, 'server.log');
  const pwfile = path.join(dir, 'pwfile');
  mkdirSync(socket);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  const owner = serverOwner();
  if (owner) for (const p of [dir, socket, pwfile]) chownSync(p, owner.uid, owner.gid);

  const asOwner = (file: string, args: string[]) => {
    const argv = owner ? ['runuser', '-u', 'postgres', '--', path.join(bin, file), ...args] : [path.join(bin, file), ...args];
    return execa(argv[0]!, argv.slice(1), { cwd: dir, reject: false, stdin: 'ignore', timeout: 120_000, env: { LC_ALL: 'C', LANG: 'C' } });
  };
  const fail = async (what: string, result: { exitCode?: number; stdout: string; stderr: string }) => {
    const serverLog = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
    // pg_ctl -w gave up while the server may still be coming up: do not leave it running.
    const pidFile = path.join(data, 'postmaster.pid');
    if (existsSync(pidFile)) await kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]));
    rmSync(dir, { recursive: true, force: true });
    return new Error(`${what} failed (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}\n${serverLog}`);
  };

  const init = await asOwner('initdb', ['-D', data, '-U', 'postgres', `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync']);
  if (init.exitCode !== 0) throw await fail('initdb', init);
  rmSync(pwfile);

  // The port can be taken between freePort() and the server's bind by a parallel test: try again then.
  // pg_ctl hands -o to the server through /bin/sh, hence a socket folder without spaces (os.tmpdir()).
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    const serverOptions = `-p ${port} -k ${socket} -h 127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    const start = await asOwner('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', serverOptions, 'start']);
    if (start.exitCode === 0) break;
    const inUse = existsSync(log) && /could not bind|Address already in use/.test(readFileSync(log, 'utf8'));
    if (!inUse || attempt >= 3) throw await fail('pg_ctl start', start);
  }
  const pid = Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  pids.add(pid);

  const user = 'postgres';
  const urlFor: PostgresServer['urlFor'] = (database = 'postgres', opts = {}) => {
    const pass = opts.password === false ? '' : `:${encodeURIComponent(opts.password ?? password)}`;
    return `postgresql://${encodeURIComponent(opts.user ?? user)}${pass}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  };
  const psqlBin = existsSync(path.join(bin, 'psql')) ? path.join(bin, 'psql') : 'psql';
  const psql = async (sql: string, database = 'postgres') => {
    const args = ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', database, '-c', sql];
    const result = await execa(psqlBin, args, { reject: false, stdin: 'ignore', timeout: 60_000, env: { PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' } });
    if (result.exitCode !== 0) throw new Error(`psql -c ${JSON.stringify(sql)} on ${database} failed (exit ${result.exitCode}): ${result.stderr}`);
    return result.stdout.trim();
  };

  let stopped: Promise<void> | undefined;
  const server: PostgresServer = {
    host: '127.0.0.1',
    port,
    user,
    password,
    url: urlFor(),
    urlWithoutPassword: urlFor('postgres', { password: false }),
    serverVersion: '',
    pid,
    dir,
    urlFor,
    psql,
    createDatabase: async (name) => {
      await psql(`create database "${name.replace(/"/g, '""')}"`);
    },
    stop: () => {
      stopped ??= (async () => {
        running.delete(server);
        const result = await asOwner('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
        if (result.exitCode !== 0 || isAlive(pid)) await kill(pid);
        pids.delete(pid);
        rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      })();
      return stopped;
    },
  };
  running.add(server);
  try {
    server.serverVersion = await psql('show server_version');
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** The uid and gid to run the server as when we are root, else undefined (run as ourselves). */
function serverOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid === 0) throw new Error('Running as root and there is no "postgres" user to run the server as.');
  return { uid, gid };
}

/** SIGQUIT (immediate shutdown), then SIGKILL if the postmaster is still there after 10 s. */
async function kill(pid: number): Promise<void> {
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGQUIT');
    await waitFor(`postmaster ${pid} to exit`, () => !isAlive(pid), 10_000, 100);
  } catch {
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
}
