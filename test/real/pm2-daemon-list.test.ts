import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runner } from '../../src/process/runner.js';
import { listPm2Processes } from '../../src/targets/pm2/daemon-list.js';
import { parseJlist, toInstances, type Pm2Process } from '../../src/targets/pm2/parse.js';
import { makeTempDir, removeTempDirs, uniqueSuffix } from '../support/real-cli.js';
import { killPm2, pm2, startClusterApp, writeServerScript } from '../support/real-pm2.js';
import { requireTool } from '../support/real-tools.js';

const available = requireTool('pm2');

/** A Runner that runs this checkout's real pm2 CLI for the command's PM2_HOME, and records what it ran. */
function pm2Runner(fallbackHome: string): { runner: Runner; ran: string[][] } {
  const ran: string[][] = [];
  const runner: Runner = {
    dryRun: false,
    async run(cmd) {
      ran.push([cmd.file, ...cmd.args]);
      return { stdout: await pm2(cmd.env?.PM2_HOME ?? fallbackHome, [...cmd.args]), stderr: '', exitCode: 0, skipped: false };
    },
    stream: () => Promise.reject(new Error('the process list streams nothing')),
  };
  return { runner, ran };
}

/** What status and the deploy gate read of each process, without cpu and memory (they change between two looks). */
function stable(list: Pm2Process[], name: string) {
  return toInstances(list, name, 0).map(({ cpuPercent: _cpu, memoryBytes: _memory, ...rest }) => rest).sort((a, b) => a.name.localeCompare(b.name));
}

describe.skipIf(!available)("pm2's process list over its daemon's RPC socket, against a real pm2 daemon (own PM2_HOME)", () => {
  const name = `opsctl-list-${uniqueSuffix()}`;
  let dir: string;
  let home: string;
  let pids: number[] = [];

  beforeAll(async () => {
    dir = makeTempDir('pm2-list');
    home = path.join(dir, 'pm2-home');
    pids = (await startClusterApp(home, name, writeServerScript(dir), 2)).map((p) => p.pid);
  });

  afterAll(async () => {
    if (home) await killPm2(home, pids);
    removeTempDirs();
  });

  it('is what pm2 jlist prints, read the same, and runs no pm2', async () => {
    const { runner, ran } = pm2Runner(home);
    const direct = await listPm2Processes(runner, { PM2_HOME: home });
    const printed = parseJlist(await pm2(home, ['jlist']));
    expect(ran).toEqual([]);
    expect(stable(direct, name)).toHaveLength(2);
    expect(stable(direct, name)).toEqual(stable(printed, name));
    // The whole record, env included, has the same keys: the parsers see what they saw from the CLI.
    expect(Object.keys(direct[0]!.pm2_env!).sort()).toEqual(Object.keys(printed[0]!.pm2_env!).sort());
    expect(direct.map((p) => p.monit?.memory).every((m) => typeof m === 'number' && m > 0)).toBe(true);
  });

  it.skipIf(process.platform === 'win32')('asks the real pm2 jlist when the socket it is given refuses (POSIX: Windows has one fixed pipe), with the same list', async () => {
    const stale = path.join(dir, 'stale.sock');
    writeFileSync(stale, '');
    const { runner, ran } = pm2Runner(home);
    const list = await listPm2Processes(runner, { PM2_HOME: home, PM2_DAEMON_RPC_PORT: stale });
    expect(ran).toEqual([['pm2', 'jlist']]);
    expect(stable(list, name)).toEqual(stable(parseJlist(await pm2(home, ['jlist'])), name));
  });
});
