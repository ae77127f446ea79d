import { ConfigError } from '../errors.js';

/**
 * Splits a command line from the config ("npm run build", "docker build -t app:${OPSCTL_RELEASE} .")
 * into argv the way a reader expects: spaces separate, '...' and "..." group, a backslash escapes the
 * next character outside single quotes. Nothing is expanded: no globs, variables or pipes, since no
 * shell ever runs it.
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
      else if (char === '\\' && quote === '"' && i + 1 < line.length) current += line[++i];
      else current += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      started = true;
    } else if (char === '\\' && i + 1 < line.length) {
      current += line[++i];
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
  const unquoted = line.replace(/'[^']*'|"(?:\\.|[^"\\])*"/g, '');
  return unquoted.split(/\s+/).filter((word) => /^(\||\|\||&&|&|;|>|>>|<|2>&1)$/.test(word));
}
