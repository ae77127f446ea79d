import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { composeProjectName, parseServices } from '../../../src/targets/compose/detect.js';
import { appName, detectDatabases, detectProject } from '../../../src/init/detect.js';
import { parseEcosystemApps } from '../../../src/targets/pm2/detect.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function folder(name: string, files: Record<string, string>): string {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'opsctl-init-')), name);
  dirs.push(path.dirname(dir));
  mkdirSync(dir);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe('compose', () => {
  const doc = YAML.parse('services:\n  db: { image: "postgres:16" }\n  web: { image: "nginx:1.27" }\n  api: { image: "acme/api:2" }\n  worker: { build: ., image: acme/worker }\n');
  it('lists services with image and whether they are built here', () => {
    expect(parseServices(doc)).toEqual([
      { name: 'db', image: 'postgres:16', build: false },
      { name: 'web', image: 'nginx:1.27', build: false },
      { name: 'api', image: 'acme/api:2', build: false },
      { name: 'worker', image: 'acme/worker', build: true },
    ]);
  });
  it('picks the built service, else the first that is not infrastructure', () => {
    expect(detectProject(folder('shop', { 'compose.yaml': YAML.stringify(doc) })).compose?.app?.name).toBe('worker');
    const noBuild = 'services:\n  db: { image: "postgres:16" }\n  cache: { image: "bitnami/redis:7" }\n  api: { image: "acme/api:2" }\n';
    expect(detectProject(folder('shop', { 'docker-compose.yml': noBuild })).compose).toMatchObject({ file: 'docker-compose.yml', project: 'shop', app: { name: 'api' } });
  });
  it('uses compose\'s project name: the top-level name, else the folder as compose normalises it', () => {
    expect(detectProject(folder('x', { 'compose.yml': 'name: billing\nservices:\n  app: { build: . }\n' })).compose?.project).toBe('billing');
    expect(composeProjectName('My.Shop App')).toBe('myshopapp');
  });
  it('survives a compose file it cannot parse', () => {
    expect(detectProject(folder('x', { 'compose.yaml': 'services: [oops' })).compose).toMatchObject({ services: [] });
  });
});

describe('pm2 ecosystem (read as text, never run)', () => {
  it('finds each app with its instances, ignoring comments', () => {
    const text = `// name: 'commented'\nmodule.exports = { apps: [\n { name: 'api', script: 'a.js', instances: 4, env: { URL: 'http://x//y' } },\n { name: "worker", instances: "max" },\n /* { name: 'old', instances: 2 } */\n { name: 'cron', instances: -1 },\n { name: 'all', instances: 0 } ] };\n`;
    expect(parseEcosystemApps(text)).toEqual([{ name: 'api', instances: 4 }, { name: 'worker', instances: 'max' }, { name: 'cron' }, { name: 'all', instances: 'max' }]);
  });
  it('does not execute the file', () => {
    const marker = path.join(os.tmpdir(), `opsctl-init-ran-${process.pid}`);
    const dir = folder('p', { 'ecosystem.config.js': `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nmodule.exports = { apps: [{ name: 'api' }] };\n` });
    expect(detectProject(dir).ecosystem).toEqual({ file: 'ecosystem.config.js', apps: [{ name: 'api' }] });
    expect(existsSync(marker)).toBe(false);
  });
});

describe('package.json and .env', () => {
  it('takes the app name, build and test scripts, and main', () => {
    const pkg = JSON.stringify({ name: '@acme/shop-api', main: 'dist/server.js', scripts: { build: 'tsc', test: 'vitest run' } });
    expect(detectProject(folder('x', { 'package.json': pkg }))).toMatchObject({ app: 'shop-api', main: 'dist/server.js', scripts: { build: true, test: true } });
  });
  it('leaves out npm init\'s failing test placeholder', () => {
    const pkg = JSON.stringify({ scripts: { test: 'echo "Error: no test specified" && exit 1' } });
    expect(detectProject(folder('x', { 'package.json': pkg })).scripts).toEqual({ build: false, test: false });
  });
  it('names the app after the folder without a package.json', () => {
    expect(detectProject(folder('my shop', {})).app).toBe('my-shop');
    expect(appName('---')).toBe('app');
  });
  it('maps database URLs in .env by scheme, and skips schemes opsctl has no driver for', () => {
    expect(detectDatabases({ DATABASE_URL: 'postgresql://u:p@h/db', MONGO_URI: 'mongodb+srv://h/db', REDIS_URL: 'rediss://h', PORT: '3000' })).toEqual([
      { name: 'main', type: 'postgres', variable: 'DATABASE_URL' },
      { name: 'mongo', type: 'mongo', variable: 'MONGO_URI' },
      { name: 'redis', type: 'redis', variable: 'REDIS_URL' },
    ]);
    expect(detectDatabases({ DATABASE_URL: 'mysql://u:p@h/db' })).toEqual([]);
    expect(detectDatabases({ DATABASE_URL: 'mongodb://h/db', MONGO_URI: 'mongodb://h/other' }).map((db) => db.name)).toEqual(['main', 'mongo']);
    expect(detectProject(folder('x', { '.env': 'B=1\n# c\nA="two words"\n' })).envKeys).toEqual(['B', 'A']);
  });
});

describe('the app\'s HTTP port and health route', () => {
  const http = (files: Record<string, string>) => detectProject(folder('x', files)).http;
  it('the ecosystem file\'s env PORT, with a /health route found in the code', () => {
    const eco = "module.exports = { apps: [{ name: 'api', script: 'server.js', env: { PORT: 8081 } }] };";
    expect(http({ 'ecosystem.config.js': eco, 'server.js': "app.get('/health', ok); app.listen(3000);" })).toEqual({ port: 8081, route: '/health', from: 'ecosystem.config.js env PORT' });
  });
  it('the host side of the compose service\'s published port', () => {
    const compose = 'services:\n  web:\n    build: .\n    ports: ["127.0.0.1:8080:3000"]\n';
    expect(http({ 'compose.yaml': compose })).toMatchObject({ port: 8080, route: '/' });
  });
  it('.env PORT, then a start script, then the code\'s listen call', () => {
    expect(http({ '.env': 'PORT=5000\n', 'server.js': 'listen(1)' })?.port).toBe(5000);
    expect(http({ 'package.json': JSON.stringify({ scripts: { start: 'PORT=4100 node app.js' } }) })?.port).toBe(4100);
    expect(http({ 'src/index.ts': "server.listen(process.env.PORT ?? 3300); router.get('/api/healthz', h);" })).toEqual({ port: 3300, route: '/api/healthz', from: `the listen call in ${path.join('src', 'index.ts')}` });
  });
  it('no port anywhere is no endpoint; node_modules is not read', () => {
    expect(http({ 'README.md': 'listen(3000)' })).toBeUndefined();
    const dir = folder('y', {});
    mkdirSync(path.join(dir, 'node_modules'));
    writeFileSync(path.join(dir, 'node_modules', 'x.js'), 'app.listen(9999)');
    expect(detectProject(dir).http).toBeUndefined();
  });
  it('a start script\'s file when main is npm init\'s absent index.js', () => {
    const pkg = JSON.stringify({ main: 'index.js', scripts: { start: 'node server.js' } });
    expect(detectProject(folder('x', { 'package.json': pkg, 'server.js': '' })).main).toBe('server.js');
  });
});
