import path from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from '../errors.js';
import { describeIssue, type Issue } from './issues.js';
import { registerSecret, registerUrlSecrets } from '../process/redact.js';
import { interpolate } from './interpolate.js';
import { locateConfig } from './locate.js';
import { readConfigText } from './read-text.js';
import { parseYamlLocated, YamlProblem } from './yaml-text.js';
import { environmentSchema, fileSchema, type EnvironmentConfig } from './schema.js';

export interface LoadedConfig {
  file: string;
  dir: string;
  envFile: string;
  app: string;
  runbooks?: string;
  environments: ReadonlyMap<string, EnvironmentConfig>;
}

export interface LoadOptions {
  cwd: string;
  configPath?: string;
  processEnv: Readonly<Record<string, string | undefined>>;
}

export function loadConfig(options: LoadOptions): LoadedConfig {
  const file = locateConfig(options.cwd, options.configPath, options.processEnv.OPSCTL_CONFIG);
  const dir = path.dirname(file);
  const envFile = path.join(dir, '.env');
  const { data: raw, lineOf } = parseYaml(file);
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) throw invalid(file, parsed.error.issues.flatMap((issue) => describeIssue(issue, fileSchema, raw)), lineOf);

  const dotenv = readDotenv(envFile);
  const environments = new Map<string, EnvironmentConfig>();
  const problems: Problem[] = [];
  for (const [name, envRaw] of Object.entries(parsed.data.environments)) {
    const vars = { ...dotenv, ...options.processEnv, OPSCTL_ENV: name };
    const merged = interpolate(deepMerge(parsed.data.defaults, envRaw), vars);
    const result = environmentSchema.safeParse(merged);
    if (result.success) environments.set(name, registerSecrets(result.data));
    else problems.push(...environmentProblems(result.error.issues, name, merged, envRaw, parsed.data.defaults));
  }
  // A bad key in `defaults` shows up once per environment: say it once.
  if (problems.length > 0) throw invalid(file, [...new Map(problems.map((p) => [formatPath(p.keys) + p.message, p])).values()], lineOf);
  return { file, dir, envFile, app: parsed.data.app, runbooks: parsed.data.runbooks, environments };
}

/** Webhook URLs carry their token in the path; connection URLs their password: mask them wherever they are written. */
function registerSecrets(config: EnvironmentConfig): EnvironmentConfig {
  if (config.alerts?.webhook && !config.alerts.webhook.includes('${')) registerSecret(config.alerts.webhook);
  if (config.backup?.ping) registerUrlSecrets(config.backup.ping);
  for (const db of Object.values(config.databases)) registerUrlSecrets(db.url);
  for (const remote of config.backup?.remotes ?? []) if (remote.type === 's3') [remote.accessKeyId, remote.secretAccessKey].filter((v) => !v.includes('${')).forEach(registerSecret);
  return config;
}

function parseYaml(file: string): ReturnType<typeof parseYamlLocated> {
  const text = readConfigText(file);
  try {
    return parseYamlLocated(text);
  } catch (error) {
    if (!(error instanceof YamlProblem)) throw error;
    throw new ConfigError(`${file}: invalid YAML at ${error.where}: ${error.message}`, 'Fix the YAML syntax and run again.');
  }
}

/** The .env file's variables; none when it does not exist. */
export function readDotenv(file: string): Record<string, string> {
  try {
    return parseEnv(readConfigText(file)) as Record<string, string>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}

/** Objects merge key by key; arrays and scalars of the environment replace those of defaults. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = deepMerge(base[key], value);
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A problem at a key path from the top of the file. */
type Problem = ReturnType<typeof describeIssue>[number];

function environmentProblems(issues: readonly Issue[], name: string, merged: unknown, envRaw: Record<string, unknown>, defaults: Record<string, unknown>): Problem[] {
  // A key the environment does not set but `defaults` does came from `defaults`: point the user there.
  const prefixFor = (keys: readonly PropertyKey[]) =>
    keys.length > 0 && !hasPath(envRaw, keys) && hasPath(defaults, keys) ? ['defaults'] : ['environments', name];
  return issues.flatMap((issue) => describeIssue(issue, environmentSchema, merged)).map((p) => ({ ...p, keys: [...prefixFor(p.keys), ...p.keys] }));
}

export function formatPath(keys: readonly PropertyKey[]): string {
  if (keys.length === 0) return '(file)';
  return keys.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

function hasPath(value: unknown, keys: readonly PropertyKey[]): boolean {
  let node = value;
  for (const key of keys.slice(0, -1)) {
    if (!node || typeof node !== 'object') return false;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return Boolean(node) && typeof node === 'object' && (keys.at(-1)! as string) in (node as object);
}

/**
 * One line a problem: `path.to.key: what was expected, got what; did you mean x? (opsctl.yaml:12)`.
 * details.problems keeps the plain `path: message` for scripts; details.issues has each part.
 */
function invalid(file: string, problems: readonly Problem[], lineOf: (keys: readonly PropertyKey[]) => number | undefined): ConfigError {
  const name = path.basename(file);
  const located = problems.map((p) => ({ path: formatPath(p.keys), message: p.message, suggestion: p.suggestion.replace(/^; /, '') || undefined, line: lineOf(p.keys) }));
  // In the file's order, as an editor shows them.
  const issues = located.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  const lines = issues.map((i) => `${i.path}: ${i.message}${i.suggestion ? `; ${i.suggestion}` : ''}${i.line ? ` (${name}:${i.line})` : ''}`);
  return new ConfigError(`${file} is not valid:\n${lines.map((l) => `  ${l}`).join('\n')}`, 'Fix the keys above (README, "Configuration", lists every key).', {
    problems: issues.map((i) => `${i.path}: ${i.message}`),
    issues,
  });
}
