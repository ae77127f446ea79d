// `npm run example`: deploys the example service with opsctl (pm2, two cluster instances), then shows it.
// Every command is an argv array run through execa: no shell.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const here = path.dirname(fileURLToPath(import.meta.url));
const opsctl = path.join(here, '..', '..', 'bin', 'opsctl.js');
const config = path.join(here, 'opsctl.yaml');

async function run(args) {
  console.error(`$ opsctl ${args.join(' ')}`);
  const result = await execa(process.execPath, [opsctl, '--config', config, ...args], { cwd: here, stdio: 'inherit', reject: false });
  return result.exitCode ?? 1;
}

// The release is this checkout's `main` (source.ref), from its own folder under .opsctl/releases; npm puts
// node_modules/.bin, and so pm2, on PATH.
const deployed = await run(['deploy']);
if (deployed !== 0) process.exit(deployed);
await run(['status']);
const health = await run(['health-check']);
console.error('\nhello-api runs under pm2 on http://localhost:8080/api/health. Next: npx opsctl -c examples/hello-api/opsctl.yaml history');
console.error('Stop it with: npx pm2 delete hello-api');
// Degraded (a busy machine's load average) is not a failed quick start.
process.exit(health === 3 ? 0 : health);
