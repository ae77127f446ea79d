import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDirs } from '../support/real-cli.js';
import { ESM_APP, get, isRunning, keepAliveAgent, OWN_HANDLER_APP, PLAIN_APP, runApp, type RunningApp } from '../support/drain-apps.js';
import { requireTool } from '../support/real-tools.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The preload as opsctl adds it (node --require), in real node processes sent real signals.
describe.skipIf(!requireTool('posix-signals'))('drain preload (preload/drain.cjs) in a real node process', () => {
  const dir = makeTempDir('drain');
  const started: RunningApp[] = [];
  const start = async (name: string, source: string, options: { preload: boolean; graceMs?: number }) => {
    const app = await runApp(dir, name, source, options);
    started.push(app);
    return app;
  };
  afterEach(() => {
    for (const app of started.splice(0)) if (isRunning(app.child)) app.child.kill('SIGKILL');
  });
  afterAll(() => removeTempDirs());

  it('without the preload, SIGINT ends an app with no handler at once and its idle keep-alive socket with it', async () => {
    const app = await start('bare.cjs', PLAIN_APP, { preload: false });
    const agent = keepAliveAgent();
    expect((await get(agent, app.port)).status).toBe(200);
    app.child.kill('SIGINT');
    expect((await app.exited).signal).toBe('SIGINT');
    agent.destroy();
  });

  it('keeps an idle keep-alive socket open after SIGINT, answers its next request with Connection: close, then exits by the signal', async () => {
    const app = await start('plain.cjs', PLAIN_APP, { preload: true, graceMs: 30_000 });
    const agent = keepAliveAgent();
    const first = await get(agent, app.port);
    expect(first.connection).toBe('keep-alive');
    app.child.kill('SIGINT');
    await sleep(300);
    expect(isRunning(app.child)).toBe(true);
    const second = await get(agent, app.port);
    expect(second).toEqual({ status: 200, connection: 'close', reused: true });
    // No connection is left: the process ends as SIGINT would have ended it, long before the 30 s grace.
    expect(await app.exited).toEqual({ code: null, signal: 'SIGINT' });
    agent.destroy();
  });

  it('stops accepting new connections at SIGINT', async () => {
    const app = await start('refuse.cjs', PLAIN_APP, { preload: true, graceMs: 30_000 });
    const holder = keepAliveAgent();
    await get(holder, app.port);
    app.child.kill('SIGINT');
    await sleep(300);
    await expect(get(keepAliveAgent(), app.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    holder.destroy();
  });

  it('a request in flight at SIGINT completes, carrying Connection: close', async () => {
    const app = await start('slow.cjs', PLAIN_APP, { preload: true, graceMs: 30_000 });
    const agent = keepAliveAgent();
    await get(agent, app.port);
    const slow = get(agent, app.port, '/slow');
    await sleep(100);
    app.child.kill('SIGINT');
    expect(await slow).toEqual({ status: 200, connection: 'close', reused: true });
    expect((await app.exited).signal).toBe('SIGINT');
  });

  it('destroys an idle keep-alive socket only when the grace period is over, then exits', async () => {
    const app = await start('grace.cjs', PLAIN_APP, { preload: true, graceMs: 1500 });
    const agent = keepAliveAgent();
    await get(agent, app.port);
    app.child.kill('SIGTERM');
    await sleep(700);
    expect(isRunning(app.child)).toBe(true);
    expect(await app.exited).toEqual({ code: null, signal: 'SIGTERM' });
    agent.destroy();
  });

  it('an ES module app importing createServer by name is drained the same way', async () => {
    const app = await start('esm.mjs', ESM_APP, { preload: true, graceMs: 30_000 });
    const agent = keepAliveAgent();
    await get(agent, app.port);
    app.child.kill('SIGINT');
    await sleep(300);
    expect(await get(agent, app.port)).toEqual({ status: 200, connection: 'close', reused: true });
    expect((await app.exited).signal).toBe('SIGINT');
  });

  it("an app with its own SIGINT handler keeps it: its server.close() no longer drops idle sockets, and the app exits itself", async () => {
    const app = await start('own.cjs', OWN_HANDLER_APP, { preload: true, graceMs: 30_000 });
    const agent = keepAliveAgent();
    await get(agent, app.port);
    app.child.kill('SIGINT');
    await sleep(300);
    expect(isRunning(app.child)).toBe(true);
    expect(await get(agent, app.port)).toEqual({ status: 200, connection: 'close', reused: true });
    // The app's close callback ran once its last connection ended, and its process.exit(0) decided.
    expect(await app.exited).toEqual({ code: 0, signal: null });
  });
});
