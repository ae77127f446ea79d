import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/logs.js';
import type { LogsOptions } from '../../../src/logs/options.js';
import { createTestContext, type TestContextOptions } from '../../support/context.js';
import { caught, fixture } from '../helpers.js';
import { levelOf, pinoLine, T0, writePinoLog } from './generate.js';

const FILES = `version: 1
app: api
environments:
  production:
    target: { pm2: { name: api, script: app.js } }
    logs: { files: [app.log, other/worker.log], pm2: false }
`;

function setup(options: Partial<TestContextOptions> = {}) {
  const t = createTestContext({ config: FILES, now: () => T0 + 1000 * 1000, ...options });
  return { ...t, text: () => t.stdout.join(''), lines: () => t.stdout.join('').split('\n').filter(Boolean) };
}

function writeWorker(dir: string, lines: string[]): void {
  mkdirSync(path.join(dir, 'other'), { recursive: true });
  writeFileSync(path.join(dir, 'other', 'worker.log'), `${lines.join('\n')}\n`);
}

const matching = (count: number, test: (i: number) => boolean) => Array.from({ length: count }, (_, i) => i).filter(test);
/** A JSON record as --json prints it: as written, its source added first. */
const sourced = (line: string, source = 'app.log') => `{"opsctl.source":${JSON.stringify(source)},${line.slice(1)}`;

describe('opsctl logs over log files', () => {
  it('--level error --json prints every error record unchanged, one per line, and streams (exit 0)', async () => {
    const t = setup({ json: true });
    writePinoLog(path.join(t.dir, 'app.log'), 1000);
    writeWorker(t.dir, []);
    const result = await run(t.ctx, { level: 'error' });
    expect(result).toMatchObject({ exitCode: 0, streamed: true, data: { matched: 100 } });
    expect(t.lines()).toEqual(matching(1000, (i) => levelOf(i) >= 50).map((i) => sourced(pinoLine(i))));
  });

  it('merges the files in time order and says where each line came from', async () => {
    const t = setup();
    writePinoLog(path.join(t.dir, 'app.log'), 5);
    writeWorker(t.dir, ['2024-01-15T00:00:01.500Z WARN queue slow', '2024-01-15T00:00:03.500Z ERROR job failed', '    at run (job.js:1:1)']);
    await run(t.ctx, {});
    expect(t.lines().map((line) => line.trim().split(/ +/).slice(0, 2).join(' '))).toEqual([
      'app.log 2024-01-15T00:00:00.000Z',
      'app.log 2024-01-15T00:00:01.000Z',
      'worker.log 2024-01-15T00:00:01.500Z',
      'app.log 2024-01-15T00:00:02.000Z',
      'app.log 2024-01-15T00:00:03.000Z',
      'worker.log 2024-01-15T00:00:03.500Z',
      'worker.log at',
      'app.log 2024-01-15T00:00:04.000Z',
    ]);
  });

  it('exits 1 when nothing matches, like grep, and prints nothing', async () => {
    const t = setup();
    writePinoLog(path.join(t.dir, 'app.log'), 50);
    writeWorker(t.dir, ['nothing here']);
    expect(await run(t.ctx, { grep: 'no such text' })).toMatchObject({ exitCode: 1, data: { matched: 0 } });
    expect(t.text()).toBe('');
  });

  it('-n keeps the last N matches across the files', async () => {
    const t = setup({ json: true });
    writePinoLog(path.join(t.dir, 'app.log'), 3000);
    writeWorker(t.dir, ['2024-01-15T00:49:55.500Z ERROR late worker error', '2024-01-15T00:49:56.000Z INFO not an error']);
    await run(t.ctx, { level: 'error', lines: '3' });
    const lines = t.lines();
    expect(lines.slice(0, 2)).toEqual([sourced(pinoLine(2980)), sourced(pinoLine(2990))]);
    // A plain line in --json: an object saying where it came from.
    expect(JSON.parse(lines[2]!)).toEqual({ time: '2024-01-15T00:49:55.500Z', level: 'error', source: 'worker.log', message: '2024-01-15T00:49:55.500Z ERROR late worker error', 'opsctl.source': 'worker.log' });
  });

  it('--correlation-id, --since and --until narrow it down; --count prints how many', async () => {
    const t = setup();
    writePinoLog(path.join(t.dir, 'app.log'), 2000);
    writeWorker(t.dir, []);
    const expected = matching(2000, (i) => i % 7 === 0 && i % 3 === 1 && i >= 100 && i <= 1500).length;
    await run(t.ctx, { correlationId: 'corr-1', since: '2024-01-15T00:01:40Z', until: '2024-01-15T00:25:00Z', count: true });
    expect(t.text()).toBe(`${expected}\n`);
  });

  it('--since 10m counts back from now', async () => {
    const t = setup({ json: true });
    writePinoLog(path.join(t.dir, 'app.log'), 2000);
    writeWorker(t.dir, []);
    // now is T0 + 1000 s: 10 minutes back is line 400.
    await run(t.ctx, { since: '10m', level: 'warn' });
    expect(t.lines()).toEqual(matching(2000, (i) => i >= 400 && levelOf(i) >= 40).map((i) => sourced(pinoLine(i))));
  });

  it('warns about a missing file and about lines --since leaves out for want of a time', async () => {
    const t = setup();
    writeWorker(t.dir, ['no time here', 'nor here']);
    const result = await run(t.ctx, { since: '1h' });
    expect(result.exitCode).toBe(1);
    expect(t.logs.join('\n')).toContain(`${path.join(t.dir, 'app.log')} does not exist.`);
    expect(t.logs.join('\n')).toContain('worker.log: 2 line(s) carry no time');
  });

  it('--count --json names the sources it read and those it could not; none read is a warning, not an all-clear', async () => {
    const t = setup({ json: true });
    writeWorker(t.dir, ['2024-01-15T00:00:00Z ERROR worker']);
    await run(t.ctx, { count: true });
    expect(JSON.parse(t.text())).toEqual({ count: 1, sources: { read: [path.join(t.dir, 'other', 'worker.log')], unread: [path.join(t.dir, 'app.log')] } });
    expect(t.logs.join('\n')).not.toContain('could be read');

    const none = setup({ json: true });
    const result = await run(none.ctx, { count: true, level: 'error' });
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(none.text())).toMatchObject({ count: 0, sources: { read: [] } });
    expect(none.logs).toContain('warning: No log source of production could be read, so nothing was searched.');
  });

  it('--source keeps a file by name; an unknown name is a usage error listing the known ones', async () => {
    const t = setup();
    writePinoLog(path.join(t.dir, 'app.log'), 3);
    writeWorker(t.dir, ['2024-01-15T00:00:00Z INFO worker']);
    await run(t.ctx, { source: 'worker.log' });
    expect(t.lines()).toEqual(['worker.log 2024-01-15T00:00:00Z INFO worker']);
    const error = await caught(run(t.ctx, { source: 'nginx' }));
    expect(error).toMatchObject({ exitCode: 2, message: 'No log source named nginx in environment production.' });
    expect((error as Error & { hint: string }).hint).toContain('files, app.log');
  });

  it.each<[LogsOptions, string]>([
    [{ level: 'loud' }, '--level loud is not a level.'],
    [{ grep: '(' }, '--grep ( is not a valid regular expression'],
    [{ since: 'last tuesday' }, '--since last tuesday is neither a duration nor a time.'],
    [{ since: '1h', until: '2h' }, '--until 2h is before --since 1h.'],
    [{ follow: true, until: '1h' }, '--follow and --until cannot be used together.'],
    [{ follow: true, count: true }, '--count and --follow cannot be used together.'],
    [{ lines: '-3' }, '-n -3 is not a count.'],
  ])('bad usage %j exits 2', async (options, message) => {
    const t = setup();
    const error = await caught(run(t.ctx, options));
    expect(error).toMatchObject({ exitCode: 2 });
    expect((error as Error).message).toContain(message);
  });

  it('an environment without any source says how to add one', async () => {
    const t = setup({ config: 'version: 1\napp: api\nenvironments:\n  p:\n    target: { pm2: { name: api, script: a.js } }\n    logs: { pm2: false }\n' });
    expect(await caught(run(t.ctx, {}))).toMatchObject({ exitCode: 2, message: 'Environment p has no log source.' });
  });

  it('logs.compose on a pm2 target is a config error', async () => {
    const t = setup({ config: 'version: 1\napp: api\nenvironments:\n  p:\n    target: { pm2: { name: api, script: a.js } }\n    logs: { compose: true }\n' });
    expect(await caught(run(t.ctx, {}))).toMatchObject({ exitCode: 2, message: 'environments.p.logs.compose: the target of this environment is pm2, not compose.' });
  });

  it('--follow prints the last 10 matches, then new lines as they are written, until Ctrl-C (exit 0)', async () => {
    const t = setup();
    writePinoLog(path.join(t.dir, 'app.log'), 100);
    writeWorker(t.dir, []);
    const running = run(t.ctx, { follow: true, level: 'warn' });
    const { appendFileSync } = await import('node:fs');
    await waitUntil(() => t.lines().length === 10);
    appendFileSync(path.join(t.dir, 'other', 'worker.log'), '2024-01-15T01:00:00Z ERROR new in worker\n2024-01-15T01:00:00Z INFO not shown\n');
    await waitUntil(() => t.lines().length === 11);
    t.controller.abort();
    expect(await running).toMatchObject({ exitCode: 0, data: { stopped: true, matched: 11 } });
    expect(t.lines()[0]).toContain('line 50');
    expect(t.lines()[10]).toBe('worker.log 2024-01-15T01:00:00Z ERROR new in worker');
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const COMPOSE = `version: 1
app: toeic
environments:
  staging:
    target: { compose: { file: docker-compose.yml, project: Toeic, service: app } }
`;
const SWARM = `version: 1
app: toeic
environments:
  cluster:
    target: { swarm: { stack: probe, service: web } }
`;

describe('opsctl logs over docker and pm2 targets', () => {
  it('compose v1 (no plugin): docker-compose logs of the service, both containers in time order', async () => {
    const t = createTestContext({
      config: COMPOSE,
      commands: ({ dir }) => [
        { file: 'docker', args: ['compose', 'version', '--short'], exitCode: 1, stderr: "docker: 'compose' is not a docker command." },
        { file: 'docker-compose', args: ['-p', 'toeic', '-f', path.join(dir, 'docker-compose.yml'), 'logs', '--timestamps', '--no-color', 'app'], stdout: fixture('logs/compose-v1-logs.txt'), readOnly: true },
      ],
    });
    const result = await run(t.ctx, { level: 'error' });
    expect(result.exitCode).toBe(0);
    const lines = t.stdout.join('').trimEnd().split('\n');
    expect(lines).toEqual([
      'app_1 2026-11-23T01:51:49.047Z plain ERROR line 0',
      'app_2 2026-11-23T01:51:49.071Z plain ERROR line 0',
      'app_1 2026-11-23T01:51:50.055Z plain ERROR line 1',
      'app_1 2026-11-23T01:51:51.055Z plain ERROR line 2',
      'app_1 2026-11-23T01:51:52.057Z plain ERROR line 3',
    ]);
  });

  it('compose v2 with --since passes it on; -n without a filter asks docker for that many lines only', async () => {
    const t = createTestContext({
      config: COMPOSE,
      json: true,
      now: () => Date.parse('2026-11-23T02:00:00Z'),
      commands: ({ dir }) => [
        { file: 'docker', args: ['compose', 'version', '--short'], stdout: '2.27.0\n' },
        {
          file: 'docker',
          args: ['compose', '-p', 'toeic', '-f', path.join(dir, 'docker-compose.yml'), 'logs', '--timestamps', '--no-color', '--since', '2026-11-23T01:00:00.000Z', '--tail=2', 'app'],
          stdout: 'app-1  | 2026-11-23T01:51:49.047994647Z {"level":30,"msg":"hi 0"}\napp-1  | 2026-11-23T01:51:50.047994647Z {"level":50,"msg":"hi 1"}\n',
        },
      ],
    });
    await run(t.ctx, { since: '1h', lines: '2' });
    expect(t.stdout.join('')).toBe('{"opsctl.source":"app-1","level":30,"msg":"hi 0"}\n{"opsctl.source":"app-1","level":50,"msg":"hi 1"}\n');
  });

  it('compose follow: a second run with --follow from when history started; lines history showed are not repeated', async () => {
    const now = Date.parse('2026-11-23T01:51:51Z');
    const t = createTestContext({
      config: COMPOSE,
      now: () => now,
      commands: ({ dir }) => {
        const base = ['compose', '-p', 'toeic', '-f', path.join(dir, 'docker-compose.yml'), 'logs', '--timestamps', '--no-color'];
        return [
          { file: 'docker', args: ['compose', 'version', '--short'], stdout: '2.27.0\n' },
          // -n without a filter: every line is a match, so docker's own --tail is enough.
          { file: 'docker', args: [...base, '--tail=5', 'app'], stdout: 'app-1  | 2026-11-23T01:51:49.000000000Z ERROR old\napp-1  | 2026-11-23T01:51:51.000000000Z ERROR edge\n' },
          {
            file: 'docker',
            args: [...base, '--follow', '--since', '2026-11-23T01:51:50.000Z', 'app'],
            stdout: 'app-1  | 2026-11-23T01:51:51.000000000Z ERROR edge\napp-1  | 2026-11-23T01:51:52.000000000Z ERROR new\napp-2  | 2026-11-23T01:51:53.000000000Z ERROR scaled\n',
          },
        ];
      },
    });
    const result = await run(t.ctx, { follow: true, lines: '5' });
    expect(t.stdout.join('').trimEnd().split('\n').map((l) => l.split(' ').at(-1))).toEqual(['old', 'edge', 'new', 'scaled']);
    expect(result.exitCode).toBe(0);
  });

  it('swarm: docker service logs of stack_service', async () => {
    const t = createTestContext({
      config: SWARM,
      commands: [{ file: 'docker', args: ['service', 'logs', '--timestamps', '--no-task-ids', 'probe_web'], stdout: fixture('logs/swarm-service-logs.txt'), readOnly: true }],
    });
    await run(t.ctx, { grep: 'hi [12]' });
    expect(t.stdout.join('').trimEnd().split('\n')).toEqual(['probe_web.2@vm 2026-11-23T01:51:59.733Z INFO  hi 1', 'probe_web.2@vm 2026-11-23T01:52:00.734Z INFO  hi 2']);
  });

  it('a docker failure names the command and what docker said (exit 1)', async () => {
    const t = createTestContext({
      config: SWARM,
      commands: [{ file: 'docker', args: ['service', 'logs', '--timestamps', '--no-task-ids', 'probe_web'], exitCode: 1, stderr: 'no such task or service: probe_web\n' }],
    });
    const error = await caught(run(t.ctx, {}));
    expect(error).toMatchObject({ exitCode: 1 });
    expect((error as Error).message).toContain('docker service logs --timestamps --no-task-ids probe_web failed with exit code 1.\nno such task or service: probe_web');
  });

  it('pm2 without a daemon: reads pm2\'s files of the app from PM2_HOME/logs and starts nothing', async () => {
    const t = createTestContext({ config: 'version: 1\napp: api\nenvironments:\n  local:\n    target: { pm2: { name: api, script: a.js, instances: 2 } }\n' });
    mkdirSync(path.join(t.pm2Home, 'logs'), { recursive: true });
    writeFileSync(path.join(t.pm2Home, 'logs', 'api-out-0.log'), `${pinoLine(0)}\n${pinoLine(2)}\n`);
    writeFileSync(path.join(t.pm2Home, 'logs', 'api-out-1.log'), `${pinoLine(1)}\n`);
    writeFileSync(path.join(t.pm2Home, 'logs', 'api-error-0.log'), 'TypeError: boom\n    at x (a.js:1:1)\n');
    await run(t.ctx, {});
    const lines = t.stdout.join('').trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual(['api#0/err TypeError: boom', 'api#0/err     at x (a.js:1:1)', 'api#0/out 2024-01-15T00:00:00.000Z ERROR line 0 reqId=req-0 corr={"correlationId":"corr-0"}']);
    expect(lines.slice(3).map((l) => l.split(' ')[0])).toEqual(['api#1/out', 'api#0/out']);
    expect(t.runner.ran).toEqual([]);
  });
});
