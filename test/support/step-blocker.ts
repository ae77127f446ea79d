/**
 * Lands a signal inside a deploy step without sleeps: a command line for source.build or source.migrate
 * that exits 0 unless `<control>/stop-at` names its step; then it writes `<step>.reached` (its pid) and
 * blocks until killed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const BLOCKER = `const fs = require('node:fs');
const path = require('node:path');
const [control, step] = process.argv.slice(2);
let stopAt = '';
try { stopAt = fs.readFileSync(path.join(control, 'stop-at'), 'utf8').trim(); } catch {}
if (stopAt !== step) process.exit(0);
fs.writeFileSync(path.join(control, step + '.reached'), String(process.pid));
setInterval(() => {}, 1 << 30);
`;

export interface StepBlocker {
  /** The command line to put in the config for `step`. */
  line(step: string): string;
  /** The step whose command blocks from now on ('none': none). */
  stopAt(step: string): void;
  /** The pid of the blocked command once `step` was reached, else undefined. */
  reached(step: string): number | undefined;
}

export function stepBlocker(control: string): StepBlocker {
  const script = path.join(control, 'block.cjs');
  writeFileSync(script, BLOCKER);
  const marker = (step: string) => path.join(control, `${step}.reached`);
  return {
    line: (step) => `${process.execPath} ${script} ${control} ${step}`,
    stopAt: (step) => writeFileSync(path.join(control, 'stop-at'), step),
    reached: (step) => (existsSync(marker(step)) ? Number(readFileSync(marker(step), 'utf8')) : undefined),
  };
}
