import { loadConfig, type LoadedConfig } from '../config/load.js';
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
  let loaded: LoadedConfig | undefined;
  const config = () => (loaded ??= loadConfig({ cwd: process.cwd(), configPath: globals.config, processEnv: env }));
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
    interactive: Boolean(process.stdin.isTTY) && interactiveStderr,
    config,
    environment,
    environmentIfChosen: () => (chosenEnvironmentName(config(), requested, env.OPSCTL_ENV) ? environment() : undefined),
    now: () => Date.now(),
    out: writeOut,
    outStyle,
    loadCommand,
  };
}

/** Resolves once stdout takes more: a slow reader (a pager, a pipe) slows the producer instead of filling memory. */
function writeOut(text: string | Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(typeof text === 'string' ? redact(text) : redactBytes(text))) resolve();
    else process.stdout.once('drain', () => resolve());
  });
}

