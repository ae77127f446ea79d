import { describe, expect, it } from 'vitest';
import { bindEnvironment } from '../../../src/config/select.js';
import { needsOf } from '../../../src/doctor/needs.js';
import { ConfigError } from '../../../src/errors.js';
import { createEffects } from '../../../src/process/effects.js';
import { createDriver, createTarget, kindOf, TARGET_KINDS, targetOf } from '../../../src/targets/registry.js';
import { scriptedRunner } from '../../support/scripted-runner.js';
import { load, problemsOf } from '../config/load-helpers.js';

const TARGETS = {
  pm2: '{ pm2: { name: api, script: server.js } }',
  compose: '{ compose: { project: Shop, service: web, image: shop-web } }',
  swarm: '{ swarm: { stack: shop, service: web, image: shop-web } }',
};

function environment(target: string, app = 'shop') {
  const loaded = load(`version: 1\napp: ${app}\nenvironments:\n  prod:\n    target: ${target}\n`);
  return bindEnvironment(loaded, 'prod', loaded.environments.get('prod')!);
}

describe('the target registry', () => {
  it('registers every kind the config accepts', () => {
    expect(TARGET_KINDS).toEqual(['pm2', 'compose', 'swarm']);
  });

  it('picks the adapter of the kind the config sets, named as status, deploy and logs name it', () => {
    const seen = Object.entries(TARGETS).map(([kind, target]) => {
      const env = environment(target);
      const adapter = targetOf(env);
      return [kind, kindOf(env.config.target), adapter.kind, adapter.name];
    });
    expect(seen).toEqual([
      ['pm2', 'pm2', 'pm2', 'api'],
      ['compose', 'compose', 'compose', 'shop/web'],
      ['swarm', 'swarm', 'swarm', 'shop_web'],
    ]);
  });

  it('dispatches status, the deploy driver, doctor needs, log sources and cleanup hooks to that adapter', () => {
    const runner = scriptedRunner([]);
    for (const [kind, target] of Object.entries(TARGETS)) {
      const env = environment(target);
      const deps = { runner, effects: createEffects({ dryRun: false, log: () => undefined }), env: {}, log: {} as never, environment: env, releasesDir: '/r', now: Date.now };
      expect(createTarget(env, { runner, env: {} }).kind, kind).toBe(kind);
      expect(createDriver(env, deps).kind, kind).toBe(kind);
    }
    expect(needsOf(environment(TARGETS.swarm).config)).toEqual(new Set(['docker', 'docker engine', 'swarm mode']));
    const sourceDeps = { runner } as never;
    expect(targetOf(environment(TARGETS.compose)).logs(sourceDeps).names).toEqual(['web']);
    expect(targetOf(environment(TARGETS.pm2)).cleanup).toEqual({ pm2Logs: expect.any(Function) });
    expect(targetOf(environment(TARGETS.compose)).cleanup).toEqual({ containerLabel: 'com.docker.compose.project=shop' });
    expect(targetOf(environment(TARGETS.swarm)).cleanup).toEqual({ containerLabel: 'com.docker.stack.namespace=shop' });
    expect(Object.values(TARGETS).map((target) => targetOf(environment(target)).image)).toEqual([undefined, 'shop-web', 'shop-web']);
  });
});

describe('pm2 names that pm2 reads as something else', () => {
  it('are refused in the config (exit 2): all, a leading "-", a number', () => {
    const withName = (name: string) => `version: 1\napp: api\nenvironments:\n  prod:\n    target: { pm2: { name: "${name}", script: server.js } }\n`;
    expect(problemsOf(withName('all'))).toEqual(['environments.prod.target.pm2.name: "all" means every pm2 app (pm2 reload all restarts them all); choose another name']);
    expect(problemsOf(withName('--help'))).toEqual(['environments.prod.target.pm2.name: "--help" starts with "-", which pm2 reads as an option; choose another name']);
    expect(problemsOf(withName('42'))).toEqual(['environments.prod.target.pm2.name: "42" is a number, which pm2 reads as a process id; choose a name with a letter in it']);
    expect(targetOf(environment('{ pm2: { name: all-in-one, script: s.js } }')).name).toBe('all-in-one');
  });

  it('are refused when the app name stands in for target.pm2.name', () => {
    const env = environment('{ pm2: { script: server.js } }', 'all');
    expect(() => targetOf(env)).toThrow(ConfigError);
    expect(() => targetOf(env)).toThrow(/target\.pm2\.name is not set, so pm2 would run the app as "all"/);
  });
});
