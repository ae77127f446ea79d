import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { readConfigText } from '../config/read-text.js';
import { parseYamlText, YamlProblem } from '../config/yaml-text.js';
import { ConfigError } from '../errors.js';
import { unknownReferences } from './params.js';
import { checkedStep } from './plan.js';
import { runbookSchema, type Runbook } from './schema.js';

/** runbooks/ beside dist/ (or src/ under the tests): the same depth from this module either way. */
export const SHIPPED_DIR = fileURLToPath(new URL('../../runbooks/', import.meta.url));

/** Every runbook by name: the shipped ones, then the user's folder, whose runbooks replace shipped ones of the same name. */
export function loadRunbooks(userDir: string | undefined, shippedDir = SHIPPED_DIR): Map<string, Runbook> {
  const all = new Map<string, Runbook>();
  for (const book of readFolder(shippedDir, 'shipped')) all.set(book.name, book);
  if (userDir !== undefined) {
    if (!existsSync(userDir) || !statSync(userDir).isDirectory()) {
      throw new ConfigError(`The runbooks folder ${userDir} does not exist.`, 'Create it, or fix "runbooks:" in opsctl.yaml (relative to the file).');
    }
    for (const book of readFolder(userDir, 'user')) all.set(book.name, book);
  }
  return all;
}

function readFolder(dir: string, source: Runbook['source']): Runbook[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const books = files.map((f) => parseRunbook(path.join(dir, f), readConfigText(path.join(dir, f)), source));
  const seen = new Map<string, string>();
  for (const book of books) {
    const other = seen.get(book.name);
    if (other) throw new ConfigError(`${book.file} and ${other} are both named "${book.name}".`, 'Give each runbook of a folder its own name.');
    seen.set(book.name, book.file);
  }
  return books;
}

/** One runbook file, validated; every problem names the file, the step (number and name) and the key. */
export function parseRunbook(file: string, text: string, source: Runbook['source']): Runbook {
  let raw: unknown;
  try {
    raw = parseYamlText(text);
  } catch (error) {
    if (error instanceof YamlProblem) throw invalid(file, [`invalid YAML at ${error.where}: ${error.message}`]);
    throw error;
  }
  const parsed = runbookSchema.safeParse(raw);
  if (!parsed.success) throw invalid(file, parsed.error.issues.flatMap((issue) => describeIssue(issue, raw)));
  const references = unknownReferences(parsed.data).map((r) => `${stepLabel(r.step, parsed.data.steps[r.step]?.name)}: ${r.key}: \${${r.name}} is not a param (declare it under params:)`);
  const problems = [...references, ...checkTargetProblems(parsed.data)];
  if (problems.length > 0) throw invalid(file, problems);
  return { ...parsed.data, file, source };
}

/** A check-only step needs an earlier step to check: the previous one, or the one its `of` names. */
function checkTargetProblems(book: Pick<Runbook, 'steps'>): string[] {
  return book.steps.flatMap((step, index) => {
    if (step.opsctl || step.run || checkedStep(book, index) >= 0) return [];
    const where = step.of === undefined ? 'check: the first step has no earlier result to check' : `of: no earlier step is named "${step.of}"`;
    return [`${stepLabel(index, step.name)}: ${where}`];
  });
}

type Issue = z.core.$ZodIssue;

function describeIssue(issue: Issue, raw: unknown): string[] {
  const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
  const message = issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message;
  return keys.map((path) => {
    if (path[0] !== 'steps' || typeof path[1] !== 'number') return `${formatKeys(path) || '(file)'}: ${message}`;
    const step = (raw as { steps?: { name?: unknown }[] }).steps?.[path[1]];
    const rest = formatKeys(path.slice(2));
    return `${stepLabel(path[1], typeof step?.name === 'string' ? step.name : undefined)}: ${rest || '(step)'}: ${message}`;
  });
}

/** Steps are numbered from 1, as `runbook show` and the summary table number them. */
export function stepLabel(index: number, name: string | undefined): string {
  return `step ${index + 1}${name ? ` (${name})` : ''}`;
}

function formatKeys(keys: readonly PropertyKey[]): string {
  return keys.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

function invalid(file: string, problems: string[]): ConfigError {
  return new ConfigError(`${file} is not a valid runbook:\n${problems.map((p) => `  ${p}`).join('\n')}`, 'Fix the keys above (docs/runbooks.md describes every key).', {
    file,
    problems,
  });
}
