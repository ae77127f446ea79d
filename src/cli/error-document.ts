import type { OpsError } from '../errors.js';
import { redactData } from '../process/redact.js';

/** The one JSON shape of an error on stdout under --json. */
export function errorDocument(error: OpsError): string {
  const body = { error: { code: error.code, message: error.message, hint: error.hint, exitCode: error.exitCode, details: error.details } };
  return JSON.stringify(redactData(body), null, 2);
}
