// The npm package's runtime: src/ and its dependencies bundled by esbuild into bundle/*.mjs (ESM, split),
// so an installed opsctl loads a handful of files instead of ~380 and needs no node_modules at all.
// `npm run build` runs it after tsc; bin/opsctl.js imports bundle/opsctl.mjs. See docs/distribution.md.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { writeLicenses } from './licenses.mjs';
import { assertNoImportMeta, baseOptions } from './plugins.mjs';

// Every file is one level below the package root, so ../ is the root: dist/<twin> URLs (plugins.mjs) and
// runbooks/ resolve as they do from dist/. Dependencies written as CommonJS call require() for builtins,
// which an ES module has only through createRequire.
const BANNER = [
  "import { createRequire as __opsctlCreateRequire } from 'node:module';",
  'const require = __opsctlCreateRequire(import.meta.url);',
  'const __opsctlModuleUrl = (rel) => new URL(`../${rel}`, import.meta.url).href;',
].join('\n');

/** One entry per command module, so each stays a file of its own that only its command imports. */
function commandEntries(root) {
  const loaders = readFileSync(path.join(root, 'src', 'cli', 'loaders.ts'), 'utf8');
  const names = [...loaders.matchAll(/import\('\.\.\/commands\/([\w-]+)\.js'\)/g)].map((m) => m[1]);
  if (names.length === 0) throw new Error('src/cli/loaders.ts names no command module: the bundle would not load any command');
  return Object.fromEntries(names.map((name) => [`command-${name}`, path.join(root, 'src', 'commands', `${name}.ts`)]));
}

/** Builds <root>/bundle/ afresh; returns how many source modules went in and the files written. */
export async function npmBundle(root, outdir = path.join(root, 'bundle')) {
  const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  // Built beside and swapped in: an opsctl running from the old bundle meanwhile keeps finding its chunks.
  const partial = `${outdir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: { opsctl: path.join(root, 'src', 'cli', 'main.ts'), ...commandEntries(root) },
    outdir: partial,
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    ...baseOptions(root, version),
    splitting: true,
    format: 'esm',
    target: 'node20',
    banner: { js: BANNER },
    plugins: [...baseOptions(root, version).plugins, coreInject(root)],
    inject: [CORE],
  });
  try {
    assertNoImportMeta(result);
    assertNoZodLocales(result);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
  trimBanners(partial);
  writeLicenses(root, Object.keys(result.metafile.inputs), partial);
  swapIn(partial, outdir);
  return { modules: Object.keys(result.metafile.inputs).length, files: Object.keys(result.metafile.outputs).length };
}

/**
 * What runs every command (cli/execute.ts and everything it imports statically: context, config cache,
 * logger, runner, redaction...) is injected into every entry, so esbuild gives it one chunk shared by all
 * instead of a dozen small ones split by which commands use which: each ES module file costs start-up
 * (about 0.4 ms here), and `logs -n 20` loaded 26 files; now 7. (Merging commander and the command table
 * in too, 5 files, measured no faster.)
 */
const CORE = 'opsctl-core-inject';
// Small modules many commands share, beside what execute.ts imports: each would be a file of its own.
const CORE_MODULES = ['cli/execute.js', 'version.js', 'process/linear-regex.js'];

function coreInject(root) {
  return {
    name: 'core-inject',
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${CORE}$`) }, () => ({ path: CORE, namespace: CORE }));
      build.onLoad({ filter: /.*/, namespace: CORE }, () => ({ contents: CORE_MODULES.map((m, i) => `export * as __opsctlCore${i} from './${m}';\n`).join(''), resolveDir: path.join(root, 'src'), loader: 'ts' }));
    },
  };
}

/**
 * `import { z } from 'zod'` anywhere keeps zod's whole namespace object, with its 64 locales (about 560 KB
 * that every config-loading command would compile); `import * as z` keeps what is used and English.
 */
function assertNoZodLocales(result) {
  const locales = Object.values(result.metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs).filter(([input, { bytesInOutput }]) => /zod[\\/].*[\\/]locales[\\/](?!en\.js$|index\.js$)/.test(input) && bytesInOutput > 0),
  );
  if (locales.length > 0) throw new Error(`The bundle holds ${locales.length} zod locales: some src/ file imports { z } from 'zod'; write import * as z from 'zod' instead.`);
}

/**
 * esbuild puts the banner on every file; a chunk that never says `require` or `__opsctlModuleUrl` drops those
 * lines, since each createRequire() costs start-up time (about 5 ms over the 37 files `logs -n 20` loads).
 */
function trimBanners(dir) {
  const lines = BANNER.split('\n');
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.mjs'))) {
    const file = path.join(dir, name);
    const text = readFileSync(file, 'utf8');
    if (!text.startsWith(BANNER)) throw new Error(`${name} does not start with the bundle's banner: scripts/build/npm-bundle.mjs expects it.`);
    const body = text.slice(BANNER.length);
    const keep = [...(/\brequire\b/.test(body) ? lines.slice(0, 2) : []), ...(body.includes('__opsctlModuleUrl') ? lines.slice(2) : [])];
    writeFileSync(file, keep.length > 0 ? `${keep.join('\n')}${body}` : body.replace(/^\n+/, ''));
  }
}

function swapIn(partial, outdir) {
  const old = `${outdir}.old-${process.pid}`;
  if (existsSync(outdir)) renameSync(outdir, old);
  renameSync(partial, outdir);
  rmSync(old, { recursive: true, force: true });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const started = performance.now();
  const { modules, files } = await npmBundle(root);
  process.stdout.write(`bundle/: ${modules} modules in ${files} files (${Math.round(performance.now() - started)} ms)\n`);
}
