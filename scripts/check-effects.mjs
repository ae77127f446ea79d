#!/usr/bin/env node
// Fails on any file under a folder (default: src) that changes the filesystem itself instead of handing the
// change to the one executor (src/process/effects.ts), which under --dry-run only says `would ...`: a
// forgotten `if (dryRun)` can then never write. Files that must still do it are listed, each with its
// reason, in scripts/effects-allowed.mjs (for src) or <folder>/effects-allowed.json; an entry whose file
// no longer changes anything is an error too, so the list only shrinks.
// Found: fs mutation functions imported by name (also `as` another name, and the Sync forms), used through
// a default or namespace import of fs or its `promises`, fs loaded dynamically, and a file opened for writing.
// Usage: node scripts/check-effects.mjs [folder]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BASE = ['writeFile', 'appendFile', 'mkdir', 'mkdtemp', 'rm', 'rmdir', 'unlink', 'rename', 'symlink', 'link', 'truncate', 'ftruncate', 'copyFile', 'cp', 'chmod', 'fchmod', 'lchmod', 'chown', 'lchown', 'utimes', 'lutimes', 'futimes', 'write', 'writev'];
const MUTATING = new Set([...BASE, ...BASE.map((name) => `${name}Sync`), 'createWriteStream']);
const FS_MODULE = String.raw`['"](?:node:)?fs(?:/promises)?['"]`;
const NAMED = new RegExp(String.raw`import\s+(?:type\s+)?(?:(\w+)\s*,\s*)?\{([^}]*)\}\s*from\s*${FS_MODULE}`, 'g');
const WHOLE = new RegExp(String.raw`import\s+(?:\*\s+as\s+)?(\w+)\s+from\s*${FS_MODULE}`, 'g');
const DYNAMIC = new RegExp(String.raw`(?:import|require)\s*\(\s*${FS_MODULE}\s*\)`);
/** open(file, 'w' | 'a' | 'r+' ...) or an O_ flag that writes: the file handle can then change it. */
const OPEN_FOR_WRITING = /\bopen(?:Sync)?\(\s*[^,()]+,\s*(['"`])[^'"`]*[wa+][^'"`]*\1|\bO_(?:WRONLY|RDWR|APPEND|TRUNC|CREAT)\b/;

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** What the file does to the filesystem itself, one phrase each; empty when it changes nothing. */
export function findMutations(source) {
  const text = stripComments(source);
  const found = new Set();
  const holders = [];
  for (const [, defaultName, list] of text.matchAll(NAMED)) {
    if (defaultName) holders.push(defaultName);
    for (const specifier of list.split(',').map((s) => s.trim()).filter(Boolean)) {
      if (specifier.startsWith('type ')) continue;
      const [imported, local = imported] = specifier.split(/\s+as\s+/);
      if (MUTATING.has(imported)) found.add(imported === local ? imported : `${imported} (as ${local})`);
      if (imported === 'promises') holders.push(local);
    }
  }
  for (const [, name] of text.matchAll(WHOLE)) holders.push(name);
  for (const holder of holders) {
    for (const [, via, name] of text.matchAll(new RegExp(String.raw`\b${holder}\.(promises\.)?(\w+)\b`, 'g'))) {
      if (MUTATING.has(name)) found.add(`${holder}.${via ?? ''}${name}`);
    }
  }
  if (DYNAMIC.test(text)) found.add('fs loaded dynamically');
  if (OPEN_FOR_WRITING.test(text)) found.add('a file opened for writing');
  return [...found];
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(full);
    return /\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

async function allowedFor(root) {
  const own = path.join(root, 'effects-allowed.json');
  if (existsSync(own)) return JSON.parse(readFileSync(own, 'utf8'));
  const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'src');
  return path.resolve(root) === src ? (await import('./effects-allowed.mjs')).ALLOWED : {};
}

async function main() {
  const root = path.normalize(process.argv[2] ?? 'src');
  const allowed = await allowedFor(root);
  const show = (file) => path.relative(root, file).split(path.sep).join('/');
  const changing = new Map(listFiles(root).map((file) => [show(file), findMutations(readFileSync(file, 'utf8'))]).filter(([, found]) => found.length > 0));
  const unlisted = [...changing].sort(([a], [b]) => a.localeCompare(b)).filter(([file]) => !(file in allowed));
  const stale = Object.keys(allowed).filter((file) => !changing.has(file));
  for (const [file, found] of unlisted) console.error(`changes files itself: ${file} (${found.join(', ')})`);
  for (const file of stale) console.error(`allowed but changes nothing itself any more: ${file} (take it off the list)`);
  if (unlisted.length === 0 && stale.length === 0) {
    console.log(`No file under ${root} changes the filesystem outside the effects seam, but the ${Object.keys(allowed).length} allowed.`);
    return;
  }
  console.error(
    `\n${unlisted.length} file(s) changing the filesystem themselves, ${stale.length} stale allowance(s). Hand the change to ctx.effects.apply ` +
      '(src/process/effects.ts) so --dry-run shows it instead, or allow the file with its reason in scripts/effects-allowed.mjs.',
  );
  process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
