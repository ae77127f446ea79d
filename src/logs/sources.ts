import path from 'node:path';
import { resolveFrom, type SelectedEnvironment } from '../config/select.js';
import { ConfigError, UsageError } from '../errors.js';
import { composeProject } from '../targets/compose.js';
import { swarmServiceName } from '../targets/swarm.js';
import { composeLogs, detectComposeCli, serviceLogs, type ComposeCli } from './docker-commands.js';
import { dockerSource } from './docker-source.js';
import { fileSource } from './file-source.js';
import { pm2LogFiles } from './pm2-files.js';
import type { LogSource, SourceDeps } from './source.js';

export type SourceKind = 'files' | 'pm2' | 'compose' | 'swarm';

interface Planned {
  kind: SourceKind;
  /** Names --source may pick it by besides its kind. */
  names: string[];
  open(): Promise<LogSource[]>;
}

/**
 * The environment's log sources: the files under logs.files, and the target's own logs (pm2's files of
 * the app, `docker compose logs` of the service, `docker service logs`) unless logs.<kind> is false.
 * `only` (--source) keeps those of a kind or a name.
 */
export async function resolveSources(env: SelectedEnvironment, deps: SourceDeps, only: readonly string[] = []): Promise<LogSource[]> {
  const planned = planSources(env, deps);
  const chosen = only.length === 0 ? planned : planned.filter((p) => only.some((name) => name === p.kind || p.names.includes(name)));
  const unknown = only.filter((name) => !planned.some((p) => name === p.kind || p.names.includes(name)));
  if (unknown.length > 0) {
    const known = [...new Set(planned.flatMap((p) => [p.kind, ...p.names]))];
    throw new UsageError(`No log source named ${unknown.join(', ')} in environment ${env.name}.`, `Use one of: ${known.join(', ') || '(none configured)'}.`);
  }
  if (chosen.length === 0) {
    throw new UsageError(`Environment ${env.name} has no log source.`, 'List log files under logs.files in opsctl.yaml, or leave the target\'s logs on (logs.pm2, logs.compose or logs.swarm).');
  }
  return (await Promise.all(chosen.map((p) => p.open()))).flat();
}

function planSources(env: SelectedEnvironment, deps: SourceDeps): Planned[] {
  const logs = env.config.logs;
  const files = logs?.files ?? [];
  const labels = fileLabels(files);
  const planned: Planned[] = files.map((file, i) => ({
    kind: 'files',
    names: [labels[i]!, file],
    open: async () => [fileSource(resolveFrom(env, file), labels[i]!, deps)],
  }));
  const { target } = env.config;
  const kind: SourceKind = target.pm2 ? 'pm2' : target.compose ? 'compose' : 'swarm';
  for (const other of ['pm2', 'compose', 'swarm'] as const) {
    if (other !== kind && logs?.[other] === true) {
      throw new ConfigError(`environments.${env.name}.logs.${other}: the target of this environment is ${kind}, not ${other}.`, `Remove logs.${other}, or set logs.${kind} instead.`);
    }
  }
  if (logs?.[kind] !== false) planned.push(targetSource(env, kind, deps));
  return planned;
}

function targetSource(env: SelectedEnvironment, kind: SourceKind, deps: SourceDeps): Planned {
  const { target } = env.config;
  if (target.pm2) {
    const name = target.pm2.name ?? env.app;
    return {
      kind,
      names: [name],
      open: async () => (await pm2LogFiles(deps.runner, deps.env, name)).map((f) => fileSource(f.file, f.label, deps)),
    };
  }
  if (target.compose) {
    const compose = target.compose;
    const project = { project: composeProject(compose, env.app), files: [compose.file].flat().map((f) => resolveFrom(env, f)), service: compose.service, cwd: env.dir };
    let cli: Promise<ComposeCli> | undefined;
    const build = async (options: Parameters<typeof composeLogs>[2]) => composeLogs(await (cli ??= detectComposeCli(deps.runner)), project, options);
    return { kind, names: [compose.service], open: async () => [dockerSource(`docker compose logs ${compose.service}`, build, deps)] };
  }
  const service = swarmServiceName(target.swarm!);
  return { kind, names: [service], open: async () => [dockerSource(`docker service logs ${service}`, async (options) => serviceLogs(service, options), deps)] };
}

/** Each file by its name, or by its path as written when two share a name. */
function fileLabels(files: readonly string[]): string[] {
  const names = files.map((file) => path.basename(file));
  return files.map((file, i) => (names.filter((n) => n === names[i]).length > 1 ? file : names[i]!));
}
