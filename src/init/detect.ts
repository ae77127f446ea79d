import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { adapterForUrl, databaseAdapters } from '../databases/index.js';
import type { DatabaseKind } from '../databases/kinds.js';
import { detectCompose, type DetectedCompose } from '../targets/compose/detect.js';
import { detectEcosystem, type DetectedEcosystem } from '../targets/pm2/detect.js';

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
  /** What pm2 would start without an ecosystem file: package.json's main, else undefined. */
  main?: string;
  envKeys: string[];
  databases: DetectedDatabase[];
}


export function detectProject(dir: string): DetectedProject {
  const pkg = readPackage(dir);
  const dotenv = readDotenv(dir);
  const main = typeof pkg.main === 'string' ? pkg.main : undefined;
  return {
    app: appName(typeof pkg.name === 'string' ? pkg.name : path.basename(path.resolve(dir))),
    ...optional('compose', detectCompose(dir)),
    ...optional('ecosystem', detectEcosystem(dir)),
    scripts: { build: typeof pkg.scripts?.build === 'string', test: typeof pkg.scripts?.test === 'string' && !isNpmPlaceholder(pkg.scripts.test) },
    ...optional('main', main),
    envKeys: keysInFileOrder(dir, dotenv),
    databases: detectDatabases(dotenv),
  };
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

function readPackage(dir: string): { name?: unknown; main?: unknown; scripts?: Record<string, unknown> } {
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
