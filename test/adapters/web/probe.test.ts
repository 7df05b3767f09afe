import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { webConfigSchema } from '../../../adapters/web/config.ts';
import { createWebAdapter } from '../../../adapters/web/index.ts';
import { createWebServer, type WebServer } from '../../../banks/demo/web/index.ts';
import { probe } from '../../../adapters/web/probe.ts';
import { never, say, testCtx, testEnv } from '../../helpers/web.ts';
import { tinyBrain } from '../../helpers/tiny-brain.ts';

let server: WebServer;
beforeAll(async () => {
  server = await createWebServer(tinyBrain(), { latencyMs: 200, jitterMs: 0 });
});
afterAll(() => server?.close());

describe.concurrent('harness probe', () => {
  it('finds the launcher, iframe, privacy notice and bubbles of the demo portal, and its block works as is', async () => {
    const found = await probe(server.url, { timeoutMs: 10_000 });
    expect(found.channelsWeb).toMatchObject({
      adapter: 'web',
      url: server.url,
      open: [{ click: '#launcher' }, { frame: '#chat-frame' }, { click: 'button.accept' }],
      selectors: { frame: ['#chat-frame'], input: 'textarea.input', send: 'button.send', botMessage: '.msg.bot', typing: 'div.typing' },
    });
    expect(found.notes.join('\n')).toMatch(/shadow root/);
    const pasted = parse(found.yaml).channels.web;
    const { adapter: _a, kind: _k, ...config } = pasted;
    const web = createWebAdapter(webConfigSchema.parse(config), testEnv());
    try {
      const s = await web.open(testCtx());
      const r = await s.send(say('我的卡丢了'), never());
      expect(r.messages).toHaveLength(2);
      await s.close({ failed: false });
    } finally {
      await web.dispose();
    }
  });

  it('says what it could not find on a page without a chat', async () => {
    const found = await probe(server.url.replace(/\/$/, '/nothing-here'), { timeoutMs: 5_000 });
    expect(found.notes.join('\n')).toMatch(/no message box found/);
    expect(found.channelsWeb).toMatchObject({ selectors: { input: 'TODO', botMessage: 'TODO' } });
  });
});
