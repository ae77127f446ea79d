/** Docker helpers for the real-tool tests: a local busybox image (no registry here), compose either flavour. */
import { mkdirSync, rmSync, symlinkSync, copyFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import type { SelectedEnvironment } from '../../src/config/select.js';
import type { DriverDeps } from '../../src/deploy/types.js';
import type { Logger } from '../../src/output/logger.js';
import { createEffects } from '../../src/process/effects.js';
import { createRunner } from '../../src/process/runner.js';
import { makeTempDir } from './real-cli.js';
import { busyboxPath, probeCommand } from './real-tools.js';

export async function docker(args: string[], options: { allowFailure?: boolean; timeoutMs?: number } = {}): Promise<string> {
  const result = await execa('docker', args, { reject: false, stdin: 'ignore', timeout: options.timeoutMs ?? 120_000 });
  if (result.exitCode !== 0 && !options.allowFailure) {
    throw new Error(`docker ${args.join(' ')} failed (${result.exitCode}): ${result.stderr}`);
  }
  return result.stdout;
}

/**
 * Imports a one-layer image holding a static busybox, so the tests need no registry.
 * Its default command serves /www over HTTP on port 8080.
 */
export async function buildBusyboxImage(tag: string): Promise<string> {
  const busybox = busyboxPath();
  if (!busybox) throw new Error('busybox is missing');
  const work = makeTempDir('image');
  const root = path.join(work, 'root');
  for (const dir of ['bin', 'www', 'tmp']) mkdirSync(path.join(root, dir), { recursive: true });
  copyFileSync(busybox, path.join(root, 'bin', 'busybox'));
  for (const applet of ['sh', 'httpd', 'sleep']) symlinkSync('busybox', path.join(root, 'bin', applet));
  writeFileSync(path.join(root, 'www', 'index.html'), 'ok\n');
  const tar = path.join(work, 'rootfs.tar');
  await execa('tar', ['-C', root, '-cf', tar, '.']);
  await docker(['import', '--change', 'CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]', tar, tag]);
  return tag;
}

export async function removeImage(tag: string): Promise<void> {
  await docker(['rmi', '--force', tag], { allowFailure: true });
}

/** argv prefix of the compose CLI present: the v2 plugin if it works, else docker-compose v1. */
export function composeArgv(): [string, ...string[]] {
  return probeCommand('docker', ['compose', 'version']).problem ? ['docker-compose'] : ['docker', 'compose'];
}

export async function compose(project: string, file: string, args: string[]): Promise<string> {
  const [bin, ...pre] = composeArgv();
  const result = await execa(bin, [...pre, '-p', project, '-f', file, ...args], { reject: false, stdin: 'ignore', timeout: 180_000 });
  if (result.exitCode !== 0) throw new Error(`compose ${args.join(' ')} failed (${result.exitCode}): ${result.stderr}`);
  return result.stdout;
}

/** Full ids of every container (running or not) carrying all the labels. */
export async function containersWithLabel(...labels: string[]): Promise<string[]> {
  const filters = labels.flatMap((label) => ['--filter', `label=${label}`]);
  return (await docker(['ps', '-a', '-q', '--no-trunc', ...filters])).split(/\s+/).filter(Boolean);
}

/** What one commit of a release repo serves: /health answers 200 unless `healthy` is false (404 then). */
export interface ReleaseSpec {
  version: string;
  healthy?: boolean;
  /** The container exits at once with this code (a release that crashes). */
  exitCode?: number;
  /** The container serves, then after `seconds` writes `message` to stderr and exits 3 (a release that crash-loops). */
  crashAfter?: { seconds: number; message: string };
}

/**
 * A git repo whose commits are releases: each holds a Dockerfile FROM scratch with the static busybox,
 * serving /www on 8080 (/version says which release, /health only when healthy) and a HEALTHCHECK of
 * /index.html, so docker's health and opsctl's HTTP probe can disagree. Returns each commit's full sha.
 */
export async function makeReleaseRepo(dir: string, releases: readonly ReleaseSpec[]): Promise<string[]> {
  const busybox = busyboxPath();
  if (!busybox) throw new Error('busybox is missing');
  const git = (...args: string[]) => execa('git', args, { cwd: dir, env: { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
  mkdirSync(path.join(dir, 'app', 'bin'), { recursive: true });
  mkdirSync(path.join(dir, 'app', 'www'), { recursive: true });
  copyFileSync(busybox, path.join(dir, 'app', 'bin', 'busybox'));
  await git('init', '-q', '-b', 'main');
  const shas: string[] = [];
  for (const release of releases) {
    writeFileSync(path.join(dir, 'app', 'www', 'index.html'), 'ok\n');
    writeFileSync(path.join(dir, 'app', 'www', 'version'), `${release.version}\n`);
    rmSync(path.join(dir, 'app', 'www', 'health'), { force: true });
    if (release.healthy !== false) writeFileSync(path.join(dir, 'app', 'www', 'health'), 'healthy\n');
    writeFileSync(path.join(dir, 'Dockerfile'), dockerfile(release));
    await git('add', '-A');
    await git('commit', '-q', '-m', `release ${release.version}`);
    shas.push((await git('rev-parse', 'HEAD')).stdout.trim());
  }
  return shas;
}

function dockerfile(release: ReleaseSpec): string {
  const crash = release.crashAfter && `/bin/busybox httpd -p 8080 -h /www; /bin/busybox sleep ${release.crashAfter.seconds}; echo '${release.crashAfter.message}' >&2; exit 3`;
  const cmd = crash
    ? JSON.stringify(['/bin/busybox', 'sh', '-c', crash])
    : release.exitCode === undefined ? '["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]' : `["/bin/busybox", "sh", "-c", "exit ${release.exitCode}"]`;
  return [
    'FROM scratch',
    'COPY app/ /',
    'HEALTHCHECK --interval=1s --timeout=2s --retries=2 CMD ["/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/index.html"]',
    `CMD ${cmd}`,
    '',
  ].join('\n');
}

/** `docker build -t <image>:<sha>` of one commit, as a deploy's build step would (for tests that drive the drivers directly). */
export async function buildRelease(repo: string, sha: string, image: string): Promise<string> {
  const work = makeTempDir('release');
  const tar = path.join(work, 'release.tar');
  await execa('git', ['-C', repo, 'archive', '--output', tar, sha]);
  await execa('tar', ['-x', '-f', tar, '-C', work]);
  await docker(['build', '-q', '-t', `${image}:${sha}`, work]);
  return `${image}:${sha}`;
}

/** Every tag of a repository, for cleanup. */
export async function imageTags(image: string): Promise<string[]> {
  return (await docker(['image', 'ls', image, '--format', '{{.Repository}}:{{.Tag}}'])).split('\n').filter(Boolean);
}

/** DriverDeps with a real runner, for tests that drive a deploy driver directly (no CLI in between). */
export function realDriverDeps(dir: string, app: string, options: { dryRun?: boolean; planned?: string[] } = {}): DriverDeps {
  const quiet = () => undefined;
  const log: Logger = { info: quiet, warn: quiet, error: quiet, debug: quiet, plan: quiet, notice: quiet, step: () => ({ done: quiet, fail: quiet }) };
  const runner = createRunner({ dryRun: Boolean(options.dryRun), verbose: false, signal: new AbortController().signal, log: (line) => options.planned?.push(line) });
  const environment = { name: 'test', app, dir, envFile: path.join(dir, '.env'), stateDir: path.join(dir, '.opsctl'), config: {} } as unknown as SelectedEnvironment;
  return { runner, effects: createEffects({ dryRun: runner.dryRun, log: (line) => options.planned?.push(line) }), env: process.env, log, environment, releasesDir: path.join(dir, '.opsctl', 'releases', 'test'), now: Date.now };
}

/** `count` consecutive free TCP ports on 127.0.0.1 (compose maps a scaled service onto a host port range). */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if ((await Promise.all(ports.map(isFree))).every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The body of GET url, or the error's message (a refused connection during a switch). */
export async function fetchText(url: string, timeoutMs = 2_000): Promise<{ ok: boolean; text: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { ok: response.ok, text: (await response.text()).trim() };
  } catch (error) {
    return { ok: false, text: (error as Error).message };
  }
}

/** GET `url` in a loop from this process until stopped: how many requests, and what each failure said. */
export function startHttpLoad(url: string): { stop(): Promise<{ requests: number; failures: string[] }> } {
  const failures: string[] = [];
  let requests = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      requests += 1;
      const reply = await fetchText(url);
      if (!reply.ok) failures.push(reply.text);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { requests, failures };
    },
  };
}
