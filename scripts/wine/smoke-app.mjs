// The small app the executable's smoke run works on: one pm2 environment (a fake pm2 on PATH) and
// one whose backup runs a fake pg_dump, a files-only backup, a log file and a temp folder. Made twice, once for the
// Linux executable and once for the Windows one under Wine, so their outputs can be compared.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The fake pm2 and pg_dump: found on PATH (doctor lists pm2); with FAKE_HANG=<file> any call beats into
 * that file every 100 ms and never answers, else only --version answers.
 */
const FAKE_TOOL = `const fs = require('node:fs');
const beat = process.env.FAKE_HANG;
if (beat) setInterval(() => fs.appendFileSync(beat, 'x'), 100);
else if (process.argv[2] === '--version') console.log('6.0.14');
else { console.error('fake tool: unexpected ' + process.argv.slice(2).join(' ')); process.exit(2); }
`;

const CONFIG = `version: 1
app: smoke
environments:
  production:
    stateDir: state
    target:
      pm2: { name: smoke, script: app.js }
    backup:
      dir: backups
      files: [settings.env, uploads/]
    logs:
      files: [app.log]
    cleanup:
      temp: [{ path: tmp, maxAgeDays: 7 }]
  # backup runs pg_dump (the fake one): what Ctrl-C and --timeout interrupt.
  hang:
    stateDir: state
    target:
      pm2: { name: smoke, script: app.js }
    databases:
      main: { type: postgres, url: "postgres://app@127.0.0.1:9/main" }
    backup:
      dir: backups-hang
      databases: [main]
`;

const LOG = [
  { level: 30, time: '2026-01-02T03:04:05.000Z', msg: 'started', reqId: 'r1' },
  { level: 40, time: '2026-01-02T03:04:06.000Z', msg: 'slow query', reqId: 'r2' },
  { level: 50, time: '2026-01-02T03:04:07.000Z', msg: 'failed to pay', reqId: 'r2' },
].map((line) => JSON.stringify(line)).join('\n');

/**
 * Writes the app into `dir` (emptied first) and the fake tools into `dir`/bin: for Windows .cmd shims
 * that cmd.exe runs with node.exe (found through PATHEXT, as npm's shims are), else a shell script.
 */
export function makeApp(dir, { windows, node }) {
  rmSync(dir, { recursive: true, force: true });
  for (const sub of ['bin', 'state', 'uploads', 'tmp']) mkdirSync(path.join(dir, sub), { recursive: true });
  writeFileSync(path.join(dir, 'opsctl.yaml'), CONFIG);
  writeFileSync(path.join(dir, 'app.js'), '');
  writeFileSync(path.join(dir, 'settings.env'), 'MODE=1\n');
  writeFileSync(path.join(dir, 'uploads', 'a.txt'), 'uploaded\n');
  writeFileSync(path.join(dir, 'app.log'), `${LOG}\n`);
  writeFileSync(path.join(dir, 'bin', 'fake-tool.js'), FAKE_TOOL);
  for (const tool of ['pm2', 'pg_dump']) {
    if (windows) writeFileSync(path.join(dir, 'bin', `${tool}.cmd`), `@"${node}" "%~dp0fake-tool.js" %*\r\n`);
    else writeFileSync(path.join(dir, 'bin', tool), `#!/bin/sh\nexec "${node}" "\${0%/*}/fake-tool.js" "$@"\n`, { mode: 0o755 });
  }
}
