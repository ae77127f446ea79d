import { createRequire } from 'node:module';

export interface SelfInvocation {
  /** The executable: node, or opsctl itself when it is a single-executable application. */
  file: string;
  /** What goes before opsctl's own arguments: the entry script under node, nothing for a SEA. */
  prefix: string[];
}

export interface ProcessFacts {
  execPath: string;
  /** process.argv[1]: the script node runs (bin/opsctl.js). */
  entry: string | undefined;
  sea: boolean;
}

/** How to start this very opsctl again as a child: each runbook step runs isolated, with its own exit code and JSON. */
export function selfInvocation(facts: ProcessFacts = currentProcess()): SelfInvocation {
  // A SEA's argv[1] repeats its own path: the entry is the executable itself.
  if (facts.sea || facts.entry === undefined) return { file: facts.execPath, prefix: [] };
  return { file: facts.execPath, prefix: [facts.entry] };
}

function currentProcess(): ProcessFacts {
  return { execPath: process.execPath, entry: process.argv[1], sea: isSea() };
}

function isSea(): boolean {
  try {
    // node:sea exists from Node 20.12 on (the engines floor); require keeps it out of the ESM graph elsewhere.
    const sea = createRequire(import.meta.url)('node:sea') as { isSea?: () => boolean };
    return Boolean(sea.isSea?.());
  } catch {
    return false;
  }
}
