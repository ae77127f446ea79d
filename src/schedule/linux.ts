import { command } from '../process/command.js';
import { toolFailure, type Runner } from '../process/runner.js';
import { cronLine, listCrontab, withEntry, withoutEntry } from './crontab.js';
import type { SchedulerBackend } from './platform.js';

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
  const write = (text: string) => runner.run(command('crontab', ['-'], { readOnly: false, input: text }));
  return {
    platform: 'linux',
    describe: cronLine,
    async install(trigger, job) {
      const next = withEntry(await read(), trigger, job);
      await write(next.text);
      return { entry: cronLine(trigger, job), replaced: next.replaced, ...(runner.dryRun ? { crontab: next.text } : {}) };
    },
    list: async () => listCrontab(await read()),
    async remove(key) {
      const next = withoutEntry(await read(), key);
      if (next.removed) await write(next.text);
      return next.removed;
    },
  };
}
