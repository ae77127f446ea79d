/**
 * Gates for the real-tool tests (test/real/).
 *
 * A test whose tool is missing is skipped with its reason printed on stderr. Under CI=true it fails
 * instead, so nothing goes untested without anyone noticing, unless the tool is listed in
 *
 *   OPSCTL_TEST_OPTIONAL_TOOLS=docker,docker-swarm,busybox   (comma-separated gate names)
 *
 * which a CI job sets for the tools its machines cannot have (e.g. Linux containers on Windows runners).
 * Gate names: git, pm2, docker (a reachable engine running Linux containers), docker-compose (v2 plugin
 * or v1), docker-swarm (an engine that can be a swarm node), busybox (a static busybox to build the
 * test image), posix-signals (SIGINT delivery and shebang fake tools: not on Windows), openssl (makes the
 * TLS test certificates), postgres (server binaries for a throwaway cluster, plus psql), redis (redis-server
 * and redis-cli). Gates whose probes live in their own test files: crontab (a real user crontab, saved and
 * restored), bash and zsh (completion scripts), swarm-routing-mesh (the kernel's IPVS, test/support/real-swarm.ts).
 * links: folder and file links that are followed (not under Wine).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './real-cli.js';

/** Returns undefined when the tool is usable, else the reason it is not. */
export type Probe = () => string | undefined;

const decided = new Map<string, boolean>();

/**
 * True when the tool is usable. Otherwise prints why and returns false (use with describe.skipIf),
 * or throws under CI=true unless the tool is listed in OPSCTL_TEST_OPTIONAL_TOOLS.
 */
export function requireTool(name: string, probe: Probe = PROBES[name] ?? missingProbe(name)): boolean {
  const known = decided.get(name);
  if (known !== undefined) return known;
  const reason = probe();
  const available = reason === undefined;
  decided.set(name, available);
  if (available) return true;
  const optional = (process.env.OPSCTL_TEST_OPTIONAL_TOOLS ?? '').split(',').map((s) => s.trim());
  if (process.env.CI === 'true' && !optional.includes(name)) {
    throw new Error(`Real-tool tests need ${name}, which is not usable here (${reason}). Under CI=true this is a failure; install it, or list "${name}" in OPSCTL_TEST_OPTIONAL_TOOLS if this CI machine cannot have it.`);
  }
  console.warn(`[real-tools] SKIPPED tests needing ${name}: ${reason}`);
  return false;
}

/** Every gate in turn; all must pass. Each missing one is reported. */
export function requireTools(...names: string[]): boolean {
  return names.map((name) => requireTool(name)).every(Boolean);
}

function missingProbe(name: string): Probe {
  return () => `no probe is defined for "${name}"`;
}

/** Runs argv without a shell; the reason when it cannot start or exits non-zero. */
export function probeCommand(file: string, args: string[], timeoutMs = 20_000): { stdout: string; problem?: string } {
  const result = spawnSync(file, args, { encoding: 'utf8', timeout: timeoutMs, windowsHide: true });
  if (result.error) return { stdout: '', problem: `${file} ${args.join(' ')}: ${result.error.message}` };
  if (result.status !== 0) return { stdout: result.stdout, problem: `${file} ${args.join(' ')} exited ${result.status}: ${(result.stderr || '').trim().split('\n')[0]}` };
  return { stdout: result.stdout };
}

function probeDocker(): string | undefined {
  const { stdout, problem } = probeCommand('docker', ['version', '--format', '{{.Server.Os}}']);
  if (problem) return problem;
  if (stdout.trim() !== 'linux') return `the docker engine runs ${stdout.trim() || 'unknown'} containers, the tests need linux ones`;
  return undefined;
}

function probeCompose(): string | undefined {
  const docker = probeDocker();
  if (docker) return docker;
  if (!probeCommand('docker', ['compose', 'version']).problem) return undefined;
  const v1 = probeCommand('docker-compose', ['version']);
  return v1.problem ? `neither "docker compose" nor docker-compose works (${v1.problem})` : undefined;
}

function probeSwarm(): string | undefined {
  const docker = probeDocker();
  if (docker) return docker;
  const { stdout, problem } = probeCommand('docker', ['info', '--format', '{{.Swarm.LocalNodeState}}']);
  if (problem) return problem;
  const state = stdout.trim();
  return ['inactive', 'active'].includes(state) ? undefined : `swarm node state is "${state}"`;
}

function probePm2(): string | undefined {
  return existsSync(PM2_BIN) ? undefined : `${PM2_BIN} is missing (run npm ci)`;
}

function probeBusybox(): string | undefined {
  return busyboxPath() ? undefined : 'no static busybox at /bin/busybox or /usr/bin/busybox (Debian/Ubuntu: apt-get install busybox-static)';
}

/** A statically linked busybox: it runs alone in an image with no libc. */
export function busyboxPath(): string | undefined {
  return ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p) && isStatic(p));
}

function isStatic(file: string): boolean {
  // A dynamic ELF names its loader (PT_INTERP) within its first page.
  const buffer = Buffer.alloc(4096);
  const fd = openSync(file, 'r');
  const length = readSync(fd, buffer, 0, buffer.length, 0);
  closeSync(fd);
  const head = buffer.subarray(0, length).toString('latin1');
  return head.startsWith('\x7fELF') && !/\/ld-(linux|musl)/.test(head);
}

function probePosix(): string | undefined {
  return process.platform === 'win32' ? 'Windows has no SIGINT delivery to a child process nor shebang scripts' : undefined;
}

function probeGit(): string | undefined {
  return probeCommand('git', ['--version']).problem;
}

function probeOpenssl(): string | undefined {
  return probeCommand('openssl', ['version']).problem;
}

/** The PostgreSQL server binaries (initdb, pg_ctl, postgres) and the psql client. */
export function postgresBinDir(): string | undefined {
  const fromEnv = process.env.OPSCTL_TEST_PG_BIN;
  if (fromEnv && existsSync(path.join(fromEnv, 'initdb'))) return fromEnv;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => path.join(root, v, 'bin')).find((dir) => existsSync(path.join(dir, 'initdb')));
}

function probePostgres(): string | undefined {
  if (process.platform === 'win32') return 'the throwaway cluster helper is POSIX-only';
  const bin = postgresBinDir();
  if (!bin) return 'no PostgreSQL server binaries in /usr/lib/postgresql/<version>/bin (Debian/Ubuntu: apt-get install postgresql) or OPSCTL_TEST_PG_BIN';
  const psql = probeCommand('psql', ['--version']).problem;
  if (psql) return psql;
  // The server refuses to run as root: as root the tests run it as the postgres user.
  if (process.getuid?.() === 0 && probeCommand('id', ['-u', 'postgres']).problem) return 'running as root and there is no "postgres" user to run the server as';
  return undefined;
}

function probeRedis(): string | undefined {
  return probeCommand('redis-server', ['--version']).problem ?? probeCommand('redis-cli', ['--version']).problem;
}

/** pm2's own entry point, run with this node: works the same on every OS. */
export const PM2_BIN = path.join(REPO_ROOT, 'node_modules', 'pm2', 'bin', 'pm2');

/**
 * Links to folders as opsctl makes them (a junction on Windows, a symlink elsewhere) and links to files,
 * followed when read. Wine has neither (symlink gives ENOTSUP, mklink makes nothing): there these tests
 * cannot run and are listed optional by name; real Windows (the GitHub job) runs them.
 */
function probeLinks(): string | undefined {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'opsctl-links-'));
  try {
    mkdirSync(path.join(dir, 'target'));
    writeFileSync(path.join(dir, 'target', 'x'), 'x');
    symlinkSync(path.join(dir, 'target'), path.join(dir, 'dir-link'), process.platform === 'win32' ? 'junction' : 'dir');
    symlinkSync(path.join(dir, 'target', 'x'), path.join(dir, 'file-link'), 'file');
    const followed = readFileSync(path.join(dir, 'dir-link', 'x'), 'utf8') + readFileSync(path.join(dir, 'file-link'), 'utf8');
    return lstatSync(path.join(dir, 'file-link')).isSymbolicLink() && followed === 'xx' ? undefined : 'links are made but not followed';
  } catch (error) {
    return `cannot make links to folders and files here (${(error as Error).message})`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PROBES: Record<string, Probe> = {
  links: probeLinks,
  git: probeGit,
  pm2: probePm2,
  docker: probeDocker,
  'docker-compose': probeCompose,
  'docker-swarm': probeSwarm,
  busybox: probeBusybox,
  'posix-signals': probePosix,
  openssl: probeOpenssl,
  postgres: probePostgres,
  redis: probeRedis,
};
