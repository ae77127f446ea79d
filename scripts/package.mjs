// `npm run package`: standalone executables that need no Node on the machine (Node single executable
// applications): release/opsctl-linux-x64, opsctl-linux-arm64 and opsctl-win-x64.exe, the runbooks beside
// them (a folder and opsctl-runbooks.tar.gz) and SHA256SUMS. See docs/distribution.md.
// Runs on a machine one of the targets is for (the pinned node of this machine makes the SEA blobs).
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from './package/bundle.mjs';
import { packRunbooks, writeChecksums } from './package/checksums.mjs';
import { NODE_VERSION, TARGETS, nodeBinary } from './package/node-binaries.mjs';
import { injectBlob, makeBlob } from './package/sea.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RELEASE = path.join(ROOT, 'release');
const BUILD = path.join(RELEASE, '.build');
const CACHE = process.env.OPSCTL_PACKAGE_CACHE ?? path.join(ROOT, 'node_modules', '.cache', 'opsctl-package');

function hostTarget() {
  const host = TARGETS.find((t) => t.platform === process.platform && t.arch === process.arch);
  if (!host) throw new Error(`packaging runs on ${TARGETS.map((t) => t.id).join(', ')}, not ${process.platform}-${process.arch}: the pinned node of this machine makes the SEA blobs`);
  return host;
}

/** runbooks/*.yaml shipped with the package, embedded as SEA assets under the same relative names. */
function runbookAssets() {
  const dir = path.join(ROOT, 'runbooks');
  if (!existsSync(dir)) return {};
  const files = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name)).sort();
  return Object.fromEntries(files.map((name) => [`runbooks/${name}`, path.join(dir, name)]));
}

/**
 * Also beside the executables: src/runbook/load.ts looks for runbooks/ at the package root, and in the
 * executable the package root is the executable's folder (see bundle.mjs).
 */
function copyRunbooks(assets) {
  const dir = path.join(RELEASE, 'runbooks');
  rmSync(dir, { recursive: true, force: true });
  if (Object.keys(assets).length === 0) return;
  mkdirSync(dir, { recursive: true });
  for (const [name, file] of Object.entries(assets)) copyFileSync(file, path.join(RELEASE, name));
}

/**
 * preload/drain.cjs beside the executables: pm2 must `--require` a real file, and src/targets/pm2/drain/plan.ts
 * looks for preload/ at the package root (the executable's folder), as for runbooks.
 */
function copyPreload() {
  const dir = path.join(RELEASE, 'preload');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(path.join(ROOT, 'preload'))) copyFileSync(path.join(ROOT, 'preload', name), path.join(dir, name));
}

async function timed(label, timings, fn) {
  const started = performance.now();
  const value = await fn();
  timings.push(`${label} ${Math.round(performance.now() - started)} ms`);
  return value;
}

async function buildTarget(target, { blobMaker, host, bundleFile, assets, timings }) {
  const nodeFile = await timed(`node ${target.id}`, timings, () => nodeBinary(target, CACHE));
  const blobFile = path.join(BUILD, `${target.id}.blob`);
  const configFile = path.join(BUILD, `sea-config-${target.id}.json`);
  const codeCache = target === host;
  await timed(`blob ${target.id}`, timings, () => makeBlob({ blobMaker, bundleFile, blobFile, configFile, codeCache, assets }));
  const output = path.join(RELEASE, target.output);
  await timed(`inject ${target.id}`, timings, () => injectBlob({ nodeFile, blobFile, output }));
  return { output, codeCache };
}

async function main() {
  const started = performance.now();
  const timings = [];
  const host = hostTarget();
  const version = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
  rmSync(BUILD, { recursive: true, force: true });
  mkdirSync(BUILD, { recursive: true });
  const bundleFile = path.join(BUILD, 'opsctl.cjs');
  const nodeMajor = NODE_VERSION.split('.')[0];
  const bundled = await timed('bundle', timings, () => bundle({ root: ROOT, outfile: bundleFile, version, nodeMajor }));
  const blobMaker = await nodeBinary(host, CACHE);
  const assets = runbookAssets();
  copyRunbooks(assets);
  copyPreload();
  const built = [];
  for (const target of [host, ...TARGETS.filter((t) => t !== host)]) {
    built.push(await buildTarget(target, { blobMaker, host, bundleFile, assets, timings }));
  }
  const runbooks = await packRunbooks(RELEASE);
  const sums = await writeChecksums(RELEASE, [...built.map((b) => b.output), runbooks]);
  const mb = (file) => (statSync(file).size / 2 ** 20).toFixed(1);
  const lines = [
    `opsctl ${version} on node ${NODE_VERSION}: bundle ${mb(bundleFile)} MB (${bundled.modules} modules, ${bundled.commandModules} command modules), ${Object.keys(assets).length} runbook assets`,
    ...built.map((b) => `  ${path.relative(ROOT, b.output)}  ${mb(b.output)} MB${b.codeCache ? '  (code cache)' : ''}`),
    `  ${path.relative(ROOT, runbooks)}, ${path.relative(ROOT, sums)} (check with: cd release && sha256sum -c SHA256SUMS)`,
    `  ${timings.join(', ')}; total ${((performance.now() - started) / 1000).toFixed(1)} s`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  await main();
} catch (error) {
  // execa's message carries the failed command and its stderr (a blob or injection error).
  process.stderr.write(`package failed: ${error.message}\n`);
  process.exitCode = 1;
}
