import { cachedConfigLoader } from '../config/cached-load.js';
import type { LoadedConfig, LoadOptions } from '../config/load.js';
import { chosenEnvironmentName, selectEnvironment, type SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { createLogger } from '../output/logger.js';
import type { Style } from '../output/style.js';
import { createEffects } from '../process/effects.js';
import { redact } from '../process/redact.js';
import { redactBytes } from '../process/redact-bytes.js';
import { createRunner } from '../process/runner.js';
import type { GlobalOptions } from '../registry/program.js';
import { loadCommand } from './loaders.js';

export interface ContextInput {
  globals: GlobalOptions;
  signal: AbortSignal;
  style: Style;
  /** stdout's colours, for commands that stream their data. */
  outStyle: Style;
}

export async function createContext({ globals, signal, style, outStyle }: ContextInput): Promise<Context> {
  if (globals.env && globals.environment && globals.env !== globals.environment) {
    throw new UsageError(`--env ${globals.env} and --environment ${globals.environment} disagree.`, 'Give the environment once.');
  }
  if (globals.verbose && globals.quiet) throw new UsageError('--verbose and --quiet cannot be used together.', 'Pick one.');
  const env = process.env;
  const interactiveStderr = Boolean(process.stderr.isTTY);
  const log = createLogger({
    stream: process.stderr,
    style,
    quiet: Boolean(globals.quiet),
    verbose: Boolean(globals.verbose),
    interactive: interactiveStderr && !env.CI,
  });
  const runner = createRunner({
    dryRun: Boolean(globals.dryRun),
    verbose: Boolean(globals.verbose),
    signal,
    // `would run:` lines are the plan: shown even with --quiet.
    log: (line) => log.plan(line),
    env,
  });
  // `would write ...` lines belong to the same plan as `would run:`.
  const effects = createEffects({ dryRun: Boolean(globals.dryRun), log: (line) => log.plan(line) });
  const requested = globals.env ?? globals.environment;
  const loadConfig = await configLoader({ cwd: process.cwd(), configPath: globals.config, processEnv: env, writeCache: !globals.dryRun });
  let loaded: LoadedConfig | undefined;
  const config = () => (loaded ??= loadConfig());
  let selected: SelectedEnvironment | undefined;
  const environment = () => (selected ??= selectEnvironment(config(), requested, env.OPSCTL_ENV));
  return {
    cwd: process.cwd(),
    env,
    runner,
    effects,
    log,
    signal,
    dryRun: Boolean(globals.dryRun),
    json: Boolean(globals.json),
    assumeYes: Boolean(globals.yes),
    // stderr first: reading process.stdin creates its stream (a socket or a file stream), for nothing when stderr is no terminal.
    interactive: interactiveStderr && Boolean(process.stdin.isTTY),
    config,
    environment,
    environmentIfChosen: () => (chosenEnvironmentName(config(), requested, env.OPSCTL_ENV) ? environment() : undefined),
    now: () => Date.now(),
    out: writeOut,
    outStyle,
    loadCommand,
  };
}

/**
 * The config from the state dir's cache when the file has not changed since it last validated, without
 * loading YAML or the schema (most of a short command's start-up); else the full loader, which reports
 * every problem (and which also reports a missing config, when the command asks for it).
 */
async function configLoader(options: LoadOptions): Promise<() => LoadedConfig> {
  let cached: (() => LoadedConfig) | undefined;
  try {
    cached = cachedConfigLoader(options);
  } catch {
    // No config, or one that cannot be read: the full loader says what is wrong when the command needs it.
  }
  if (cached) return cached;
  const { loadConfig } = await import('../config/load.js');
  return () => loadConfig(options);
}

/** Resolves once stdout takes more: a slow reader (a pager, a pipe) slows the producer instead of filling memory. */
function writeOut(text: string | Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(typeof text === 'string' ? redact(text) : redactBytes(text))) resolve();
    else process.stdout.once('drain', () => resolve());
  });
}

