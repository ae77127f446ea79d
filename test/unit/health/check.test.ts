import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { selectEnvironment } from '../../../src/config/select.js';
import { ConfigError, InterruptedError, UsageError } from '../../../src/errors.js';
import { planProbes, runProbes, selectProbes, type PlannedProbe } from '../../../src/health/check.js';
import type { Attempt } from '../../../src/health/http.js';
import type { HealthState, ProbeKind } from '../../../src/health/types.js';
import { caught, tempDir } from '../helpers.js';
import { scriptedRunner } from '../../support/scripted-runner.js';

/** A probe that answers the given states in turn (the last one repeats), after `ms` each. */
function fake(name: string, states: HealthState[], options: { kind?: ProbeKind; retries?: number; ms?: number } = {}): PlannedProbe & { calls: number } {
  const probe = {
    name,
    kind: options.kind ?? 'http',
    retries: options.retries ?? 1,
    calls: 0,
    async attempt(): Promise<Attempt> {
      const state = states[Math.min(probe.calls, states.length - 1)]!;
      probe.calls += 1;
      if (options.ms) await new Promise((resolve) => setTimeout(resolve, options.ms));
      return { kind: probe.kind, target: `t:${name}`, state, reason: `${state} #${probe.calls}` };
    },
  };
  return probe;
}

const names = (probes: readonly PlannedProbe[]) => probes.map((p) => p.name);

describe('selectProbes', () => {
  const all = [
    fake('api', ['healthy']),
    fake('web', ['healthy']),
    fake('main', ['healthy'], { kind: 'postgres' }),
    fake('cache', ['healthy'], { kind: 'redis' }),
    fake('disk:.opsctl', ['healthy'], { kind: 'disk' }),
    fake('disk:/var/backups', ['healthy'], { kind: 'disk' }),
    fake('memory', ['healthy'], { kind: 'memory' }),
    fake('load', ['healthy'], { kind: 'load' }),
  ];

  it('no --only (or an empty list) keeps every probe', () => {
    expect(names(selectProbes(all, undefined))).toEqual(names(all));
    expect(names(selectProbes(all, []))).toEqual(names(all));
  });

  it('picks by name, in the configured order', () => {
    expect(names(selectProbes(all, ['main', 'api']))).toEqual(['api', 'main']);
    expect(names(selectProbes(all, ['disk:/var/backups']))).toEqual(['disk:/var/backups']);
  });

  it('"disk" picks every disk path', () => {
    expect(names(selectProbes(all, ['disk']))).toEqual(['disk:.opsctl', 'disk:/var/backups']);
  });

  it('the group words pick endpoints, databases and the host', () => {
    expect(names(selectProbes(all, ['endpoints']))).toEqual(['api', 'web']);
    expect(names(selectProbes(all, ['databases']))).toEqual(['main', 'cache']);
    expect(names(selectProbes(all, ['host']))).toEqual(['disk:.opsctl', 'disk:/var/backups', 'memory', 'load']);
    expect(names(selectProbes(all, ['databases', 'api']))).toEqual(['api', 'main', 'cache']);
  });

  it('an unknown name is a usage error naming it and listing the probes', () => {
    const error = (() => {
      try {
        selectProbes(all, ['api', 'nope', 'dsik']);
      } catch (e) {
        return e;
      }
      throw new Error('expected a UsageError');
    })() as UsageError;
    expect(error).toBeInstanceOf(UsageError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('--only: no probe named "nope", "dsik".');
    expect(error.hint).toBe('Probes of this environment: api, web, main, cache, disk:.opsctl, disk:/var/backups, memory, load (or the groups endpoints, databases, host).');
  });

  it('a group word with no member is a usage error saying so, not "add probes"', () => {
    expect(() => selectProbes([fake('api', ['healthy'])], ['databases'])).toThrow('--only databases: this environment has no such probe.');
  });
});

describe('runProbes', () => {
  const options = () => ({ signal: new AbortController().signal, now: () => Date.parse('2026-01-02T03:04:05Z') });

  it('retries an unhealthy probe up to its retries and stops at the first answer that is not unhealthy', async () => {
    const flaky = fake('flaky', ['unhealthy', 'unhealthy', 'healthy'], { retries: 3 });
    const report = await runProbes('prod', [flaky], options());
    expect(flaky.calls).toBe(3);
    expect(report.probes[0]).toMatchObject({ name: 'flaky', state: 'healthy', attempts: 3, reason: 'healthy #3' });
    expect(report.state).toBe('healthy');
  });

  it('gives up after retries attempts and says how many', async () => {
    const down = fake('down', ['unhealthy'], { retries: 2 });
    const report = await runProbes('prod', [down], options());
    expect(down.calls).toBe(2);
    expect(report.probes[0]).toMatchObject({ state: 'unhealthy', attempts: 2, reason: 'unhealthy #2 (2 attempts)' });
  });

  it('retries 1 means one attempt, and the reason has no attempt count', async () => {
    const down = fake('down', ['unhealthy', 'healthy'], { retries: 1 });
    const report = await runProbes('prod', [down], options());
    expect(down.calls).toBe(1);
    expect(report.probes[0]).toMatchObject({ state: 'unhealthy', attempts: 1, reason: 'unhealthy #1' });
  });

  it('degraded and unknown answers are not retried', async () => {
    const slow = fake('slow', ['degraded', 'healthy'], { retries: 3 });
    const missing = fake('db', ['unknown', 'healthy'], { retries: 3, kind: 'postgres' });
    const report = await runProbes('prod', [slow, missing], options());
    expect([slow.calls, missing.calls]).toEqual([1, 1]);
    expect(report.state).toBe('unknown');
  });

  it('the overall state is the worst probe; the report carries environment, checkedAt and the probes in order', async () => {
    const report = await runProbes('prod', [fake('a', ['healthy']), fake('b', ['degraded']), fake('c', ['unhealthy']), fake('d', ['unknown'])], options());
    expect(report).toMatchObject({ environment: 'prod', state: 'unhealthy', checkedAt: '2026-01-02T03:04:05.000Z' });
    expect(report.probes.map((p) => [p.name, p.state, p.target])).toEqual([
      ['a', 'healthy', 't:a'],
      ['b', 'degraded', 't:b'],
      ['c', 'unhealthy', 't:c'],
      ['d', 'unknown', 't:d'],
    ]);
  });

  it('runs the probes at once: four of 300 ms take far less than 1200 ms', async () => {
    const probes = ['a', 'b', 'c', 'd'].map((n) => fake(n, ['healthy'], { ms: 300 }));
    const report = await runProbes('prod', probes, options());
    expect(report.durationMs).toBeGreaterThanOrEqual(290);
    expect(report.durationMs).toBeLessThan(900);
  });

  it('an abort during the pause between attempts stops at once with the abort reason', async () => {
    const controller = new AbortController();
    const down = fake('down', ['unhealthy'], { retries: 5 });
    const running = runProbes('prod', [down], { signal: controller.signal, now: Date.now });
    setTimeout(() => controller.abort(new InterruptedError('Interrupted.')), 100);
    // No second attempt: the run ended in the pause, not after it (no wall-clock bound, which a busy machine breaks).
    expect(await caught(running)).toBeInstanceOf(InterruptedError);
    expect(down.calls).toBe(1);
  });
});

describe('planProbes', () => {
  function environment(health: string, extra = ''): ReturnType<typeof selectEnvironment> {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'opsctl.yaml'),
      `version: 1\napp: shop\nenvironments:\n  prod:\n    target: { pm2: { script: app.js } }\n${extra}    health:\n${health}`,
    );
    return selectEnvironment(loadConfig({ cwd: dir, processEnv: { API_TOKEN: 'tok-123456' } }), undefined, undefined);
  }
  const plan = (health: string, extra = '') => planProbes(environment(health, extra), { runner: scriptedRunner([]), now: Date.now });

  it('endpoints first, then the host: disk of the state dir and the backup dir, memory, load', () => {
    const probes = plan(`      retries: 4\n      endpoints: [{ name: api, url: 'http://localhost:8080/health' }, { name: web, url: 'https://localhost/', retries: 1 }]\n`, '    backup: { dir: /var/backups/shop }\n');
    expect(probes.map((p) => [p.name, p.kind, p.retries])).toEqual([
      ['api', 'http', 4],
      ['web', 'http', 1],
      ['disk:.opsctl', 'disk', 1],
      ['disk:/var/backups/shop', 'disk', 1],
      ['memory', 'memory', 1],
      ['load', 'load', 1],
    ]);
  });

  it('host: false leaves the host out; disk paths given twice are probed once', () => {
    expect(plan(`      host: false\n      endpoints: [{ name: api, url: 'http://localhost/' }]\n`).map((p) => p.name)).toEqual(['api']);
    const probes = plan(`      host: { disk: { warn: 70, crit: 80, paths: [data, ./data, /srv] }, memory: false, load: false }\n`);
    expect(probes.map((p) => p.name)).toEqual(['disk:data', 'disk:/srv']);
  });

  it('a URL that is not http(s) is a config error naming the key', () => {
    const error = (() => {
      try {
        plan(`      endpoints: [{ name: db, url: 'postgres://u:pw-secret@db/app' }]\n`);
      } catch (e) {
        return e;
      }
      throw new Error('expected a ConfigError');
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('health.endpoints[0].url');
    expect(error.message).not.toContain('pw-secret');
  });

  it('only the selected probes are prepared: --only host works while an endpoint variable is unset', () => {
    const env = environment(`      endpoints: [{ name: api, url: '\${UNSET_API_URL}' }]\n`);
    const deps = { runner: scriptedRunner([]), now: Date.now };
    expect(planProbes(env, deps, ['host']).map((p) => p.name)).toEqual(['disk:.opsctl', 'memory', 'load']);
    expect(() => planProbes(env, deps, ['api'])).toThrow(/health\.endpoints\[0\]\.url: \$\{UNSET_API_URL\} is not set/);
  });

  it('an unreadable ca file is a config error naming the key', () => {
    expect(() => plan(`      endpoints: [{ name: api, url: 'https://localhost/', ca: missing.pem }]\n`)).toThrow(/health\.endpoints\[0\]\.ca: cannot read .*missing\.pem/);
  });
});
