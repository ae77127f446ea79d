import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import type { CommandResult, Context } from '../context.js';
import { ConfigError, UsageError } from '../errors.js';
import type { Style } from '../output/style.js';
import { loadLinearRegex } from '../process/linear-regex.js';
import { selfArgv } from '../process/self.js';
import { loadRunbooks, SHIPPED_DIR } from '../runbook/load.js';
import { resolveParams } from '../runbook/params.js';
import { DEPTH_VARIABLE, MAX_DEPTH, planSteps, type RunSettings } from '../runbook/plan.js';
import { renderList, renderRun, renderShow } from '../runbook/render.js';
import { runSteps } from '../runbook/run-steps.js';
import { showStepOutput } from '../runbook/step-output.js';
import { describeRunbook, outcomeOf, summarize, type RunbookData } from '../runbook/report.js';
import type { Runbook } from '../runbook/schema.js';

export interface RunbookOptions {
  param?: string[];
}

const ACTIONS = ['list', 'show', 'run'];

export async function run(ctx: Context, options: RunbookOptions, args: string[]): Promise<CommandResult<RunbookData>> {
  const [action = 'list', name, ...rest] = args;
  if (!ACTIONS.includes(action)) throw new UsageError(`Unknown runbook action "${action}".`, 'Use: opsctl runbook list, opsctl runbook show <name>, opsctl runbook run <name>.');
  if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}".`, 'Give --param name=value for a runbook\'s params.');
  if (action === 'list') {
    if (name !== undefined) throw new UsageError(`Unexpected argument "${name}".`, 'runbook list takes no name.');
    const { books, userDir } = load(ctx, false);
    return { data: { action: 'list', shippedDir: SHIPPED_DIR, userDir: userDir ?? null, runbooks: [...books.values()].map(summarize) } };
  }
  if (!name) throw new UsageError(`runbook ${action} needs the name of a runbook.`, 'Run opsctl runbook list to see them.');
  const book = find(load(ctx, action === 'run').books, name);
  if (action === 'show') return { data: { action: 'show', runbook: describeRunbook(book, settingsFor(ctx, book, options, false)) } };
  return runBook(ctx, book, settingsFor(ctx, book, options, true));
}

async function runBook(ctx: Context, book: Runbook, settings: RunSettings): Promise<CommandResult<RunbookData>> {
  if (settings.depth >= MAX_DEPTH) {
    throw new UsageError(`Runbook ${book.name} runs ${MAX_DEPTH} runbooks deep: a runbook probably runs itself.`, 'Check the opsctl steps that run opsctl runbook run.');
  }
  const steps = planSteps(book, settings);
  // A step's `matches` checks compile the runbook's regexes.
  await loadLinearRegex();
  const asks = steps.filter((s) => s.step.confirm !== false);
  if (asks.length > 0 && !ctx.dryRun && !settings.yes && !ctx.interactive) {
    throw new UsageError(
      `Runbook ${book.name} asks before ${asks.map((s) => `step ${s.index + 1} (${s.name})`).join(', ')} and needs confirmation; nothing was run.`,
      'Pass --yes to confirm without a terminal, or see the plan with --dry-run.',
    );
  }
  ctx.log.info(`${ctx.dryRun ? 'Plan of' : 'Running'} runbook ${book.name} on ${settings.environment}: ${steps.length} steps`);
  const started = Date.now();
  const reports = await runSteps(ctx, steps, settings, showStepOutput(ctx));
  const { result, exitCode } = outcomeOf(reports, ctx.dryRun);
  const data: RunbookData = {
    action: 'run',
    runbook: summarize(book),
    environment: settings.environment,
    dryRun: ctx.dryRun,
    params: settings.params,
    result,
    exitCode,
    durationMs: Date.now() - started,
    steps: reports,
  };
  return { data, exitCode };
}

/** The config is optional for list and show (the shipped runbooks need none); run needs it for its steps. */
function load(ctx: Context, needConfig: boolean): { books: Map<string, Runbook>; userDir?: string } {
  let loaded: LoadedConfig | undefined;
  try {
    loaded = ctx.config();
  } catch (error) {
    if (needConfig || !(error instanceof ConfigError) || !/^No opsctl\.yaml found/.test(error.message)) throw error;
  }
  const userDir = loaded?.runbooks === undefined ? undefined : path.resolve(loaded.dir, loaded.runbooks);
  return { books: loadRunbooks(userDir), userDir };
}

function find(books: ReadonlyMap<string, Runbook>, name: string): Runbook {
  const book = books.get(name);
  if (!book) throw new UsageError(`No runbook named "${name}".`, `The runbooks: ${[...books.keys()].join(', ') || 'none'} (opsctl runbook list).`);
  return book;
}

/** show works without an environment (it shows "<env>"); run needs one, as its steps do. */
function settingsFor(ctx: Context, book: Runbook, options: RunbookOptions, forRun: boolean): RunSettings {
  const chosen = forRun ? ctx.environment() : safely(() => ctx.environmentIfChosen());
  const environment = chosen?.name ?? '<env>';
  return {
    self: selfArgv(),
    configFile: chosen ? ctx.config().file : '<opsctl.yaml>',
    environment,
    params: resolveParams(book, options.param ?? [], { env: environment }),
    yes: ctx.assumeYes,
    depth: Number(ctx.env[DEPTH_VARIABLE]) || 0,
  };
}

function safely<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

export function render(data: RunbookData, style: Style): string {
  if (data.action === 'list') return renderList(data, style);
  if (data.action === 'show') return renderShow(data.runbook, style);
  return renderRun(data, style);
}
