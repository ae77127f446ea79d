// `npm run example`: starts the example service under pm2, then shows it with opsctl.
// Every command is an argv array: nothing goes through a shell.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const opsctl = path.join(here, '..', '..', 'bin', 'opsctl.js');
const config = path.join(here, 'opsctl.yaml');
const windows = process.platform === 'win32';

function run(file, args) {
  console.error(`$ ${[file, ...args].join(' ')}`);
  try {
    // npm puts node_modules/.bin (and so pm2) on PATH; on Windows pm2 is a .cmd shim.
    execFileSync(file, args, { stdio: 'inherit', cwd: here, shell: false, windowsHide: true });
    return 0;
  } catch (error) {
    return error.status ?? 1;
  }
}

const pm2 = windows ? 'pm2.cmd' : 'pm2';
const started = run(pm2, ['startOrReload', 'ecosystem.config.cjs']);
if (started !== 0) process.exit(started);
run(process.execPath, [opsctl, '--config', config, 'status']);
const doctor = run(process.execPath, [opsctl, '--config', config, 'doctor']);
console.error(`\nThe example runs under pm2 on http://localhost:8080/api/health. Stop it with: npx pm2 delete hello-api`);
process.exit(doctor);
