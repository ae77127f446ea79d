// backup.beforeDeploy links a backup set to each deploy; `rollback --restore-db` restores the one taken
// before the deploy being undone. Real git, a throwaway PostgreSQL cluster, and a stand-in target driver
// (the pm2, compose and swarm drivers have their own real tests).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy } from '../../src/deploy/deploy.js';
import { rollback } from '../../src/deploy/rollback.js';
import type { DeployDriver, PreparedRelease } from '../../src/deploy/types.js';
import { readEntries } from '../../src/history/journal.js';
import { createRunner } from '../../src/process/runner.js';
import { createTestContext } from '../support/context.js';
import { startPostgres, stopAllPostgres, type PostgresServer } from '../support/real-postgres.js';
import { requireTools } from '../support/real-tools.js';

const available = requireTools('git', 'postgres');

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();
}

/** Always healthy on whatever it was switched to. */
function standIn(): DeployDriver {
  let running: PreparedRelease | undefined;
  return {
    kind: 'pm2', name: 'stand-in',
    preflight: async () => [], verifyBuilt: async () => [],
    activate: async (release) => {
      running = release;
    },
    sample: async (release) => ({ ready: running?.sha === release.sha, fingerprint: 'same', summary: '1/1', problems: [] }),
    replicas: async () => 1, scale: async () => undefined,
  };
}

describe.skipIf(!available)('deploy with backup.beforeDeploy, then rollback --restore-db (real PostgreSQL)', () => {
  let pg: PostgresServer;
  beforeAll(async () => {
    pg = await startPostgres();
    await pg.createDatabase('shop');
    await pg.psql('create table migrations (name text primary key); insert into migrations values (\'v1\');', 'shop');
  });
  afterAll(stopAllPostgres);

  it('each deploy links the set it took first; --restore-db brings the database back to before the undone deploy', async () => {
    const config = `version: 1
app: shop
environments:
  prod:
    target: { pm2: { name: stand-in, script: server.js } }
    source: { repo: . }
    databases: { main: { type: postgres, url: "${pg.urlFor('shop')}" } }
    backup: { dir: backups, databases: [main], beforeDeploy: true }
    deploy: { gate: { passes: 1, interval: 5ms, timeout: 5s, settle: 0s } }
`;
    const t = createTestContext({ config, assumeYes: true });
    const ctx = { ...t.ctx, runner: createRunner({ dryRun: false, verbose: false, signal: t.controller.signal, log: (line) => t.logs.push(line), env: process.env }) };
    git(t.dir, 'init', '-q', '-b', 'main');
    git(t.dir, 'config', 'user.email', 'test@example.com');
    git(t.dir, 'config', 'user.name', 'test');
    writeFileSync(path.join(t.dir, '.gitignore'), '.opsctl/\nbackups/\nbin/\npm2-home/\n');
    for (const version of ['v1', 'v2']) {
      writeFileSync(path.join(t.dir, 'VERSION'), version);
      git(t.dir, 'add', '-A');
      git(t.dir, 'commit', '-q', '-m', version);
    }
    const [v2, v1] = [git(t.dir, 'rev-parse', 'HEAD'), git(t.dir, 'rev-parse', 'HEAD~1')];
    const env = ctx.environment();
    const request = { force: false, skipTests: false, autoRollback: true };

    const driver = standIn();
    const first = await deploy(ctx, env, { ...request, ref: v1 }, () => driver);
    expect(first.outcome).toBe('deployed');
    expect(first.backup).toMatch(/^\d{8}T\d{6}/);
    const second = await deploy(ctx, env, { ...request, ref: v2 }, () => driver);
    expect(second).toMatchObject({ outcome: 'deployed', previous: v1 });
    expect(second.backup).not.toBe(first.backup);
    // v2 "migrates" the database after its backup was taken.
    await pg.psql('insert into migrations values (\'v2\');', 'shop');
    expect(await pg.psql('select string_agg(name, \',\' order by name) from migrations', 'shop')).toBe('v1,v2');

    const back = await rollback(ctx, env, { force: false, restoreDb: true }, () => driver);
    expect(back).toMatchObject({ outcome: 'rolled-back', running: v1, restored: second.backup });
    expect(await pg.psql('select string_agg(name, \',\' order by name) from migrations', 'shop')).toBe('v1');
    const types = (await readEntries(t.stateDir)).map((e) => e.type);
    expect(types.slice(0, 2)).toEqual(['rollback', 'restore']);
    expect((await readEntries(t.stateDir, { types: ['deploy'] }))[0]?.details).toMatchObject({ release: v2, backup: second.backup });
  });
});
