import type { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildLogger, type LoggerOptions } from '../../../src/output/logger.js';
import { colorEnabled, createStyle, paintState, loadStyle } from '../../../src/output/style.js';
import { formatBytes, renderPairs, renderTable } from '../../../src/output/table.js';
import { registerSecret } from '../../../src/process/redact.js';

const ESC = '\u001b[';
const tty = { isTTY: true };
const pipe = { isTTY: false };

describe('colorEnabled', () => {
  const on = (stream: { isTTY?: boolean }, env: Record<string, string> = {}, noColorFlag = false) => colorEnabled(stream, { noColorFlag, env });

  it('colours a TTY and not a pipe', () => {
    expect([on(tty), on(pipe), on({})]).toEqual([true, false, false]);
  });

  it('NO_COLOR with any non-empty value turns colour off; an empty one does not', () => {
    expect([on(tty, { NO_COLOR: '1' }), on(tty, { NO_COLOR: 'false' }), on(tty, { NO_COLOR: '' })]).toEqual([false, false, true]);
  });

  it('--no-color turns colour off on a TTY', () => {
    expect(on(tty, {}, true)).toBe(false);
  });

  it('FORCE_COLOR=0 turns colour off on a TTY; FORCE_COLOR=1 turns it on in a pipe', () => {
    expect([on(tty, { FORCE_COLOR: '0' }), on(tty, { FORCE_COLOR: 'false' }), on(pipe, { FORCE_COLOR: '1' })]).toEqual([false, false, true]);
  });

  it('NO_COLOR and --no-color win over FORCE_COLOR', () => {
    expect([on(tty, { NO_COLOR: '1', FORCE_COLOR: '1' }), on(pipe, { FORCE_COLOR: '1' }, true)]).toEqual([false, false]);
  });

  it('a dumb terminal gets no colour', () => {
    expect(on(tty, { TERM: 'dumb' })).toBe(false);
  });
});

describe('buildLogger', () => {
  const at = new Date('2026-11-23T01:00:00.000Z');

  function logger(options: Partial<LoggerOptions> = {}) {
    const lines: string[] = [];
    const stream = { write: (chunk: string) => lines.push(chunk) > 0 } as unknown as Writable;
    const log = buildLogger({ stream, style: createStyle(false), quiet: false, verbose: false, interactive: false, now: () => at, ...options });
    return { log, lines };
  }

  it('writes timestamped plain lines when not interactive (cron, CI)', () => {
    const { log, lines } = logger();
    log.info('pulling images');
    log.warn('disk 91% full');
    expect(lines).toEqual(['2026-11-23T01:00:00.000Z pulling images\n', '2026-11-23T01:00:00.000Z warning: disk 91% full\n']);
  });

  it('shows the plan (would run: ...) even with --quiet, stamped and with secrets masked', () => {
    const { log, lines } = logger({ quiet: true });
    log.info('hidden');
    log.plan('would run: pg_dump postgres://app:plan-secret@db/main');
    expect(lines).toEqual(['2026-11-23T01:00:00.000Z would run: pg_dump postgres://app:***@db/main\n']);
  });

  it('writes a step as a start line and an end line, each stamped', () => {
    const { log, lines } = logger();
    const step = log.step('backup main');
    step.done('backup main: 12 MB');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('2026-11-23T01:00:00.000Z › backup main\n');
    expect(lines[1]).toMatch(/^2026-11-23T01:00:00\.000Z ✔ backup main: 12 MB \(\d+\.\ds\)\n$/);
  });

  it('writes no timestamp on an interactive terminal', () => {
    const { log, lines } = logger({ interactive: true });
    log.info('ready');
    expect(lines).toEqual(['ready\n']);
  });

  it('with quiet, shows only errors and failed steps', () => {
    const { log, lines } = logger({ quiet: true });
    log.info('info');
    log.warn('warn');
    log.debug('debug');
    log.step('deploy').done();
    log.error('deploy failed');
    log.step('health gate').fail();
    expect(lines.map((l) => l.slice(25))).toEqual(['deploy failed\n', expect.stringMatching(/^✖ health gate \(/)]);
  });

  it('shows debug lines only with verbose', () => {
    const quietly = logger();
    quietly.log.debug('$ docker ps');
    const verbosely = logger({ verbose: true });
    verbosely.log.debug('$ docker ps');
    expect([quietly.lines, verbosely.lines]).toEqual([[], ['2026-11-23T01:00:00.000Z $ docker ps\n']]);
  });

  it('masks secrets in every kind of line', () => {
    registerSecret('logger-secret-42');
    const { log, lines } = logger({ verbose: true });
    log.info('connecting to postgres://app:pw-in-url@db/main');
    log.warn('token logger-secret-42 expires soon');
    log.error('auth failed for logger-secret-42');
    log.debug('env logger-secret-42');
    log.step('posting to logger-secret-42').fail();
    expect(lines.join('')).not.toMatch(/pw-in-url|logger-secret-42/);
    expect(lines[0]).toContain('postgres://app:***@db/main');
  });

  it('masks secrets in spinner text too', () => {
    registerSecret('spinner-secret-7');
    const texts: string[] = [];
    const spinner = { start: () => spinner, succeed: (t?: string) => texts.push(t ?? ''), fail: (t?: string) => texts.push(t ?? '') };
    const stream = { write: () => true } as unknown as Writable;
    const log = buildLogger({ stream, style: createStyle(false), quiet: false, verbose: false, interactive: true }, (text) => {
      texts.push(text);
      return spinner;
    });
    log.step('restore with spinner-secret-7').done();
    expect(texts.join(' ')).not.toContain('spinner-secret-7');
    expect(texts[0]).toBe('restore with ***');
  });

  it('writes no colour codes when the style has colour off', () => {
    const { log, lines } = logger({ verbose: true });
    log.warn('w');
    log.error('e');
    log.debug('d');
    log.step('s').done();
    expect(lines.join('')).not.toContain(ESC);
  });
});

describe('renderTable', () => {
  const rows = [['hello#0', paintState(createStyle(false), 'online'), '58.8 MB']];

  it('has no ANSI escapes when colour is off', () => {
    const text = renderTable(createStyle(false), ['name', 'state', 'memory'], rows);
    expect(text).not.toContain(ESC);
    expect(text).toMatch(/│ hello#0 +│ online +│ 58\.8 MB +│/);
    expect(text.split('\n')[1]).toMatch(/^│ name +│ state +│ memory +│$/);
  });

  it('takes its colour only from the style', async () => {
    expect(renderTable(await loadStyle(true), ['name'], [['x']])).toContain(ESC);
  });

  it('renderPairs pads keys to one column', () => {
    expect(renderPairs(createStyle(false), [['environment', 'production'], ['lock', 'free']])).toBe('environment  production\nlock         free');
  });
});

describe('formatBytes', () => {
  it.each([
    [undefined, '-'],
    [Number.NaN, '-'],
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KB'],
    [569_344, '556 KB'],
    [58_847_232, '56.1 MB'],
    [1_261_646_643, '1.2 GB'],
    [5 * 1024 ** 4, '5.0 TB'],
  ])('%s -> %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});

describe('the plain style (no colour) without chalk', () => {
  it('gives what chalk at level 0 gives, chained styles and several arguments included', async () => {
    const { Chalk } = await import('chalk');
    const chalk = new Chalk({ level: 0 });
    const plain = createStyle(false);
    for (const [name, args] of [['dim', ['a']], ['red', ['a', 'b']], ['green', ['']], ['yellow', [3]], ['cyan', ['x\ny']]] as const) {
      expect((plain[name] as (...a: unknown[]) => string)(...args)).toBe((chalk[name] as (...a: unknown[]) => string)(...args));
    }
    expect(plain.bold.red('x')).toBe(chalk.bold.red('x'));
    // What execute.ts awaits: a style that looked like a promise would never resolve, and print nothing.
    expect((await loadStyle(false)).dim('x')).toBe('x');
    expect((await loadStyle(true)).red('x')).not.toBe('x');
  });
});
