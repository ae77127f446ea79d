// A probe of a server that accepts and never answers must time out even when the garbage collector runs
// meanwhile: on Node 20, AbortSignal.timeout combined through AbortSignal.any could be collected and never
// fire (nodejs/node#57736), hanging health-check and deploy's gate. Runs the built probe in a node with gc().
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { DIST, ensureBuilt } from '../support/real-cli.js';

const SCRIPT = `
import net from 'node:net';
import { pathToFileURL } from 'node:url';
const { probeHttp } = await import(pathToFileURL(process.argv[1]).href);
const server = net.createServer(() => {}).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const collector = setInterval(() => globalThis.gc(), 5);
const started = Date.now();
const endpoint = { name: 'hang', url: 'http://127.0.0.1:' + server.address().port + '/', method: 'GET', timeoutMs: 300, certWarnDays: 30, role: 'health' };
const attempt = await probeHttp(endpoint, new AbortController().signal);
clearInterval(collector);
server.close();
process.stdout.write(JSON.stringify({ state: attempt.state, reason: attempt.reason, tookMs: Date.now() - started }));
process.exit(0);
`;

describe('HTTP probe deadline under garbage collection', () => {
  it('a server that never answers is "no response within 300ms", not a hang', async () => {
    await ensureBuilt();
    const result = await execa(process.execPath, ['--expose-gc', '--input-type=module', '-e', SCRIPT, path.join(DIST, 'health', 'http.js')], { timeout: 15_000, reject: false });
    expect(result.exitCode, result.stderr).toBe(0);
    const outcome = JSON.parse(result.stdout) as { state: string; reason: string; tookMs: number };
    expect(outcome).toMatchObject({ state: 'unhealthy', reason: 'no response within 300ms' });
    expect(outcome.tookMs).toBeLessThan(5000);
  });
});
