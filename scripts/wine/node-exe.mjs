// Prints the path of the Windows node.exe the executable is made of (scripts/package/node-binaries.mjs:
// the same npm package, version and pinned integrity), fetched into the given cache folder on first use.
import { NODE_VERSION, TARGETS, nodeBinary } from '../package/node-binaries.mjs';

const [cacheDir] = process.argv.slice(2);
if (!cacheDir) {
  process.stderr.write('usage: node scripts/wine/node-exe.mjs <cache folder>\n');
  process.exit(2);
}
try {
  const windows = TARGETS.find((target) => target.platform === 'win32');
  process.stdout.write(`${await nodeBinary(windows, cacheDir)}\n`);
} catch (error) {
  process.stderr.write(`node.exe ${NODE_VERSION} for Wine: ${error.message}\n`);
  process.exit(1);
}
