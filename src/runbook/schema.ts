import * as z from 'zod';
import { DURATION_PATTERN } from '../config/duration.js';

// The shape of one runbook file. Objects are strict so a typo ("continueOnEror") is an error, not a silent default.

const argv = z.array(z.string({ error: 'expected a string (put numbers and true/false in quotes: "5")' }), { error: 'expected a list of arguments' }).min(1, 'must not be empty');
const limit = z.union([z.number(), z.string().regex(DURATION_PATTERN, 'expected a number or a duration such as 26h')], {
  error: 'expected a number or a duration such as 26h',
});
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** The operators a check may use: exactly one per condition. */
export const OPERATORS = ['equals', 'notEquals', 'below', 'above', 'atMost', 'atLeast', 'matches', 'oneOf', 'exists'] as const;
export type Operator = (typeof OPERATORS)[number];

export const conditionSchema = z
  .strictObject({
    path: z.string().min(1, 'must not be empty'),
    equals: scalar.optional(),
    notEquals: scalar.optional(),
    below: limit.optional(),
    above: limit.optional(),
    atMost: limit.optional(),
    atLeast: limit.optional(),
    matches: z.string().optional(),
    oneOf: z.array(scalar).optional(),
    exists: z.boolean().optional(),
    /** Said when the condition fails: "the nightly backup is late". */
    message: z.string().optional(),
  })
  .refine((c) => OPERATORS.filter((op) => c[op] !== undefined).length === 1, { message: `set exactly one of ${OPERATORS.join(', ')}` })
  .refine((c) => c.matches === undefined || isRegExp(c.matches), { message: 'matches: not a valid regular expression', path: ['matches'] });

export const stepSchema = z
  .strictObject({
    name: z.string().min(1, 'must not be empty'),
    description: z.string().optional(),
    /** An opsctl command, without "opsctl": [health-check, --only, api]. */
    opsctl: argv.optional(),
    /** An external command as argv (no shell): [curl, -fsS, https://...]. */
    run: argv.optional(),
    /** The environment of this opsctl step instead of the run's. */
    env: z.string().min(1).optional(),
    continueOnError: z.boolean().default(false),
    /** Show the step's result (its table) in human output; false when the step line says enough. */
    show: z.boolean().default(true),
    /** Ask before this step: true, or the question. */
    confirm: z.union([z.boolean(), z.string().min(1)]).default(false),
    /** Exit codes that count as success (default [0]); `logs` exits 1 when no line matched. */
    exitCodes: z.array(z.int().min(0).max(255)).min(1).optional(),
    timeout: z.string().regex(DURATION_PATTERN, 'expected a duration such as 90s or 10m').optional(),
    check: z.union([conditionSchema, z.array(conditionSchema).min(1)]).optional(),
    /** A step with only a check checks an earlier step's result: this one (its name), else the previous step. */
    of: z.string().min(1).optional(),
  })
  .refine((s) => (s.opsctl ? 1 : 0) + (s.run ? 1 : 0) === 1 || (!s.opsctl && !s.run && s.check !== undefined), {
    message: 'set exactly one of opsctl or run (or only check, to check an earlier step\'s result)',
  })
  .refine((s) => s.of === undefined || (!s.opsctl && !s.run), { message: 'of applies to steps with only a check', path: ['of'] })
  .refine((s) => !s.env || s.opsctl, { message: 'env applies to opsctl steps only', path: ['env'] });

export const runbookSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and "-"'),
  description: z.string().min(1, 'must not be empty'),
  /** Values the steps use as ${name}; set with --param name=value. */
  params: z.record(z.string().regex(/^[A-Za-z_]\w*$/, 'use letters, digits and "_"'), z.union([z.string(), z.number()]).transform(String)).default({}),
  steps: z.array(stepSchema).min(1, 'a runbook needs at least one step'),
});

export type Condition = z.infer<typeof conditionSchema>;
export type Step = z.infer<typeof stepSchema>;
export type RunbookSpec = z.infer<typeof runbookSchema>;

export interface Runbook extends RunbookSpec {
  file: string;
  source: 'shipped' | 'user';
}

function isRegExp(text: string): boolean {
  try {
    new RegExp(text);
    return true;
  } catch {
    return false;
  }
}
