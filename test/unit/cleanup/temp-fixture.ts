import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The pinned clock and the temp rule the cleanup command tests share. */
export const NOW = Date.parse('2026-11-23T02:00:00Z');
export const DAY = 86_400_000;

export const TEMP_CONFIG = `
version: 1
app: demo
environments:
  prod:
    target: { pm2: { name: demo, script: app.js } }
    cleanup:
      temp: [{ path: tmp, maxAgeDays: 7 }]
`;

/** A file of `bytes` zero bytes whose mtime is `days` before NOW. */
export function aged(file: string, days: number, bytes = 10): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, Buffer.alloc(bytes));
  const when = (NOW - days * DAY) / 1000;
  utimesSync(file, when, when);
}
