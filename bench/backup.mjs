#!/usr/bin/env node
// bench:backup — `opsctl backup` against raw `pg_dump -Fc` on the same throwaway PostgreSQL database, and
// opsctl's peak memory at two database sizes. Goals (issue #4): time within 1.15x of pg_dump -Fc on a
// database of several hundred MB; peak RSS flat across sizes and under 150 MB.
//
//   npm run bench:backup                  # sizes 100 and 400 MB, 3 timed rounds
//   node bench/backup.mjs --sizes 50,200 --rounds 5
//
// Needs the PostgreSQL server binaries (/usr/lib/postgresql/<v>/bin or OPSCTL_BENCH_PG_BIN), psql and
// pg_dump, and GNU /usr/bin/time for memory. As root the server runs as the `postgres` user. Everything
// lives in one temp folder, removed at the end; the cluster is stopped by its own pg_ctl (argv arrays only).
// Exit 0 when both goals are met, 1 when one is missed, 2 when the bench could not run. Run `npm run build` first.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './lib/cli.mjs';
import { findGnuTime, peakRssMb, runOnce, summarize } from './lib/measure.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const sizes = option('--sizes', '100,400').split(',').map(Number);
const rounds = Number(option('--rounds', '3'));
const password = `bench-${Math.random().toString(36).slice(2, 10)}`;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'opsctl-bench-backup-'));
const data = path.join(tmp, 'data');
const log = path.join(tmp, 'server.log');
let started = false;

const bin = process.env.OPSCTL_BENCH_PG_BIN ?? (() => {
  const base = '/usr/lib/postgresql';
  const v = existsSync(base) ? readdirSync(base).filter((d) => /^\d+$/.test(d)).sort((a, b) => b - a)[0] : undefined;
  return v && path.join(base, v, 'bin');
})();
if (!bin || !existsSync(path.join(bin, 'initdb'))) {
  console.error('bench:backup needs the PostgreSQL server binaries (apt-get install postgresql) or OPSCTL_BENCH_PG_BIN.');
  process.exit(2);
}
const owner = process.getuid?.() === 0 ? { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) } : undefined;
const asOwner = (file, argv) => {
  const full = owner ? ['runuser', '-u', 'postgres', '--', path.join(bin, file), ...argv] : [path.join(bin, file), ...argv];
  const result = spawnSync(full[0], full.slice(1), { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  if (result.status !== 0) throw new Error(`${file} failed: ${result.stderr}${result.stdout}`);
  return result.stdout;
};

function stop() {
  if (started) {
    started = false;
    try {
      asOwner('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    } catch (error) {
      console.error(String(error));
    }
  }
  rmSync(tmp, { recursive: true, force: true });
}
process.on('SIGINT', () => (stop(), process.exit(130)));

async function main() {
  const pwfile = path.join(tmp, 'pw');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner) for (const p of [tmp, pwfile]) chownSync(p, owner.uid, owner.gid);
  asOwner('initdb', ['-D', data, '-U', 'postgres', `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  asOwner('pg_ctl', ['-D', data, '-l', log, '-w', '-o', `-p ${port} -k ${tmp} -h 127.0.0.1 -c fsync=off -c max_wal_size=4GB`, 'start']);
  started = true;
  const url = (db) => `postgresql://postgres@127.0.0.1:${port}/${db}`;
  const pgEnv = { ...process.env, PGPASSWORD: password };
  const psql = (db, sql) => execFileSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url(db), '-c', sql], { env: pgEnv, encoding: 'utf8' }).trim();
  const timeBin = await findGnuTime(tmp);
  const cli = path.join(root, 'bin', 'opsctl.js');
  const results = [];
  // backup.encrypt (issue 17): the same backup through Debian's age, when it is installed.
  const keyFile = path.join(tmp, 'age-key.txt');
  const recipient = spawnSync('age-keygen', ['-o', keyFile]).status === 0 ? execFileSync('age-keygen', ['-y', keyFile], { encoding: 'utf8' }).trim() : undefined;
  if (!recipient) console.warn('age-keygen not found: the encrypted variant is not measured');
  // backup.remotes (issue 17): encrypted, then uploaded through rclone to a local-path remote (the upload pipeline without a network).
  const shipping = recipient && spawnSync('rclone', ['version']).status === 0;
  if (recipient && !shipping) console.warn('rclone not found: the encrypted + uploaded variant is not measured');
  const offsite = path.join(tmp, 'offsite');

  for (const sizeMb of sizes) {
    const db = `bench_${sizeMb}`;
    psql('postgres', `create database ${db}`);
    // ~130 bytes a row on disk; md5 text compresses about 2:1, like ordinary application data.
    const rows = Math.round((sizeMb * 1024 * 1024) / 130);
    psql(db, `create table events as select i as id, now() - i * interval '1 second' as at, md5(i::text) || md5((i + 1)::text) as payload, md5((i * 7)::text) as ref from generate_series(1, ${rows}) i`);
    psql(db, 'create index on events (at); analyze events');
    const onDisk = Number(psql(db, `select pg_database_size('${db}')`));
    const app = path.join(tmp, `app-${sizeMb}`);
    mkdirSync(app);
    const config = (extra) => `version: 1\napp: bench\nenvironments:\n  bench:\n    target: { pm2: { name: bench, script: app.js } }\n    databases: { main: { type: postgres, url: "\${DB_URL}" } }\n    backup: { databases: [main]${extra} }\n`;
    writeFileSync(path.join(app, 'opsctl.yaml'), config(''));
    writeFileSync(path.join(app, 'encrypted.yaml'), config(recipient ? `, encrypt: { recipients: [${recipient}] }` : ''));
    writeFileSync(path.join(app, 'shipped.yaml'), config(recipient ? `, encrypt: { recipients: [${recipient}] }, remotes: [{ name: offsite, type: rclone, remote: "${offsite}" }]` : ''));
    const cliEnv = { ...process.env, DB_URL: `postgresql://postgres:${password}@127.0.0.1:${port}/${db}`, NO_COLOR: '1' };
    const opsctl = [process.execPath, cli, '-c', path.join(app, 'opsctl.yaml'), 'backup', '-e', 'bench', '--json'];
    const encrypted = [process.execPath, cli, '-c', path.join(app, 'encrypted.yaml'), 'backup', '-e', 'bench', '--json'];
    const shipped = [process.execPath, cli, '-c', path.join(app, 'shipped.yaml'), 'backup', '-e', 'bench', '--json'];
    const raw = ['pg_dump', '-Fc', '-w', '-d', url(db), '-f', path.join(tmp, 'raw.pgdump')];
    const times = { raw: [], opsctl: [], encrypted: [], shipped: [] };
    const clear = () => [path.join(app, 'backups'), offsite].forEach((p) => rmSync(p, { recursive: true, force: true }));
    let dumpBytes = 0;
    for (let round = 0; round < rounds; round++) {
      const r = await runOnce(raw, { env: pgEnv });
      if (r.code !== 0) throw new Error(`pg_dump failed: ${r.stderr}`);
      times.raw.push(r.ms);
      dumpBytes = statSync(path.join(tmp, 'raw.pgdump')).size;
      rmSync(path.join(tmp, 'raw.pgdump'));
      const o = await runOnce(opsctl, { env: cliEnv });
      if (o.code !== 0) throw new Error(`opsctl backup failed: ${o.stderr}`);
      times.opsctl.push(o.ms);
      rmSync(path.join(app, 'backups'), { recursive: true, force: true });
      if (!recipient) continue;
      const e = await runOnce(encrypted, { env: cliEnv });
      if (e.code !== 0) throw new Error(`opsctl backup (encrypted) failed: ${e.stderr}`);
      times.encrypted.push(e.ms);
      rmSync(path.join(app, 'backups'), { recursive: true, force: true });
      if (!shipping) continue;
      const u = await runOnce(shipped, { env: cliEnv });
      if (u.code !== 0) throw new Error(`opsctl backup (encrypted + uploaded) failed: ${u.stderr}`);
      times.shipped.push(u.ms);
      clear();
    }
    const shipRss = timeBin && shipping ? await peakRssMb(timeBin, shipped, { env: cliEnv }, tmp) : undefined;
    clear();
    const encRss = timeBin && recipient ? await peakRssMb(timeBin, encrypted, { env: cliEnv }, tmp) : undefined;
    rmSync(path.join(app, 'backups'), { recursive: true, force: true });
    const rss = timeBin ? await peakRssMb(timeBin, opsctl, { env: cliEnv }, tmp) : undefined;
    rmSync(path.join(app, 'backups'), { recursive: true, force: true });
    const rawMs = summarize(times.raw).median;
    const opsMs = summarize(times.opsctl).median;
    const encMs = recipient ? summarize(times.encrypted).median : undefined;
    const shipMs = shipping ? summarize(times.shipped).median : undefined;
    results.push({ shipMs, shipRatio: shipMs === undefined ? undefined : shipMs / rawMs, shipRssMb: shipRss, sizeMb, onDiskMb: onDisk / 1048576, dumpMb: dumpBytes / 1048576, rawMs, opsMs, ratio: opsMs / rawMs, rssMb: rss, encMs, encRatio: encMs === undefined ? undefined : encMs / rawMs, encRssMb: encRss });
    psql('postgres', `drop database ${db}`);
  }

  const fmt = (n, d = 1) => (n === undefined ? 'n/a' : n.toFixed(d));
  console.log(`\nopsctl backup vs pg_dump -Fc (median of ${rounds} rounds each, alternating), ${os.cpus().length} CPUs, PostgreSQL ${psql('postgres', 'show server_version')}\n`);
  console.log('| database on disk | dump (-Fc) | pg_dump -Fc | opsctl backup | ratio | opsctl peak RSS | encrypted (age) | ratio | peak RSS | encrypted + uploaded | ratio | peak RSS |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) console.log(`| ${fmt(r.onDiskMb, 0)} MB | ${fmt(r.dumpMb, 0)} MB | ${fmt(r.rawMs / 1000, 2)} s | ${fmt(r.opsMs / 1000, 2)} s | ${fmt(r.ratio, 2)}x | ${fmt(r.rssMb)} MB | ${r.encMs === undefined ? 'n/a' : `${fmt(r.encMs / 1000, 2)} s`} | ${r.encRatio === undefined ? 'n/a' : `${fmt(r.encRatio, 2)}x`} | ${fmt(r.encRssMb)} MB | ${r.shipMs === undefined ? 'n/a' : `${fmt(r.shipMs / 1000, 2)} s`} | ${r.shipRatio === undefined ? 'n/a' : `${fmt(r.shipRatio, 2)}x`} | ${fmt(r.shipRssMb)} MB |`);
  const largest = results.at(-1);
  const rssValues = results.flatMap((r) => [r.rssMb, r.encRssMb, r.shipRssMb]).filter((v) => v !== undefined);
  console.log(`\ngoal time: within 1.15x on the largest database: ${largest.ratio <= 1.15 ? 'met' : 'NOT met'} (${fmt(largest.ratio, 2)}x)`);
  if (largest.encRatio !== undefined) console.log(`goal time, encrypted: within 1.3x on the largest database: ${largest.encRatio <= 1.3 ? 'met' : 'NOT met'} (${fmt(largest.encRatio, 2)}x)`);
  if (largest.shipRatio !== undefined) console.log(`goal time, encrypted + uploaded: within 1.3x on the largest database: ${largest.shipRatio <= 1.3 ? 'met' : 'NOT met'} (${fmt(largest.shipRatio, 2)}x)`);
  const memoryOk = rssValues.length === 0 || Math.max(...rssValues) < 150;
  if (rssValues.length > 0) console.log(`goal memory: flat and under 150 MB: ${memoryOk ? 'met' : 'NOT met'} (${rssValues.map((v) => fmt(v)).join(' MB, ')} MB)`);
  else console.log('goal memory: not measured (no GNU /usr/bin/time)');
  process.exitCode = largest.ratio <= 1.15 && memoryOk ? 0 : 1;
}

main().then(stop, (error) => {
  console.error(error);
  stop();
  process.exitCode = 2;
});
