import { describe, expect, it } from 'vitest';
import { healthGate } from '../../../src/deploy/gate.js';
import type { DeployDriver, PreparedRelease, TargetSample } from '../../../src/deploy/types.js';

const release: PreparedRelease = { sha: 'a'.repeat(40), shortSha: 'aaaaaaa', root: '/r', dir: '/r' };

function driverFrom(samples: TargetSample[]): DeployDriver {
  let i = 0;
  const next = () => samples[Math.min(i++, samples.length - 1)]!;
  return {
    kind: 'pm2', name: 'app',
    preflight: async () => [], verifyBuilt: async () => [], activate: async () => undefined,
    sample: async () => next(), replicas: async () => 2, scale: async () => undefined,
  };
}
const up = (fingerprint: string): TargetSample => ({ ready: true, fingerprint, summary: '2/2 online', problems: [] });
const down: TargetSample = { ready: false, fingerprint: 'x', summary: '1/2 online', problems: ['instance 1 errored'] };

async function gate(samples: TargetSample[], passes = 3, timeoutMs = 200, settleMs = 0) {
  return healthGate(release, { passes, intervalMs: 1, timeoutMs, settleMs }, { environment: 'prod', driver: driverFrom(samples), probes: [], signal: new AbortController().signal, now: Date.now });
}

describe('healthGate', () => {
  it('passes after N ready rounds in a row with an unchanged fingerprint', async () => {
    const result = await gate([down, up('p1'), up('p1'), up('p1')]);
    expect(result).toMatchObject({ passed: true, passes: 3, rounds: 4, reason: null });
  });

  it('a restart between rounds (pm2 "online" while crash-looping) starts the count again, and fails at the deadline', async () => {
    const looping = Array.from({ length: 1000 }, (_, n) => up(`pid-${n}`));
    const result = await gate(looping, 3, 50);
    expect(result.passed).toBe(false);
    expect(result.reason).toMatch(/restarted or were replaced/);
  });

  it('the passing streak must also last `settle`: an app that restarts a few rounds in is caught', async () => {
    const crashesLater = [up('p1'), up('p1'), up('p1'), up('p1'), up('p2'), up('p2'), ...Array.from({ length: 200 }, () => down)];
    const result = await gate(crashesLater, 3, 150, 60);
    expect(result.passed).toBe(false);
    const stable = await gate([up('p1')], 3, 500, 30);
    expect(stable.passed).toBe(true);
    expect(stable.durationMs).toBeGreaterThanOrEqual(30);
  });

  it('a round that never finishes (a stuck daemon) fails the gate at its deadline instead of hanging', async () => {
    const stuck: DeployDriver = { ...driverFrom([up('a')]), sample: () => new Promise<TargetSample>(() => undefined) };
    const started = Date.now();
    const result = await healthGate(release, { passes: 1, intervalMs: 1, timeoutMs: 100, settleMs: 0 }, { environment: 'p', driver: stuck, probes: [], signal: new AbortController().signal, now: Date.now });
    expect(result.passed).toBe(false);
    expect(result.reason).toMatch(/did not finish before the gate's deadline/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('says why the last round failed', async () => {
    const result = await gate([down], 2, 30);
    expect(result.passed).toBe(false);
    expect(result.reason).toMatch(/instance 1 errored/);
    expect(result.target?.summary).toBe('1/2 online');
  });

  it('conclusive evidence (TargetSample.fatal) fails the gate at once, long before its timeout, and says so', async () => {
    const looping: TargetSample = { ready: false, fingerprint: 'p2', summary: '2/2 online', problems: ['instance 0 restarted 2 times since the switch'], fatal: ['instance 0 restarted 2 times since the switch (a crash loop)'] };
    const result = await healthGate(release, { passes: 3, intervalMs: 5, timeoutMs: 60_000, settleMs: 0 }, { environment: 'p', driver: driverFrom([down, looping, up('p3')]), probes: [], signal: new AbortController().signal, now: Date.now });
    expect(result).toMatchObject({ passed: false, conclusive: true, rounds: 2 });
    expect(result.reason).toMatch(/without waiting for the gate's timeout: instance 0 restarted 2 times since the switch \(a crash loop\)/);
    expect(Date.parse(result.endedAt) - Date.parse(result.startedAt)).toBe(result.durationMs);
  });

  it('while rounds fail, the next comes within a second even with a 30 s interval', async () => {
    const result = await healthGate(release, { passes: 1, intervalMs: 30_000, timeoutMs: 120_000, settleMs: 0 }, { environment: 'p', driver: driverFrom([down, up('a')]), probes: [], signal: new AbortController().signal, now: Date.now });
    expect(result).toMatchObject({ passed: true, rounds: 2 });
    expect(result.durationMs).toBeLessThan(30_000);
  });

  it('an abort stops the gate with the abort reason', async () => {
    const controller = new AbortController();
    const reason = new Error('interrupted');
    const pending = healthGate(release, { passes: 5, intervalMs: 1000, timeoutMs: 60_000, settleMs: 0 }, { environment: 'p', driver: driverFrom([up('a')]), probes: [], signal: controller.signal, now: Date.now });
    setTimeout(() => controller.abort(reason), 20);
    await expect(pending).rejects.toBe(reason);
  });
});
