/**
 * Issue 14, "never lie": a release whose migrations ran and whose gate then failed is rolled back, but only
 * its code. The built CLI, a real app whose real migrations run with psql against a throwaway PostgreSQL
 * cluster (test/support/migrating-app.ts), a real pm2 daemon (own PM2_HOME) and a real git repo.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt, makeTempDir, parseJson, removeTempDirs, runCli, uniqueSuffix, writeConfig } from '../support/real-cli.js';
import { makeMigratingApp, migratingEnvironment } from '../support/migrating-app.js';
import { freePort, getOnce, jlist, killPm2, pathWithPm2 } from '../support/real-pm2.js';
import { startPostgres, stopAllPostgres, type PostgresServer } from '../support/real-postgres.js';
import { requireTools } from '../support/real-tools.js';

const available = requireTools('pm2', 'git', 'postgres');

/** On top of the fixture's commits: a release whose migration applies (users.phone) and whose app dies at start. */
async function commitBrokenRelease(repo: string, app: string): Promise<string> {
  const git = (args: string[]) => execa('git', ['-C', repo, ...args], { env: cleanEnv({ GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' }), extendEnv: false });
  rmSync(path.join(app, 'migrations', '003_broken.sql'));
  writeFileSync(path.join(app, 'migrations', '003_phone.sql'), 'alter table users add column phone text');
  writeFileSync(path.join(app, 'VERSION'), 'v4\n');
  writeFileSync(path.join(app, 'server.cjs'), "throw new Error('v4 cannot start: PAYMENTS_KEY is not set');\n");
  await git(['add', '-A']);
  await git(['commit', '-q', '-m', 'v4: phone numbers']);
  return (await git(['rev-parse', 'HEAD'])).stdout.trim();
}

describe.skipIf(!available)('a migrated release failing its gate: the code is rolled back, the schema stays, and every output says so (real PostgreSQL, pm2, git)', () => {
  const name = `opsctl-migrb-${uniqueSuffix()}`;
  let dir: string;
  let home: string;
  let port: number;
  let pg: PostgresServer;
  let v1: string;
  let v4: string;
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(['-e', 'prod', ...args], { cwd: app(), env: cleanEnv({ PM2_HOME: home, PATH: pathWithPm2(), ...env }), timeoutMs: 120_000 });
  const app = () => path.join(dir, 'repo', 'app');
  const columns = () => pg.psql("select string_agg(column_name, ',' order by column_name) from information_schema.columns where table_name = 'users'", 'shop');

  beforeAll(async () => {
    await ensureBuilt();
    dir = makeTempDir('deploy-migrate-rollback');
    home = path.join(dir, 'pm2-home');
    pg = await startPostgres();
    await pg.createDatabase('shop');
    const repo = await makeMigratingApp(path.join(dir, 'repo'));
    v1 = repo.shas[0]!;
    v4 = await commitBrokenRelease(repo.repo, repo.app);
    port = await freePort();
    writeFileSync(path.join(repo.app, '.env'), `DATABASE_URL=${pg.urlFor('shop')}\n`);
    writeConfig(repo.app, { version: 1, app: 'migrb', environments: { prod: migratingEnvironment(dir, name, port) } });
  }, 300_000);

  afterAll(async () => {
    if (home) await killPm2(home, (await jlist(home).catch(() => [])).map((p) => p.pid).filter((pid) => pid > 0));
    await stopAllPostgres();
    removeTempDirs();
  });

  it('the result (human, --json, job summary), the journal and status say the schema of the failed release stays; the named restore undoes it', async () => {
    const first = await cli(['deploy', '--ref', v1, '--json']);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(await columns()).toBe('id,name');
    const [short1, short4] = [v1.slice(0, 7), v4.slice(0, 7)];

    const summary = path.join(dir, 'summary.md');
    const failed = await cli(['deploy', '--ref', v4, '--json'], { GITHUB_STEP_SUMMARY: summary });
    // A deploy that had to roll back exits 1, as before (CLI.md).
    expect(failed.exitCode, failed.stderr).toBe(1);
    const result = parseJson(failed.stdout);
    expect(result).toMatchObject({ outcome: 'rolled-back', running: v1, rollback: { to: v1, ok: true } });
    expect(result.migrations[0].output).toContain('applied 003_phone.sql');
    // The world: v1's code serves, v4's schema stays.
    expect((await getOnce(port)).version).toBe('v1');
    expect(await columns()).toBe('email,id,name,phone');
    const before = result.backup as string;
    expect(result.database).toEqual({ migrated: true, rolledBack: false, backup: before });
    expect(result.hint).toContain(`Only the code was rolled back: the database keeps the schema of ${short4}`);
    expect(result.hint).toContain(`Whether ${short1} works with that schema is up to the app.`);
    expect(result.hint).toContain(`opsctl restore ${before} -e prod --only main`);
    expect(readFileSync(summary, 'utf8')).toContain(`Rolled back to ${short1}, which passed the health gate. The database keeps the schema of ${short4}`);

    const journal = parseJson((await cli(['history', '--type', 'deploy', '--json'])).stdout).entries[0];
    expect(journal).toMatchObject({ result: 'rolled-back', details: { release: v4, running: v1, migrations: ['node migrate.cjs'], database: { migrated: true, rolledBack: false, backup: before } } });
    const row = `back on ${short1}; the schema of ${short4} stays applied`;
    expect((await cli(['history'])).stdout).toContain(row);
    const status = await cli(['status']);
    expect(status.stdout).toContain(`deployed     ${short1}`);
    expect(status.stdout).toContain(row);

    // Again with --force: its own backup already holds v4's schema, so the hint names the set taken before v4 first migrated.
    const again = await cli(['deploy', '--ref', v4, '--force']);
    expect(again.exitCode).toBe(1);
    const own = parseJson((await cli(['history', '--type', 'deploy', '--json'])).stdout).entries[0].details.backup;
    expect(own).not.toBe(before);
    expect(again.stdout).toContain(`The database keeps the schema of ${short4}: its migrations were not undone.`);
    expect(again.stdout).toContain(`opsctl restore ${before} -e prod --only main`);
    expect(again.stdout).not.toContain(`opsctl restore ${own}`);

    // The command the hint names does what it says: the schema is v1's again, and v1 still serves.
    const restored = await cli(['restore', before, '--only', 'main', '--yes']);
    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(await columns()).toBe('id,name');
    expect((await getOnce(port)).version).toBe('v1');
  }, 240_000);
});
