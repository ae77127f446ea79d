import { describe, expect, it } from 'vitest';
import { schemaStaysHint, type DatabaseState } from '../../../src/deploy/migrate.js';
import { renderDeploy } from '../../../src/deploy/render.js';
import { journalDetailsOf, type DeployResult } from '../../../src/deploy/result.js';
import { createStyle } from '../../../src/output/style.js';

const [v1, v4] = ['a'.repeat(40), 'b'.repeat(40)];
const env = { name: 'prod', config: { backup: { databases: ['main', 'events'] } } };
const migrated = (backup: string | null): DatabaseState => ({ migrated: true, rolledBack: false, backup });

function rolledBack(database: DatabaseState | null): DeployResult {
  return {
    operation: 'deploy', environment: 'prod', app: 'a', target: 'pm2 a', dryRun: false, outcome: 'rolled-back',
    release: { sha: v4, shortSha: 'bbbbbbb', subject: 'v4', ref: 'main' }, previous: v1, running: v1, backup: '20261205T100000Z', restored: null,
    steps: [{ name: 'health', status: 'failed', durationMs: 1, detail: 'crash loop' }], health: null, rollback: { to: v1, ok: true, health: null, error: null },
    error: 'crash loop', lastLines: [], durationMs: 1, database, hint: database && schemaStaysHint(env, v4, { to: v1, ok: true }, database),
  };
}

describe('an automatic rollback after migrations', () => {
  it('says the schema stays, leaves whether the old code copes to the app, and names the set and the exact restore', () => {
    const hint = schemaStaysHint(env, v4, { to: v1, ok: true }, migrated('20261205T090000Z'));
    expect(hint).toContain('Only the code was rolled back: the database keeps the schema of bbbbbbb (its migrations ran and were not undone).');
    expect(hint).toContain('Whether aaaaaaa works with that schema is up to the app.');
    expect(hint).toContain('restore backup set 20261205T090000Z, taken before bbbbbbb migrated (data written since is lost): opsctl restore 20261205T090000Z -e prod --only main,events.');
  });

  it('after a failed rollback it claims nothing about the code; without a backup taken first it says so and names the key that makes deploy take one', () => {
    const hint = schemaStaysHint({ name: 'prod', config: {} }, v4, { to: v1, ok: false }, migrated(null));
    expect(hint).toMatch(/^Whatever runs now, the database keeps the schema of bbbbbbb/);
    expect(hint).toContain('No backup was taken before bbbbbbb migrated');
    expect(hint).toContain('set backup.beforeDeploy: true');
    expect(hint).not.toContain('opsctl restore 2');
  });

  it('the headline and the journal carry it; a deploy without migrations reads as before', () => {
    const text = renderDeploy(rolledBack(migrated('20261205T090000Z')), createStyle(false));
    expect(text).toContain('Rolled back to aaaaaaa, which passed the health gate. The database keeps the schema of bbbbbbb: its migrations were not undone.');
    expect(text).toContain('opsctl restore 20261205T090000Z -e prod');
    expect(journalDetailsOf(rolledBack(migrated('20261205T090000Z')))).toMatchObject({ database: { migrated: true, rolledBack: false, backup: '20261205T090000Z' } });
    const plain = rolledBack(null);
    expect(renderDeploy(plain, createStyle(false))).not.toContain('schema');
    expect(journalDetailsOf(plain)).not.toHaveProperty('database');
  });
});
