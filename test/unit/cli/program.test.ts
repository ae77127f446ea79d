import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/main.js';
import { COMMANDS } from '../../../src/registry/commands.js';

const optionFlags = (program: ReturnType<typeof buildProgram>, name: string) => program.commands.find((c) => c.name() === name)?.options.map((o) => o.flags);

describe('the program built for an argv', () => {
  const full = buildProgram();

  it('defines only the command that runs, with all its options, wherever the global options and their values stand', () => {
    expect(optionFlags(full, 'logs')).toContain('-n, --lines <count>');
    expect(optionFlags(full, 'deploy')?.length).toBeGreaterThan(3);
    for (const argv of [['logs', '-n', '20'], ['-e', 'logs', 'logs'], ['--config', 'status', 'logs', '--json'], ['--timeout', '5s', '--json', 'logs']]) {
      const program = buildProgram(['node', 'opsctl', ...argv]);
      expect(optionFlags(program, 'logs')).toEqual(optionFlags(full, 'logs'));
      expect(program.commands.map((c) => c.name())).toEqual(['logs']);
    }
  });

  it('defines every command with its options when argv runs none (help, a typo, only options)', () => {
    for (const argv of [[], ['--help'], ['help', 'logs'], ['logz'], ['-e', 'prod'], ['--', 'logs']]) {
      const program = buildProgram(['node', 'opsctl', ...argv]);
      for (const spec of COMMANDS) expect(optionFlags(program, spec.name)).toEqual(optionFlags(full, spec.name));
    }
  });
});
