import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNetstat, parseProcNetTcp, parseTasklist, pm2AppOf, portHolders } from '../../../src/doctor/port-holders.js';
import { createRunner } from '../../../src/process/runner.js';
import { requireTool } from '../../support/real-tools.js';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, '..', '..', 'fixtures', 'doctor', name), 'utf8');

describe('port holder parsers', () => {
  it('/proc/net/tcp: LISTEN lines only, the port from hex, the inode', () => {
    expect(parseProcNetTcp(fixture('proc-net-tcp.txt'))).toEqual([
      { port: 0x8c9d, inode: '1880778' },
      { port: 0x9425, inode: '1865976' },
      { port: 0x95b7, inode: '1848991' },
    ]);
    expect(parseProcNetTcp(fixture('proc-net-tcp6.txt'))).toEqual([{ port: 0x80a3, inode: '1878526' }]);
  });
  it('netstat -ano (Windows): TCP LISTENING lines, IPv4 and IPv6, with the pid', () => {
    expect(parseNetstat(fixture('netstat-ano.txt'))).toEqual([
      { port: 135, pid: 1020 },
      { port: 5000, pid: 7312 },
      { port: 5000, pid: 7312 },
      { port: 8080, pid: 4 },
    ]);
  });
  it('a pm2 app by the pm_id and name pm2 puts in its environment', () => {
    expect(pm2AppOf('PATH=/bin\0pm_id=0\0name=shop\0')).toBe('shop');
    expect(pm2AppOf('PATH=/bin\0name=shop\0')).toBeUndefined();
  });
  it('tasklist /FO CSV /NH: the image name; nothing for "INFO: No tasks"', () => {
    expect(parseTasklist('"node.exe","7312","Console","1","45,120 K"\r\n')).toBe('node.exe');
    expect(parseTasklist('INFO: No tasks are running which match the specified criteria.')).toBe('');
  });
});

const hasProc = requireTool('procfs', () => (process.platform === 'linux' && existsSync('/proc/net/tcp') ? undefined : `no /proc/net/tcp on ${process.platform} (Wine maps / to a drive, so the path alone does not tell)`));

describe.skipIf(!hasProc)('portHolders on this Linux machine (real /proc)', () => {
  it('finds this test process listening on a port, and nothing once it closed', async () => {
    const runner = createRunner({ dryRun: false, verbose: false, signal: new AbortController().signal, log: () => undefined });
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const held = await portHolders(port, runner, 'linux');
    expect(held).toMatchObject({ listening: true, holders: [{ pid: process.pid }] });
    await new Promise((resolve) => server.close(resolve));
    expect(await portHolders(port, runner, 'linux')).toEqual({ listening: false });
  });
});
