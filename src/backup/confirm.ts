import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import { UsageError } from '../errors.js';
import { abortedOr } from './abort.js';

/**
 * Asks the user to type `expected` (the environment's name) before something destructive. Typing is
 * the point: a reflexive "y" is what restores the wrong database.
 */
export async function confirmByTyping(question: string, expected: string, signal: AbortSignal, input: Readable = process.stdin, output: Writable = process.stderr): Promise<void> {
  const rl = createInterface({ input, output, terminal: false });
  try {
    const answer = await rl.question(`${question}\nType the environment name (${expected}) to go on: `, { signal }).catch((error: unknown) => {
      throw abortedOr(signal, error);
    });
    if (answer.trim() !== expected) throw new UsageError(`You typed "${answer.trim()}", not "${expected}": nothing was restored.`, 'Run it again and type the name exactly, or pass --yes in scripts.');
  } finally {
    rl.close();
  }
}
