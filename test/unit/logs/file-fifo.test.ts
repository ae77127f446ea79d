import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLogFile } from '../../../src/logs/file-read.js';
import { whichTool } from '../../support/real-cli.js';
import { requireTool } from '../../support/real-tools.js';
import { tempDir } from '../helpers.js';

describe('openLogFile', () => {
  it('refuses a FIFO at once instead of blocking in open() until a writer comes', async () => {
    if (!requireTool('mkfifo', () => (whichTool('mkfifo') ? undefined : 'mkfifo is not on PATH'))) return;
    const fifo = path.join(tempDir(), 'app.log');
    execFileSync('mkfifo', [fifo]);
    await expect(openLogFile(fifo)).rejects.toThrow(/app\.log is not a regular file \(a pipe, socket or device\): opsctl reads log files only\.$/);
  });

  it('refuses a folder with the message logs has always given', async () => {
    await expect(openLogFile(tempDir())).rejects.toThrow(/is a folder, not a log file\.$/);
  });
});
