import { stat } from 'node:fs/promises';
import type { LogMark } from '../../deploy/types.js';
import { linesAfter, pickLastLines } from '../../logs/last-lines.js';
import type { Runner } from '../../process/runner.js';
import { pm2LogFiles } from './log-files.js';

/**
 * pm2 writes plain lines without a time: the mark is each log file's size, and reading takes what each
 * file gained since. Every line of an err file counts; of an out file, those at error level.
 */
export async function markPm2Logs(runner: Runner, env: Readonly<Record<string, string | undefined>>, name: string): Promise<LogMark> {
  const sizes = new Map<string, number>();
  for (const { file } of await pm2LogFiles(runner, env, name)) {
    const size = await stat(file).then((s) => s.size, () => 0);
    sizes.set(file, size);
  }
  return async (limit) => {
    const files = await pm2LogFiles(runner, env, name);
    const read = await Promise.all(files.map((f) => linesAfter(f.file, sizes.get(f.file) ?? 0, f.label, f.label.endsWith('/err'))));
    return pickLastLines(read.flat(), limit);
  };
}
