import { describe, expect, it } from 'vitest';
import { environmentSchema } from '../../../src/config/schema.js';
import { composeServiceNames } from '../../../src/doctor/required-env.js';

describe('requiredEnv: a compose service\'s environment', () => {
  const file = `services:
  api:
    image: app:\${OPSCTL_RELEASE}
    environment:
      - NODE_ENV=production
      - JWT_SECRET
      - EMPTY=
  worker:
    environment: { QUEUE: jobs, FROM_SHELL: null }
`;
  it('list form: NAME=value is set, a bare NAME only when opsctl\'s environment or .env has it, NAME= is not', () => {
    expect([...composeServiceNames(file, 'api', '/nowhere', new Set())]).toEqual(['NODE_ENV']);
    expect([...composeServiceNames(file, 'api', '/nowhere', new Set(['JWT_SECRET']))].sort()).toEqual(['JWT_SECRET', 'NODE_ENV']);
  });
  it('map form, and a service without environment', () => {
    expect([...composeServiceNames(file, 'worker', '/nowhere', new Set())]).toEqual(['QUEUE']);
    expect(composeServiceNames(file, 'missing', '/nowhere', new Set()).size).toBe(0);
  });
});

describe('config: source.migrate needs backup.beforeDeploy', () => {
  const base = { target: { pm2: { script: 'app.js' } }, databases: { main: { type: 'postgres', url: 'postgres://h/db' } } };
  it('is a config error saying why without it', () => {
    const result = environmentSchema.safeParse({ ...base, source: { migrate: ['npm run db:migrate'] } });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({ path: ['backup', 'beforeDeploy'] });
    expect(result.error!.issues[0]!.message).toContain('a rollback across a migration restores the backup taken before that deploy');
  });
  it('passes with it, and requiredEnv takes variable names only', () => {
    expect(environmentSchema.safeParse({ ...base, source: { migrate: ['npm run db:migrate'] }, backup: { databases: ['main'], beforeDeploy: true } }).success).toBe(true);
    expect(environmentSchema.safeParse({ ...base, requiredEnv: ['JWT_SECRET', 'NODE_ENV'] }).success).toBe(true);
    expect(environmentSchema.safeParse({ ...base, requiredEnv: ['NOT A NAME'] }).success).toBe(false);
  });
});
