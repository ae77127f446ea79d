import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { environmentSchema } from '../../../src/config/schema.js';
import type { SelectedEnvironment } from '../../../src/config/select.js';
import { identityCheck } from '../../../src/doctor/identity.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'opsctl-identity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function envWith(backup: object | undefined): SelectedEnvironment {
  const config = environmentSchema.parse({ target: { pm2: { script: 'app.js' } }, ...(backup ? { backup } : {}) });
  return { name: 'production', config, app: 'shop', dir, envFile: path.join(dir, '.env'), stateDir: path.join(dir, '.opsctl') };
}
const encrypt = { recipients: ['age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq'] };

describe('doctor: the age identity on the backed-up host', () => {
  it('warns when OPSCTL_AGE_IDENTITY names a file on this host and the sets are encrypted', () => {
    const key = path.join(dir, 'elsewhere-key.txt');
    writeFileSync(key, 'AGE-SECRET-KEY-1...\n');
    const check = identityCheck([envWith({ encrypt })], { OPSCTL_AGE_IDENTITY: key });
    expect(check).toMatchObject({ status: 'warn', required: false, detail: `${key} (OPSCTL_AGE_IDENTITY) is on the backed-up host` });
    expect(check?.hint).toContain('Keep the identity off it');
  });

  it('says so when the identity is inside a backed-up path: it travels in the sets it should open', () => {
    mkdirSync(path.join(dir, 'secrets'), { recursive: true });
    const key = path.join(dir, 'secrets', 'key.txt');
    writeFileSync(key, 'AGE-SECRET-KEY-1...\n');
    const check = identityCheck([envWith({ encrypt, files: ['secrets/'] })], { OPSCTL_AGE_IDENTITY: key });
    expect(check?.detail).toContain(`inside ${path.join(dir, 'secrets')} (backup of production)`);
  });

  it('is ok when the named file is not here, and absent without encryption or without the variable', () => {
    expect(identityCheck([envWith({ encrypt })], { OPSCTL_AGE_IDENTITY: path.join(dir, 'missing.txt') })?.status).toBe('ok');
    expect(identityCheck([envWith({ databases: [] })], { OPSCTL_AGE_IDENTITY: path.join(dir, 'secrets', 'key.txt') })).toBeUndefined();
    expect(identityCheck([envWith({ encrypt })], {})).toBeUndefined();
  });
});
