/**
 * A real app with real migrations, for the migrate tests: a git repo whose app/ holds an HTTP server that
 * says its version, and `migrate.cjs`, which applies app/migrations/*.sql in order with psql, once each
 * (recorded in schema_migrations), the password in PGPASSWORD. Commits: v1 creates users, v2 adds
 * users.email, v3 carries a broken migration (psql fails; nothing of it is applied).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { cleanEnv } from './real-cli.js';

const SERVER = `const fs = require('node:fs');
const version = fs.readFileSync(require('node:path').join(__dirname, 'VERSION'), 'utf8').trim();
const server = require('node:http').createServer((req, res) => res.end(JSON.stringify({ version, release: process.env.OPSCTL_RELEASE || null }))).listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGINT', () => server.close(() => process.exit(0)));
`;

const MIGRATE = `const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const url = new URL(process.env.DATABASE_URL);
const env = { ...process.env, PGHOST: url.hostname, PGPORT: url.port, PGUSER: decodeURIComponent(url.username), PGPASSWORD: decodeURIComponent(url.password), PGDATABASE: url.pathname.slice(1) };
const psql = (sql) => execFileSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], { env, encoding: 'utf8' }).trim();
psql('create table if not exists schema_migrations (name text primary key)');
const done = new Set(psql('select name from schema_migrations').split('\\n').filter(Boolean));
const dir = path.join(__dirname, 'migrations');
for (const file of fs.readdirSync(dir).sort()) {
  if (done.has(file)) continue;
  psql('begin; ' + fs.readFileSync(path.join(dir, file), 'utf8') + "; insert into schema_migrations values ('" + file + "'); commit;");
  console.log('applied ' + file);
}
console.log('migrations done in release ' + process.env.OPSCTL_RELEASE);
`;

const MIGRATIONS: Record<string, [string, string]> = {
  v1: ['001_users.sql', 'create table users (id serial primary key, name text not null)'],
  v2: ['002_email.sql', 'alter table users add column email text'],
  v3: ['003_broken.sql', 'alter table no_such_table add column x int'],
};

export interface MigratingApp {
  repo: string;
  app: string;
  /** v1, v2, v3 commits. */
  shas: string[];
}

export async function makeMigratingApp(repo: string): Promise<MigratingApp> {
  const git = (args: string[]) => execa('git', ['-C', repo, ...args], { env: cleanEnv({ GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' }), extendEnv: false });
  const app = path.join(repo, 'app');
  mkdirSync(path.join(app, 'migrations'), { recursive: true });
  await git(['init', '-q', '-b', 'main']);
  writeFileSync(path.join(repo, '.gitignore'), '.env\nopsctl.yaml\n');
  writeFileSync(path.join(app, 'server.cjs'), SERVER);
  writeFileSync(path.join(app, 'migrate.cjs'), MIGRATE);
  const shas: string[] = [];
  for (const [version, [file, sql]] of Object.entries(MIGRATIONS)) {
    writeFileSync(path.join(app, 'VERSION'), `${version}\n`);
    writeFileSync(path.join(app, 'migrations', file), sql);
    await git(['add', '-A']);
    await git(['commit', '-q', '-m', version]);
    shas.push((await git(['rev-parse', 'HEAD'])).stdout.trim());
  }
  return { repo, app, shas };
}

/** The environment the migrate tests deploy to: pm2 app `name` on `port`, DATABASE_URL from .env, a backup before each deploy, a quick gate. */
export function migratingEnvironment(dir: string, name: string, port: number, migrate: string[] = ['node migrate.cjs']): Record<string, unknown> {
  return {
    stateDir: path.join(dir, 'state'),
    target: { pm2: { name, script: 'server.cjs', env: { PORT: String(port) } } },
    source: { repo: '..', migrate },
    databases: { main: { type: 'postgres', url: '${DATABASE_URL}' } },
    backup: { dir: path.join(dir, 'backups'), databases: ['main'], beforeDeploy: true },
    health: { host: false, endpoints: [{ name: 'app', url: `http://127.0.0.1:${port}/` }] },
    deploy: { gate: { passes: 1, interval: '200ms', timeout: '30s', settle: '0s' } },
  };
}
