import { describe, expect, it } from 'vitest';
import { command, formatCommand } from '../../../src/process/command.js';
import { redact, redactData, registerSecret, registerUrlSecrets } from '../../../src/process/redact.js';

describe('formatCommand (POSIX quoting)', () => {
  it('leaves plain arguments bare', () => {
    expect(formatCommand(command('pg_dump', ['--format=custom', '-f', '/var/backups/main.dump', 'user@db:5432'], { readOnly: true }), 'linux')).toBe(
      'pg_dump --format=custom -f /var/backups/main.dump user@db:5432',
    );
  });

  it('quotes spaces, shell characters, quotes and empty arguments', () => {
    expect(formatCommand({ file: 'git', args: ['commit', '-m', "it's done", '', '$HOME', 'a;b'] }, 'linux')).toBe(
      `git commit -m 'it'\\''s done' '' '$HOME' 'a;b'`,
    );
  });

  it('masks the password of a connection URL in an argument', () => {
    expect(formatCommand({ file: 'psql', args: ['postgres://app:hunter2@db:5432/main', '-c', 'select 1'] }, 'linux')).toBe(
      "psql postgres://app:***@db:5432/main -c 'select 1'",
    );
  });

  it('masks a registered secret', () => {
    registerSecret('tok_9f8e7d6c5b');
    expect(formatCommand({ file: 'curl', args: ['-H', 'Authorization: Bearer tok_9f8e7d6c5b', 'https://api'] }, 'linux')).toBe(
      "curl -H 'Authorization: Bearer ***' https://api",
    );
  });

  // src bug: src/process/command.ts:23 quotes first and redacts the joined line afterwards; quoting turns ' into '\''
  // so a registered secret containing a quote no longer matches and is printed in clear (dry-run, --verbose,
  // ToolError). Redact each argument before quoting it: [file, ...args].map((a) => quoteArg(redact(a))).join(' ').
  it('masks a registered secret that contains a quote', () => {
    registerSecret("pa'ss-w0rd");
    expect(formatCommand({ file: 'mysql', args: ["--password=pa'ss-w0rd"] }, 'linux')).not.toContain('w0rd');
  });
});

describe('redact', () => {
  it.each([
    ['postgres://u:p@h', 'postgres://u:***@h'],
    ['postgresql://app:s3cret@db.internal:5432/main?sslmode=require', 'postgresql://app:***@db.internal:5432/main?sslmode=require'],
    ['mongodb+srv://admin:Zx9!q@cluster0.abcd.mongodb.net/content', 'mongodb+srv://admin:***@cluster0.abcd.mongodb.net/content'],
    ['redis://:onlypass@cache:6379/0', 'redis://:***@cache:6379/0'],
    ["postgres://u:p%40ss%2Fw0rd!$&'()*+,;=@h/db", 'postgres://u:***@h/db'],
    ['DATABASE_URL=postgres://a:one@h1/x MONGO_URI=mongodb://b:two@h2/y', 'DATABASE_URL=postgres://a:***@h1/x MONGO_URI=mongodb://b:***@h2/y'],
  ])('%s', (text, masked) => expect(redact(text)).toBe(masked));

  it('leaves URLs without a password alone', () => {
    expect(redact('http://localhost:8080/api/health and postgres://app@db/main')).toBe('http://localhost:8080/api/health and postgres://app@db/main');
  });

  it('masks a URL password, encoded and decoded, wherever it appears later', () => {
    registerUrlSecrets('postgres://app:Tr%40ck-99@db/main');
    expect(redact('FATAL: password "Tr@ck-99" rejected; tried Tr%40ck-99')).toBe('FATAL: password "***" rejected; tried ***');
  });

  it('does not register values too short to be told from ordinary words', () => {
    registerSecret('on');
    expect(redact('pm2 is online')).toBe('pm2 is online');
  });

  // src bug: src/process/redact.ts:4 stops the password at the first "@", so a password with an unencoded "@"
  // (common in hand-written DATABASE_URLs) leaves its tail in clear, and registerUrlSecrets registers only its head.
  // Let the password run to the last "@" before the host: ([^\s/?#]*)@ instead of ([^@/?#\s]+)@.
  it('masks all of a password that contains an unencoded @', () => {
    expect(redact('postgres://app:p@ssw0rd@db/main')).toBe('postgres://app:***@db/main');
  });
});

describe('redactData', () => {
  it('masks strings at any depth and keeps other values', () => {
    registerSecret('whsec_live_0123');
    const when = new Date(0);
    expect(
      redactData({ url: 'postgres://u:pw@h/db', steps: [{ cmd: 'curl https://hooks/whsec_live_0123' }], count: 3, ok: true, none: null, when }),
    ).toEqual({ url: 'postgres://u:***@h/db', steps: [{ cmd: 'curl https://hooks/***' }], count: 3, ok: true, none: null, when });
  });
});

describe('redact, passwords as query parameters', () => {
  it('masks password= and friends in a URL query', () => {
    expect(redact('postgresql://db/app?user=app&password=s3cretpw&sslmode=require')).toBe('postgresql://db/app?user=app&password=***&sslmode=require');
    expect(redact('https://api.example.test/x?token=abcd1234')).toBe('https://api.example.test/x?token=***');
  });

  it('registers a query password so it is masked on its own too', () => {
    registerUrlSecrets('postgresql://db/app?password=qp-secret-77');
    expect(redact('authentication failed: qp-secret-77')).toBe('authentication failed: ***');
  });
});

