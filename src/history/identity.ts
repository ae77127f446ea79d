import os from 'node:os';

export interface Identity {
  user: string;
  host: string;
  pid: number;
}

export function currentIdentity(): Identity {
  return { user: currentUser(), host: os.hostname(), pid: process.pid };
}

function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    // Containers without a passwd entry for the uid.
    return process.env.USER ?? process.env.USERNAME ?? String(process.getuid?.() ?? 'unknown');
  }
}
