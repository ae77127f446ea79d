import { command, type Command } from '../process/command.js';
import { composeCommand, type ComposeCli, type ComposeProject } from '../targets/docker/compose-cli.js';

// detectComposeCli lives with the other docker helpers now; logs/sources.ts still imports it from here.
export { detectComposeCli, type ComposeCli, type ComposeProject } from '../targets/docker/compose-cli.js';

const readOnly = { readOnly: true } as const;

export interface DockerLogsOptions {
  follow: boolean;
  /** ISO time: only lines from then on (compose v1 cannot; opsctl filters anyway). */
  since?: string;
  /** Lines per container from the end, when no filter could make the last matches older than that. */
  tail?: number;
}

export function composeLogs(cli: ComposeCli, target: ComposeProject, options: DockerLogsOptions): Command {
  const args = ['logs', '--timestamps', '--no-color'];
  if (options.follow) args.push('--follow');
  if (options.since && !cli.v1) args.push('--since', options.since);
  if (options.tail !== undefined) args.push(`--tail=${options.tail}`);
  return composeCommand(cli, target, [...args, target.service], readOnly);
}

export function serviceLogs(service: string, options: DockerLogsOptions): Command {
  const args = ['service', 'logs', '--timestamps', '--no-task-ids'];
  if (options.follow) args.push('--follow');
  if (options.since) args.push('--since', options.since);
  if (options.tail !== undefined) args.push('--tail', String(options.tail));
  return command('docker', [...args, service], readOnly);
}

export interface DockerLine {
  /** The container (compose: "app-1", v1 "app_1") or task ("stack_web.2@node"). */
  label: string;
  time: number;
  text: string;
}

// compose v2 "app-1  | 2024-01-15T10:00:00.123456789Z text", v1 "app_1  | ..."; swarm "2024-...Z stack_web.2@node    | text".
const COMPOSE_LINE = /^(\S+)\s*\| (\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})) ?(.*)$/;
const SERVICE_LINE = /^(\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})) (\S+)\s*\| ?(.*)$/;

/** A line of `docker compose logs --timestamps` or `docker service logs --timestamps`; undefined for anything else ("Attaching to ..."). */
export function parseDockerLine(line: string): DockerLine | undefined {
  const compose = COMPOSE_LINE.exec(line);
  if (compose) return toLine(compose[1]!, compose[2]!, compose[3]!);
  const service = SERVICE_LINE.exec(line);
  return service ? toLine(service[2]!, service[1]!, service[3]!) : undefined;
}

function toLine(label: string, stamp: string, text: string): DockerLine | undefined {
  const time = Date.parse(stamp);
  return Number.isNaN(time) ? undefined : { label, time, text };
}
