import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { partialName, removeLeftovers } from '../../../src/backup/sets.js';
import { tempDir } from '../helpers.js';

describe('removeLeftovers', () => {
  it('removes only this environment\'s folders whose writer is dead: never prod-eu\'s for prod, never a live run\'s', async () => {
    const dir = tempDir();
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const names = {
      deadProd: partialName('prod', '20261123T020000Z', dead),
      liveProd: partialName('prod', '20261123T020001Z', process.ppid),
      otherHost: partialName('prod', '20261123T020002Z', dead, `${os.hostname()}-elsewhere`),
      deadProdEu: partialName('prod-eu', '20261123T020003Z', dead),
      liveProdEu: partialName('prod-eu', '20261123T020004Z', process.ppid),
    };
    for (const name of Object.values(names)) mkdirSync(path.join(dir, name));
    expect(await removeLeftovers(dir, 'prod')).toEqual([names.deadProd]);
    expect(readdirSync(dir).sort()).toEqual([names.liveProd, names.otherHost, names.deadProdEu, names.liveProdEu].sort());
  });
});
