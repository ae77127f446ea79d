// `npm run example`: starts the example service under pm2, then shows it with opsctl.
// Every command is an argv array run through execa (which resolves pm2's .cmd shim on Windows): no shell.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const here = path.dirname(fileURLToPath(import.meta.url));
const opsctl = path.join(here, '..', '..', 'bin', 'opsctl.js');
const config = path.join(here, 'opsctl.yaml');

async function run(file, args) {
  console.error(`$ ${[path.basename(file), ...args].join(' ')}`);
  const result = await execa(file, args, { cwd: here, stdio: 'inherit', reject: false });
  return result.exitCode ?? 1;
}

// npm puts node_modules/.bin, and so pm2, on PATH.
const started = await run('pm2', ['startOrReload', 'ecosystem.config.cjs']);
if (started !== 0) process.exit(started);
await run(process.execPath, [opsctl, '--config', config, 'status']);
// Health-check retries a refused connection, so the instances pm2 has just started get a moment to listen.
await run(process.execPath, [opsctl, '--config', config, 'health-check']);
const doctor = await run(process.execPath, [opsctl, '--config', config, 'doctor']);
console.error('\nhello-api runs under pm2 on http://localhost:8080/api/health. Stop it with: npx pm2 delete hello-api');
process.exit(doctor);
