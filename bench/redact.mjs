// `npm run bench:redact`: redact() on 1, 10 and 100 MB. Everything opsctl prints passes through it, so its
// time per MB must stay flat (the URL-password regex it replaced took 8 s on 64 KB of [A-Za-z0-9+.-]).
// Exit codes: 0 linear, 1 time per MB grew more than --max-ratio, 2 bench could not run.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { warnIfStale } from './lib/cli.mjs';
import { perMbOptions, reportPerMb } from './lib/per-mb.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = `usage: node bench/redact.mjs [--sizes 1,10,100] [--runs N] [--max-ratio R] [--json]`;
const MB = 1024 * 1024;

/** Text of `mb` MB made by repeating `unit`, flat as text read from a file is (repeat() builds a rope). */
const repeat = (unit, mb) => Buffer.from(unit.repeat(Math.ceil((mb * MB) / unit.length)).slice(0, mb * MB), 'latin1').toString('latin1');

try {
  warnIfStale(ROOT, 'process/redact.js');
  const options = perMbOptions(USAGE);
  const { redact } = await import(pathToFileURL(path.join(ROOT, 'dist', 'process', 'redact.js')).href);
  const timed = (text) => {
    const start = performance.now();
    redact(text);
    return performance.now() - start;
  };
  await reportPerMb(
    'redact()',
    [
      { name: 'one run of [A-Za-z0-9+.-] (worst case)', measure: (mb) => timed(`${repeat('aZ09+.-', mb)}://x`) },
      { name: 'log lines with URLs and passwords', measure: (mb) => timed(repeat('2026-01-01T00:00:00Z info connect postgres://app:s3cret@db:5432/main ok\n', mb)) },
    ],
    options,
  );
} catch (error) {
  console.error(error.message);
  process.exitCode = 2;
}
