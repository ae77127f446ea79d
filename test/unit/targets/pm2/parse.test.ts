import { describe, expect, it } from 'vitest';
import { parseJlist, toInstances } from '../../../../src/targets/pm2/parse.js';
import { fixture } from '../../helpers.js';

const now = 1_795_395_260_545; // 10 s after hello#0 of jlist-cluster.json started

describe('pm2 jlist', () => {
  it('maps the 2 cluster instances of the app, with cpu, memory and uptime', () => {
    const instances = toInstances(parseJlist(fixture('pm2/jlist-cluster.json')), 'hello', now);
    expect(instances.map((i) => i.name)).toEqual(['hello#0', 'hello#1']);
    expect(instances[0]).toEqual({
      name: 'hello#0',
      id: '4030',
      state: 'online',
      restarts: 0,
      cpuPercent: 1.9,
      memoryBytes: 58_847_232,
      startedAt: new Date(1_795_395_250_545).toISOString(),
      uptimeMs: 10_000,
      version: '0.1.0',
    });
  });

  it('gives a stopped process no pid, cpu, memory or uptime, and counts restarts', () => {
    const [first, stopped] = toInstances(parseJlist(fixture('pm2/jlist-mixed.json')), 'hello', now);
    expect(first).toMatchObject({ name: 'hello#0', state: 'online', restarts: 1, cpuPercent: 3.7, memoryBytes: 59_531_264 });
    expect(stopped).toEqual({ name: 'hello#1', id: undefined, state: 'stopped', restarts: 0, cpuPercent: undefined, memoryBytes: undefined, startedAt: undefined, uptimeMs: undefined, version: '1.0.0' });
  });

  it('counts restarts as pm2 list does: restart_time, which already includes the unstable ones', () => {
    const crashLooping = [{ name: 'api', pm_id: 0, pid: 0, pm2_env: { status: 'errored', restart_time: 13, unstable_restarts: 13 } }];
    expect(toInstances(crashLooping, 'api', now)[0]!.restarts).toBe(13);
  });

  it('leaves out processes of other apps', () => {
    const processes = parseJlist(fixture('pm2/jlist-mixed.json'));
    expect(processes).toHaveLength(3);
    expect(toInstances(processes, 'hello', now)).toHaveLength(2);
    expect(toInstances(processes, 'other', now).map((i) => i.name)).toEqual(['other#2']);
    expect(toInstances(processes, 'hello-api', now)).toEqual([]);
  });

  it('never reports a negative uptime when clocks disagree', () => {
    expect(toInstances(parseJlist(fixture('pm2/jlist-cluster.json')), 'hello', 0)[0]!.uptimeMs).toBe(0);
  });

  it('tolerates pm2\'s out-of-date warning printed before the JSON', () => {
    // The text pm2 6 prints from lib/binaries/CLI.js (beginCommandProcessing) when piped (no colour).
    const warning = '\n>>>> In-memory PM2 is out-of-date, do:\n>>>> $ pm2 update\nIn memory PM2 version: 5.4.3\nLocal PM2 version: 6.0.14\n\n';
    expect(toInstances(parseJlist(warning + fixture('pm2/jlist-cluster.json')), 'hello', now)).toHaveLength(2);
  });

  it('reads an empty list', () => {
    expect(parseJlist('[]')).toEqual([]);
  });

  // src bug: src/targets/pm2/parse.ts:20 parses from the first "[" in stdout. When `pm2 jlist` has to start its
  // daemon (the pid file raced, or PM2_HOME differs) it prints its banner and "\x1b[32m[PM2] Spawning PM2 daemon..."
  // first (captured in pm2/jlist-daemon-spawned.txt), so JSON.parse throws and status crashes. pm2 writes the list
  // as one JSON.stringify line: try JSON.parse from each line that starts with "[" and keep the first array.
  it('tolerates the banner and [PM2] lines printed when jlist had to start the daemon', () => {
    expect(parseJlist(fixture('pm2/jlist-daemon-spawned.txt'))).toEqual([]);
  });
});
