import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appEnv, pm2Commands } from '../../../../src/targets/pm2/commands.js';
import { ecosystemApp } from '../../../../src/targets/pm2/ecosystem.js';
import { needsFreshStart } from '../../../../src/targets/pm2/activate.js';
import { appPaths } from '../../../../src/targets/pm2/paths.js';
import { samplePm2, type SampleContext } from '../../../../src/targets/pm2/sample.js';
import { formatCommand } from '../../../../src/process/command.js';
import { parseJlist } from '../../../../src/targets/pm2/parse.js';
import { requireTool } from '../../../support/real-tools.js';
import { fixture } from '../../helpers.js';

// POSIX paths throughout (the captured jlist output holds them): gated, so a Windows run says it skipped them
// (and fails under CI=true unless posix-signals is listed as optional there); Windows runs the real-pm2 tests.
const posix = requireTool('posix-signals');
// The fixtures were captured with releases under /tmp/pm2exp/releases/prod, `current` linked to bbbbbbbbbbbb.
const releases = '/tmp/pm2exp/releases/prod';
const sha1 = 'aaaaaaaaaaaa1111111111111111111111111111';
const sha2 = 'bbbbbbbbbbbb2222222222222222222222222222';
const release2 = { root: path.join(releases, 'bbbbbbbbbbbb'), dir: path.join(releases, 'bbbbbbbbbbbb', 'app') };
const paths = appPaths({ script: 'server.cjs', instances: 2 }, releases, release2);
const line = (cmd: { file: string; args: readonly string[] }) => formatCommand(cmd);

describe.skipIf(!posix)('pm2 deploy commands', () => {
  it('resolve script, cwd and ecosystem from the release dir through the current link', () => {
    expect(paths).toEqual({ link: `${releases}/current`, dir: `${releases}/current/app`, cwd: `${releases}/current/app`, script: `${releases}/current/app/server.cjs` });
    expect(appPaths({ script: 'dist/main.js', cwd: '..', instances: 1 }, releases, release2).script).toBe(`${releases}/current/dist/main.js`);
    expect(appPaths({ script: 'npm', instances: 1 }, releases, release2).script).toBe('npm');
    expect(appPaths({ ecosystem: 'ecosystem.config.cjs', instances: 1 }, releases, release2).ecosystem).toBe(`${releases}/current/app/ecosystem.config.cjs`);
  });

  it('start a cluster with -i, a single instance in fork mode, args after --', () => {
    expect(line(pm2Commands.startScript('api', paths, { instances: 2 }, {}))).toBe(`pm2 start ${releases}/current/app/server.cjs --name api --cwd ${releases}/current/app -i 2`);
    expect(line(pm2Commands.startScript('api', paths, { instances: 'max', args: ['--port', '80'] }, {}))).toBe(`pm2 start ${releases}/current/app/server.cjs --name api --cwd ${releases}/current/app -i max -- --port 80`);
    expect(line(pm2Commands.startScript('api', paths, { instances: 1 }, {}))).toBe(`pm2 start ${releases}/current/app/server.cjs --name api --cwd ${releases}/current/app`);
  });

  it('reload with --update-env, by name (script) or from the generated process file (ecosystem); scale; jlist alone is read-only', () => {
    expect(line(pm2Commands.reload('api', {}))).toBe('pm2 reload api --update-env');
    expect(line(pm2Commands.reloadFile('api', '/s/pm2-process.json', {}))).toBe('pm2 reload /s/pm2-process.json --only api --update-env');
    expect(line(pm2Commands.startFile('api', '/s/pm2-process.json', {}))).toBe('pm2 start /s/pm2-process.json --only api');
    expect(line(pm2Commands.scale('api', 3, {}))).toBe('pm2 scale api 3');
    const changing = [pm2Commands.reload('api', {}), pm2Commands.startScript('api', paths, { instances: 1 }, {}), pm2Commands.scale('api', 1, {}), pm2Commands.remove('api', {})];
    expect(changing.map((c) => c.readOnly)).toEqual([false, false, false, false]);
    expect(pm2Commands.jlist().readOnly).toBe(true);
  });

  it('the app env and the release travel in the child environment, never in argv', () => {
    const env = appEnv({ DATABASE_URL: 'postgres://u:secret@db/app' }, sha2, '/home/pm2');
    const cmd = pm2Commands.reload('api', env);
    expect(cmd.env).toEqual({ DATABASE_URL: 'postgres://u:secret@db/app', OPSCTL_RELEASE: sha2, PM2_HOME: '/home/pm2' });
    expect(cmd.args.join(' ')).not.toContain('secret');
  });
});

describe.skipIf(!posix)('pm2 samples from captured jlist output', () => {
  const context = (over: Partial<SampleContext> = {}): SampleContext => ({
    name: 'hello', desired: 2, sha: sha2, homes: [paths.link, release2.root], linked: true, baseline: new Map([[0, 1], [1, 1]]), ...over,
  });

  it('a reloaded cluster on the release is ready; its fingerprint is pm_id:pid:restarts', () => {
    const sample = samplePm2(parseJlist(fixture('pm2/deploy-reloaded.json')), context());
    expect(sample).toEqual({ ready: true, fingerprint: '0:16516:1,1:16551:1', summary: '2/2 online', problems: [] });
  });

  it('is not ready for another release, nor while the link leads elsewhere, nor with the wrong count', () => {
    const list = parseJlist(fixture('pm2/deploy-reloaded.json'));
    expect(samplePm2(list, context({ sha: sha1 })).problems).toEqual(['2 instances do not run release aaaaaaa yet']);
    expect(samplePm2(list, context({ linked: false })).problems).toEqual(['the current link does not lead to release bbbbbbb']);
    expect(samplePm2(list, context({ desired: 3 }))).toMatchObject({ ready: false, summary: '2/3 online', problems: ['2/3 online'] });
    expect(samplePm2(list, context({ homes: ['/elsewhere'] })).ready).toBe(false);
  });

  it('a crash-looping app says "online" but has restarted since the switch', () => {
    const sample = samplePm2(parseJlist(fixture('pm2/deploy-crashing.json')), context({ name: 'crashy', baseline: new Map([[2, 0], [3, 0]]) }));
    expect(sample.ready).toBe(false);
    expect(sample.summary).toBe('2/2 online');
    expect(sample.problems).toEqual(['instance 2 restarted 2 times since the switch', 'instance 3 restarted 2 times since the switch']);
  });

  it('errored instances are named, counted, and have no pid', () => {
    const sample = samplePm2(parseJlist(fixture('pm2/deploy-errored.json')), context({ name: 'dead', baseline: new Map([[4, 0], [5, 0]]) }));
    expect(sample.summary).toBe('0/2 online, 2 errored');
    expect(sample.problems.slice(0, 3)).toEqual(['0/2 online', 'instance 4 errored', 'instance 4 restarted 1 time since the switch']);
    expect(sample.fingerprint).toBe('4:0:1,5:0:1');
  });

  it('two restarts since the switch, or an errored instance, are conclusive: the gate need not wait', () => {
    const looping = samplePm2(parseJlist(fixture('pm2/deploy-crashing.json')), context({ name: 'crashy', baseline: new Map([[2, 0], [3, 0]]) }));
    expect(looping.fatal).toEqual(['instance 2 restarted 2 times since the switch (a crash loop)', 'instance 3 restarted 2 times since the switch (a crash loop)']);
    const once = samplePm2(parseJlist(fixture('pm2/deploy-crashing.json')), context({ name: 'crashy', baseline: new Map([[2, 1], [3, 1]]) }));
    expect(once.fatal).toBeUndefined();
    const errored = samplePm2(parseJlist(fixture('pm2/deploy-errored.json')), context({ name: 'dead', baseline: new Map([[4, 1], [5, 1]]) }));
    expect(errored.fatal).toEqual(['instance 4 errored (pm2 stopped restarting it)', 'instance 5 errored (pm2 stopped restarting it)']);
  });

  it('an app that is not there is not ready', () => {
    expect(samplePm2([], context())).toMatchObject({ ready: false, fingerprint: '', problems: ['no pm2 process named hello'] });
  });
});

describe.skipIf(!posix)('pm2 ecosystem entries', () => {
  const ecoPaths = appPaths({ ecosystem: 'ecosystem.config.cjs', instances: 2 }, releases, release2);

  it('move paths inside the release under the link, keep others, leave env out of the file', () => {
    const entry = { name: 'api', script: `${release2.root}/app/server.cjs`, cwd: `${release2.root}/app`, out_file: '/var/log/api.log', env: { PORT: 8080, FLAGS: { a: 1 } }, env_production: { X: '1' } };
    const app = ecosystemApp(entry, ecoPaths, release2.root, 2);
    expect(app.entry).toEqual({ name: 'api', script: `${releases}/current/app/server.cjs`, cwd: `${releases}/current/app`, out_file: '/var/log/api.log', instances: 2, exec_mode: 'cluster' });
    expect(app.variables).toEqual({ PORT: '8080', FLAGS: '{"a":1}' });
  });

  it('a relative or missing cwd resolves from the ecosystem file through the link; a script command stays', () => {
    expect(ecosystemApp({ name: 'api', script: 'npm', args: 'start' }, ecoPaths, release2.root, 1).entry).toEqual({ name: 'api', script: 'npm', args: 'start', cwd: `${releases}/current/app`, instances: 1 });
    expect(ecosystemApp({ name: 'api', script: 'x.js', cwd: '../srv' }, ecoPaths, release2.root, 1).entry.cwd).toBe(`${releases}/current/srv`);
  });
});

describe.skipIf(!posix)('reload or start again', () => {
  const running = parseJlist(fixture('pm2/deploy-reloaded.json'));

  it('reloads an app that runs through the link in the right mode', () => {
    expect(needsFreshStart(running, { paths, script: 'server.cjs' }, 2)).toBeUndefined();
  });

  it('starts again an app started from elsewhere, or in fork mode when the config asks for a cluster', () => {
    const elsewhere = appPaths({ script: 'server.cjs', instances: 2 }, '/srv/other', release2);
    expect(needsFreshStart(running, { paths: elsewhere, script: 'server.cjs' }, 2)).toMatch(/^it runs \/tmp\/pm2exp\/releases\/prod\/current\/app\/server.cjs, not through \/srv\/other\/current$/);
    const fork = running.map((p) => ({ ...p, pm2_env: { ...p.pm2_env, exec_mode: 'fork_mode' } }));
    expect(needsFreshStart(fork, { paths, script: 'server.cjs' }, 2)).toMatch(/fork_mode/);
  });
});
