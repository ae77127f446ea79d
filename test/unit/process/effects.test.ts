import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requireTool } from '../../support/real-tools.js';
import { createEffects, describeEffect, type Effect } from '../../../src/process/effects.js';
import { registerSecret } from '../../../src/process/redact.js';

// Links to folders and files: Wine cannot make them (gate `links`); real Windows and Linux run these.
const links = requireTool('links');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'opsctl-effects-'));
  mkdirSync(path.join(dir, 'a'));
  mkdirSync(path.join(dir, 'b'));
  writeFileSync(path.join(dir, 'old.txt'), 'old\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Every kind of effect once, against the temp folder. */
function everyKind(ran: string[]): Effect[] {
  return [
    { kind: 'write', file: path.join(dir, 'new.json'), data: '{"a":1}\n', atomic: true },
    { kind: 'append', file: path.join(dir, 'old.txt'), data: 'more\n' },
    { kind: 'mkdir', dir: path.join(dir, 'made', 'deep') },
    { kind: 'rename', from: path.join(dir, 'b'), to: path.join(dir, 'c') },
    { kind: 'link', link: path.join(dir, 'current'), target: path.join(dir, 'a') },
    { kind: 'remove', target: path.join(dir, 'a'), recursive: true },
    { kind: 'other', what: 'post an alert to the webhook', run: async () => void ran.push('posted') },
  ];
}

function listing(): string[] {
  return readdirSync(dir, { recursive: true }).map(String).sort();
}

describe('effects', () => {
  it('under --dry-run touch nothing, run nothing, and say each as "would ..."', async () => {
    const lines: string[] = [];
    const ran: string[] = [];
    const effects = createEffects({ dryRun: true, log: (line) => lines.push(line) });
    const before = listing();
    for (const effect of everyKind(ran)) expect(await effects.apply(effect)).toBe(false);
    expect(listing()).toEqual(before);
    expect(readFileSync(path.join(dir, 'old.txt'), 'utf8')).toBe('old\n');
    expect(ran).toEqual([]);
    expect(lines).toEqual(effects.planned());
    expect(lines).toEqual([
      `would write ${path.join(dir, 'new.json')} (8 bytes)`,
      `would append 5 bytes to ${path.join(dir, 'old.txt')}`,
      `would create folder ${path.join(dir, 'made', 'deep')}`,
      `would rename ${path.join(dir, 'b')} to ${path.join(dir, 'c')}`,
      `would point ${path.join(dir, 'current')} at ${path.join(dir, 'a')}`,
      `would remove ${path.join(dir, 'a')} and everything in it`,
      'would post an alert to the webhook',
    ]);
  });

  it.skipIf(!links)('otherwise carry each one out, as the filesystem shows', async () => {
    const ran: string[] = [];
    const effects = createEffects({ dryRun: false, log: () => undefined });
    const [write, append, mkdir, rename, link, remove, other] = everyKind(ran);
    for (const effect of [write!, append!, mkdir!, rename!, link!]) expect(await effects.apply(effect)).toBe(true);
    expect(readFileSync(path.join(dir, 'new.json'), 'utf8')).toBe('{"a":1}\n');
    expect(readFileSync(path.join(dir, 'old.txt'), 'utf8')).toBe('old\nmore\n');
    expect(lstatSync(path.join(dir, 'made', 'deep')).isDirectory()).toBe(true);
    expect(existsSync(path.join(dir, 'b'))).toBe(false);
    expect(lstatSync(path.join(dir, 'c')).isDirectory()).toBe(true);
    expect(realpathSync(path.join(dir, 'current'))).toBe(realpathSync(path.join(dir, 'a')));
    // Switching the link again points it at the new folder and leaves no temporary link behind.
    await effects.apply({ kind: 'link', link: path.join(dir, 'current'), target: path.join(dir, 'c') });
    expect(realpathSync(path.join(dir, 'current'))).toBe(realpathSync(path.join(dir, 'c')));
    await effects.apply(remove!);
    await effects.apply(other!);
    expect(existsSync(path.join(dir, 'a'))).toBe(false);
    expect(ran).toEqual(['posted']);
    expect(listing().filter((name) => name.startsWith('.'))).toEqual([]);
    expect(effects.planned()).toEqual([]);
  });

  it('an atomic write that fails leaves neither the file nor its temporary copy', async () => {
    const effects = createEffects({ dryRun: false, log: () => undefined });
    const into = path.join(dir, 'missing-folder', 'state.json');
    await expect(effects.apply({ kind: 'write', file: into, data: 'x', atomic: true })).rejects.toThrow(/ENOENT/);
    expect(listing().filter((name) => name.includes('state.json'))).toEqual([]);
  });

  it('mask secrets in what they say', () => {
    registerSecret('hunter2-secret');
    expect(describeEffect({ kind: 'other', what: 'post to https://hooks.example/hunter2-secret', run: async () => undefined })).toBe('post to https://hooks.example/***');
  });
});
