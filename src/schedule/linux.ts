import { command } from '../process/command.js';
import { OpsError } from '../errors.js';
import { toolFailure, type Runner } from '../process/runner.js';
import { cronLine, listCrontab, withEntry, withoutEntry } from './crontab.js';
import type { SchedulerBackend } from './types.js';

const READ = command('crontab', ['-l'], { readOnly: true });

/** The user's crontab through `crontab -l` / `crontab -`: every line opsctl did not mark stays byte for byte. */
export function cronScheduler(runner: Runner): SchedulerBackend {
  const read = async (): Promise<string> => {
    const result = await runner.run(READ, { allowFailure: true });
    if (result.exitCode === 0) return result.stdout === '' ? '' : `${result.stdout}\n`;
    // A user who never had a crontab: cron says so on stderr and exits 1.
    if (/no crontab for/i.test(result.stderr)) return '';
    throw toolFailure(READ, result);
  };
  const readToRewrite = async (): Promise<string> => assertRewritable(await read());
  const write = (text: string) => runner.run(command('crontab', ['-'], { readOnly: false, input: text }));
  return {
    platform: 'linux',
    describe: cronLine,
    async install(trigger, job) {
      const next = withEntry(await readToRewrite(), trigger, job);
      await write(next.text);
      return { entry: cronLine(trigger, job), replaced: next.replaced, ...(runner.dryRun ? { crontab: next.text } : {}) };
    },
    list: async () => listCrontab(await read()),
    async remove(key) {
      const next = withoutEntry(await readToRewrite(), key);
      if (next.removed) await write(next.text);
      return next.removed;
    },
  };
}

/**
 * Debian's `crontab -l` prints a carriage return as the two characters `\r` (and a backslash-r the user
 * typed the same way), so a listing with `\r` cannot be written back without changing those lines.
 */
export function assertRewritable(text: string): string {
  const lines = text.split('\n').flatMap((line, index) => (line.includes('\\r') ? [index + 1] : []));
  if (lines.length === 0) return text;
  throw new OpsError(
    `crontab -l shows "\\r" (a carriage return) on line${lines.length === 1 ? '' : 's'} ${lines.join(', ')}: writing the crontab back would turn it into a backslash and an r; nothing was changed.`,
    'Remove the carriage returns with crontab -e (the file was probably edited on Windows), or add the entry by hand from opsctl schedule ... --print.',
  );
}
