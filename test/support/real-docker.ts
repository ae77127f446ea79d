/** Docker helpers for the real-tool tests: a local busybox image (no registry here), compose either flavour. */
import { mkdirSync, symlinkSync, copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
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
