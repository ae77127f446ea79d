import path from 'node:path';
import { resolveFrom, type SelectedEnvironment } from '../config/select.js';
import { ConfigError, UsageError } from '../errors.js';
import type { TargetKind } from '../targets/types.js';
import { fileSource } from './file-source.js';
import type { LogSource, SourceDeps } from './source.js';

export type SourceKind = 'files' | TargetKind;

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
  const planned = await planSources(env, deps);
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

async function planSources(env: SelectedEnvironment, deps: SourceDeps): Promise<Planned[]> {
  const logs = env.config.logs;
  const files = logs?.files ?? [];
  const labels = fileLabels(files);
  const planned: Planned[] = files.map((file, i) => ({
    kind: 'files',
    names: [labels[i]!, file],
    open: async () => [fileSource(resolveFrom(env, file), labels[i]!, deps)],
  }));
  const target = env.config.target;
  const kind = (Object.keys(target) as TargetKind[]).find((k) => target[k] !== undefined)!;
  // The boolean keys of logs are the target kinds: one set true for another kind is a mistake.
  for (const [other, on] of Object.entries(logs ?? {})) {
    if (on === true && other !== kind) {
      throw new ConfigError(`environments.${env.name}.logs.${other}: the target of this environment is ${kind}, not ${other}.`, `Remove logs.${other}, or set logs.${kind} instead.`);
    }
  }
  // The target registry loads every adapter: only when the target's own logs are read.
  if (logs?.[kind] !== false) {
    const { targetOf } = await import('../targets/registry.js');
    planned.push({ kind, ...targetOf(env).logs(deps) });
  }
  return planned;
}

/** Each file by its name, or by its path as written when two share a name. */
function fileLabels(files: readonly string[]): string[] {
  const names = files.map((file) => path.basename(file));
  return files.map((file, i) => (names.filter((n) => n === names[i]).length > 1 ? file : names[i]!));
}
