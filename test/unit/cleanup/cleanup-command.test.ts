import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../../support/real-tools.js';
import { render, run } from '../../../src/commands/cleanup.js';
import { lockPath } from '../../../src/history/lock.js';
import { createStyle } from '../../../src/output/style.js';
import { createTestContext } from '../../support/context.js';
import type { Expected } from '../../support/scripted-runner.js';
import { caught } from '../helpers.js';
import { aged, DAY, NOW, TEMP_CONFIG } from './temp-fixture.js';

// Links to folders and files: Wine cannot make them (gate `links`); real Windows and Linux run these.
const links = requireTool('links');

describe('cleanup command', () => {
  it('--dry-run plans and removes nothing', async () => {
    const t = createTestContext({ config: TEMP_CONFIG, now: () => NOW, dryRun: true });
    aged(path.join(t.dir, 'tmp', 'old.log'), 9);
    const { data, exitCode } = await run(t.ctx, {}, []);
    expect(exitCode).toBeUndefined();
    expect(data.planned).toEqual([{ kind: 'temp', what: path.join(t.dir, 'tmp', 'old.log'), bytes: 10, why: '9 days old (maxAgeDays 7)' }]);
    expect(existsSync(path.join(t.dir, 'tmp', 'old.log'))).toBe(true);
    expect(render(data, createStyle(false))).toContain('Dry run: nothing was removed.');
  });

  it('without --yes and without a terminal, exit 2 and nothing removed', async () => {
    const t = createTestContext({ config: TEMP_CONFIG, now: () => NOW });
    aged(path.join(t.dir, 'tmp', 'old.log'), 9);
    const error = (await caught(run(t.ctx, {}, []))) as { exitCode: number; message: string };
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('cleanup would remove 1 item (10 B) from prod and needs confirmation.');
    expect(existsSync(path.join(t.dir, 'tmp', 'old.log'))).toBe(true);
  });

  it('--yes removes, journals one cleanup entry, and leaves links and their targets', async () => {
    const t = createTestContext({ config: TEMP_CONFIG, now: () => NOW, assumeYes: true });
    aged(path.join(t.dir, 'tmp', 'a', 'old.log'), 9);
    aged(path.join(t.dir, 'tmp', 'new.log'), 1);
    aged(path.join(t.dir, 'outside', 'precious'), 30);
    symlinkSync(path.join(t.dir, 'outside'), path.join(t.dir, 'tmp', 'to-outside'));
    const { data, exitCode } = await run(t.ctx, {}, []);
    expect(exitCode).toBe(0);
    expect(data.removed.map((r) => path.relative(t.dir, r.what))).toEqual([path.join('tmp', 'a', 'old.log')]);
    expect(data.freedBytes).toBe(10);
    expect(existsSync(path.join(t.dir, 'tmp', 'a'))).toBe(false);
    expect(existsSync(path.join(t.dir, 'tmp', 'new.log'))).toBe(true);
    expect(existsSync(path.join(t.dir, 'outside', 'precious'))).toBe(true);
    const entries = readFileSync(path.join(t.stateDir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ type: 'cleanup', result: 'success', details: { planned: 1, removed: { temp: 1 }, bytesFreed: 10 } });
  });

  it.skipIf(!links)('a root that is a symbolic link is refused (exit 2) before anything goes', async () => {
    const t = createTestContext({ config: TEMP_CONFIG, now: () => NOW, assumeYes: true });
    aged(path.join(t.dir, 'elsewhere', 'old.log'), 9);
    symlinkSync(path.join(t.dir, 'elsewhere'), path.join(t.dir, 'tmp'));
    const error = (await caught(run(t.ctx, {}, []))) as { exitCode: number; message: string };
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/cleanup\.temp\[0\]\.path: .* is a symbolic link to .*elsewhere: cleanup refuses/);
    expect(existsSync(path.join(t.dir, 'elsewhere', 'old.log'))).toBe(true);
  });

  it('a root holding opsctl.yaml is refused', async () => {
    const t = createTestContext({ config: TEMP_CONFIG.replace('path: tmp', 'path: .'), now: () => NOW, assumeYes: true });
    expect(((await caught(run(t.ctx, {}, []))) as { exitCode: number }).exitCode).toBe(2);
  });

  it('exit 4 while another operation holds the lock', async () => {
    const t = createTestContext({ config: TEMP_CONFIG, now: () => NOW, assumeYes: true });
    const file = lockPath(t.stateDir, 'prod');
    mkdirSync(path.dirname(file), { recursive: true });
    const { hostname, userInfo } = await import('node:os');
    writeFileSync(file, JSON.stringify({ environment: 'prod', pid: process.pid, host: hostname(), user: userInfo().username, command: 'opsctl backup', startedAt: new Date().toISOString() }));
    expect(((await caught(run(t.ctx, {}, []))) as { exitCode: number }).exitCode).toBe(4);
  });

  it('nothing configured: exit 0 with a note', async () => {
    const t = createTestContext({ config: TEMP_CONFIG.replace(/    cleanup:\n.*\n/, ''), now: () => NOW });
    const { data, exitCode } = await run(t.ctx, {}, []);
    expect(exitCode ?? 0).toBe(0);
    expect(data.notes[0]).toMatch(/nothing is configured under cleanup/);
  });
});

const COMPOSE_CONFIG = `
version: 1
app: shop
environments:
  staging:
    target: { compose: { service: app, image: shop-app } }
    cleanup:
      docker: { olderThan: 168h, keepReleases: 1 }
`;

describe('cleanup docker on a compose target (scripted docker)', () => {
  const created = (days: number) => new Date(NOW - days * DAY).toISOString();
  const images = JSON.stringify([
    { Id: 'sha256:new', RepoTags: ['shop-app:b'], Created: created(1), Size: 100 },
    { Id: 'sha256:old', RepoTags: ['shop-app:a'], Created: created(10), Size: 200 },
    { Id: 'sha256:used', RepoTags: ['shop-app:u'], Created: created(20), Size: 300 },
  ]);
  const script = (removals: Expected[]): Expected[] => [
    { file: 'docker', args: ['ps', '-a', '-q', '--no-trunc', '--filter', 'label=com.docker.compose.project=shop', '--filter', 'status=exited', '--filter', 'status=created', '--filter', 'status=dead'], stdout: 'c1\n', readOnly: true },
    { file: 'docker', args: ['container', 'inspect', '--size', 'c1'], stdout: JSON.stringify([{ Id: 'c1', Name: '/shop-worker-1', Image: 'sha256:used', State: { Status: 'exited' }, SizeRw: 5 }]) },
    { file: 'docker', args: ['ps', '-a', '-q', '--no-trunc'], stdout: 'c1\nc2\n' },
    { file: 'docker', args: ['container', 'inspect', 'c1', 'c2'], stdout: JSON.stringify([{ Id: 'c1', Image: 'sha256:used' }, { Id: 'c2', Image: 'sha256:new' }]) },
    { file: 'docker', args: ['image', 'ls', '-q', '--no-trunc', '--filter', 'dangling=true'], stdout: 'sha256:dang\n' },
    { file: 'docker', args: ['image', 'inspect', 'sha256:dang'], stdout: JSON.stringify([{ Id: 'sha256:dang', RepoTags: [], Created: created(3), Size: 50 }]) },
    { file: 'docker', args: ['image', 'ls', '-q', '--no-trunc', 'shop-app'], stdout: 'sha256:new\nsha256:old\nsha256:used\n' },
    { file: 'docker', args: ['image', 'inspect', 'sha256:new', 'sha256:old', 'sha256:used'], stdout: images },
    ...removals,
  ];

  it('plans stopped containers of the project, dangling and old unused release images; removes each by id', async () => {
    const removals: Expected[] = [
      { file: 'docker', args: ['rm', 'c1'], readOnly: false },
      { file: 'docker', args: ['image', 'rm', 'sha256:dang'], readOnly: false },
      { file: 'docker', args: ['image', 'rm', 'sha256:old'], exitCode: 1, stderr: 'Error response from daemon: conflict' },
    ];
    const t = createTestContext({ config: COMPOSE_CONFIG, now: () => NOW, assumeYes: true, commands: script(removals) });
    const { data, exitCode } = await run(t.ctx, { only: 'docker' }, []);
    expect(data.planned.map((p) => [p.what, p.bytes])).toEqual([
      ['container shop-worker-1 (c1)', 5],
      ['image <dangling> (dang)', 50],
      ['image shop-app:a (old)', 200],
    ]);
    expect(data.removed.map((r) => r.what)).toEqual(['container shop-worker-1 (c1)', 'image <dangling> (dang)']);
    expect(data.failed).toEqual([{ kind: 'docker', what: 'image shop-app:a (old)', error: expect.stringContaining('docker image rm sha256:old failed with exit code 1') }]);
    expect(exitCode).toBe(1);
  });

  it('--dry-run runs only the read-only listing', async () => {
    const t = createTestContext({ config: COMPOSE_CONFIG, now: () => NOW, dryRun: true, commands: script([]) });
    const { data } = await run(t.ctx, { only: 'docker' }, []);
    expect(data.planned).toHaveLength(3);
    expect(t.runner.ran.every((c) => c.readOnly)).toBe(true);
  });
});
