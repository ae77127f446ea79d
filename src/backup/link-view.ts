import { lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';

/** What stands at a path: a folder, a file (or anything that is not followed), a link, or nothing. */
export type PathNode = { kind: 'dir' | 'file' | 'missing' } | { kind: 'link'; target: string };

/** The kernel gives up after 40 links in one lookup (ELOOP); so does a check. */
const MAX_LINKS = 40;

/**
 * The tree as the kernel will see it: the disk, with what an archive lays over it (later entries
 * replacing earlier ones, as tar does). Paths are resolved through every link either holds, so a
 * check says where a write or a link really lands, not where its text seems to point.
 */
export class LinkView {
  private readonly overlay = new Map<string, PathNode>();
  /** Paths the archive replaced: what was on disk below them is gone. */
  private readonly replaced = new Set<string>();
  private readonly diskCache: Map<string, PathNode> | undefined;

  /** cache: the disk does not change while this view is used (a check before writing). */
  constructor(options: { cache: boolean }) {
    this.diskCache = options.cache ? new Map() : undefined;
  }

  /** Records what an entry leaves at `location` (a path already resolved through links). */
  set(location: string, node: PathNode): void {
    const before = this.lookup(location);
    // tar keeps a folder that is there for a folder entry; anything else is unlinked and made anew.
    if (!(before.kind === 'dir' && node.kind === 'dir')) this.replaced.add(location);
    this.overlay.set(location, node);
  }

  /** The archive put something at `location`. */
  laid(location: string): boolean {
    return this.overlay.has(location);
  }

  lookup(location: string): PathNode {
    const laid = this.overlay.get(location);
    if (laid) return laid;
    for (let up = path.dirname(location); ; up = path.dirname(up)) {
      if (this.replaced.has(up)) return { kind: 'missing' };
      if (path.dirname(up) === up) break;
    }
    const cached = this.diskCache?.get(location);
    if (cached) return cached;
    const node = onDisk(location);
    this.diskCache?.set(location, node);
    return node;
  }

  /**
   * Where an absolute path lands, following links in every folder on the way and, with followLast,
   * in the last name too; undefined for a loop. A name that does not exist is taken as written.
   */
  resolve(target: string, followLast: boolean): string | undefined {
    let done = path.parse(target).root;
    const todo = names(target);
    let links = 0;
    while (todo.length > 0) {
      const name = todo.shift()!;
      if (name === '.' || name === '') continue;
      if (name === '..') {
        done = path.dirname(done);
        continue;
      }
      const next = path.join(done, name);
      const node = todo.length > 0 || followLast ? this.lookup(next) : undefined;
      if (node?.kind !== 'link') {
        done = next;
        continue;
      }
      if ((links += 1) > MAX_LINKS) return undefined;
      if (path.isAbsolute(node.target)) done = path.parse(path.resolve(node.target)).root;
      todo.unshift(...names(node.target));
    }
    return done;
  }
}

function names(p: string): string[] {
  const rest = path.isAbsolute(p) ? p.slice(path.parse(path.resolve(p)).root.length) : p;
  return rest.split(process.platform === 'win32' ? /[\\/]/ : '/');
}

function onDisk(location: string): PathNode {
  try {
    const stat = lstatSync(location);
    if (stat.isSymbolicLink()) return { kind: 'link', target: readlinkSync(location) };
    return { kind: stat.isDirectory() ? 'dir' : 'file' };
  } catch {
    return { kind: 'missing' };
  }
}
