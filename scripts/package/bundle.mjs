// src/ as one CommonJS file: a single executable runs one script whose require() knows only builtins.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

// What bin/opsctl.js does, minus top-level await (not in CommonJS): a rejection still ends the process with 1.
const ENTRY = "import { main } from './src/cli/main.ts';\nvoid main(process.argv);\n";

// In the executable __dirname is the executable's folder, which plays the package root: a src/ module's
// import.meta.url becomes the URL its dist/ twin would have there, so '../../runbooks/' from
// src/runbook/load.ts still means <root>/runbooks/. Anything else (dependencies) gets the bundle's own URL.
const BANNER = [
  'var __opsctlImportMetaUrl = require("node:url").pathToFileURL(__filename).href;',
  'function __opsctlModuleUrl(rel) { return require("node:url").pathToFileURL(require("node:path").join(__dirname, rel)).href; }',
].join('\n');

/** Bundles src/ (dynamic import()s of the command modules included, still evaluated lazily) into outfile. */
export async function bundle({ root, outfile, version, nodeMajor }) {
  const result = await esbuild.build({
    stdin: { contents: ENTRY, resolveDir: root, sourcefile: 'sea-entry.ts', loader: 'ts' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${nodeMajor}`,
    define: { 'import.meta.url': '__opsctlImportMetaUrl' },
    banner: { js: BANNER },
    plugins: [inlineVersion(root, version), moduleUrls(root)],
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
  });
  // Any import.meta other than .url would be {} in CommonJS: refuse rather than ship a silent undefined.
  const warnings = result.warnings.filter((w) => w.id === 'empty-import-meta' || w.text.includes('import.meta'));
  if (warnings.length > 0) {
    const where = warnings.map((w) => `${w.location?.file}:${w.location?.line}: ${w.text}`).join('\n');
    throw new Error(`import.meta that the executable cannot provide:\n${where}`);
  }
  const inputs = Object.keys(result.metafile.inputs);
  return { modules: inputs.length, commandModules: inputs.filter((i) => /^src[\\/]commands[\\/]/.test(i)).length };
}

/** Rewrites import.meta.url in src/ files to __opsctlModuleUrl('dist/<same path>.js'). */
function moduleUrls(root) {
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
 * src/version.ts reads ../package.json next to dist/ at run time; an executable has no package.json
 * beside it, so the bundle gets the version as a constant instead.
 */
function inlineVersion(root, version) {
  const file = path.join(root, 'src', 'version.ts');
  return {
    name: 'inline-version',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]version\.ts$/ }, (args) => {
        if (path.resolve(args.path) !== file) return undefined;
        const exports = readFileSync(file, 'utf8').match(/^export\s+\S+\s+\w+/gm) ?? [];
        // Should version.ts ever export more than VERSION, this replacement would drop it: say so.
        if (exports.length !== 1 || !/\bVERSION$/.test(exports[0])) {
          return { errors: [{ text: `src/version.ts exports ${exports.join(', ') || 'nothing'}; scripts/package/bundle.mjs replaces it with VERSION alone: update inlineVersion()` }] };
        }
        return { contents: `export const VERSION = ${JSON.stringify(version)};\n`, loader: 'ts' };
      });
    },
  };
}
