import type { Style } from '../../output/style.js';
import { formatBytes, plural, renderTable } from '../../output/table.js';
import { renderPrune } from '../render.js';
import type { RemoteList } from './actions.js';
import type { RemotePrune } from './prune.js';
import type { Upload } from './upload.js';

export function renderRemoteList(lists: readonly RemoteList[], style: Style): string {
  const out: string[] = [];
  for (const list of lists) {
    out.push(style.bold(`remote ${list.remote}`));
    if (list.error) out.push(style.red(`cannot list: ${list.error}`));
    else if (list.sets.length === 0) out.push(style.dim('no complete set there yet'));
    else {
      const rows = list.sets.map((s) => [s.kind === 'safety' ? `${s.id} ${style.yellow('safety')}` : s.id, s.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), formatBytes(s.bytes), s.parts.join(', ')]);
      out.push(renderTable(style, ['id', 'created', 'size', 'parts'], rows));
    }
    for (const item of list.incomplete) out.push(style.yellow(`not complete there: ${item.id} (${item.problem})`));
  }
  return out.length > 0 ? out.join('\n') : style.dim('No backup.remotes configured.');
}

export function renderUploads(uploads: readonly Upload[], style: Style): string {
  return uploads.map((u) => (u.uploaded.length > 0 ? `${style.green('✔')} ${u.remote}: uploaded ${u.uploaded.join(', ')}` : style.dim(`${u.remote}: nothing missing`))).join('\n');
}

export function renderRemotePrunes(prunes: readonly RemotePrune[], dryRun: boolean, style: Style): string {
  return prunes.map((p) => [style.bold(`remote ${p.remote}`), renderPrune({ dryRun, plan: p.plan, removed: p.removed }, style)].join('\n')).join('\n');
}

export function renderPulled(id: string, remote: string, dryRun: boolean, style: Style): string {
  return dryRun ? style.dim(`Dry run: would pull ${id} from ${remote}.`) : `${style.green('✔')} Pulled ${style.bold(id)} from ${remote}: ${plural(1, 'set')} verified against its manifest, now local`;
}
