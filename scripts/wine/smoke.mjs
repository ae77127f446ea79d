// `node scripts/wine/smoke.mjs <wine root> <release folder>`: runs the Windows executable under Wine on a
// small app and compares each command's exit code and output with the Linux executable's on the same app
// (paths, times and sizes normalised), then checks that Ctrl-C exits 130 and --timeout exits 1, and that
// neither leaves the node.exe behind a pm2.cmd shim running. Exits 1 on any difference.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { makeApp } from './smoke-app.mjs';
import { interruptions } from './smoke-interrupt.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const [root, release] = process.argv.slice(2).map((arg) => path.resolve(arg));
const smoke = path.join(root, 'smoke');
// The Linux app sits in a short folder, as the Windows one does (Z:\smoke\windows): schtasks' 261-character
// limit on a task's command line counts the paths, so a long Linux path would fail a line Windows takes.
const apps = { linux: mkdtempSync('/tmp/oss-'), windows: path.join(smoke, 'windows') };
// What Windows programs under Wine see: the root is Z:\.
const winPath = (file) => `Z:${file.slice(root.length).replaceAll('/', '\\')}`;

const COMMANDS = [
  ['--version'],
  ['--help'],
  ['status', '--json'],
  // PATHEXT: the fake pm2 is pm2.cmd, found as `pm2` (compared below without the .cmd).
  ['doctor', { windowsShows: /bin\\pm2\.cmd/ }],
  ['logs', '--level', 'warn'],
  ['logs', '--correlation-id', 'r2', '--json'],
  ['cleanup', '--dry-run'],
  ['schedule', 'backup', '--daily', '02:00', '--print', '--platform', 'windows'],
  ['backup'],
  ['backup', 'list', '--json'],
  ['backup', 'verify', 'latest'],
  ['history'],
];

function runLinux(args, extraEnv = {}) {
  const env = { PATH: path.join(apps.linux, 'bin'), HOME: apps.linux, TZ: 'UTC', NO_COLOR: '1', CI: 'true', OPSCTL_ENV: 'production', PM2_HOME: path.join(apps.linux, '.pm2'), ...extraEnv };
  return execa(path.join(release, 'opsctl-linux-x64'), args, { cwd: apps.linux, env, extendEnv: false, reject: false, stdin: 'ignore' });
}

/** The Windows executable under Wine; stdout and stderr go through files (see wine-exe.sh). */
function startWindows(args, extraEnv = {}) {
  const out = path.join(smoke, 'out.txt');
  const err = path.join(smoke, 'err.txt');
  const env = { WINEPATH: winPath(path.join(apps.windows, 'bin')), PM2_HOME: winPath(path.join(apps.windows, '.pm2')), NO_COLOR: '1', CI: 'true', OPSCTL_ENV: 'production', ...extraEnv };
  const wineEnv = Object.entries(env).map(([name, value]) => `${name}=${value}`).join(' ');
  const inside = (file) => file.slice(root.length);
  const child = execa(path.join(HERE, 'wine-exe.sh'), [root, inside(apps.windows), inside(out), inside(err), inside(path.join(smoke, 'opsctl-win-x64.exe')), ...args], {
    env: { WINE_ENV: wineEnv },
    reject: false,
    stdin: 'ignore',
  });
  const read = (file) => readFileSync(file, 'utf8').replaceAll('\r\n', '\n');
  return Object.assign(child.then((result) => ({ exitCode: result.exitCode, stdout: read(out), stderr: read(err) })), { child });
}

/** One app's paths and the parts that differ between any two runs (times, durations, sizes, ids). */
function normalise(text, app) {
  let result = text.replaceAll(app, '<app>').replaceAll(JSON.stringify(app).slice(1, -1), '<app>');
  result = result.replaceAll('\\\\', '/').replaceAll('\\', '/');
  return result
    .replace(/\S*opsctl-win-x64\.exe|\S*opsctl-linux-x64/g, '<opsctl>')
    .replace(/(<app>\/bin\/\w+)\.cmd\b/g, '$1')
    .replace(/\d{4}-\d\d-\d\d[T ][\d:.]+Z?/g, '<time>')
    .replace(/\d{8}T\d{6}Z/g, '<id>')
    .replace(/\b\d+(\.\d+)? ?(ms|s)\b/g, '<duration>')
    .replace(/\b\d+(\.\d+)? ?(B|KB|kB|KiB|MB|MiB|GB|GiB|bytes)\b/g, '<n $2>')
    .replace(/[0-9a-f]{12,}/g, '<hash>')
    .replace(/"ageMs": \d+/g, '"ageMs": <n>')
    // Tables pad to their longest cell, which the paths above changed.
    .replace(/ {2,}/g, ' ')
    .replace(/─+/g, '─');
}

async function compareCommands() {
  const problems = [];
  for (const entry of COMMANDS) {
    const args = entry.filter((arg) => typeof arg === 'string');
    const { windowsShows } = entry.find((arg) => typeof arg !== 'string') ?? {};
    const linux = await runLinux(args);
    const windows = await startWindows(args);
    const show = (r, app) => `exit ${r.exitCode}\n${normalise(r.stdout.trimEnd(), app)}\n--- stderr\n${normalise(r.stderr.trimEnd(), app)}`;
    const [a, b] = [show(linux, apps.linux), show(windows, winPath(apps.windows))];
    const label = `opsctl ${args.join(' ')}`;
    if (windowsShows && !windowsShows.test(windows.stdout)) problems.push(`${label}: the Windows output does not show ${windowsShows}`);
    if (a === b) {
      console.log(`ok    ${label} (exit ${windows.exitCode})`);
      continue;
    }
    const [al, bl] = [a.split('\n'), b.split('\n')];
    const at = al.findIndex((line, i) => line !== bl[i]);
    problems.push(`${label}: Windows differs from Linux at line ${at + 1}:\n  linux:   ${al[at]}\n  windows: ${bl[at]}`);
    console.log(`DIFF  ${label}\n--- linux\n${a}\n--- windows\n${b}`);
  }
  return problems;
}

mkdirSync(smoke, { recursive: true });
copyFileSync(path.join(release, 'opsctl-win-x64.exe'), path.join(smoke, 'opsctl-win-x64.exe'));
makeApp(apps.linux, { windows: false, node: process.execPath });
makeApp(apps.windows, { windows: true, node: 'Z:\\opt\\node\\node.exe' });
console.log(`opsctl-win-x64.exe (${(statSync(path.join(release, 'opsctl-win-x64.exe')).size / 2 ** 20).toFixed(1)} MB) under Wine, against the Linux executable:`);
const problems = [...(await compareCommands()), ...(await interruptions({ startWindows, app: apps.windows, winPath }))];
for (const problem of problems) console.error(`smoke: ${problem}`);
console.log(problems.length === 0 ? 'smoke: all passed' : `smoke: ${problems.length} failed`);
rmSync(apps.linux, { recursive: true, force: true });
process.exitCode = problems.length === 0 ? 0 : 1;
