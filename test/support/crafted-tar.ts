/** Hostile archives for tests: a tar.gz written header by header with the tar package, as a foreign tool or an attacker could. */
import { gzipSync } from 'node:zlib';
import * as tar from 'tar';

export interface CraftedEntry {
  path: string;
  type: 'File' | 'Directory' | 'SymbolicLink' | 'Link';
  linkpath?: string;
  body?: string;
}

/** The gzipped tar holding exactly these entries, in this order (duplicates and all). */
export function craftTar(entries: readonly CraftedEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    const header = new tar.Header({ path: e.path, type: e.type, linkpath: e.linkpath ?? '', size: body.length, mode: e.type === 'Directory' ? 0o755 : 0o644, mtime: new Date(0) });
    header.encode();
    blocks.push(header.block!, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/**
 * Issue 13, item 1: each link is harmless as text, yet e2 resolves two levels up (s is uploads, esc
 * the project, e2 its parent), so `stolen` would hard-link <project>/../victim/secret.txt.
 */
export const ESCAPE_BY_LINK_CHAIN: readonly CraftedEntry[] = [
  { path: 'uploads/', type: 'Directory' },
  { path: 'uploads/s', type: 'SymbolicLink', linkpath: '.' },
  { path: 'uploads/esc', type: 'SymbolicLink', linkpath: 's/..' },
  { path: 'uploads/e2', type: 'SymbolicLink', linkpath: 'esc/..' },
  { path: 'uploads/stolen', type: 'Link', linkpath: 'uploads/e2/victim/secret.txt' },
  { path: 'uploads/planted', type: 'SymbolicLink', linkpath: 'e2/victim' },
];
