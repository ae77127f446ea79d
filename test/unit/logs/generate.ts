import { writeFileSync } from 'node:fs';

export const T0 = Date.parse('2024-01-15T00:00:00Z');

/** Level of line i in generated logs: every 10th is an error, every 10th from the 5th a warn, the rest info. */
export function levelOf(i: number): number {
  return i % 10 === 0 ? 50 : i % 10 === 5 ? 40 : 30;
}

/** A pino line per second from T0, with a request id and a correlation id every 7th line. */
export function pinoLine(i: number, stepMs = 1000): string {
  const record: Record<string, unknown> = { level: levelOf(i), time: T0 + i * stepMs, pid: 7, hostname: 'h', reqId: `req-${i}`, msg: `line ${i}` };
  if (i % 7 === 0) record.corr = { correlationId: `corr-${i % 3}` };
  return JSON.stringify(record);
}

/** Writes `count` generated lines and returns the file. */
export function writePinoLog(file: string, count: number, stepMs = 1000): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i += 1) lines.push(pinoLine(i, stepMs));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
