// src/ as one CommonJS file: a single executable runs one script whose require() knows only builtins.
import * as esbuild from 'esbuild';
import { assertNoImportMeta, baseOptions } from '../build/plugins.mjs';

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
    ...baseOptions(root, version),
    format: 'cjs',
    target: `node${nodeMajor}`,
    define: { 'import.meta.url': '__opsctlImportMetaUrl' },
    banner: { js: BANNER },
  });
  assertNoImportMeta(result);
  const inputs = Object.keys(result.metafile.inputs);
  return { modules: inputs.length, commandModules: inputs.filter((i) => /^src[\\/]commands[\\/]/.test(i)).length };
}
