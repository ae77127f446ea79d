import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { adapterForUrl, databaseAdapters } from '../databases/index.js';
import type { DatabaseKind } from '../databases/kinds.js';
import { detectCompose, type DetectedCompose } from '../targets/compose/detect.js';
import { detectEcosystem, type DetectedEcosystem } from '../targets/pm2/detect.js';
import { detectHttp, type DetectedHttp } from './http.js';

export interface DetectedDatabase {
  name: string;
  type: DatabaseKind;
  /** The .env key whose value is the URL; the config references it as ${KEY}. */
  variable: string;
}

export interface DetectedProject {
  app: string;
  compose?: DetectedCompose;
  ecosystem?: DetectedEcosystem;
  /** package.json scripts found: build and test. */
  scripts: { build: boolean; test: boolean };
  /** What pm2 would start without an ecosystem file: package.json's main, else `node <file>` of its start script. */
  main?: string;
  /** The port the app serves HTTP on and its health-like route, for a health endpoint. */
  http?: DetectedHttp;
  /** How a clean checkout gets its dependencies: npm ci with a lockfile, npm install without; none without dependencies. */
  install?: string;
  /** The branch checked out here (.git/HEAD), for source.ref. */
  branch?: string;
  /** Whether .env exists: backup keeps a copy of it, as the manuals' `cp .env .env.backup` did. */
  dotenv?: boolean;
  envKeys: string[];
  databases: DetectedDatabase[];
}


export function detectProject(dir: string): DetectedProject {
  const pkg = readPackage(dir);
  const dotenv = readDotenv(dir);
  const scripts = pkg.scripts ?? {};
  const start = typeof scripts.start === 'string' ? /^node\s+(?:--\S+\s+)*([\w./-]+\.[cm]?js)\b/.exec(scripts.start)?.[1] : undefined;
  // npm init writes main: index.js whatever the app's entry is: a start script naming a file wins over a main that is not there.
  const declared = typeof pkg.main === 'string' ? pkg.main : undefined;
  const main = declared && (existsSync(path.join(dir, declared)) || !start) ? declared : (start ?? declared);
  const compose = detectCompose(dir);
  const ecosystem = detectEcosystem(dir);
  const http = detectHttp(dir, { ...(compose?.app ? { compose: { file: compose.file, service: compose.app.name } } : {}), ...(ecosystem ? { ecosystemFile: ecosystem.file } : {}), dotenv, scripts });
  return {
    app: appName(typeof pkg.name === 'string' ? pkg.name : path.basename(path.resolve(dir))),
    ...optional('compose', compose),
    ...optional('ecosystem', ecosystem),
    ...optional('http', http),
    ...optional('install', installCommand(dir, pkg)),
    ...optional('branch', currentBranch(dir)),
    ...(existsSync(path.join(dir, '.env')) ? { dotenv: true } : {}),
    scripts: { build: typeof pkg.scripts?.build === 'string', test: typeof pkg.scripts?.test === 'string' && !isNpmPlaceholder(pkg.scripts.test) },
    ...optional('main', main),
    envKeys: keysInFileOrder(dir, dotenv),
    databases: detectDatabases(dotenv),
  };
}

function currentBranch(dir: string): string | undefined {
  try {
    return /^ref: refs\/heads\/(\S+)/.exec(readFileSync(path.join(dir, '.git', 'HEAD'), 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

function installCommand(dir: string, pkg: { dependencies?: unknown; devDependencies?: unknown }): string | undefined {
  const count = (deps: unknown) => (deps && typeof deps === 'object' ? Object.keys(deps).length : 0);
  if (count(pkg.dependencies) + count(pkg.devDependencies) === 0) return undefined;
  return existsSync(path.join(dir, 'package-lock.json')) ? 'npm ci' : 'npm install';
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** npm init's test script fails on purpose: a deploy check that always fails is worse than none. */
function isNpmPlaceholder(script: string): boolean {
  return script.includes('no test specified');
}

/** A name the config schema accepts: "@acme/shop-api" -> "shop-api". */
export function appName(raw: string): string {
  const name = raw.replace(/^@[^/]+\//, '').replace(/[^\w.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return name || 'app';
}

export function detectDatabases(dotenv: Readonly<Record<string, string>>): DetectedDatabase[] {
  const found: DetectedDatabase[] = [];
  // Each adapter's .env keys; its kind is the type to assume when the URL's scheme says nothing.
  for (const { variable, name, fallback } of databaseAdapters().flatMap((a) => a.dotenvKeys.map((k) => ({ ...k, fallback: a.kind })))) {
    if (!(variable in dotenv)) continue;
    const url = dotenv[variable] ?? '';
    // A scheme opsctl has no driver for (mysql:) is left out rather than guessed.
    if (!typeFromUrl(url) && /^[a-z][\w+.-]*:/i.test(url)) continue;
    const type = typeFromUrl(url) ?? fallback;
    const unique = found.some((db) => db.name === name) ? `${name}${found.length + 1}` : name;
    found.push({ name: unique, type, variable });
  }
  return found;
}

function typeFromUrl(url: string): DetectedDatabase['type'] | undefined {
  return adapterForUrl(url)?.kind;
}

function readPackage(dir: string): { name?: unknown; main?: unknown; scripts?: Record<string, unknown>; dependencies?: unknown; devDependencies?: unknown } {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) ?? {};
  } catch {
    return {};
  }
}

/** parseEnv does not keep the file's order; .env.example should. Lines inside multi-line values are not keys. */
function keysInFileOrder(dir: string, dotenv: Readonly<Record<string, string>>): string[] {
  if (Object.keys(dotenv).length === 0) return [];
  const text = readFileSync(path.join(dir, '.env'), 'utf8');
  const keys = [...text.matchAll(/^\s*(?:export\s+)?([\w.-]+)\s*=/gm)].map((m) => m[1]!).filter((key) => key in dotenv);
  return [...new Set(keys)];
}

function readDotenv(dir: string): Record<string, string> {
  const file = path.join(dir, '.env');
  if (!existsSync(file)) return {};
  return parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
}
