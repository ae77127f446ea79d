import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDockerLine } from '../../../src/logs/docker-source.js';
import { composeCommands, dockerCommands } from '../../../src/targets/docker/commands.js';
import { fromJlist, fromLogsFolder } from '../../../src/targets/pm2/log-files.js';
import { parseJlist } from '../../../src/targets/pm2/parse.js';
import { fixture, tempDir } from '../helpers.js';

const target = { project: 'toeic', files: ['/srv/app/docker-compose.yml'], service: 'app', cwd: '/srv/app' };

describe('docker log commands', () => {
  it('compose v2: timestamps, no colour, follow and since, the service last; read-only, run from the config folder', () => {
    const cmd = composeCommands.logs({ argv: ['docker', 'compose'], v1: false }, target, { follow: true, since: '2024-01-15T10:00:00.000Z' });
    expect(cmd).toMatchObject({ file: 'docker', readOnly: true, cwd: '/srv/app' });
    expect(cmd.args).toEqual(['compose', '-p', 'toeic', '-f', '/srv/app/docker-compose.yml', 'logs', '--timestamps', '--no-color', '--follow', '--since', '2024-01-15T10:00:00.000Z', 'app']);
  });

  it('compose v1 has no --since: opsctl filters by time itself', () => {
    const cmd = composeCommands.logs({ argv: ['docker-compose'], v1: true }, target, { follow: false, since: '2024-01-15T10:00:00.000Z', tail: 20 });
    expect([cmd.file, ...cmd.args]).toEqual(['docker-compose', '-p', 'toeic', '-f', '/srv/app/docker-compose.yml', 'logs', '--timestamps', '--no-color', '--tail=20', 'app']);
  });

  it('swarm: docker service logs with timestamps, without task ids', () => {
    expect(dockerCommands.serviceLogs('toeic_app', { follow: true, since: 'X', tail: 5 }).args).toEqual(['service', 'logs', '--timestamps', '--no-task-ids', '--follow', '--since', 'X', '--tail', '5', 'toeic_app']);
  });

  it('parses real compose v1 output: container, docker\'s time and the line; skips "Attaching to"', () => {
    const lines = fixture('logs/compose-v1-logs.txt').trimEnd().split('\n').map(parseDockerLine);
    expect(lines[0]).toBeUndefined();
    expect(lines[1]).toEqual({ label: 'app_1', time: Date.parse('2026-11-23T01:51:49.047Z'), text: '{"level":30,"msg":"hi 0"}' });
    expect(lines[9]).toMatchObject({ label: 'app_2', text: 'plain ERROR line 0' });
  });

  it('parses compose v2 and real swarm output', () => {
    expect(parseDockerLine('app-1  | 2024-01-15T10:00:00.123456789Z {"level":50}')).toEqual({ label: 'app-1', time: Date.parse('2024-01-15T10:00:00.123Z'), text: '{"level":50}' });
    expect(parseDockerLine('app-1  | 2024-01-15T10:00:00.123456789Z ')).toMatchObject({ text: '' });
    const swarm = fixture('logs/swarm-service-logs.txt').trimEnd().split('\n').map(parseDockerLine);
    expect(swarm.every(Boolean)).toBe(true);
    expect(swarm[1]).toEqual({ label: 'probe_web.2@vm', time: Date.parse('2026-11-23T01:51:58.745Z'), text: 'plain ERROR line 0' });
  });
});

describe('pm2 log files', () => {
  it('takes the paths from the daemon\'s jlist, per instance', () => {
    const files = fromJlist(parseJlist(fixture('pm2/jlist-cluster.json')) as never, 'hello');
    expect(files).toEqual([
      { file: '/tmp/pm2t/home/logs/hello-out-0.log', label: 'hello#0/out' },
      { file: '/tmp/pm2t/home/logs/hello-out-1.log', label: 'hello#1/out' },
      { file: '/tmp/pm2t/home/logs/hello-error-0.log', label: 'hello#0/err' },
      { file: '/tmp/pm2t/home/logs/hello-error-1.log', label: 'hello#1/err' },
    ]);
    expect(fromJlist(parseJlist(fixture('pm2/jlist-cluster.json')) as never, 'other')).toEqual([]);
  });

  it('one source per shared file (merge_logs), none for /dev/null', () => {
    const processes = [0, 1].map((id) => ({ name: 'api', pm_id: id, pm2_env: { pm_out_log_path: '/logs/api-out.log', pm_err_log_path: '/dev/null' } }));
    expect(fromJlist(processes, 'api')).toEqual([{ file: '/logs/api-out.log', label: 'api/out' }]);
  });

  it('without a daemon, finds pm2\'s files by name in PM2_HOME/logs', async () => {
    const folder = path.join(tempDir(), 'logs');
    mkdirSync(folder);
    for (const name of ['api-out.log', 'api-error.log', 'api-out-1.log', 'api-out-0.log', 'api2-out.log', 'api-out.log.1']) writeFileSync(path.join(folder, name), '');
    const files = await fromLogsFolder(folder, 'api');
    expect(files.map((f) => [path.basename(f.file), f.label])).toEqual([
      ['api-out.log', 'api/out'],
      ['api-out-0.log', 'api#0/out'],
      ['api-out-1.log', 'api#1/out'],
      ['api-error.log', 'api/err'],
    ]);
    expect(await fromLogsFolder(path.join(folder, 'missing'), 'api')).toEqual([]);
  });
});
