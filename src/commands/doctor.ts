import type { LoadedConfig } from '../config/load.js';
import { bindEnvironment, resolveFrom, type SelectedEnvironment } from '../config/select.js';
import type { CommandResult, Context } from '../context.js';
import { checkAllTools, checkWritable, type Check } from '../doctor/checks.js';
import { checkDisk } from '../health/disk.js';
import { needsOf } from '../doctor/needs.js';
import { portChecks } from '../doctor/ports.js';
import { requiredEnvCheck } from '../doctor/required-env.js';
import { identityCheck } from '../doctor/identity.js';
import { checkDockerEngine, COMPOSE, DOCKER_ENGINE } from '../targets/docker/doctor.js';
import { kindModule } from '../targets/registry.js';
import { ConfigError } from '../errors.js';
import { listUnresolved } from '../config/interpolate.js';
import { paintState, type Style } from '../output/style.js';
import { renderTable } from '../output/table.js';

export interface DoctorData {
  config: string | null;
  environments: string[];
  ok: boolean;
  checks: Check[];
}

export async function run(ctx: Context): Promise<CommandResult<DoctorData>> {
  const { loaded, scope, configCheck } = loadScope(ctx);
  const needs = new Set(scope.flatMap((env) => [...needsOf(env.config)]));
  const tools = await checkAllTools(ctx.runner, ctx.env);
  const dockerFound = tools.some((t) => t.name === 'docker' && t.status === 'ok');
  // The engine is looked at whenever docker is there; each kind's own daemons only when an environment has that kind.
  const kindDaemons = [...new Map(scope.flatMap((env) => kindModule(env.config.target).daemonChecks).map((d) => [d.name, d])).values()];
  const daemons = await Promise.all([
    dockerFound ? checkDockerEngine(ctx.runner) : undefined,
    ...kindDaemons.map((d) => (d.needsDocker && !dockerFound ? undefined : d.check(ctx.runner, ctx.env))),
  ]);
  const disks = await Promise.all(scope.flatMap((env) => diskChecks(env, scope.length > 1)));
  const variables = scope.map((env) => variablesCheck(env, scope.length > 1)).filter((c) => c !== undefined);
  const required = (await Promise.all(scope.map((env) => requiredEnvCheck(env, ctx.runner, ctx.env, scope.length > 1)))).filter((c) => c !== undefined);
  const ports = (await Promise.all(scope.map((env) => portChecks(env, ctx.runner, scope.length > 1)))).flat();
  const identity = identityCheck(scope, ctx.env);
  const checks = [configCheck, ...variables, ...required, ...(identity ? [identity] : []), ...markRequired(tools, needs), ...markRequired(daemons.filter((d) => d !== undefined), needs), ...disks, ...ports];
  if (needs.has(DOCKER_ENGINE) && !dockerFound) {
    checks.push({ name: DOCKER_ENGINE, kind: 'daemon', required: true, status: 'missing', detail: 'docker is not installed' });
  }
  const ok = checks.every((c) => !c.required || c.status === 'ok' || c.status === 'warn');
  // An invalid config is a usage problem (exit 2) as everywhere else; the table still shows the rest.
  const exitCode = configCheck.status !== 'ok' ? 2 : ok ? 0 : 1;
  return { data: { config: loaded?.file ?? null, environments: scope.map((e) => e.name), ok, checks }, exitCode };
}

interface Scope {
  loaded?: LoadedConfig;
  scope: SelectedEnvironment[];
  configCheck: Check;
}

/** The selected environment, or every environment when none is chosen; a bad config is a failed check, not a crash. */
function loadScope(ctx: Context): Scope {
  try {
    const loaded = ctx.config();
    const chosen = ctx.environmentIfChosen();
    const scope = chosen ? [chosen] : [...loaded.environments].map(([name, config]) => bindEnvironment(loaded, name, config));
    const detail = `${loaded.file} (${[...loaded.environments.keys()].join(', ')})`;
    return { loaded, scope, configCheck: { name: 'config', kind: 'config', required: true, status: 'ok', detail } };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // The whole error goes under the table, where the fixes are listed; the table shows its first line.
    const hint = [error.message, error.hint].filter(Boolean).join('\n').replace(/\n/g, '\n    ');
    return { scope: [], configCheck: { name: 'config', kind: 'config', required: true, status: 'fail', detail: error.message, hint } };
  }
}

function markRequired(checks: Check[], needs: ReadonlySet<string>): Check[] {
  const isCompose = (c: Check) => c.name === 'docker compose' || c.name === 'docker-compose';
  const composeOk = checks.some((c) => isCompose(c) && c.status === 'ok');
  return checks.map((check) => {
    // Either compose flavour satisfies the need; the other one missing is only information.
    if (isCompose(check)) {
      return { ...check, required: needs.has(COMPOSE) && (check.status === 'ok' || !composeOk) };
    }
    return { ...check, required: needs.has(check.name) };
  });
}

/** Unset ${VAR}s are not a config error (a command fails only when it needs one), but worth a warning. */
function variablesCheck(env: SelectedEnvironment, qualify: boolean): Check | undefined {
  const unset = listUnresolved(env.config, `environments.${env.name}`);
  if (unset.length === 0) return undefined;
  const names = [...new Set(unset.flatMap((u) => u.names))];
  const keys = unset.map((u) => `${u.key} (${u.names.join(', ')})`).join('; ');
  return {
    name: `variables${qualify ? ` (${env.name})` : ''}`,
    kind: 'config',
    required: false,
    status: 'warn',
    detail: `not set: ${names.join(', ')}`,
    hint: `used by ${keys}. Set them in the environment or in ${env.envFile}.`,
  };
}

function diskChecks(env: SelectedEnvironment, qualify: boolean): Promise<Check>[] {
  const suffix = qualify ? ` (${env.name})` : '';
  const checks = [checkWritable(`state dir${suffix}`, env.stateDir)];
  if (env.config.backup) checks.push(checkDisk(`backup disk${suffix}`, resolveFrom(env, env.config.backup.dir)));
  return checks;
}

export function render(data: DoctorData, style: Style): string {
  const rows = data.checks.map((c) => [
    c.name,
    paintState(style, c.status === 'ok' ? 'ok' : c.status),
    c.version ?? '',
    c.required ? 'yes' : style.dim('no'),
    c.detail.split('\n')[0]!,
  ]);
  const table = renderTable(style, ['check', 'status', 'version', 'needed', 'detail'], rows);
  const fixes = data.checks.filter((c) => c.required && c.hint && (c.status === 'missing' || c.status === 'fail'));
  const warnings = data.checks.filter((c) => c.status === 'warn' && c.hint);
  const parts = [table];
  if (warnings.length > 0) parts.push(style.yellow('Worth a look:'), hintLines(warnings, style));
  if (data.ok) parts.push(style.green('Everything the config needs is here.'));
  else parts.push(style.red('Something the config needs is missing or failing:'), hintLines(fixes, style));
  return parts.join('\n');
}

function hintLines(checks: readonly Check[], style: Style): string {
  // Both compose flavours share one hint: say it once, naming both.
  const byHint = new Map<string, string[]>();
  for (const c of checks) byHint.set(c.hint!, [...(byHint.get(c.hint!) ?? []), c.name]);
  return [...byHint].map(([hint, names]) => `  ${style.bold(names.join(' or '))}: ${hint}`).join('\n');
}
