import { CommanderError, Option, type Command } from 'commander';
import { COMMANDS, type CommandName, type CommandSpec } from '../registry/commands.js';
import { baseProgram, type GlobalOptions } from '../registry/program.js';
import { executeCommand } from './execute.js';

/**
 * The whole program; given the argv it will parse, only the command that argv runs (the other 22 cost
 * start-up for nothing: nothing lists or suggests them once a command is named). Without a command there
 * (`--help`, `help logs`, a typo) every command is defined, so help and suggestions read as always.
 */
export function buildProgram(argv?: readonly string[]): Command {
  const program = baseProgram()
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.addHelpText('after', '\nExit codes: 0 ok, 1 failed/unhealthy, 2 usage or config, 3 degraded, 4 locked, 127 tool missing, 130 interrupted.');
  const running = argv && commandIn(program, argv.slice(2));
  for (const spec of COMMANDS) if (running === undefined || running === spec.name) addCommand(program, spec);
  return program;
}

/** The command argv names: its first word that is not a global option or an option's value. */
function commandIn(program: Command, args: readonly string[]): CommandName | undefined {
  const takesValue = new Set(program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.short, o.long]));
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--') return undefined;
    if (!arg.startsWith('-')) return COMMANDS.find((spec) => spec.name === arg)?.name;
    if (takesValue.has(arg)) i += 1;
  }
  return undefined;
}

function addCommand(program: Command, spec: CommandSpec & { name: CommandName }): void {
  const sub = program.command(spec.args ? `${spec.name} ${spec.args}` : spec.name).summary(spec.summary).description(spec.summary);
  for (const option of spec.options ?? []) {
    const added = new Option(option.flags, option.description).default(option.defaultValue);
    sub.addOption(option.hidden ? added.hideHelp() : added);
  }
  sub.addHelpText('after', `\nExamples:\n${spec.examples.map((e) => `  $ ${e}`).join('\n')}`);
  sub.action(async (...params: unknown[]) => {
    const command = params.at(-1) as Command;
    const args = params.slice(0, -2).flat().filter((arg) => arg !== undefined).map(String);
    const code = await executeCommand(spec.name, command.optsWithGlobals<GlobalOptions>(), command.opts(), args);
    process.exitCode = code;
  });
}

export async function main(argv: string[]): Promise<void> {
  // `opsctl status | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  // stderr closed under us (`2>&1 | head -1`, a dropped session): progress has no reader any more, but
  // the operation must still finish, release its lock and write its journal entry.
  process.stderr.on('error', () => undefined);
  const program = buildProgram(argv);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Help and version exit 0; any other parse problem is bad usage.
    const ok = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code) && error.exitCode === 0;
    if (!ok && argv.includes('--json')) await printUsageErrorJson(error);
    process.exitCode = ok ? 0 : 2;
  }
}

async function printUsageErrorJson(error: CommanderError): Promise<void> {
  const [{ UsageError }, { errorDocument }] = await Promise.all([import('../errors.js'), import('./error-document.js')]);
  // Without a command commander prints the help and reports "(outputHelp)".
  const message = error.code === 'commander.help' ? 'No command given.' : error.message.replace(/^error: /, '');
  process.stdout.write(`${errorDocument(new UsageError(message, 'Run opsctl --help to see the commands and options.'))}\n`);
}
