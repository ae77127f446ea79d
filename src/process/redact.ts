/** Secrets opsctl has seen (passwords from URLs, webhook URLs, ...). Every text leaving the process passes through redact(). */
const secrets = new Set<string>();

// The password runs to the last "@" before the host, so an unencoded "@" in it is masked too.
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)([^/?#\s]+)@/gi;
// libpq and mongo URLs may carry the password as a query parameter instead.
const QUERY_SECRET = /([?&](?:password|pass|pwd|secret|token|api[_-]?key|access[_-]?key)=)([^&#\s]+)/gi;

export function registerSecret(value: string | undefined): void {
  // Short values would mask ordinary words; they are still kept out of argv by the builders.
  if (value && value.length >= 4) secrets.add(value);
}

/** Registers the password of a connection URL, if it has one. */
export function registerUrlSecrets(url: string): void {
  for (const match of [...url.matchAll(URL_PASSWORD), ...url.matchAll(QUERY_SECRET)]) {
    const password = match[2]!;
    registerSecret(password);
    registerSecret(safeDecode(password));
  }
}

export function redact(text: string): string {
  let out = text.replace(URL_PASSWORD, '$1***@').replace(QUERY_SECRET, '$1***');
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

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
