import { describe, expect, it } from 'vitest';
import { formatHumanLine, formatJsonLine } from '../../../src/logs/format.js';
import { createStyle } from '../../../src/output/style.js';

const style = createStyle(false);

describe('terminal escape sequences in log lines', () => {
  it('readable output shows control characters (tab aside) as \\xNN in plain lines, messages, fields and stacks', () => {
    expect(formatHumanLine({ source: 'app.log', text: 'boot \u001b]0;pwned\u0007\u001b[2J done\tok\r' }, style)).toBe('app.log boot \\x1b]0;pwned\\x07\\x1b[2J done\tok\\x0d');
    const record = { msg: 'hi\u001b[31m', user: 'x\u009b1m', err: { stack: 'Error: e\u001b[0m\n    at f' } };
    expect(formatHumanLine({ source: 's', text: JSON.stringify(record), json: true, record }, style)).toBe('s hi\\x1b[31m user=x\\x9b1m err={}\nError: e\\x1b[0m\n    at f');
  });

  it('--json output stays the exact JSON the app wrote (its source added)', () => {
    const text = JSON.stringify({ msg: 'hi\u001b[31m' });
    expect(formatJsonLine({ source: 's', text, json: true })).toBe(`{"opsctl.source":"s",${text.slice(1)}`);
    expect(JSON.parse(formatJsonLine({ source: 's', text: 'a\u001bb' })).message).toBe('a\u001bb');
  });
});
