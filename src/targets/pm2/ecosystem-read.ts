/**
 * Evaluating a JavaScript ecosystem file the way pm2 does: in a node child, printed back as JSON. A file
 * that does not load is said in one line, `<file>:<line>: <error>`, not as the inline script's stack.
 */
import { OpsError, ToolMissingError } from '../../errors.js';
import { command, type Command } from '../../process/command.js';
import type { Runner } from '../../process/runner.js';
import { runsAsSingleExecutable } from '../../process/self.js';
import { which } from '../../process/which.js';

type Env = Readonly<Record<string, string | undefined>>;

/** An ecosystem file that does not load: a fault in the user's config, not in the build. */
export class EcosystemError extends OpsError {}

/** The node that evaluates the file: this one under node; in the executable, `node` from PATH (pm2 needs it anyway). */
export function ecosystemNode(env: Env, sea = runsAsSingleExecutable(), execPath = process.execPath): string {
  if (!sea) return execPath;
  const node = which('node', env);
  if (!node) {
    throw new ToolMissingError(
      'node is not on PATH: opsctl evaluates the pm2 ecosystem file with it.',
      'Install Node.js (pm2 runs on it too) and make sure node is on PATH, or use target.pm2.script instead of an ecosystem file.',
      { tool: 'node' },
    );
  }
  return node;
}

/** Read-only: evaluating the config changes nothing that pm2's own loading would not. */
export function readEcosystemCommand(node: string, file: string, env: Readonly<Record<string, string>>): Command {
  return command(node, ['--input-type=module', '-e', READ_ECOSYSTEM, file], { env, readOnly: true });
}

/** The file's export (module.exports, default export or JSON), or an EcosystemError naming file and line. */
export async function evaluateEcosystem(runner: Runner, file: string, env: Readonly<Record<string, string>>, hostEnv: Env): Promise<unknown> {
  const cmd = readEcosystemCommand(ecosystemNode(hostEnv), file, env);
  const result = await runner.run(cmd, { allowFailure: true });
  if (result.exitCode === 0) return JSON.parse(result.stdout || 'null');
  const said = result.stderr.trim().split(/\r?\n/).at(-1) ?? '';
  const where = said.startsWith(file) ? said : `${file}: ${said || `node exited with code ${result.exitCode}`}`;
  // A deploy's result keeps the message alone (its renderer adds the full stop): it says what to do too.
  throw new EcosystemError(`The pm2 ecosystem file does not load: ${where}. Fix it (node ${file} shows the whole error)`, `Fix ${file}: node ${file} shows the whole error.`, { file });
}

// import() loads CommonJS (module.exports as default) and ESM alike; JSON goes through the same path.
// The error's place: the file's first `<path>:<line>` in the stack; an ESM SyntaxError has none, so
// node --check (this same node) says it.
const READ_ECOSYSTEM = String.raw`import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
const file = process.argv[1];
const lineIn = (text) => {
  for (const at of [file + ':', pathToFileURL(file).href + ':']) {
    const found = text.indexOf(at);
    const digits = found < 0 ? null : /^\d+/.exec(text.slice(found + at.length));
    if (digits) return digits[0];
  }
};
try {
  const loaded = file.endsWith('.json') ? JSON.parse(readFileSync(file, 'utf8')) : (await import(pathToFileURL(file).href)).default;
  process.stdout.write(JSON.stringify(loaded ?? null));
} catch (error) {
  let line = lineIn(String(error?.stack ?? ''));
  if (!line && error?.name === 'SyntaxError' && !file.endsWith('.json')) line = lineIn(spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' }).stderr ?? '');
  process.stderr.write(file + (line ? ':' + line : '') + ': ' + String(error).split('\n')[0] + '\n');
  process.exitCode = 1;
}`;
