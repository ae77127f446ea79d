import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import os from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConnectionUrl } from '../../../src/databases/connection.js';
import { isLeftover, openScratch } from '../../../src/databases/postgres/scratch.js';
import { createTestContext } from '../../support/context.js';

const CONFIG = `version: 1
app: shop
environments:
  production:
    target: { pm2: { name: shop, script: app.js } }
`;
const conn = parseConnectionUrl('postgresql://app:pw-scratch-1@db:5432/shop', 'k', ['postgresql:']);
const psql = (sql: string) => ['-X', '-w', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', 'postgresql://app@db:5432/shop', '-c', sql];
const tag = (host: string) => createHash('sha256').update(host).digest('hex').slice(0, 8);
const dead = spawnSync(process.execPath, ['-e', '']).pid!;
const here = tag(os.hostname());

describe('postgres scratch databases of killed restore tests', () => {
  afterEach(() => vi.restoreAllMocks());

  it('only a name of this host whose creating pid is gone is a leftover', () => {
    expect(isLeftover(`opsctl_verify_20261123t020000z_p${dead}_h${here}_k2x9a1`)).toBe(true);
    expect(isLeftover(`opsctl_verify_20261123t020000z_p${process.pid}_h${here}_k2x9a1`)).toBe(false);
    expect(isLeftover(`opsctl_verify_20261123t020000z_p${dead}_h${tag(`${os.hostname()}-elsewhere`)}_k2x9a1`)).toBe(false);
    // Named before the creator was part of the name: nothing tells whether its run is still going.
    expect(isLeftover('opsctl_verify_20261123t020000z_k2x9a1')).toBe(false);
    expect(isLeftover(`shop_p${dead}_h${here}_k2x9a1`)).toBe(false);
  });

  it('creating a scratch database first drops the leftovers, says so, and says how when one cannot be dropped', async () => {
    const gone = `opsctl_verify_20261123t020000z_p${dead}_h${here}_aaaaaa`;
    const busy = `opsctl_verify_20261124t020000z_p${dead}_h${here}_bbbbbb`;
    const live = `opsctl_verify_20261125t020000z_p${process.pid}_h${here}_cccccc`;
    const t = createTestContext({
      config: CONFIG,
      commands: [
        { file: 'psql', args: psql("select datname from pg_database where datname like 'opsctl\\_verify\\_%' order by 1"), readOnly: true, stdout: `${gone}\n${busy}\n${live}\nopsctl_verify_old_dddddd\n` },
        { file: 'psql', args: psql(`drop database if exists "${gone}"`), readOnly: false },
        { file: 'psql', args: psql(`drop database if exists "${busy}"`), exitCode: 1, stderr: `ERROR:  database "${busy}" is being accessed by other users\n` },
        { file: 'psql', args: psql(`create database "opsctl_verify_20261126t020000z_p${process.pid}_h${here}_i"`) },
      ],
    });
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    await openScratch(t.ctx, conn, '20261126T020000Z', 'databases.main.url').create();
    const said = t.logs.join('\n');
    expect(said).toContain(`removed scratch database ${gone}: left by a restore test that did not finish`);
    expect(said).toContain(`could not remove scratch database ${busy}, left by a restore test that did not finish (ERROR:  database "${busy}" is being accessed by other users): drop database "${busy}"`);
    expect(said).not.toContain(live);
  });
});
