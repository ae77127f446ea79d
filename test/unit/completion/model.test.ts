import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/main.js';
import { COMMANDS, type OptionSpec } from '../../../src/registry/commands.js';
import { bashScript } from '../../../src/completion/bash.js';
import { completionModel } from '../../../src/completion/model.js';
import { powershellScript } from '../../../src/completion/powershell.js';
import { zshScript } from '../../../src/completion/zsh.js';

const model = completionModel();

describe('completionModel', () => {
  it('has every command of the COMMANDS table with each of its options, and -h/--help', () => {
    expect(model.commands.map((c) => c.name)).toEqual(COMMANDS.map((spec) => spec.name));
    for (const spec of COMMANDS) {
      const names = model.commands.find((c) => c.name === spec.name)!.options.flatMap((o) => o.names);
      for (const option of spec.options ?? []) for (const flag of option.flags.match(/--?[\w-]+/g)!) expect(names).toContain(flag);
      expect(names).toEqual(expect.arrayContaining(['-h', '--help']));
    }
  });
  it('has the program\'s visible global options, and knows which take a value', () => {
    const visible = buildProgram().options.filter((o) => !o.hidden).flatMap((o) => [o.short, o.long].filter(Boolean));
    expect(model.globals.flatMap((o) => o.names)).toEqual(expect.arrayContaining(visible as string[]));
    expect(model.globals.flatMap((o) => o.names)).not.toContain('--environment');
    expect(model.valueFlags).toEqual(expect.arrayContaining(['-e', '--env', '--environment', '-c', '--config', '--timeout']));
    expect(model.valueFlags).not.toContain('--json');
    expect(model.environmentFlags).toEqual(['-e', '--env', '--environment']);
    expect(model.configFlags).toEqual(['-c', '--config']);
  });
  it('takes argument words from args written as [a|b|c] only', () => {
    expect(model.commands.find((c) => c.name === 'completion')!.choices).toEqual(['bash', 'zsh', 'powershell']);
    expect(model.commands.find((c) => c.name === 'lock')!.choices).toEqual([]);
  });
});

describe('actions and option values come from the COMMANDS table', () => {
  it('every command\'s actions and names, every option\'s choices; --help is not offered twice after a command', () => {
    for (const spec of COMMANDS) {
      const command = model.commands.find((c) => c.name === spec.name)!;
      expect(command.actions).toEqual(spec.actions ?? []);
      for (const option of spec.options ?? []) if (option.choices) expect(command.options.find((o) => option.flags.includes(o.names.at(-1)!))!.choices).toEqual(option.choices);
    }
    expect(model.commandGlobals.flatMap((o) => o.names)).not.toContain('--help');
  });
  it('every option\'s list of names (words): remotes after restore --from and backup --remote/--from, environments after --from-env', () => {
    for (const spec of COMMANDS) {
      const command = model.commands.find((c) => c.name === spec.name)!;
      for (const option of spec.options ?? []) expect(command.options.find((o) => option.flags.includes(o.names.at(-1)!))!.words).toBe((option as OptionSpec).words);
    }
    const words = (command: string, flag: string) => model.commands.find((c) => c.name === command)!.options.find((o) => o.names.includes(flag))!.words;
    expect([words('restore', '--from'), words('restore', '--from-env'), words('backup', '--remote'), words('backup', '--from')]).toEqual(['remotes', 'environments', 'remotes', 'remotes']);
  });
});

describe('scripts', () => {
  it.each([
    ['bash', bashScript(model), 'complete -o default -F _opsctl opsctl'],
    ['zsh', zshScript(model), 'compdef _opsctl opsctl'],
    ['powershell', powershellScript(model), "Register-ArgumentCompleter -Native -CommandName 'opsctl'"],
  ])('%s: registers itself, names every command and asks opsctl for the environments', (_shell, script, registers) => {
    expect(script).toContain(registers);
    for (const spec of COMMANDS) expect(script).toContain(spec.name);
    expect(script).toContain('completion --environments');
    expect(script).toContain('completion --words');
  });
  it('bash and zsh: each option with a list asks for it, unless the word being completed is an option', () => {
    expect(bashScript(model)).toContain(`'restore --from-env') [[ "$cur" == -* ]] || { _opsctl_words 'environments'; return 0; } ;;`);
    expect(bashScript(model)).toContain(`'backup --remote') [[ "$cur" == -* ]] || { _opsctl_words 'remotes'; return 0; } ;;`);
    expect(zshScript(model)).toContain(`('restore --from') [[ $cur == -* ]] || { _opsctl_words 'remotes'; return } ;;`);
  });
  it('powershell: maps "<command> <option>" to its list and passes the -c and -e of the line', () => {
    const script = powershellScript(model);
    expect(script).toContain("'restore --from' = 'remotes'");
    expect(script).toContain("'restore --from-env' = 'environments'");
    expect(script).toContain('completion --words $list');
    expect(script).toContain("$envArgs = @('-e', $words[$i + 1])");
  });
  it('powershell: quotes with doubled single quotes and lists options per command', () => {
    const script = powershellScript({ ...model, commands: [{ name: 'status', summary: "it's", options: [{ names: ['-n', '--history'], description: '', takesValue: true }], choices: [] }] });
    expect(script).toContain("'status' = @('-n', '--history')");
    expect(script).toContain("$environmentFlags = @('-e', '--env', '--environment')");
    // Balanced braces: a script PowerShell could not parse would show up as an unbalanced block.
    expect(script.split('{').length).toBe(script.split('}').length);
  });
  it('zsh: escapes colons in names and quotes in descriptions for _describe', () => {
    const script = zshScript({ ...model, commands: [{ name: 'a:b', summary: "it's here", options: [], choices: [] }] });
    expect(script).toContain(`'a\\:b:it'\\''s here'`);
  });
});
