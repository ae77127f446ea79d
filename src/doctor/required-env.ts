import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import YAML from 'yaml';
import { readDotenv } from '../config/load.js';
import { resolveFrom, type SelectedEnvironment } from '../config/select.js';
import type { Runner } from '../process/runner.js';
import { loadEcosystemApp } from '../targets/pm2/ecosystem.js';
import { kindOf } from '../targets/registry.js';
import type { TargetKind } from '../targets/types.js';
import type { Check } from './checks.js';

type Env = Readonly<Record<string, string | undefined>>;
/** Where a variable may come from, and the names set there (with a value). */
type Source = { label: string; names: Set<string> };

const setNames = (vars: Env | undefined): Set<string> => new Set(Object.entries(vars ?? {}).filter(([, v]) => v !== undefined && v !== '').map(([k]) => k));

/** A compose service's `environment` (list or map) and `env_file` files; a bare "NAME" takes its value from opsctl's environment or .env. */
export function composeServiceNames(text: string, service: string, dir: string, outer: ReadonlySet<string>): Set<string> {
  const doc = YAML.parse(text) as { services?: Record<string, { environment?: unknown; env_file?: unknown }> } | null;
  const svc = doc?.services?.[service];
  const names = new Set<string>();
  const environment = svc?.environment;
  if (Array.isArray(environment)) {
    for (const item of environment.map(String)) {
      const eq = item.indexOf('=');
      if (eq > 0 ? item.slice(eq + 1) !== '' : outer.has(item)) names.add(eq > 0 ? item.slice(0, eq) : item);
    }
  } else if (environment && typeof environment === 'object') {
    for (const [k, v] of Object.entries(environment)) if ((v !== null && v !== '') || outer.has(k)) names.add(k);
  }
  const files = svc?.env_file === undefined ? [] : [svc.env_file].flat().map((f) => (typeof f === 'string' ? f : String((f as { path?: unknown }).path)));
  for (const file of files) {
    try {
      for (const name of setNames(parseEnv(readFileSync(path.resolve(dir, file), 'utf8')))) names.add(name);
    } catch {
      // A missing env_file is compose's own error; doctor names the variables it then lacks.
    }
  }
  return names;
}

function composeSources(env: SelectedEnvironment, file: string | readonly string[] | undefined, service: string, outer: ReadonlySet<string>): Source[] {
  return [file ?? 'docker-compose.yml'].flat().map((f) => {
    const full = resolveFrom(env, f);
    let text = '';
    try {
      text = readFileSync(full, 'utf8');
    } catch {
      // Reported by the target's own checks.
    }
    return { label: `${f} services.${service}.environment`, names: text ? composeServiceNames(text, service, path.dirname(full), outer) : new Set<string>() };
  });
}

/** Per kind, where the app's variables come from besides .env. */
const SOURCES: Record<TargetKind, (env: SelectedEnvironment, runner: Runner, processEnv: Env, outer: ReadonlySet<string>) => Promise<Source[]>> = {
  pm2: async (env, runner, processEnv) => {
    const config = env.config.target.pm2!;
    const sources: Source[] = [{ label: 'target.pm2.env', names: setNames(config.env) }, { label: "opsctl's environment (pm2 passes it on)", names: setNames(processEnv) }];
    if (config.ecosystem) {
      const app = await loadEcosystemApp(runner, resolveFrom(env, config.ecosystem), config.name ?? env.app, {}, processEnv).catch(() => undefined);
      sources.push({ label: `${config.ecosystem} env`, names: setNames(app?.env as Env | undefined) });
    }
    return sources;
  },
  compose: async (env, _runner, _processEnv, outer) => composeSources(env, env.config.target.compose!.file, env.config.target.compose!.service, outer),
  swarm: async (env, _runner, _processEnv, outer) => composeSources(env, env.config.target.swarm!.file, env.config.target.swarm!.service, outer),
};

/** requiredEnv: each name must be set somewhere the target's app gets its environment from. */
export async function requiredEnvCheck(env: SelectedEnvironment, runner: Runner, processEnv: Env, qualify: boolean): Promise<Check | undefined> {
  const required = env.config.requiredEnv;
  if (required.length === 0) return undefined;
  const dotenv = setNames(readDotenv(env.envFile));
  const outer = new Set([...dotenv, ...setNames(processEnv)]);
  const sources = [{ label: path.basename(env.envFile), names: dotenv }, ...(await SOURCES[kindOf(env.config.target)](env, runner, processEnv, outer))];
  const missing = required.filter((name) => !sources.some((s) => s.names.has(name)));
  const base = { name: `required variables${qualify ? ` (${env.name})` : ''}`, kind: 'env' as const, required: true };
  if (missing.length === 0) return { ...base, status: 'ok', detail: `all ${required.length} set: ${required.join(', ')}` };
  return {
    ...base,
    status: 'fail',
    detail: `missing: ${missing.join(', ')} (looked in ${sources.map((s) => s.label).join(', ')})`,
    hint: `Set ${missing.join(', ')} for the app (in ${env.envFile} or the target's environment); requiredEnv in opsctl.yaml lists what it needs.`,
  };
}
