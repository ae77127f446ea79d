import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAlive } from './real-cli.js';

const LOCK = path.join(os.tmpdir(), 'opsctl-test-crontab.lock');

/**
 * The user's one real crontab is shared by every test file that writes it (schedule-crontab rewrites it
 * whole, monitor-watches keeps an entry in it for minutes): they take turns through this lock folder,
 * held from before the crontab is saved until after it is put back. A holder that died is taken over.
 */
export async function lockRealCrontab(): Promise<() => void> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
      return () => rmSync(LOCK, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readPid());
    if (holder > 0 && !isAlive(holder)) rmSync(LOCK, { recursive: true, force: true });
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function readPid(): string {
  try {
    return readFileSync(path.join(LOCK, 'pid'), 'utf8');
  } catch {
    return '';
  }
}
