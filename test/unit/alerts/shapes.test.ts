import { describe, expect, it } from 'vitest';
import { discordPayload, ntfyRequest, teamsPayload } from '../../../src/alerts/shapes.js';

describe('chat payloads', () => {
  it('Discord takes content, cut to its 2000 characters', () => {
    expect(discordPayload('[shop prod] 🔴 DOWN api')).toEqual({ content: '[shop prod] 🔴 DOWN api' });
    expect((discordPayload('x'.repeat(2500)) as { content: string }).content).toHaveLength(2000);
  });

  it('Teams gets an Adaptive Card with the first line as its title', () => {
    const card = teamsPayload('[shop prod] 2 changes\nDOWN api\nDOWN main') as any;
    expect(card.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.attachments[0].content.body.map((b: { text: string }) => b.text)).toEqual(['[shop prod] 2 changes', 'DOWN api', 'DOWN main']);
  });

  it('ntfy posts to the server root with the topic in the document', () => {
    expect(ntfyRequest('https://ntfy.example.com/shop-alerts', '[shop prod] ✅ RECOVERED api after 2m')).toEqual({
      url: 'https://ntfy.example.com/',
      payload: { topic: 'shop-alerts', title: '[shop prod] ✅ RECOVERED api after 2m', message: '[shop prod] ✅ RECOVERED api after 2m', priority: 3, tags: ['white_check_mark'] },
    });
  });
});
