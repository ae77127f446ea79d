// The bundle carries its dependencies' code, so it carries their licence texts too (MIT and ISC ask for it).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Package folders (node_modules/<name> or node_modules/@scope/<name>) of the bundle's inputs. */
function packageDirs(root, inputs) {
  const dirs = new Set();
  for (const input of inputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.split(path.sep).join('/'));
    if (match) dirs.add(path.join(root, match[1]));
  }
  return [...dirs].sort();
}

/** Writes <outdir>/THIRD-PARTY-LICENSES.txt: each bundled package's name, version, licence and licence file. */
export function writeLicenses(root, inputs, outdir) {
  const sections = packageDirs(root, inputs).map((dir) => {
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const file = existsSync(dir) ? readdirSync(dir).find((name) => /^(licen[sc]e|copying)(\.|$)/i.test(name)) : undefined;
    const text = file ? readFileSync(path.join(dir, file), 'utf8').trim() : `(no licence file; package.json says ${pkg.license ?? 'nothing'})`;
    return `${pkg.name}@${pkg.version} (${pkg.license ?? 'unknown'})\n\n${text}`;
  });
  writeFileSync(path.join(outdir, 'THIRD-PARTY-LICENSES.txt'), `${sections.join(`\n\n${'-'.repeat(72)}\n\n`)}\n`);
  return sections.length;
}
