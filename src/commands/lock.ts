import type { CommandResult, Context } from '../context.js';
import { UsageError } from '../errors.js';
import { recordOperation } from '../history/journal.js';
import { forceRemoveLock, lockedError, readLock, type LockState } from '../history/lock.js';
import { UNREADABLE, type LockInfo } from '../history/lock-file.js';
import type { Style } from '../output/style.js';
import { renderPairs } from '../output/table.js';

export interface LockData {
  environment: string;
  action: 'status' | 'release';
  lock: LockState | null;
  released: LockInfo | null;
}

export async function run(ctx: Context, options: { force?: boolean }, args: string[]): Promise<CommandResult<LockData>> {
  const action = args[0];
  if (action !== 'status' && action !== 'release') {
    throw new UsageError(`Unknown lock action "${action ?? ''}".`, 'Use: opsctl lock status, or opsctl lock release [--force].');
  }
  const env = ctx.environment();
  const lock = (await readLock(env.stateDir, env.name)) ?? null;
  if (action === 'status' || !lock) return { data: { environment: env.name, action, lock, released: null } };
  // A live holder (or one on another host, which cannot be checked from here) is released only on purpose.
  if (!lock.stale && !options.force) throw lockedError(lock);
  if (ctx.dryRun) {
    ctx.log.plan(`would remove the lock of ${env.name} ${lock.invalid ? `(not a valid lock: ${lock.invalid})` : `held by pid ${lock.holder.pid} (${lock.holder.user}@${lock.holder.host})`}`);
    return { data: { environment: env.name, action, lock, released: null } };
  }
  const released = await recordOperation({ stateDir: env.stateDir, environment: env.name, app: env.app, warn: ctx.log.warn }, 'lock-release', async () => {
    const removed = (await forceRemoveLock(env.stateDir, env.name)) ?? null;
    return { value: removed, details: { holder: removed, stale: lock.stale, forced: Boolean(options.force), ...(lock.invalid ? { invalid: lock.invalid } : {}) } };
  });
  return { data: { environment: env.name, action, lock: null, released } };
}

export function render(data: LockData, style: Style): string {
  if (data.released?.pid === UNREADABLE) return `Removed the lock file of ${data.environment}, which was not a valid lock.`;
  if (data.released) return `Released the lock of ${data.environment} held by "${data.released.command}" (pid ${data.released.pid}, ${data.released.user}@${data.released.host}).`;
  if (!data.lock) return style.green(`${data.environment} is not locked.`);
  const { holder, stale, invalid } = data.lock;
  if (invalid) {
    return renderPairs(style, [
      ['environment', data.environment],
      ['held by', `a lock file that is not a valid lock: ${invalid}`],
      ['state', stale ? style.red('stale: the next operation reclaims it') : style.yellow(`reclaimed once it is a few seconds old, or with: opsctl lock release --force`)],
    ]);
  }
  return renderPairs(style, [
    ['environment', data.environment],
    ['held by', `"${holder.command}" pid ${holder.pid} ${holder.user}@${holder.host}`],
    ['since', holder.startedAt],
    ['state', stale ? style.red('stale: the holder is gone; the next operation reclaims it') : style.yellow('held')],
  ]);
}
