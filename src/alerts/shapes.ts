/**
 * The JSON each chat service wants for one alert text. Slack and Mattermost take `{"text"}` (alerts.webhook);
 * Discord wants `content` (2000 characters at most), Teams workflows an Adaptive Card, ntfy its publish
 * document with the topic in it (posted to the server's root).
 */
const DISCORD_MAX = 2000;

export function discordPayload(text: string): unknown {
  return { content: text.length > DISCORD_MAX ? `${text.slice(0, DISCORD_MAX - 3)}...` : text };
}

export function teamsPayload(text: string): unknown {
  const [title, ...rest] = text.split('\n');
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: title, weight: 'Bolder', wrap: true },
            ...rest.map((line) => ({ type: 'TextBlock', text: line, wrap: true, spacing: 'None' })),
          ],
        },
      },
    ],
  };
}

/** ntfy: `https://ntfy.sh/my-alerts` posts `{topic: "my-alerts", ...}` to `https://ntfy.sh/`. */
export function ntfyRequest(topicUrl: string, text: string): { url: string; payload: unknown } {
  const parsed = new URL(topicUrl);
  const topic = parsed.pathname.replace(/^\/+|\/+$/g, '');
  parsed.pathname = '/';
  const down = /DOWN|STILL DOWN|MISSED/.test(text);
  return {
    url: parsed.toString(),
    payload: { topic, title: text.split('\n')[0]!.slice(0, 120), message: text, priority: down ? 4 : 3, tags: [down ? 'rotating_light' : 'white_check_mark'] },
  };
}
