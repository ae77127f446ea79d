import { Option, type Command } from 'commander';
import { COMMANDS } from '../registry/commands.js';
import { baseProgram } from '../registry/program.js';

export interface CompletionOption {
  /** -e and --env of one option. */
  names: string[];
  description: string;
  takesValue: boolean;
}

export interface CompletionCommand {
  name: string;
  summary: string;
  options: CompletionOption[];
  /** Words its first argument can be, when its args name them: `[bash|zsh|powershell]`. */
  choices: string[];
}

export interface CompletionModel {
  commands: CompletionCommand[];
  /** The program's options, valid before and after any command (hidden ones left out). */
  globals: CompletionOption[];
  /** Global options followed by a value: the word after one is its value, not the command. */
  valueFlags: string[];
  /** The options whose value is an environment name and a config file. */
  environmentFlags: string[];
  configFlags: string[];
}

/** Built from the COMMANDS table and the program's own options, so a new command or option completes without edits here. */
export function completionModel(): CompletionModel {
  const program = baseProgram();
  const commands = COMMANDS.map((spec) => ({
    name: spec.name,
    summary: spec.summary,
    options: [...(spec.options ?? []).map((o) => toOption(new Option(o.flags, o.description))), helpOption(program)],
    choices: argumentChoices(spec.args),
  }));
  const globals = program.createHelp().visibleOptions(program).map(toOption);
  return {
    commands,
    globals,
    // Hidden ones too (--environment): they still take a value. A command's own options come after it.
    valueFlags: program.options.map(toOption).filter((o) => o.takesValue).flatMap((o) => o.names),
    environmentFlags: flagsOf(program, 'env', 'environment'),
    configFlags: flagsOf(program, 'config'),
  };
}

function toOption(option: Option): CompletionOption {
  return { names: [option.short, option.long].filter((n): n is string => Boolean(n)), description: option.description, takesValue: option.required || option.optional };
}

function helpOption(program: Command): CompletionOption {
  return { names: ['-h', '--help'], description: program.createHelp().visibleOptions(program).find((o) => o.long === '--help')?.description ?? 'display help', takesValue: false };
}

/** `[bash|zsh|powershell]` -> its words; `<action>` or `<command...>` name no words. */
function argumentChoices(args: string | undefined): string[] {
  const first = /^[[<]([^\]>]+)[\]>]/.exec(args ?? '')?.[1];
  return first?.includes('|') ? first.split('|') : [];
}

function flagsOf(program: Command, ...attributes: string[]): string[] {
  return program.options.filter((o) => attributes.includes(o.attributeName())).flatMap((o) => [o.short, o.long].filter((n): n is string => Boolean(n)));
}
