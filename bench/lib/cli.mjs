// What every bench script needs from its command line and from dist/.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import net from 'node:net';

/** Reads a whole-number option of parseArgs' values, at least `min`, or throws a message naming it. */
export function wholeNumber(values, name, min) {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} ${values[name]} is not a whole number >= ${min}.`);
  return n;
}

/** dist/ is what bin/opsctl.js runs: throws when `built` (relative to dist/) is missing, warns when src/ changed after the build. */
export function warnIfStale(root, built) {
  if (!existsSync(path.join(root, 'dist', built))) throw new Error(`dist/${built} is missing. Run npm run build first.`);
  const newest = (dir) => readdirSync(dir, { recursive: true }).reduce((max, f) => Math.max(max, statSync(path.join(dir, f)).mtimeMs), 0);
  if (newest(path.join(root, 'src')) > newest(path.join(root, 'dist'))) process.stderr.write('warning: src/ changed after the last build; run npm run build to bench the current code.\n');
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
