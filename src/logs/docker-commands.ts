import { command, type Command } from '../process/command.js';
import { ToolMissingError } from '../errors.js';
import type { Runner } from '../process/runner.js';

const readOnly = { readOnly: true } as const;

export interface DockerLogsOptions {
  follow: boolean;
  /** ISO time: only lines from then on (compose v1 cannot; opsctl filters anyway). */
  since?: string;
  /** Lines per container from the end, when no filter could make the last matches older than that. */
  tail?: number;
}

/** `docker compose` (v2 plugin) or `docker-compose` (v1): the argv prefix and whether it knows --since. */
export interface ComposeCli {
  argv: readonly string[];
  v1: boolean;
}

export interface ComposeProject {
  project: string;
  files: readonly string[];
  service: string;
  /** Folder of opsctl.yaml: compose resolves the files and the .env from there. */
  cwd: string;
}

/** The v2 plugin when `docker compose version` works, else docker-compose v1. */
export async function detectComposeCli(runner: Runner): Promise<ComposeCli> {
  try {
    const probe = await runner.run(command('docker', ['compose', 'version', '--short'], readOnly), { allowFailure: true });
    if (probe.exitCode === 0) return { argv: ['docker', 'compose'], v1: false };
  } catch (error) {
    if (!(error instanceof ToolMissingError)) throw error;
  }
  return { argv: ['docker-compose'], v1: true };
}

export function composeLogs(cli: ComposeCli, target: ComposeProject, options: DockerLogsOptions): Command {
  const [file, ...pre] = cli.argv;
  const args = [...pre, '-p', target.project, ...target.files.flatMap((f) => ['-f', f]), 'logs', '--timestamps', '--no-color'];
  if (options.follow) args.push('--follow');
  if (options.since && !cli.v1) args.push('--since', options.since);
  if (options.tail !== undefined) args.push(`--tail=${options.tail}`);
  return command(file!, [...args, target.service], { ...readOnly, cwd: target.cwd });
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
