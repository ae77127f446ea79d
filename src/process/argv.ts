import { ConfigError } from '../errors.js';

/**
 * Splits a command line from the config ("npm run build", "docker build -t app:${OPSCTL_RELEASE} .")
 * into argv the way a reader expects: spaces separate, '...' and "..." group; inside "..." a backslash
 * escapes only `"` and `\\`. Elsewhere a backslash is a plain character, so Windows paths
 * (`scripts\\build.js`, `C:\\tools\\x.exe`) stay whole. Nothing is expanded: no globs, variables or
 * pipes, since no shell ever runs it.
 */
export function splitCommandLine(line: string, key: string): string[] {
  const args: string[] = [];
  let current = '';
  let started = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i]!;
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && (line[i + 1] === '"' || line[i + 1] === '\\')) current += line[++i];
      else current += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      started = true;
    } else if (/\s/.test(char)) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += char;
      started = true;
    }
  }
  if (quote) throw new ConfigError(`${key}: unclosed ${quote} in "${line}".`, 'Close the quote; commands are split into argv, never run through a shell.');
  if (started) args.push(current);
  // Quoted operators are plain arguments; bare ones mean the author expected a shell.
  if (bareOperators(line).length > 0) {
    throw new ConfigError(`${key}: "${line}" uses shell syntax (pipes, redirects, &&, ;).`, 'opsctl runs no shell: write each command as its own list item, or put the pipeline in a script and run that.');
  }
  if (args.length === 0) throw new ConfigError(`${key}: the command is empty.`, 'Write the command to run, such as "npm run build".');
  return args;
}

function bareOperators(line: string): string[] {
  const unquoted = line.replace(/'[^']*'|"(?:\\.|[^"\\])*"/g, ' ');
  // Also glued to words: "npm ci&&npm run build" is a shell line too.
  return unquoted.match(/&&|\|\||[|;<>]|(?:^|\s)&(?:\s|$)/g) ?? [];
}
