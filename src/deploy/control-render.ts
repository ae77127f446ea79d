import { formatDuration } from '../config/duration.js';
import type { Style } from '../output/style.js';
import type { CommandResult, Context } from '../context.js';
import { UsageError } from '../errors.js';
import { controlService, type ControlAction, type ControlResult } from './control.js';

const DONE = { restart: 'Restarted', stop: 'Stopped', start: 'Started' } as const;

export function renderControl(data: ControlResult, style: Style): string {
  const where = `${data.service} on ${data.environment} (${data.target})`;
  if (data.dryRun) return style.dim(`Dry run: would ${data.action} ${where}. Nothing was changed.`);
  const counts = `${data.before} -> ${data.after ?? '?'} running`;
  if (!data.ok) {
    const lines = [`${style.red('✖')} ${data.action} of ${where} done, but it failed the health gate: ${data.error}. ${counts}.`];
    if (data.lastLines.length > 0) lines.push(style.bold('Last lines since the restart (stderr and errors):'), ...data.lastLines.map((l) => `  ${style.dim(l)}`));
    lines.push(style.dim(`Look at it: opsctl status -e ${data.environment}, opsctl logs -e ${data.environment} --level error --since 15m.`));
    return lines.join('\n');
  }
  const gate = data.health ? `, healthy ${data.health.passes} times in a row` : data.deployed || data.action === 'stop' ? '' : ' (not the deployed service: no health gate)';
  return `${style.green('✔')} ${DONE[data.action]} ${where} in ${formatDuration(data.durationMs)}: ${counts}${gate}.`;
}

/** The run and render of `opsctl restart|stop|start [<service>]`: one command module each, the same shape. */
export function controlCommand(action: ControlAction) {
  return {
    async run(ctx: Context, _options: Record<string, never>, args: string[]): Promise<CommandResult<ControlResult>> {
      const [service, extra] = args;
      if (extra !== undefined) throw new UsageError(`Unexpected argument "${extra}".`, `${action} takes at most one service: opsctl ${action} [<service>].`);
      const result = await controlService(ctx, ctx.environment(), action, service);
      return { data: result, exitCode: result.ok ? 0 : 1 };
    },
    render: renderControl,
  };
}
