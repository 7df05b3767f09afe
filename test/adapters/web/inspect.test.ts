import { describe, expect, it } from 'vitest';
import { webConfigSchema } from '../../../adapters/web/config.ts';
import { candidateSelectors, inspection } from '../../../adapters/web/inspect.ts';
import type { ChatLook, ObservedReply } from '../../../adapters/web/observer.ts';

// What `harness try` prints for a web turn, from what the page showed.

const config = webConfigSchema.parse({
  url: 'https://bank.example/kf',
  selectors: { input: 'textarea', botMessage: '.reply', typing: '.dots' },
  maxWaitMs: 5000,
});
const silent: ObservedReply = { messages: [], buttons: [], firstMs: null, settledMs: null, handoff: null, ended: 'max-wait', typingSeen: [] };
const look = (over: Partial<ChatLook> = {}): ChatLook => ({
  matched: { input: { count: 1, visible: 1, texts: ['<textarea>'] }, botMessage: { count: 0, visible: 0, texts: [] }, typing: { count: 0, visible: 0, texts: [] } },
  body: '您好\n查余额',
  added: [],
  inputs: [],
  sends: [],
  iframes: [],
  ...over,
});
const path = (hosts: string[], own: string) => ({ hosts, own, parent: null });

describe('web inspection', () => {
  it('leaves the customer\'s own words out of the candidates and ranks the most common element first', () => {
    const added = [
      { text: '查余额', visible: true, path: path(['x-chat'], 'div.bubble.mine') },
      { text: '您可通过手机银行查询余额。', visible: true, path: path(['x-chat'], 'p.answer') },
      { text: '也可拨打客服热线。', visible: true, path: path(['x-chat'], 'p.answer') },
      { text: '10:02', visible: true, path: path(['x-chat'], 'time') },
    ];
    expect(candidateSelectors(added, '查余额').map((c) => c.selector)).toEqual(['x-chat p.answer', 'x-chat time']);
  });

  it('points at an iframe when the page shows no new text and no frame is set', () => {
    const seen = inspection(config, {
      said: '查余额',
      url: config.url,
      frames: [],
      observed: silent,
      look: look({ iframes: [{ text: 'https://kf.vendor.example/chat', visible: true, path: path([], 'iframe#kf') }] }),
    });
    expect(seen.suggestions).toEqual(['no new text in the page itself; the chat may be inside an iframe: set selectors.frame to `iframe#kf`']);
    expect(seen.extracted.find((e) => e.field === 'selectors.botMessage')).toEqual({ field: 'selectors.botMessage', rule: '.reply', values: [] });
  });

  it('tells a reply that never came from a selector that matches only older messages, and a typing selector that never clears', () => {
    const seen = inspection(config, {
      said: '查余额',
      url: config.url,
      frames: [],
      observed: silent,
      look: look({
        matched: {
          botMessage: { count: 1, visible: 1, texts: ['您好，请问有什么可以帮您？'] },
          typing: { count: 1, visible: 1, texts: ['…'] },
        },
      }),
    });
    expect(seen.suggestions).toEqual([
      'selectors.botMessage `.reply` matches 1 element(s), but none appeared after the message was sent (the last: "您好，请问有什么可以帮您？"): the bot did not answer within maxWaitMs (5000 ms), or the selector matches only older messages',
      'selectors.typing `.dots` still shows after maxWaitMs: a typing selector that matches something always visible holds every reply to the maximum',
    ]);
  });
});
