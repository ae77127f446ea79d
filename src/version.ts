import { readFileSync } from 'node:fs';

/** opsctl's own version, from package.json (dist/ and src/ are both one level below it). */
export const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
