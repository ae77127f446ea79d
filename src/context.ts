import type { LoadedConfig } from './config/load.js';
import type { SelectedEnvironment } from './config/select.js';
import type { Logger } from './output/logger.js';
import type { Style } from './output/style.js';
import type { Effects } from './process/effects.js';
import type { Runner } from './process/runner.js';

/** Everything a command may use. Built once by the CLI; commands never read argv, print or exit. */
export interface Context {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  runner: Runner;
  /** Every change other than a child process (files, links, posts) goes through here: under --dry-run it is only shown. */
  effects: Effects;
  log: Logger;
  signal: AbortSignal;
  dryRun: boolean;
  json: boolean;
  assumeYes: boolean;
  /** stdin and stderr are TTYs: prompts are possible. */
  interactive: boolean;
  /** The config file, loaded on first use (throws ConfigError). */
  config(): LoadedConfig;
  /** The environment chosen by -e / OPSCTL_ENV / the only one (throws UsageError). */
  environment(): SelectedEnvironment;
  /** The environment only when one can be chosen without guessing. */
  environmentIfChosen(): SelectedEnvironment | undefined;
  /** The clock, in epoch milliseconds: tests pin it. */
  now(): number;
  /**
   * stdout for a command that streams its data as it goes (logs) instead of returning it: secrets are
   * masked, and the promise resolves when more may be written (backpressure). Such a command returns `streamed: true`.
   */
  out(text: string | Buffer): Promise<void>;
  /** Colours for what goes through `out`: none unless stdout is a terminal (and NO_COLOR / --no-color allow). */
  outStyle: Style;
  /** Another command's module by name (a runbook step's renderer), through cli/'s static loaders; undefined for no command. */
  loadCommand(name: string): Promise<CommandModule | undefined>;
}

/** What every command module exports. Loaded only when its command runs. */
export interface CommandModule {
  run(ctx: Context, options: Record<string, unknown>, args: string[]): Promise<CommandResult<unknown>>;
  render(data: never, style: Style): string;
}

export interface CommandResult<T> {
  data: T;
  /** Defaults to 0. */
  exitCode?: number;
  /** The data already went to stdout through ctx.out: the CLI prints nothing more (neither render nor JSON). */
  streamed?: boolean;
}
