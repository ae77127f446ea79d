import { describe, expect, it } from 'vitest';
import { parseCondition } from '../../../src/monitor/condition.js';

describe('parseCondition', () => {
  it('compares a dot path of a JSON record with a number or a text', () => {
    const server = parseCondition('req.status >= 500', 'k');
    expect(server({ req: { status: 503 } })).toBe(true);
    expect(server({ req: { status: '502' } })).toBe(true);
    expect(server({ req: { status: 200 } })).toBe(false);
    expect(server({ msg: 'no status' })).toBe(false);
    expect(server(undefined)).toBe(false);
    expect(parseCondition('level == "error"', 'k')({ level: 'error' })).toBe(true);
    expect(parseCondition('res.statusCode != 200', 'k')({ res: { statusCode: 404 } })).toBe(true);
    expect(parseCondition('all', 'k')(undefined)).toBe(true);
  });

  it('refuses what is not a condition, naming the setting', () => {
    expect(() => parseCondition('status is bad', 'alerts.rules[0].ratio.of')).toThrow('alerts.rules[0].ratio.of: "status is bad" is not a condition.');
  });
});
