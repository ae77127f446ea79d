/** Secrets opsctl has seen (passwords from URLs, webhook URLs, ...). Every text leaving the process passes through redact(). */
const secrets = new Set<string>();

// libpq and mongo URLs may carry the password as a query parameter instead. Linear: a fixed word after [?&].
const QUERY_SECRET = /([?&](?:password|pass|pwd|secret|token|api[_-]?key|access[_-]?key)=)([^&#\s]+)/gi;

export function registerSecret(value: string | undefined): void {
  // Short values would mask ordinary words; they are still kept out of argv by the builders.
  if (value && value.length >= 4) secrets.add(value);
}

/** Registers the password of a connection URL, if it has one. */
export function registerUrlSecrets(url: string): void {
  const passwords = [...urlPasswords(url).map(({ start, end }) => url.slice(start, end)), ...[...url.matchAll(QUERY_SECRET)].map((m) => m[2]!)];
  for (const password of passwords) {
    registerSecret(password);
    registerSecret(safeDecode(password));
  }
}

/** The secrets registered so far (redact-bytes.ts looks for them in bytes). */
export function registeredSecrets(): ReadonlySet<string> {
  return secrets;
}

export function redact(text: string): string {
  let out = maskUrlPasswords(text).replace(QUERY_SECRET, '$1***');
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join('***');
  }
  return out;
}

/** Deep-redacts strings inside plain data (history details, JSON results). */
export function redactData<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactData(item)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value).map(([key, item]) => [key, redactData(item)]);
    return Object.fromEntries(entries) as T;
  }
  return value;
}

function maskUrlPasswords(text: string): string {
  const spans = urlPasswords(text);
  if (spans.length === 0) return text;
  const parts: string[] = [];
  let from = 0;
  for (const { start, end } of spans) {
    parts.push(text.slice(from, start), '***');
    from = end;
  }
  parts.push(text.slice(from));
  return parts.join('');
}

/**
 * Where the passwords of `scheme://user:password@host` URLs in `text` are. The same matches as
 * /[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:([^/?#\s]+)@/gi, found by hand in one pass: that regex backtracks
 * over every start in a long run of scheme characters (seconds on 64 KB, hours on a 200 MB log line).
 * The password runs to the last "@" before the host, so an unencoded "@" in it is masked too.
 */
export function urlPasswords(text: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  let done = 0;
  for (let sep = text.indexOf('://'); sep !== -1; sep = text.indexOf('://', sep + 3)) {
    if (sep < done || !hasScheme(text, sep, done)) continue;
    const colon = scan(text, sep + 3, USER_END);
    if (text.charCodeAt(colon) !== COLON) continue;
    const at = lastAt(text, colon + 1);
    if (at <= colon + 1) continue;
    spans.push({ start: colon + 1, end: at });
    done = at + 1;
  }
  return spans;
}

const COLON = 58;
// ":", "/", "?", "#", "@" end the user; "/", "?", "#" end the host part.
const USER_END = new Set([58, 47, 63, 35, 64]);
const AUTHORITY_END = new Set([47, 63, 35]);

/** A scheme (a letter, then letters, digits, "+", "-", ".") ends right before `sep`, after `from`. */
function hasScheme(text: string, sep: number, from: number): boolean {
  let start = sep;
  while (start > from && isSchemeChar(text.charCodeAt(start - 1))) start -= 1;
  // The regex's match starts at the first letter of the run; digits or "+.-" before it are left out.
  while (start < sep && !isLetter(text.charCodeAt(start))) start += 1;
  return start < sep;
}

/** The last "@" between `from` and the end of the host part, or -1. */
function lastAt(text: string, from: number): number {
  let at = -1;
  for (let i = from; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (AUTHORITY_END.has(code) || isSpace(code)) break;
    if (code === 64) at = i;
  }
  return at;
}

/** The index of the first character at or after `from` in `stops` or white space (text.length if none). */
function scan(text: string, from: number, stops: ReadonlySet<number>): number {
  let i = from;
  while (i < text.length && !stops.has(text.charCodeAt(i)) && !isSpace(text.charCodeAt(i))) i += 1;
  return i;
}

function isLetter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
}

function isSchemeChar(code: number): boolean {
  return isLetter(code) || (code >= 48 && code <= 57) || code === 43 || code === 45 || code === 46;
}

/** What \s matches, without a regex call per ASCII character. */
function isSpace(code: number): boolean {
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return /\s/.test(String.fromCharCode(code));
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
