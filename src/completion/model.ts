import { Option, type Command } from 'commander';
import { COMMANDS } from '../registry/commands.js';
import { baseProgram } from '../registry/program.js';

export interface CompletionOption {
  /** -e and --env of one option. */
  names: string[];
  description: string;
  takesValue: boolean;
  /** The values it takes (cleanup --only: docker, temp, ...). */
  choices?: string[];
  /** Its value is a name of this list, asked of `opsctl completion --words <list>` at completion time (restore --from: remotes). */
  words?: string;
}

export interface CompletionCommand {
  name: string;
  summary: string;
  options: CompletionOption[];
  /** Words its first argument can be, when its args name them: `[bash|zsh|powershell]`. */
  choices: string[];
  /** Its actions from the COMMANDS table (backup list, verify, prune): also words of its first argument. */
  actions?: string[];
  /** After these actions comes a name of `list`, printed by `opsctl completion --words <list>`. */
  names?: { after: string[]; list: string } | null;
}

export interface CompletionModel {
  commands: CompletionCommand[];
  /** The program's options, valid before and after any command (hidden ones left out). */
  globals: CompletionOption[];
  /** The globals offered after a command: less -h/--help, which each command lists as its own. */
  commandGlobals: CompletionOption[];
  /** Global options followed by a value: the word after one is its value, not the command. */
  valueFlags: string[];
  /** The options whose value is an environment name and a config file (both passed on to `completion --words`). */
  environmentFlags: string[];
  configFlags: string[];
}

/** Built from the COMMANDS table and the program's own options, so a new command or option completes without edits here. */
export function completionModel(): CompletionModel {
  const program = baseProgram();
  const commands = COMMANDS.map((spec) => ({
    name: spec.name,
    summary: spec.summary,
    options: [...(spec.options ?? []).map((o) => toOption(new Option(o.flags, o.description), o.choices, o.words)), helpOption(program)],
    choices: argumentChoices(spec.args),
    actions: [...(spec.actions ?? [])],
    names: spec.names ? { after: [...spec.names.after], list: spec.names.list } : null,
  }));
  const globals = program.createHelp().visibleOptions(program).map((o) => toOption(o));
  const help = new Set(helpOption(program).names);
  return {
    commands,
    globals,
    commandGlobals: globals.filter((o) => !o.names.some((n) => help.has(n))),
    // Hidden ones too (--environment): they still take a value. A command's own options come after it.
    valueFlags: program.options.map((o) => toOption(o)).filter((o) => o.takesValue).flatMap((o) => o.names),
    environmentFlags: flagsOf(program, 'env', 'environment'),
    configFlags: flagsOf(program, 'config'),
  };
}

function toOption(option: Option, choices: readonly string[] = [], words?: string): CompletionOption {
  const names = [option.short, option.long].filter((n): n is string => Boolean(n));
  return { names, description: option.description, takesValue: option.required || option.optional, choices: [...choices], ...(words ? { words } : {}) };
}

function helpOption(program: Command): CompletionOption {
  return { names: ['-h', '--help'], description: program.createHelp().visibleOptions(program).find((o) => o.long === '--help')?.description ?? 'display help', takesValue: false, choices: [] };
}

/** `[bash|zsh|powershell]` -> its words; `<action>` or `<command...>` name no words. */
function argumentChoices(args: string | undefined): string[] {
  const first = /^[[<]([^\]>]+)[\]>]/.exec(args ?? '')?.[1];
  return first?.includes('|') ? first.split('|') : [];
}

function flagsOf(program: Command, ...attributes: string[]): string[] {
  return program.options.filter((o) => attributes.includes(o.attributeName())).flatMap((o) => [o.short, o.long].filter((n): n is string => Boolean(n)));
}
