import path from 'node:path';
import { LinkView, type PathNode } from './link-view.js';

/** What an archive entry says: its path, type and, for links, where it points. */
export interface EntryHeader {
  path: string;
  type: string;
  linkpath?: string | undefined;
}

const WRITABLE = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link']);

/**
 * The folders and files a restore may write: the current config's backup.files, never the archive's
 * own idea of them. The rule: every entry's folder, every hard link's source and, in the finished
 * tree, every symlink's target must resolve (through the links on disk and those the archive makes)
 * to a place inside a listed path or where a listed path leads on disk now. Text is not trusted:
 * `a -> s/..` with `s -> .` leaves the folder although neither says `../..`.
 */
export class AllowedRoots {
  /** As the config lists them, resolved against its folder. */
  private readonly roots: string[];
  /** Where each listed path is, and where it leads when it is a link, on disk now. */
  private readonly places: string[];

  constructor(
    private readonly cwd: string,
    paths: readonly string[],
  ) {
    this.roots = paths.map((p) => path.resolve(cwd, p));
    const disk = new LinkView({ cache: false });
    this.places = this.roots.flatMap((root) => [disk.resolve(root, false), disk.resolve(root, true)]).filter((p): p is string => p !== undefined);
  }

  /** Why the entry may not be written into the tree `view` shows, or undefined when it may. */
  refusal(entry: EntryHeader, view: LinkView): string | undefined {
    const target = path.resolve(this.cwd, entry.path);
    const link = entry.linkpath ?? '';
    if (!WRITABLE.has(entry.type)) return `${entry.path}: a ${entry.type} entry`;
    if (!within(target, this.roots)) return `${entry.path}: outside backup.files`;
    const on = this.leavesThrough(target, view, false);
    if (on) return `${entry.path}: ${on}`;
    if (entry.type === 'Link') {
      // Hard link names are archive paths, and link(2) resolves them through links too.
      const source = path.resolve(this.cwd, link);
      if (!within(source, this.roots)) return `${entry.path}: a link to ${link}, outside backup.files`;
      const via = this.leavesThrough(source, view, true);
      if (via) return `${entry.path}: a hard link to ${link}, but ${via}`;
    }
    if (entry.type === 'SymbolicLink') {
      const points = path.resolve(path.dirname(target), link);
      if (!within(points, this.roots)) return `${entry.path}: a link to ${link}, outside backup.files`;
      // As the tree stands now (while extracting: the real disk); linkRefusal judges the finished tree.
      const folder = view.resolve(path.dirname(target), true);
      const lands = folder === undefined ? undefined : view.resolve(path.isAbsolute(link) ? link : `${folder}${path.sep}${link}`, true);
      const why = this.outside(entry, lands);
      if (why) return why;
    }
    return undefined;
  }

  /** Lays the entry over the view; returns where it lands (undefined: its folder is a link loop, nothing is made). */
  lay(entry: EntryHeader, view: LinkView): string | undefined {
    const target = path.resolve(this.cwd, entry.path);
    const location = join(view.resolve(path.dirname(target), true), path.basename(target));
    if (location !== undefined) view.set(location, nodeOf(entry));
    return location;
  }

  /** A symlink of the finished tree: why it leads outside (or loops), or undefined. */
  linkRefusal(entry: EntryHeader, location: string, view: LinkView): string | undefined {
    const node = view.lookup(location);
    if (node.kind !== 'link' || node.target !== entry.linkpath) return undefined; // replaced by a later entry
    return this.outside(entry, view.resolve(location, true));
  }

  /** Why a symlink that resolves to `lands` (undefined: a loop) may not be made, or undefined. */
  private outside(entry: EntryHeader, lands: string | undefined): string | undefined {
    if (lands === undefined) return `${entry.path}: a link to ${entry.linkpath} that loops`;
    if (!within(lands, this.places)) return `${entry.path}: a link to ${entry.linkpath}, which leads outside backup.files (to ${lands})`;
    return undefined;
  }

  /**
   * The first link on the way to `target` (and `target` itself with followLast) that leads outside,
   * in words; undefined when the path lands inside.
   */
  private leavesThrough(target: string, view: LinkView, followLast: boolean): string | undefined {
    const lands = followLast ? view.resolve(target, true) : join(view.resolve(path.dirname(target), true), path.basename(target));
    if (lands !== undefined && within(lands, this.places)) return undefined;
    const root = this.roots.find((r) => within(target, [r])) ?? target;
    const steps = path.relative(root, target).split(path.sep).filter(Boolean);
    if (!followLast) steps.pop();
    let step = root;
    for (const name of ['', ...steps]) {
      step = path.join(step, name);
      const reached = view.resolve(step, true);
      if (reached !== undefined && within(reached, this.places)) continue;
      const from = view.laid(view.resolve(step, false) ?? step) ? 'in the archive' : 'on disk';
      return `${path.relative(this.cwd, step) || step} is a link ${from} leading outside backup.files (to ${reached ?? 'a loop'})`;
    }
    return `${path.relative(this.cwd, target)} leads outside backup.files`;
  }
}

function join(folder: string | undefined, name: string): string | undefined {
  return folder === undefined ? undefined : path.join(folder, name);
}

function nodeOf(entry: EntryHeader): PathNode {
  if (entry.type === 'Directory') return { kind: 'dir' };
  if (entry.type === 'SymbolicLink') return { kind: 'link', target: entry.linkpath ?? '' };
  return { kind: 'file' };
}

export function within(target: string, roots: readonly string[]): boolean {
  return roots.some((root) => target === root || target.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
}
