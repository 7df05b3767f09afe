import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webConfigSchema } from '../adapters/web/config.ts';
import { createWebAdapter } from '../adapters/web/index.ts';
import { createWebServer, type WebServer } from '../banks/demo/web/index.ts';
import type { Adapter } from '../harness/types.ts';
import { demoWebConfig, never, say, testCtx, testEnv } from './web-helpers.ts';
import { tinyBrain } from './web-tiny-brain.ts';

// The demo profile's fast path: the message log's aria-busy counts as a typing
// indicator (so a short quiet window is safe while the widget types slowly),
// and `prewarm` opens the next chat while the current one talks.

let server: WebServer;
let adapter: Adapter;
beforeAll(async () => {
  // Slow typing: 150 ms between pieces and 400 ms between bubbles, far longer than the quiet window.
  server = await createWebServer(tinyBrain(), { latencyMs: 200, jitterMs: 0 }, { chunkChars: 6, chunkMs: 150, gapMs: 400 });
  const config = demoWebConfig(server.url, { settleMs: 60, prewarm: true });
  (config.selectors as { typing?: string }).typing = '.typing, .messages[aria-busy="true"]';
  adapter = createWebAdapter(webConfigSchema.parse(config), testEnv());
});
afterAll(async () => {
  await adapter?.dispose();
  await server?.close();
});

describe('web chat with busy signals and a prewarmed chat', () => {
  it('reads a slowly typed two-bubble reply whole with a 60-ms quiet window, leaving the welcome out', async () => {
    const s = await adapter.open(testCtx());
    const r = await s.send(say('我的银行卡丢了，怎么挂失？'), never());
    expect(r.text).toBe('您可以立即通过手机银行或客服热线办理临时挂失。\n正式挂失与补卡需本人携带有效身份证件到网点办理。');
    expect(r.text).not.toContain('您好');
    await s.close({ failed: false });
  });

  it('opens the next conversation from the prewarmed spare, on a fresh chat session of its own', async () => {
    const first = await adapter.open(testCtx());
    await first.send(say('余额怎么查'), never());
    await first.close({ failed: false });
    await new Promise((r) => setTimeout(r, 3000)); // the spare chat opens meanwhile (slowly on a loaded machine)
    // How fast the prewarmed open is, is a benchmark figure (bench/suite-figures.bench.ts).
    const second = await adapter.open(testCtx());
    const r = await second.send(say('我的银行卡丢了，怎么挂失？'), never());
    // A fresh session: the previous conversation's messages are not in this reply.
    expect(r.text).not.toContain('余额');
    expect(r.messages).toHaveLength(2);
    await second.close({ failed: false });
  });
});
