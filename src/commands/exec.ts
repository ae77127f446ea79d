import type { CommandResult, Context } from '../context.js';
import { currentRelease, oneOffCommand } from '../deploy/one-off.js';
import { UsageError } from '../errors.js';
import { journalOf, recordOperation } from '../history/journal.js';
import { formatCommand } from '../process/command.js';
import { redact } from '../process/redact.js';
import type { Style } from '../output/style.js';

export interface ExecData {
  environment: string;
  release: string;
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The manuals' `docker-compose exec app ...`: one command in the current release's folder or image, with the environment's variables; journaled. */
export async function run(ctx: Context, _options: unknown, args: string[]): Promise<CommandResult<ExecData>> {
  if (args.length === 0) throw new UsageError('exec needs a command.', 'Put it after --: opsctl exec -e production -- node scripts/report.js');
  const env = ctx.environment();
  const release = await currentRelease(ctx.runner, env);
  const cmd = await oneOffCommand(env, { release, argv: args }, ctx.runner);
  const shown = formatCommand(cmd);
  const body = async (): Promise<ExecData> => {
    const result = await ctx.runner.run(cmd, { allowFailure: true, signal: ctx.signal });
    return { environment: env.name, release: release.sha, command: shown, exitCode: result.exitCode, stdout: redact(result.stdout), stderr: redact(result.stderr) };
  };
  if (ctx.dryRun) return { data: await body() };
  const data = await recordOperation(journalOf(ctx, env), 'exec', async () => {
    const value = await body();
    return { value, result: value.exitCode === 0 ? 'success' : 'failed', details: { release: release.sha, command: shown, exitCode: value.exitCode } };
  });
  return { data, exitCode: data.exitCode === 0 ? 0 : 1 };
}

export function render(data: ExecData, style: Style): string {
  const tail = data.exitCode === 0 ? '' : style.red(`\n${data.command} exited with code ${data.exitCode}`);
  return `${data.stdout}${data.stderr ? style.dim(`${data.stdout ? '\n' : ''}${data.stderr}`) : ''}${tail}`.trimEnd();
}
