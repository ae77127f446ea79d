import type { CommandResult, Context } from '../context.js';
import { UsageError } from '../errors.js';
import type { Style } from '../output/style.js';

export interface CompletionData {
  shell: string | null;
  script: string | null;
  environments: string[] | null;
}

const SHELLS = ['bash', 'zsh', 'powershell'] as const;

export async function run(ctx: Context, options: { environments?: boolean; words?: string }, args: string[]): Promise<CommandResult<CompletionData>> {
  if (options.words !== undefined) {
    const { listWords } = await import('../completion/environments.js');
    return { data: { shell: null, script: null, environments: await listWords(ctx, options.words) } };
  }
  if (options.environments) {
    const { environmentNames } = await import('../completion/environments.js');
    return { data: { shell: null, script: null, environments: environmentNames(ctx) } };
  }
  const shell = args[0];
  if (!SHELLS.includes(shell as (typeof SHELLS)[number])) {
    throw new UsageError(shell ? `No completion for the shell "${shell}".` : 'Which shell?', `Use one of: ${SHELLS.map((s) => `opsctl completion ${s}`).join(', ')}.`);
  }
  const { completionModel } = await import('../completion/model.js');
  const model = completionModel();
  const script =
    shell === 'bash'
      ? (await import('../completion/bash.js')).bashScript(model)
      : shell === 'zsh'
        ? (await import('../completion/zsh.js')).zshScript(model)
        : (await import('../completion/powershell.js')).powershellScript(model);
  return { data: { shell: shell!, script, environments: null } };
}

/** The script, or one environment name a line: exactly what a shell reads. */
export function render(data: CompletionData, _style: Style): string {
  return data.environments ? data.environments.join('\n') : (data.script ?? '').trimEnd();
}
