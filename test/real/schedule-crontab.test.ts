import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, writeConfig } from '../support/real-cli.js';
import { lockRealCrontab } from '../support/real-crontab.js';
import { requireTool } from '../support/real-tools.js';

/**
 * Against the REAL crontab of the user running the tests. Debian's crontab has no environment override
 * for its spool, so the user's crontab is saved first and put back exactly at the end, pass or fail.
 */
function crontab(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('crontab', args, { encoding: 'utf8', input, timeout: 20_000 });
  return { status: result.error ? -1 : result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? result.error?.message ?? '' };
}

function readCrontab(): string | undefined {
  const result = crontab(['-l']);
  if (result.status === 0) return result.stdout;
  if (/no crontab for/i.test(result.stderr)) return undefined;
  throw new Error(`crontab -l failed: ${result.stderr}`);
}

const available = requireTool('crontab', () => {
  if (process.platform === 'win32') return 'crontab is a POSIX tool';
  const result = crontab(['-l']);
  if (result.status === -1) return `crontab cannot run: ${result.stderr} (apt-get install -y cron)`;
  return result.status === 0 || /no crontab for/i.test(result.stderr) ? undefined : `crontab -l failed: ${result.stderr.trim()}`;
});

const USER_LINES = '# the user\'s own crontab\nMAILTO=ops@example.com\n*/5 * * * *   /usr/local/bin/check.sh  >/dev/null 2>&1   # odd   spacing kept\n\n@reboot /usr/local/bin/warm-cache.sh\n';

describe.skipIf(!available)('schedule against the real crontab', () => {
  let saved: string | undefined;
  let dir: string;
  let unlock: (() => void) | undefined;
  const cli = (...args: string[]) => runCli(args, { cwd: dir });

  beforeAll(async () => {
    unlock = await lockRealCrontab();
    saved = readCrontab();
    await ensureBuilt();
    dir = makeTempDir('schedule');
    writeConfig(dir, { version: 1, app: 'shop', environments: { production: { target: { pm2: { script: 'app.js' } } }, staging: { target: { pm2: { script: 'app.js' } } } } });
    expect(crontab(['-'], USER_LINES).status).toBe(0);
  }, 300_000);

  afterAll(() => {
    const restored = saved === undefined ? crontab(['-r']) : crontab(['-'], saved);
    removeTempDirs();
    unlock?.();
    if (restored.status !== 0 && saved !== undefined) throw new Error(`could not restore the crontab: ${restored.stderr}`);
  });

  const ours = () => (readCrontab() ?? '').split('\n').filter((line) => line.startsWith('# opsctl-schedule'));

  it('installs after the user\'s lines, which stay byte for byte, and creates the log folder', async () => {
    const result = await cli('schedule', 'backup', '--daily', '02:00', '-e', 'production', '--json');
    expect(result.exitCode, result.stderr).toBe(0);
    const data = parseJson(result.stdout);
    expect(data).toMatchObject({ action: 'install', installed: true, replaced: false, name: 'shop-production-backup', schedule: '0 2 * * *' });
    const text = readCrontab()!;
    expect(text.startsWith(USER_LINES)).toBe(true);
    expect(text.slice(USER_LINES.length)).toBe(`# opsctl-schedule id=${data.id} name=shop-production-backup\n${data.entry}\n`);
    expect(data.entry).toContain(` backup --lock-wait 30m -e production -c ${path.join(dir, 'opsctl.yaml')} >> `);
    expect(existsSync(path.join(dir, '.opsctl', 'logs'))).toBe(true);
  });

  it('lists it', async () => {
    const result = await cli('schedule', 'list', '--json');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(parseJson(result.stdout).schedules).toEqual([expect.objectContaining({ name: 'shop-production-backup', schedule: '0 2 * * *' })]);
  });

  it('--dry-run prints the crontab it would write and changes nothing', async () => {
    const before = readCrontab();
    const result = await cli('schedule', 'health-check', '--every', '5m', '-e', 'staging', '--dry-run');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('*/5 * * * * cd ');
    expect(result.stderr).toContain('would run: crontab -');
    expect(readCrontab()).toBe(before);
  });

  it('installing the same schedule again replaces it instead of adding a second', async () => {
    const result = await cli('schedule', 'backup', '--every', '6h', '-e', 'production', '--json');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(parseJson(result.stdout)).toMatchObject({ replaced: true, schedule: '0 */6 * * *' });
    expect(ours()).toHaveLength(1);
    expect(readCrontab()!.startsWith(USER_LINES)).toBe(true);
  });

  it('removes only its own entries, by name and by id, leaving the user\'s crontab as it was', async () => {
    const second = await cli('schedule', '-e', 'staging', '--cron', '0 3 * * 0', '--yes', '--json', '--', 'cleanup', '--only', 'docker');
    expect(second.exitCode, second.stderr).toBe(0);
    const { id, argv } = parseJson(second.stdout);
    // -e, -c and --yes given to schedule itself land in the scheduled command, after its own options.
    expect(argv.slice(2)).toEqual(['cleanup', '--only', 'docker', '--lock-wait', '30m', '-e', 'staging', '-c', path.join(dir, 'opsctl.yaml'), '--yes']);
    expect(ours()).toHaveLength(2);
    const byName = await cli('schedule', 'remove', 'shop-production-backup');
    expect(byName.exitCode, byName.stderr).toBe(0);
    expect(ours()).toEqual([`# opsctl-schedule id=${id} name=shop-staging-cleanup`]);
    const byId = await cli('schedule', 'remove', id);
    expect(byId.exitCode, byId.stderr).toBe(0);
    expect(readCrontab()).toBe(USER_LINES);
    const missing = await cli('schedule', 'remove', 'shop-production-backup');
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('opsctl schedule list');
  });

  it('keeps a MAILTO= the user put under its marker, replacing and removing only its own line', async () => {
    const first = parseJson((await cli('schedule', 'backup', '--daily', '02:00', '-e', 'production', '--json')).stdout);
    const marker = `# opsctl-schedule id=${first.id} name=shop-production-backup`;
    expect(crontab(['-'], `${USER_LINES}${marker}\nMAILTO=me@example.com\n${first.entry}\n`).status).toBe(0);
    const again = await cli('schedule', 'backup', '--every', '6h', '-e', 'production', '--json');
    expect(again.exitCode, again.stderr).toBe(0);
    const entry = parseJson(again.stdout).entry as string;
    expect(readCrontab()).toBe(`${USER_LINES}${marker}\nMAILTO=me@example.com\n${entry}\n`);
    expect((await cli('schedule', 'remove', 'shop-production-backup')).exitCode).toBe(0);
    expect(readCrontab()).toBe(`${USER_LINES}MAILTO=me@example.com\n`);
  });

  it('lists an orphaned marker above the user\'s own job as such, and removes the marker alone', async () => {
    const mine = '0 4 * * * /usr/local/bin/mine.sh >> /var/log/mine.log 2>&1\n';
    expect(crontab(['-'], `${USER_LINES}# opsctl-schedule id=0123abcd name=shop-production-backup\n${mine}`).status).toBe(0);
    const listed = await cli('schedule', 'list', '--json');
    expect(parseJson(listed.stdout).schedules).toEqual([expect.objectContaining({ name: 'shop-production-backup', orphan: true })]);
    expect((await cli('schedule', 'list')).stdout).toContain('orphaned marker');
    const removed = await cli('schedule', 'remove', 'shop-production-backup');
    expect(removed.exitCode, removed.stderr).toBe(0);
    expect(readCrontab()).toBe(`${USER_LINES}${mine}`);
  });

  it('refuses to rewrite a crontab with a carriage return (crontab -l shows it as \\r), leaving it as it was', async () => {
    expect(crontab(['-'], `${USER_LINES}0 1 * * * /usr/local/bin/dos.sh\r\n`).status).toBe(0);
    const before = readCrontab();
    expect(before).toContain('dos.sh\\r\n');
    const result = await cli('schedule', 'backup', '--daily', '02:00', '-e', 'production');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('carriage return');
    expect(readCrontab()).toBe(before);
    expect((await cli('schedule', 'list')).exitCode).toBe(0);
  });

  it('refuses logs --follow and cleanup without --yes, and schedules monitor with --once, before touching the crontab', async () => {
    expect(crontab(['-'], USER_LINES).status).toBe(0);
    const follow = await cli('schedule', '--every', '5m', '-e', 'production', '--', 'logs', '-f');
    expect(follow.exitCode).toBe(2);
    const cleanup = await cli('schedule', '--every', '1d', '-e', 'production', '--', 'cleanup');
    expect(cleanup.exitCode).toBe(2);
    expect(cleanup.stderr).toContain('--yes');
    expect(readCrontab()).toBe(USER_LINES);
    const monitor = await cli('schedule', 'monitor', '--every', '5m', '-e', 'production', '--json');
    expect(monitor.exitCode, monitor.stderr).toBe(0);
    expect(monitor.stderr).toContain('added --once');
    expect(readCrontab()).toContain(' monitor --once -e production ');
  });
});
