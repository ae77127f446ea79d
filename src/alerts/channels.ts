import { requireResolved } from '../config/interpolate.js';
import type { SelectedEnvironment } from '../config/select.js';
import { command } from '../process/command.js';
import { withDeadline } from '../process/deadline.js';
import type { Effects } from '../process/effects.js';
import { registerSecret } from '../process/redact.js';
import type { Runner } from '../process/runner.js';
import { discordPayload, ntfyRequest, teamsPayload } from './shapes.js';
import { postPayloadThrough, type Delivery, type DeliveryOptions } from './webhook.js';

/** One place alerts go. send gives undefined under --dry-run (shown, not sent). Never throws for a dead channel. */
export interface Channel {
  /** The setting it comes from: alerts.webhook, alerts.command, ... */
  key: string;
  send(text: string, options: DeliveryOptions): Promise<Delivery | undefined>;
}

export interface ChannelDeps {
  effects: Effects;
  runner: Runner;
}

/** A command that takes longer than this to accept the text (a mail relay that hangs) counts as not delivered. */
const COMMAND_TIMEOUT_MS = 30_000;

/** The channels the environment sets under alerts, in a fixed order; ${VAR} must be resolved (a ConfigError otherwise). */
export function alertChannels(env: SelectedEnvironment, deps: ChannelDeps): Channel[] {
  const alerts = env.config.alerts;
  if (!alerts) return [];
  const url = (value: string, key: string) => {
    const resolved = requireResolved(value, key, env.envFile);
    // The path of a chat webhook is its token.
    registerSecret(resolved);
    return resolved;
  };
  const posting = (key: string, shape: (text: string) => { url: string; payload: unknown }): Channel => ({
    key,
    send: (text, options) => {
      const { url: to, payload } = shape(text);
      return postPayloadThrough(deps.effects, 'the alert', key, to, payload, options);
    },
  });
  const channels: Channel[] = [];
  if (alerts.webhook) {
    const to = url(alerts.webhook, 'alerts.webhook');
    channels.push(posting('alerts.webhook', (text) => ({ url: to, payload: { text } })));
  }
  if (alerts.discord) {
    const to = url(alerts.discord, 'alerts.discord');
    channels.push(posting('alerts.discord', (text) => ({ url: to, payload: discordPayload(text) })));
  }
  if (alerts.teams) {
    const to = url(alerts.teams, 'alerts.teams');
    channels.push(posting('alerts.teams', (text) => ({ url: to, payload: teamsPayload(text) })));
  }
  if (alerts.ntfy) {
    const to = url(alerts.ntfy, 'alerts.ntfy');
    channels.push(posting('alerts.ntfy', (text) => ntfyRequest(to, text)));
  }
  if (alerts.command) channels.push(commandChannel(alerts.command.map((arg, i) => requireResolved(arg, `alerts.command[${i}]`, env.envFile)), deps.runner));
  return channels;
}

/** alerts.command: the program gets the text on stdin (`mail -s "API Alert" ops@example.com`); exit 0 is delivered. */
function commandChannel(argv: string[], runner: Runner): Channel {
  const [file, ...args] = argv as [string, ...string[]];
  return {
    key: 'alerts.command',
    async send(text, options) {
      try {
        const result = await withDeadline(COMMAND_TIMEOUT_MS, (deadline) =>
          runner.run(command(file, args, { readOnly: false, input: `${text}\n` }), { allowFailure: true, signal: AbortSignal.any([options.signal, deadline]) }),
        );
        if (result.skipped) return undefined;
        if (result.exitCode === 0) return { delivered: true, attempts: 1 };
        const said = result.stderr.trim().split('\n').pop();
        return { delivered: false, attempts: 1, error: `${file} exited with ${result.exitCode}${said ? `: ${said}` : ''}` };
      } catch (error) {
        if (options.signal.aborted) return { delivered: false, attempts: 1, error: 'interrupted' };
        const err = error as Error;
        return { delivered: false, attempts: 1, error: err.name === 'TimeoutError' ? `${file} did not finish in time` : err.message.split('\n')[0]! };
      }
    },
  };
}
