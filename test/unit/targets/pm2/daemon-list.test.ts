import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listPm2Processes, rpcSocketPath, servesHome } from '../../../../src/targets/pm2/daemon-list.js';
import { parseJlist } from '../../../../src/targets/pm2/parse.js';
import { startFakeDaemon, startSilentDaemon } from '../../../support/fake-pm2-daemon.js';
import { scriptedRunner, type Expected } from '../../../support/scripted-runner.js';
import { caught, fixture, tempDir } from '../../helpers.js';

const posix = process.platform !== 'win32';
const jlist = (stdout: string): Expected => ({ file: 'pm2', args: ['jlist'], stdout, readOnly: true });
const cluster = fixture('pm2/jlist-cluster.json');

describe("where pm2's CLI finds its daemon (pm2's paths.js)", () => {
  it('PM2_HOME/rpc.sock, or PM2_DAEMON_RPC_PORT when set; on Windows one fixed pipe for every PM2_HOME', () => {
    expect(rpcSocketPath({ PM2_HOME: '/srv/pm2' }, 'linux')).toBe(path.resolve('/srv/pm2', 'rpc.sock'));
    expect(rpcSocketPath({ PM2_HOME: '/srv/pm2', PM2_DAEMON_RPC_PORT: '/run/pm2.sock' }, 'linux')).toBe('/run/pm2.sock');
    expect(rpcSocketPath({ PM2_HOME: 'C:\\pm2', PM2_DAEMON_RPC_PORT: 'C:\\x.sock' }, 'win32')).toBe('\\\\.\\pipe\\rpc.sock');
  });

  it("confirms the daemon by the PM2_HOME of its own environment (Windows: any case, any trailing separator)", () => {
    const report = (home?: string) => ({ pm2_version: '6.0.14', env: home === undefined ? {} : { PM2_HOME: home } });
    expect(servesHome(report('C:\\Users\\Ops\\.pm2\\'), 'c:\\users\\ops\\.pm2', 'win32')).toBe(true);
    expect(servesHome(report('C:\\Users\\Other\\.pm2'), 'C:\\Users\\Ops\\.pm2', 'win32')).toBe(false);
    expect(servesHome(report('/srv/pm2/'), '/srv/pm2', 'linux')).toBe(true);
    expect(servesHome(report('/srv/PM2'), '/srv/pm2', 'linux')).toBe(false);
    expect(servesHome(report(), '/srv/pm2', 'linux')).toBe(false);
    expect(servesHome(null, '/srv/pm2', 'linux')).toBe(false);
  });
});

describe('the process list, from the socket or from pm2 jlist', () => {
  it('falls back to pm2 jlist when PM2_HOME has no socket, with the same list', async () => {
    const home = tempDir();
    const runner = scriptedRunner([jlist(cluster)]);
    expect(await listPm2Processes(runner, { PM2_HOME: home })).toEqual(parseJlist(cluster));
    // The CLI asks the same daemon: PM2_HOME goes with it.
    expect(runner.ran.map((c) => c.env?.PM2_HOME)).toEqual([home]);
  });

  it('stops when the caller gives up, without asking pm2 jlist', async () => {
    const runner = scriptedRunner([]);
    const stop = new AbortController();
    const reason = new Error('interrupted');
    stop.abort(reason);
    expect(await caught(listPm2Processes(runner, { PM2_HOME: tempDir() }, stop.signal))).toBe(reason);
  });
});

// On Windows every daemon listens on the one pipe \\.\pipe\rpc.sock, which a test must not take from a real pm2.
describe.skipIf(!posix)('the process list from a daemon on PM2_HOME/rpc.sock (POSIX socket paths)', () => {
  it('reads the list over the socket and runs no pm2 command', async () => {
    const home = tempDir();
    const list = parseJlist(cluster);
    const daemon = await startFakeDaemon(path.join(home, 'rpc.sock'), { getMonitorData: (_arg, cb) => cb(null, list) });
    const runner = scriptedRunner([]);
    expect(await listPm2Processes(runner, { PM2_HOME: home })).toEqual(list);
    expect(daemon.connections()).toBe(1);
  });

  it('follows PM2_DAEMON_RPC_PORT as pm2 does', async () => {
    const dir = tempDir();
    await startFakeDaemon(path.join(dir, 'elsewhere.sock'), { getMonitorData: (_arg, cb) => cb(null, []) });
    expect(await listPm2Processes(scriptedRunner([]), { PM2_HOME: tempDir(), PM2_DAEMON_RPC_PORT: path.join(dir, 'elsewhere.sock') })).toEqual([]);
  });

  it('falls back to pm2 jlist when the socket refuses (a stale file), answers an error, or answers no list', async () => {
    const stale = tempDir();
    writeFileSync(path.join(stale, 'rpc.sock'), '');
    const failing = tempDir();
    await startFakeDaemon(path.join(failing, 'rpc.sock'), { getMonitorData: (_arg, cb) => cb(new Error('pidusage failed')) });
    const odd = tempDir();
    await startFakeDaemon(path.join(odd, 'rpc.sock'), { getMonitorData: (_arg, cb) => cb(null, { not: 'a list' }) });
    for (const home of [stale, failing, odd]) {
      const runner = scriptedRunner([jlist(cluster)]);
      expect(await listPm2Processes(runner, { PM2_HOME: home })).toEqual(parseJlist(cluster));
    }
  });

  it('falls back to pm2 jlist when the daemon accepts and does not answer within 3 s', async () => {
    const home = tempDir();
    await startSilentDaemon(path.join(home, 'rpc.sock'));
    const runner = scriptedRunner([jlist(cluster)]);
    const started = Date.now();
    expect(await listPm2Processes(runner, { PM2_HOME: home })).toEqual(parseJlist(cluster));
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
  });
});
