#!/usr/bin/env node
// CommonJS (bin/package.json), so `opsctl --version` answers without starting the ES module loader.
'use strict';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // What the bundle's commander would print (the build inlines the same package.json version), in a tenth of the time.
  process.stdout.on('error', () => process.exit(0)); // a reader that closed early (`| head -0`) is not an error
  process.stdout.write(`${require('../package.json').version}\n`);
} else {
  // Node 22.1+ keeps compiled bytecode of the bundle between runs; Node 20 has no such cache (and loading
  // node:module there costs a few ms for nothing).
  if (Number(process.versions.node.split('.')[0]) >= 22) require('node:module').enableCompileCache?.();
  import('../bundle/opsctl.mjs').then(
    ({ main }) => main(process.argv),
    (error) => {
      // A checkout after `npm install` alone: the bundle is made by `npm run build` (npm pack runs it too).
      if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('opsctl.mjs')) throw error;
      process.stderr.write('opsctl is not built: bundle/opsctl.mjs is missing.\nRun `npm run build` in this checkout (an installed package always has it).\n');
      process.exitCode = 1;
    },
  );
}
