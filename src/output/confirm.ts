import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import { UsageError } from '../errors.js';
import { abortReason } from '../process/delay.js';

/**
 * Asks the user to type `expected` (the environment's name) before something destructive. Typing is
 * the point: a reflexive "y" is what restores the wrong database.
 */
export async function confirmByTyping(
  question: string,
  expected: string,
  /** What a wrong answer leaves undone, said in the refusal: "nothing was restored". */
  notDone: string,
  signal: AbortSignal,
  io: { input?: Readable; output?: Writable } = {},
): Promise<void> {
  const rl = createInterface({ input: io.input ?? process.stdin, output: io.output ?? process.stderr, terminal: false });
  try {
    const answer = await rl.question(`${question}\nType the environment name (${expected}) to go on: `, { signal }).catch((error: unknown) => {
      // readline rejects with a bare AbortError: the signal's own reason is what maps to exit 130.
      throw signal.aborted ? abortReason(signal) : error;
    });
    if (answer.trim() !== expected) throw new UsageError(`You typed "${answer.trim()}", not "${expected}": ${notDone}.`, 'Run it again and type the name exactly, or pass --yes in scripts.');
  } finally {
    rl.close();
  }
}
