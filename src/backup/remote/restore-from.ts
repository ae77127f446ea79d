import type { SelectedEnvironment } from '../../config/select.js';
import type { Context } from '../../context.js';
import { restoreSet, type RestoreData, type RestoreOptions } from '../restore-set.js';
import { downloadSet, findRemoteSet, withScratch } from './download.js';
import { oneRemote } from './spec.js';

/**
 * restore <id> --from <remote>: the set is downloaded into a scratch folder beside the local sets, checked
 * against its manifest, then restored exactly as a local set (verify, confirm, safety backup into the
 * backup folder, each part). The scratch folder is removed afterwards, whatever happened.
 */
export async function restoreFromRemote(ctx: Context, env: SelectedEnvironment, dir: string, id: string, options: RestoreOptions): Promise<RestoreData> {
  const remote = oneRemote(env, options.from);
  const set = await findRemoteSet(ctx, remote, id);
  return withScratch(env, dir, `from-${remote.name}-${set.id}`, async (scratch) => {
    await downloadSet(ctx, remote, set, scratch);
    return restoreSet(ctx, env, dir, set.id, options, { environment: env.name, dir: scratch });
  });
}
