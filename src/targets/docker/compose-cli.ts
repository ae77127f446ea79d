import { command, type Command } from '../../process/command.js';
import { ToolMissingError } from '../../errors.js';
import type { Runner } from '../../process/runner.js';

const readOnly = { readOnly: true } as const;

/** `docker compose` (v2 plugin) or `docker-compose` (v1): the argv prefix and whether it is v1. */
export interface ComposeCli {
  argv: readonly string[];
  v1: boolean;
}

/** What every compose command names: the project, its files and the folder they resolve from. */
export interface ComposeProject {
  project: string;
  files: readonly string[];
  service: string;
  /** Folder of opsctl.yaml: compose resolves the files and the .env from there. */
  cwd: string;
}

export const COMPOSE_V2: ComposeCli = { argv: ['docker', 'compose'], v1: false };
export const COMPOSE_V1: ComposeCli = { argv: ['docker-compose'], v1: true };

/** The v2 plugin when `docker compose version` works, else docker-compose v1 (which may be missing too). */
export async function detectComposeCli(runner: Runner): Promise<ComposeCli> {
  try {
    const probe = await runner.run(command('docker', ['compose', 'version', '--short'], readOnly), { allowFailure: true });
    if (probe.exitCode === 0) return COMPOSE_V2;
  } catch (error) {
    if (!(error instanceof ToolMissingError)) throw error;
  }
  return COMPOSE_V1;
}

/** `<compose> version --short`: exits 0 when this compose flavour is usable. */
export function composeVersion(cli: ComposeCli): Command {
  const [file, ...pre] = cli.argv;
  return command(file!, [...pre, 'version', '--short'], readOnly);
}

/** `<compose> -p <project> -f <file>... <args>` run from the project's folder. */
export function composeCommand(
  cli: ComposeCli,
  target: Omit<ComposeProject, 'service'>,
  args: readonly string[],
  options: { readOnly: boolean; env?: Readonly<Record<string, string>> },
): Command {
  const [file, ...pre] = cli.argv;
  const head = [...pre, '-p', target.project, ...target.files.flatMap((f) => ['-f', f])];
  return command(file!, [...head, ...args], { readOnly: options.readOnly, cwd: target.cwd, ...(options.env ? { env: options.env } : {}) });
}
