import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { MAX_CONFIG_BYTES } from '../../../src/config/read-text.js';
import { parseYamlText } from '../../../src/config/yaml-text.js';
import { ConfigError } from '../../../src/errors.js';
import { whichTool } from '../../support/real-cli.js';
import { requireTool } from '../../support/real-tools.js';
import { tempDir } from '../helpers.js';

const VALID = 'version: 1\napp: api\nenvironments:\n  prod:\n    target: { pm2: { name: api, script: a.js } }\n';

/** Loads a config written as raw bytes; the ConfigError it must fail with (exit 2). */
function refusal(bytes: string | Buffer, dotenv?: string | Buffer): ConfigError {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'opsctl.yaml'), bytes);
  if (dotenv !== undefined) writeFileSync(path.join(dir, '.env'), dotenv);
  try {
    loadConfig({ cwd: dir, processEnv: {} });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    return error as ConfigError;
  }
  throw new Error('the config loaded');
}

// The billion laughs in 434 bytes: each level holds nine aliases of the one above.
const ALIAS_BOMB = ['version: 1', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...'bcdefghi'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');

describe('config files that would exhaust the machine', () => {
  it('a YAML alias bomb is a config error naming the line of the first alias', () => {
    expect(refusal(ALIAS_BOMB).message).toMatch(/opsctl\.yaml: invalid YAML at line 3, column \d+: its aliases \(\*name\) expand to more than 100 copies$/);
  });

  it('a config bigger than the cap is refused before it is parsed', () => {
    const big = `${VALID}# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`;
    expect(refusal(big).message).toMatch(/opsctl\.yaml is \d+ bytes, more than the 1048576 opsctl reads\.$/);
  });

  it('invalid UTF-8 in the config or in .env is refused, naming the line', () => {
    expect(refusal(Buffer.concat([Buffer.from(`${VALID}# caf`), Buffer.from([0xe9]), Buffer.from('\n')])).message).toMatch(/opsctl\.yaml: line 6 is not valid UTF-8\.$/);
    expect(refusal(VALID, Buffer.from([0x41, 0x3d, 0xff, 0x0a])).message).toMatch(/\.env: line 1 is not valid UTF-8\.$/);
  });

  it('a .env that is a FIFO is refused at once instead of waiting for a writer', () => {
    if (!requireTool('mkfifo', () => (whichTool('mkfifo') ? undefined : 'mkfifo is not on PATH'))) return;
    const dir = tempDir();
    writeFileSync(path.join(dir, 'opsctl.yaml'), VALID);
    execFileSync('mkfifo', [path.join(dir, '.env')]);
    expect(() => loadConfig({ cwd: dir, processEnv: {} })).toThrow(/\.env is not a regular file \(a folder, pipe or device\)\.$/);
  });

  it('duplicate keys are still found in a map of 20,000 keys (one Set per map, not every pair)', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `k${i}: ${i}`);
    expect(Object.keys(parseYamlText(keys.join('\n')) as object)).toHaveLength(20_000);
    expect(() => parseYamlText([...keys, 'k19999: again'].join('\n'))).toThrow(/Map keys must be unique: "k19999" is repeated/);
  });
});
