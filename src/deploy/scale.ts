import type { SelectedEnvironment } from '../config/select.js';
import type { Context } from '../context.js';
import { OpsError, UsageError } from '../errors.js';
import { journalOf, recordOperation } from '../history/journal.js';
import { withLock } from '../history/lock.js';
import { driverDeps, type DriverFactory } from './session.js';

export interface ScaleResult {
  environment: string;
  target: string;
  dryRun: boolean;
  from: number | null;
  to: number;
  durationMs: number;
}

/** A whole number within deploy.minReplicas..maxReplicas, or a UsageError saying the bounds. */
export function parseReplicas(text: string | undefined, env: SelectedEnvironment): number {
  const { minReplicas, maxReplicas } = env.config.deploy;
  const value = Number(text);
  if (text === undefined || !/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) {
    throw new UsageError(`scale needs a whole number of replicas${text === undefined ? '' : `, not "${text}"`}.`, 'For example: opsctl scale 3 -e production.');
  }
  if (value < minReplicas || value > maxReplicas) {
    throw new UsageError(`${value} replicas is outside ${env.name}'s bounds ${minReplicas}..${maxReplicas}.`, 'Pick a count within them, or change deploy.minReplicas / deploy.maxReplicas in opsctl.yaml.');
  }
  return value;
}

export async function scale(ctx: Context, env: SelectedEnvironment, replicas: number, makeDriver: DriverFactory): Promise<ScaleResult> {
  const started = ctx.now();
  const driver = makeDriver(env, driverDeps(ctx, env));
  const work = async (): Promise<ScaleResult> => {
    const problems = await driver.preflight();
    if (problems.length > 0) throw new OpsError(`${env.name} cannot be scaled:\n  - ${problems.join('\n  - ')}`, 'Fix these first; opsctl doctor checks the tools and daemons.');
    const from = (await driver.replicas()) ?? null;
    if (from === null) throw new UsageError(`${driver.name} is not running on ${env.name}: there is nothing to scale.`, 'Deploy it first: opsctl deploy.');
    const step = ctx.log.step(`scaling ${driver.kind} ${driver.name} from ${from} to ${replicas}`);
    try {
      await driver.scale(replicas, ctx.signal);
      step.done(`${driver.name}: ${replicas} running${ctx.dryRun ? ' (planned)' : ''}`);
    } catch (error) {
      step.fail();
      throw error;
    }
    return { environment: env.name, target: `${driver.kind} ${driver.name}`, dryRun: ctx.dryRun, from, to: replicas, durationMs: ctx.now() - started };
  };
  if (ctx.dryRun) return work();
  return withLock(env.stateDir, env.name, `opsctl scale ${replicas}`, () =>
    recordOperation(journalOf(ctx, env), 'scale', async () => {
      const value = await work();
      return { value, details: { target: value.target, from: value.from, to: value.to } };
    }),
  );
}
