import { lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** What an archive entry says: its path, type and, for links, where it points. */
export interface EntryHeader {
  path: string;
  type: string;
  linkpath?: string | undefined;
}

const WRITABLE = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link']);

/**
 * The folders and files a restore may write: the current config's backup.files, never the
 * archive's own idea of them. An entry passes when its path, the target of its link, and every
 * folder on the way that is a link on disk all stay inside these roots.
 */
export class AllowedRoots {
  private readonly roots: string[];
  private readonly realRoots: string[];

  constructor(
    private readonly cwd: string,
    paths: readonly string[],
  ) {
    this.roots = paths.map((p) => path.resolve(cwd, p));
    this.realRoots = this.roots.map((root) => realOr(root));
  }

  /** Why the entry may not be written, or undefined when it may. */
  refusal(entry: EntryHeader): string | undefined {
    const target = path.resolve(this.cwd, entry.path);
    if (!WRITABLE.has(entry.type)) return `${entry.path}: a ${entry.type} entry`;
    if (!within(target, this.roots)) return `${entry.path}: outside backup.files`;
    if (entry.type === 'SymbolicLink' || entry.type === 'Link') {
      const link = entry.linkpath ?? '';
      // Hard link names are archive paths; symlink targets are relative to the link's folder.
      const points = entry.type === 'Link' ? path.resolve(this.cwd, link) : path.resolve(path.dirname(target), link);
      if (!within(points, this.roots)) return `${entry.path}: a link to ${link}, outside backup.files`;
    }
    return this.linkOnDisk(target);
  }

  /** A folder (or the file itself) that is a symlink on disk must lead inside the roots too. */
  private linkOnDisk(target: string): string | undefined {
    const root = this.roots.find((r) => within(target, [r]))!;
    const steps = path.relative(root, target).split(path.sep).filter(Boolean);
    let current = root;
    for (let i = 0; i <= steps.length; i += 1) {
      if (i > 0) current = path.join(current, steps[i - 1]!);
      let isLink: boolean;
      try {
        isLink = lstatSync(current).isSymbolicLink();
      } catch {
        return undefined; // nothing on disk from here down: nothing to follow
      }
      if (!isLink) continue;
      let real: string;
      try {
        real = realpathSync(current);
      } catch {
        return `${path.relative(this.cwd, current)} is a dangling link on disk`;
      }
      if (!within(real, [...this.realRoots, ...this.roots])) return `${path.relative(this.cwd, current) || current} is a link on disk leading outside backup.files (${real})`;
    }
    return undefined;
  }
}

function within(target: string, roots: readonly string[]): boolean {
  return roots.some((root) => target === root || target.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
}

function realOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
