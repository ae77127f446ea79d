// esbuild plugins both bundles share: the npm build (scripts/build/npm-bundle.mjs) and the executables' (scripts/package/bundle.mjs).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Rewrites import.meta.url in src/ files to `__opsctlModuleUrl('dist/<same path>.js')`: the URL its tsc twin
 * would have at the package root, so `new URL('../../runbooks/', import.meta.url)` in src/runbook/load.ts
 * still means <root>/runbooks/. Each bundle's banner defines __opsctlModuleUrl for its own layout.
 */
export function moduleUrls(root) {
  const src = path.join(root, 'src');
  return {
    name: 'module-urls',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        const rel = path.relative(src, args.path);
        if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const twin = path.posix.join('dist', rel.split(path.sep).join('/').replace(/\.ts$/, '.js'));
        return { contents: text.replaceAll('import.meta.url', `__opsctlModuleUrl(${JSON.stringify(twin)})`), loader: 'ts' };
      });
    },
  };
}

/**
 * src/version.ts reads ../package.json at run time; a bundle gets the version as a constant instead
 * (an executable has no package.json beside it, and the npm bundle saves the read).
 */
export function inlineVersion(root, version) {
  const file = path.join(root, 'src', 'version.ts');
  return {
    name: 'inline-version',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]version\.ts$/ }, (args) => {
        if (path.resolve(args.path) !== file) return undefined;
        const exports = readFileSync(file, 'utf8').match(/^export\s+\S+\s+\w+/gm) ?? [];
        // Should version.ts ever export more than VERSION, this replacement would drop it: say so.
        if (exports.length !== 1 || !/\bVERSION$/.test(exports[0])) {
          return { errors: [{ text: `src/version.ts exports ${exports.join(', ') || 'nothing'}; scripts/build/plugins.mjs replaces it with VERSION alone: update inlineVersion()` }] };
        }
        return { contents: `export const VERSION = ${JSON.stringify(version)};\n`, loader: 'ts' };
      });
    },
  };
}

/**
 * src/config/code-id.ts names the code that validates a config (the config cache's key) by hashing its
 * folder at run time; a bundle has no such folder, so it gets the hash of src/config/ and of the zod and
 * yaml it bundles, taken now.
 */
export function inlineCodeId(root, version) {
  const file = path.join(root, 'src', 'config', 'code-id.ts');
  return {
    name: 'inline-code-id',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]config[\\/]code-id\.ts$/ }, (args) => {
        if (path.resolve(args.path) !== file) return undefined;
        const hash = createHash('sha256').update(version);
        const dir = path.dirname(file);
        const outside = [...readFileSync(file, 'utf8').matchAll(/'(\.\.\/[\w/-]+)'/g)].map((m) => `${m[1]}.ts`);
        if (outside.length === 0) return { errors: [{ text: 'src/config/code-id.ts names no OUTSIDE_MODULES; scripts/build/plugins.mjs reads them: update inlineCodeId()' }] };
        for (const name of [...readdirSync(dir).filter((n) => n.endsWith('.ts')).sort(), ...outside]) hash.update(name).update(readFileSync(path.join(dir, name)));
        for (const dep of ['zod', 'yaml']) hash.update(readFileSync(path.join(root, 'node_modules', dep, 'package.json')));
        return { contents: `export function codeId(): string {\n  return ${JSON.stringify(hash.digest('hex'))};\n}\n`, loader: 'ts' };
      });
    },
  };
}

/** Any import.meta other than .url would be {} in CommonJS: refuse rather than ship a silent undefined. */
export function assertNoImportMeta(result) {
  const warnings = result.warnings.filter((w) => w.id === 'empty-import-meta' || w.text.includes('import.meta'));
  if (warnings.length === 0) return;
  const where = warnings.map((w) => `${w.location?.file}:${w.location?.line}: ${w.text}`).join('\n');
  throw new Error(`import.meta that the bundle cannot provide:\n${where}`);
}

/**
 * commander requires node:child_process at load (about 7 ms of every start: it pulls in net and stream) only
 * to spawn a subcommand's own executable, which opsctl never defines. Its copy gets a `spawn` that loads the
 * module on first call; the build fails should commander ever use more of it.
 */
export function lazyCommanderChildProcess(root) {
  const command = path.join(root, 'node_modules', 'commander', 'lib', 'command.js');
  return {
    name: 'lazy-commander-child-process',
    setup(build) {
      build.onResolve({ filter: /^node:child_process$/ }, (args) => {
        if (path.resolve(args.importer) !== command) return undefined;
        const used = new Set([...readFileSync(command, 'utf8').matchAll(/childProcess\.(\w+)/g)].map((m) => m[1]));
        if ([...used].some((name) => name !== 'spawn')) return { errors: [{ text: `commander uses child_process.${[...used].join(', ')}; scripts/build/plugins.mjs gives it spawn alone: update lazyCommanderChildProcess()` }] };
        return { path: 'commander-child-process', namespace: 'opsctl-lazy' };
      });
      build.onLoad({ filter: /.*/, namespace: 'opsctl-lazy' }, () => ({ contents: "module.exports = { spawn: (...args) => require('node:child_process').spawn(...args) };\n", loader: 'js' }));
    },
  };
}

/**
 * `import process from 'node:process'` (chalk, execa) makes Node build that builtin's ES module facade,
 * which reads every export once, so process.stdin, stdout and stderr are all created and the report module
 * loaded at import (about 3 ms of every start here). The bundles get the global process
 * instead, with the named exports the dependencies import (the build fails on any other name).
 */
export function globalProcess() {
  const NAMED = ['execPath', 'execArgv', 'hrtime', 'platform'];
  return {
    name: 'global-process',
    setup(build) {
      // Only ES imports build a facade; a require() (commander) gets the module itself, as before.
      build.onResolve({ filter: /^(node:)?process$/ }, (args) => (args.kind === 'import-statement' ? { path: 'process', namespace: 'opsctl-global-process' } : undefined));
      build.onLoad({ filter: /.*/, namespace: 'opsctl-global-process' }, () => ({
        contents: `const p = globalThis.process;\nexport default p;\nexport const { ${NAMED.join(', ')} } = p;\n`,
        loader: 'js',
      }));
    },
  };
}

/** The esbuild options both bundles share: all of src/ and its dependencies, for Node, with the plugins above. */
export function baseOptions(root, version) {
  return { bundle: true, platform: 'node', plugins: [inlineVersion(root, version), inlineCodeId(root, version), moduleUrls(root), lazyCommanderChildProcess(root), globalProcess()], legalComments: 'none', metafile: true, logLevel: 'silent' };
}
