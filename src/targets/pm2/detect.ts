import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface EcosystemApp {
  name: string;
  /** A count, or 'max' (pm2's 0, "max"); absent when the file leaves it to pm2 or uses a form opsctl cannot read. */
  instances?: number | 'max';
}

export interface DetectedEcosystem {
  file: string;
  apps: EcosystemApp[];
}

const FILES = ['ecosystem.config.js', 'ecosystem.config.cjs'];

/**
 * Read as text, never require()d: loading it would run the project's code (and whatever it imports)
 * just to write a config. Literal `name:` and `instances:` values are all init needs.
 */
export function detectEcosystem(dir: string): DetectedEcosystem | undefined {
  const file = FILES.find((name) => existsSync(path.join(dir, name)));
  if (!file) return undefined;
  return { file, apps: parseEcosystemApps(readFileSync(path.join(dir, file), 'utf8')) };
}

export function parseEcosystemApps(text: string): EcosystemApp[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  const names = [...code.matchAll(/\bname\s*:\s*(['"`])([^'"`\n]+)\1/g)];
  return names.map((match, index) => {
    // An app's instances sit between its name and the next app's name.
    const end = names[index + 1]?.index ?? code.length;
    const own = code.slice(match.index, end);
    const instances = parseInstances(/\binstances\s*:\s*(['"]?)(-?\d+|max)\1/.exec(own)?.[2]);
    return { name: match[2]!, ...(instances !== undefined ? { instances } : {}) };
  });
}

function parseInstances(value: string | undefined): number | 'max' | undefined {
  if (value === undefined) return undefined;
  if (value === 'max' || value === '0') return 'max';
  const count = Number(value);
  // pm2's -1 (all cores but one) has no equivalent in opsctl.yaml: leave it to the ecosystem file.
  return count >= 1 ? count : undefined;
}
