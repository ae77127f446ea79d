// Which modules a command loads, via the module-trace.mjs preload: proves --version and --help stay lazy.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runOnce } from './measure.mjs';

const PRELOAD = pathToFileURL(fileURLToPath(new URL('./module-trace.mjs', import.meta.url))).href;

/** Runs `node --import <preload> ...nodeArgs` once and sorts what it loaded into own files, dependencies and builtins. */
export async function traceModules(nodeArgs, { env, cwd, root, tmp, label }) {
  const logFile = path.join(tmp, `modules-${label.replace(/\W+/g, '-')}.log`);
  rmSync(logFile, { force: true });
  const result = await runOnce([process.execPath, '--import', PRELOAD, ...nodeArgs], { env: { ...env, OPSCTL_BENCH_MODULE_LOG: logFile }, cwd });
  if (result.code !== 0) throw new Error(`${label} exited ${result.code} under the module trace: ${result.stderr.trim()}`);
  const urls = new Set(readFileSync(logFile, 'utf8').split('\n').filter(Boolean));
  rmSync(logFile, { force: true });
  return classify([...urls], root);
}

function classify(urls, root) {
  const own = [];
  const dependencies = [];
  for (const url of urls) {
    // Builtins are left out: the preload's own imports cache them before the hook is registered, so a count would lie.
    if (!url.startsWith('file:')) continue;
    const rel = path.relative(root, fileURLToPath(url)).split(path.sep).join('/');
    if (rel.startsWith('bench/')) continue;
    (rel.includes('node_modules/') ? dependencies : own).push(rel);
  }
  const packages = new Set(dependencies.map((rel) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(rel)[1]));
  return {
    files: own.length + dependencies.length,
    own: own.sort(),
    dependencyFiles: dependencies.length,
    packages: [...packages].sort(),
    // dist/commands/<name>.js under tsc's output, bundle/command-<name>.mjs in the bundle bin/opsctl.js runs.
    commandModules: own.filter((rel) => rel.startsWith('dist/commands/') || rel.startsWith('bundle/command-')),
  };
}
