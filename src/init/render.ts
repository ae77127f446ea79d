import os from 'node:os';
import YAML from 'yaml';
import { databaseAdapter } from '../databases/index.js';
import { HOST_DEFAULTS } from '../health/host.js';
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
    ...healthLines(project),
    ...backupLines(project),
    ...sourceLines(project),
    ...logLines(project),
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
  if (project.databases.length === 0) return ['  # databases:            # e.g. DATABASE_URL in .env', '  #   main: { type: postgres, url: "${DATABASE_URL}" }'];
  return [
    '  # The URLs stay in .env (or the real environment): ${NAME} is filled in when opsctl runs.',
    '  databases:',
    ...project.databases.flatMap((db) => [`    ${db.name}:`, `      type: ${db.type}`, `      url: ${scalar(`\${${db.variable}}`)}`]),
  ];
}

function healthLines(project: DetectedProject): string[] {
  const { http } = project;
  const endpoint = http
    ? [`    # Port ${http.port} from ${http.from}${http.route === '/' ? '; no /health-like route was found in the code' : `; ${http.route} found in the code`}.`, `    endpoints:`, `      - { name: app, url: ${scalar(`http://localhost:${http.port}${http.route}`)} }`]
    : ['    endpoints: []           # no port was found: add the app\'s URL', '    # - { name: app, url: "http://localhost:3000/health" }'];
  return [
    '  health:',
    ...endpoint,
    ...(project.databases.length > 0 ? [`    databases: [${project.databases.map((db) => db.name).join(', ')}]`] : []),
    ...hostLines(),
  ];
}

/** Written out so they can be tuned; load only degrades (a shared box's load says little about the app), and Windows has none. */
function hostLines(): string[] {
  const load = process.platform === 'win32' ? 'false   # Windows has no load average' : `{ warn: ${HOST_DEFAULTS.load.warn} }   # per core (${os.availableParallelism()} here), sustained; no crit: it only degrades`;
  return [
    '    host:',
    `      disk: { warn: ${HOST_DEFAULTS.disk.warn}, crit: ${HOST_DEFAULTS.disk.crit} }     # % used of the state and backup folders' disks`,
    `      memory: { warn: ${HOST_DEFAULTS.memory.warn}, crit: ${HOST_DEFAULTS.memory.crit} }`,
    `      load: ${load}`,
  ];
}

/** A backup that works as written: every database opsctl can dump, and .env (the manuals' `cp .env .env.backup`). */
function backupLines(project: DetectedProject): string[] {
  const dumpable = project.databases.filter((db) => databaseAdapter(db.type).backup).map((db) => db.name);
  const files = project.dotenv ? ['.env'] : [];
  if (dumpable.length === 0 && files.length === 0) return ['  # backup:', '  #   databases: [main]', '  #   files: [uploads/]', '  #   retention: { daily: 7, weekly: 4 }'];
  return [
    '  backup:',
    '    dir: backups              # relative to this file; better on another disk',
    `    databases: [${dumpable.join(', ')}]`,
    `    files: [${files.join(', ')}]`,
    '    retention: { daily: 7, weekly: 4 }',
  ];
}

/** Always written: deploy needs a source, and `repo: .` with `ref: main` are what a first deploy from this folder wants. */
function sourceLines(project: DetectedProject): string[] {
  const { build, test } = project.scripts;
  return [
    '  # deploy checks out source.ref of source.repo into its own release folder, runs build, then checks.',
    '  source:',
    '    repo: .',
    `    ref: ${scalar(project.branch ?? 'main')}`,
    `    build: [${[project.install, build ? 'npm run build' : undefined].filter(Boolean).map((c) => `"${c}"`).join(', ')}]`,
    `    checks: [${test ? '"npm run test"' : ''}]`,
  ];
}

/** pm2 and compose logs are read without configuration; this says so, and where to add the app's own files. */
function logLines(project: DetectedProject): string[] {
  const own = project.compose?.app ? '`docker compose logs` of the service' : "pm2's log files of the app (wherever the ecosystem puts them)";
  return [`  # logs reads ${own} by itself; the app's own files go under logs.files:`, '  # logs:', '  #   files: [logs/app.log]'];
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
    project.main ? `    # pm2 starts ${project.main} (from package.json).` : '    # Nothing to run was found: set the script pm2 starts, or use compose: { service: app }.',
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
