import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { parseRunbook } from '../../../src/runbook/load.js';
import { resolveParams } from '../../../src/runbook/params.js';
import { planSteps, shownArgv, stepCommand, type RunSettings } from '../../../src/runbook/plan.js';

const BOOK = parseRunbook(
  '/rb/drill.yaml',
  `name: drill
description: test
params: { from: production, to: staging, into: staging_main }
steps:
  - { name: "restore into \${to}", opsctl: [restore, latest, --to, "\${into}"], env: "\${from}", confirm: true }
  - { name: health, opsctl: [health-check] }
  - { name: ping, run: [curl, -fsS, "https://\${to}.example.com/api/health"] }
`,
  'shipped',
);

const settings = (params: string[] = [], yes = false): RunSettings => ({
  self: ['/usr/bin/node', '/opt/opsctl/bin/opsctl.js'],
  configFile: '/srv/app/opsctl.yaml',
  environment: 'staging',
  params: resolveParams(BOOK, params, { env: 'staging' }),
  yes,
  depth: 0,
});

describe('runbook planning', () => {
  it('an opsctl step is opsctl again with --json, the config, its environment and its args; never read-only', () => {
    const [, health] = planSteps(BOOK, settings());
    const cmd = stepCommand(health!, settings(), false);
    expect(cmd).toEqual({ file: '/usr/bin/node', args: ['/opt/opsctl/bin/opsctl.js', '--json', '--config', '/srv/app/opsctl.yaml', '--env', 'staging', 'health-check'], readOnly: false, env: { OPSCTL_RUNBOOK_DEPTH: '1' } });
  });

  it('fills params into names, argv and env; a step\'s env replaces the run\'s; confirmed or --yes adds --yes', () => {
    const [restore] = planSteps(BOOK, settings());
    expect(restore).toMatchObject({ name: 'restore into staging', env: 'production' });
    expect(stepCommand(restore!, settings(), true).args.slice(1)).toEqual(['--json', '--config', '/srv/app/opsctl.yaml', '--env', 'production', '--yes', 'restore', 'latest', '--to', 'staging_main']);
    expect(stepCommand(restore!, settings([], true), false).args).toContain('--yes');
    expect(shownArgv(restore!, settings())).toEqual(['opsctl', '-e', 'production', 'restore', 'latest', '--to', 'staging_main']);
  });

  it('--param overrides a default; an external command is its argv, with no opsctl flags', () => {
    const custom = settings(['to=qa', 'into=postgres://qa-db/app']);
    const [restore, , ping] = planSteps(BOOK, custom);
    expect(stepCommand(restore!, custom, false).args.slice(-2)).toEqual(['--to', 'postgres://qa-db/app']);
    expect(stepCommand(ping!, custom, false)).toEqual({ file: 'curl', args: ['-fsS', 'https://qa.example.com/api/health'], readOnly: false });
  });

  it('an unknown or malformed --param is a usage error naming the runbook\'s params', () => {
    expect(() => resolveParams(BOOK, ['target=qa'], { env: 'x' })).toThrow(UsageError);
    expect(() => resolveParams(BOOK, ['target=qa'], { env: 'x' })).toThrow(/Runbook drill has no param "target"/);
    expect(() => resolveParams(BOOK, ['qa'], { env: 'x' })).toThrow(/--param qa is not name=value/);
  });
});
