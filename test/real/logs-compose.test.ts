// `opsctl logs` on a compose target reads `docker compose logs` (or docker-compose v1) of the service's
// real containers: both replicas, stdout and stderr, docker's timestamps, follow and Ctrl-C.
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, removeTempDirs, runCli, startCli, uniqueSuffix, waitFor, writeConfig } from '../support/real-cli.js';
import { buildBusyboxImage, compose, containersWithLabel, docker, removeImage } from '../support/real-docker.js';
import { requireTools } from '../support/real-tools.js';

const available = requireTools('docker-compose', 'busybox');

// `$$` is a literal `$` for compose. Each container: an info and an error record, a plain stderr line, then a tick a second.
const SCRIPT = [
  'echo "{\\"level\\":30,\\"msg\\":\\"started\\"}"',
  'echo "{\\"level\\":50,\\"msg\\":\\"request failed\\",\\"reqId\\":\\"req-$$HOSTNAME\\"}"',
  'echo "ERROR plain stderr from $$HOSTNAME" >&2',
  'i=0; while true; do echo "{\\"level\\":30,\\"msg\\":\\"tick $$i\\"}"; i=$$((i+1)); sleep 1; done',
].join('; ');

describe.skipIf(!available)('logs of a real docker compose service (two replicas)', () => {
  const suffix = uniqueSuffix();
  const project = `opsctllogs${suffix}`;
  const image = `opsctl-real/busybox:logs${suffix}`;
  let dir: string;
  let file: string;
  let up = false;
  const env = cleanEnv({ OPSCTL_ENV: 'staging' });
  const logs = (args: string[]) => runCli(['logs', ...args], { cwd: dir, env });

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('logs-compose');
    await buildBusyboxImage(image);
    file = path.join(dir, 'docker-compose.yml');
    writeFileSync(file, JSON.stringify({ version: '3', services: { app: { image, command: ['sh', '-c', SCRIPT] }, other: { image, command: ['sh', '-c', 'echo ERROR from another service; sleep 3600'] } } }, null, 2));
    writeConfig(dir, { version: 1, app: 'reallogscompose', environments: { staging: { target: { compose: { file: 'docker-compose.yml', project, service: 'app' } } } } });
    up = true;
    await compose(project, file, ['up', '-d', '--scale', 'app=2']);
    await waitFor('both replicas to log their error', async () => (await logs(['--level', 'error', '--count'])).stdout === '4', 60_000, 500);
  }, 240_000);

  afterAll(async () => {
    if (up) await compose(project, file, ['down', '-t', '1']).catch(() => undefined);
    const left = await containersWithLabel(`com.docker.compose.project=${project}`).catch(() => []);
    if (left.length > 0) await docker(['rm', '-f', ...left], { allowFailure: true });
    await removeImage(image);
    removeTempDirs();
  });

  it('--level error: the error record and the stderr line of each replica, labelled by container, in time order; not the other service', async () => {
    const result = await logs(['--level', 'error']);
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toHaveLength(4);
    for (const replica of ['1', '2']) {
      expect(lines.some((line) => new RegExp(`^app[-_]${replica} \\S+Z ERROR request failed reqId=req-`).test(line))).toBe(true);
      expect(lines.some((line) => new RegExp(`^app[-_]${replica} \\S+Z ERROR plain stderr from `).test(line))).toBe(true);
    }
    const times = lines.map((line) => Date.parse(line.split(' ')[1]!));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(result.stdout).not.toContain('another service');
  });

  it('--json prints the records as written with the container added as opsctl.source; -n keeps the last matches', async () => {
    const json = await logs(['--level', 'error', '--json', '--grep', 'request failed']);
    const records = json.stdout.split('\n').map((line) => JSON.parse(line));
    expect(records).toHaveLength(2);
    for (const record of records) expect(Object.keys(record)).toEqual(['opsctl.source', 'level', 'msg', 'reqId']);
    const last = await logs(['-n', '3', '--grep', 'tick']);
    expect(last.stdout.split('\n')).toHaveLength(3);
  });

  it.skipIf(!requireTools('posix-signals'))('-f shows new ticks of both replicas once each; Ctrl-C ends it with exit 0', async () => {
    const child = startCli(['logs', '-f', '-n', '0', '--grep', 'tick'], { cwd: dir, env });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    // "app_1 2026-...Z INFO  tick 12" -> "app_1 tick 12"
    const ticks = () => out.split('\n').filter(Boolean).map((line) => { const parts = line.split(/ +/); return `${parts[0]} ${parts.slice(-2).join(' ')}`; });
    await waitFor('3 new ticks of each replica', () => new Set(ticks().map((t) => t.split(' ')[0])).size === 2 && ticks().length >= 6, 30_000, 100);
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(0);
    // History and follow do not overlap: no tick of a replica twice.
    expect(new Set(ticks()).size).toBe(ticks().length);
    expect(ticks().every((t) => /^app[-_][12] tick \d+$/.test(t))).toBe(true);
  });
});
