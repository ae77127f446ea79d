import YAML from 'yaml';
import { databaseAdapter } from '../databases/index.js';
import { imageRepository } from '../targets/compose/detect.js';
import type { DetectedProject } from './detect.js';

/** A YAML scalar, quoted only when YAML needs it. */
const scalar = (value: string | number) => YAML.stringify(value).trimEnd();

/** The commented opsctl.yaml for what was found; every key it writes is one the schema accepts. */
export function renderConfig(project: DetectedProject): string {
  return [
    `# opsctl.yaml, written by \`opsctl init\` from ${foundFiles(project)}.`,
    '# Every key is described in the README, "Configuration". Check this file with: opsctl doctor',
    'version: 1',
    `app: ${scalar(project.app)}`,
    '',
    '# Shared by every environment; an environment\'s own keys win over these.',
    'defaults:',
    ...databaseLines(project),
    ...sourceLines(project),
    '',
    'environments:',
    '  production:',
    ...targetLines(project),
    '',
  ].join('\n');
}

function foundFiles(project: DetectedProject): string {
  const files = [project.compose?.file, project.ecosystem?.file, project.main || project.scripts.build || project.scripts.test ? 'package.json' : undefined, project.envKeys.length > 0 ? '.env' : undefined];
  const found = files.filter(Boolean);
  return found.length > 0 ? found.join(', ') : 'an empty folder (nothing detected: edit the target below)';
}

function databaseLines(project: DetectedProject): string[] {
  if (project.databases.length === 0) {
    return ['  # databases:            # e.g. DATABASE_URL in .env', '  #   main: { type: postgres, url: "${DATABASE_URL}" }', '  health:', '    endpoints: []', '    # - { name: api, url: "http://localhost:3000/health" }'];
  }
  return [
    '  # The URLs stay in .env (or the real environment): ${NAME} is filled in when opsctl runs.',
    '  databases:',
    ...project.databases.flatMap((db) => [`    ${db.name}:`, `      type: ${db.type}`, `      url: ${scalar(`\${${db.variable}}`)}`]),
    '  health:',
    `    databases: [${project.databases.map((db) => db.name).join(', ')}]`,
    '    endpoints: []',
    '    # - { name: api, url: "http://localhost:3000/health" }',
    ...backupHint(project),
  ];
}

function backupHint(project: DetectedProject): string[] {
  const dumpable = project.databases.filter((db) => databaseAdapter(db.type).backup).map((db) => db.name);
  if (dumpable.length === 0) return [];
  return ['  # backup:', `  #   databases: [${dumpable.join(', ')}]`, '  #   retention: { daily: 7, weekly: 4 }'];
}

function sourceLines(project: DetectedProject): string[] {
  const { build, test } = project.scripts;
  if (!build && !test) return ['  # source:               # what deploy builds, from git', '  #   build: ["npm ci", "npm run build"]'];
  return [
    '  # deploy checks out source.ref, runs checks, then build (npm ci first if you deploy from a clean checkout).',
    '  source:',
    '    ref: main',
    `    build: [${build ? '"npm run build"' : ''}]`,
    `    checks: [${test ? '"npm run test"' : ''}]`,
  ];
}

function targetLines(project: DetectedProject): string[] {
  const { compose, ecosystem } = project;
  if (compose?.app) {
    const others = compose.services.filter((s) => s !== compose.app).map((s) => s.name);
    return [
      `    # From ${compose.file}: the service deploy updates and scale resizes.${others.length > 0 ? ` Also there: ${others.join(', ')}.` : ''}`,
      ...(ecosystem ? [`    # ${ecosystem.file} was found too: replace compose with pm2 to use it instead.`] : []),
      '    target:',
      '      compose:',
      `        file: ${scalar(compose.file)}`,
      '        # The project `docker compose up` uses in this folder, so status finds containers started by hand.',
      `        project: ${scalar(compose.project)}`,
      `        service: ${scalar(compose.app.name)}`,
      ...imageLines(compose.file, compose.app.image),
    ];
  }
  if (ecosystem) {
    const [first, ...others] = ecosystem.apps;
    return [
      `    # From ${ecosystem.file}${others.length > 0 ? `; its other apps: ${others.map((a) => a.name).join(', ')}` : ''}.`,
      '    target:',
      '      pm2:',
      `        ecosystem: ${scalar(ecosystem.file)}`,
      ...(first ? [`        name: ${scalar(first.name)}`] : []),
      ...(first?.instances !== undefined ? [`        instances: ${scalar(first.instances)}`] : []),
    ];
  }
  const script = project.main ?? 'server.js';
  return [
    project.main ? '    # pm2 starts package.json\'s main.' : '    # Nothing to run was found: set the script pm2 starts, or use compose: { service: app }.',
    '    target:',
    '      pm2:',
    `        name: ${scalar(project.app)}`,
    `        script: ${scalar(script)}`,
    '        instances: 1',
  ];
}

/** The compose target's image is a repository and the compose file must tag it with the release, or deploy changes nothing. */
function imageLines(file: string, image: string | undefined): string[] {
  const repository = image === undefined ? undefined : imageRepository(image);
  const wanted = `${repository ?? '<repository>'}:\${OPSCTL_RELEASE}`;
  const now = image === undefined || image === wanted ? '' : ` (it says ${image})`;
  const why = `deploy runs <repository>:<release sha>, so ${file} must say \`image: ${wanted}\`${now}.`;
  if (repository === undefined) return [`        # image: <repository>   # ${why}`];
  return [`        # The image repository, without a tag: ${why}`, `        image: ${scalar(repository)}`];
}

/** .env.example: the keys of .env without their values. */
export function renderEnvExample(keys: readonly string[]): string {
  return `${keys.map((key) => `${key}=`).join('\n')}\n`;
}
