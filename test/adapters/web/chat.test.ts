import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webConfigSchema } from '../../../adapters/web/config.ts';
import { createWebAdapter } from '../../../adapters/web/index.ts';
import { createWebServer, type WebServer } from '../../../banks/demo/web/index.ts';
import type { Adapter } from '../../../harness/types.ts';
import { demoWebConfig, fileBrowser, never, say, testCtx, testEnv } from '../../helpers/web.ts';
import { tinyBrain } from '../../helpers/tiny-brain.ts';

// The demo widget lives in an iframe opened by a launcher, behind a privacy
// notice, inside an open shadow root: every turn here crosses all three.

const browser = fileBrowser();
let server: WebServer;
let adapter: Adapter;
beforeAll(async () => {
  server = await createWebServer(tinyBrain(), { latencyMs: 300, jitterMs: 0 });
  adapter = createWebAdapter(webConfigSchema.parse(demoWebConfig(server.url)), testEnv(), {}, browser);
});
afterAll(async () => {
  await adapter?.dispose();
  await server?.close();
});

// Every test has a chat session of its own (on one adapter here, on adapters
// of their own below): they go at once.
describe.concurrent('web chat in a real browser', () => {
  it('leaves out the welcome text and joins a two-bubble reply in order', async () => {
    const s = await adapter.open(testCtx());
    const r = await s.send(say('我的银行卡丢了，怎么挂失？'), never());
    expect(r.text).toBe('您可以立即通过手机银行或客服热线办理临时挂失。\n正式挂失与补卡需本人携带有效身份证件到网点办理。');
    expect(r.messages.map((m) => m.text)).toHaveLength(2);
    expect(r.text).not.toContain('您好');
    expect(r.messages[0].atMs!).toBeLessThan(r.messages[1].atMs!);
    await s.close({ failed: false });
  });

  it('measures time to the first message in the page, close to the bot delay of 300 ms', async () => {
    const s = await adapter.open(testCtx());
    const r = await s.send(say('余额怎么查'), never());
    expect(r.latency.firstMs).toBeGreaterThanOrEqual(295);
    // Accuracy is a benchmark figure (bench/web.bench.ts, bench/suite-figures.bench.ts); here: measured in the page, never before the delay.
    expect(r.latency.settledMs!).toBeGreaterThanOrEqual(r.latency.firstMs!);
    await s.close({ failed: false });
  });

  it('captures quick-reply buttons and presses one instead of typing', async () => {
    const s = await adapter.open(testCtx());
    const asked = await s.send(say('银行卡'), never());
    expect(asked.text).toBe('请问您想办理哪项银行卡业务？');
    expect(asked.buttons).toEqual(['卡挂失', '余额查询']);
    const r = await s.send(say('我要查余额', 1, '余额查询'), never());
    expect(r.text).toBe('可通过手机银行、网银、ATM查询余额（第2轮）。');
    expect(r.buttons).toEqual([]);
    expect(r.evidence?.raw).toMatchObject({ clicked: '余额查询' });
    await s.close({ failed: false });
  });

  it('reports a handoff when the 转接人工 notice appears, and none otherwise', async () => {
    const s = await adapter.open(testCtx());
    const plain = await s.send(say('余额怎么查'), never());
    expect(plain.handoff).toBe(false);
    const r = await s.send(say('给我转人工', 1), never());
    expect(r).toMatchObject({ text: '正在为您转接人工客服，请稍候。', handoff: true });
    await s.close({ failed: false });
  });

  it('types the text when the button asked for is not offered', async () => {
    const s = await adapter.open(testCtx());
    const r = await s.send(say('余额怎么查', 0, '不存在的按钮'), never());
    expect(r.text).toBe('可通过手机银行、网银、ATM查询余额（第1轮）。');
    await s.close({ failed: false });
  });
});

describe.concurrent('when a reply is done', () => {
  it('waits out a typing indicator longer than settleMs between two bubbles', async () => {
    const slow = await createWebServer(tinyBrain(), { latencyMs: 100, jitterMs: 0 }, { gapMs: 1200 });
    const withTyping = createWebAdapter(webConfigSchema.parse(demoWebConfig(slow.url, { settleMs: 500 })), testEnv(), {}, browser);
    const { typing: _, ...noTyping } = { ...demoWebConfig(slow.url).selectors, typing: '' };
    const blind = createWebAdapter(webConfigSchema.parse({ ...demoWebConfig(slow.url, { settleMs: 500 }), selectors: noTyping }), testEnv(), {}, browser);
    try {
      const s = await withTyping.open(testCtx());
      const r = await s.send(say('卡丢了'), never());
      expect(r.messages).toHaveLength(2);
      await s.close({ failed: false });
      // Without the indicator the quiet gap looks like the end: the second bubble is lost.
      const b = await blind.open(testCtx());
      const cut = await b.send(say('卡丢了'), never());
      expect(cut.messages).toHaveLength(1);
      await b.close({ failed: false });
    } finally {
      await withTyping.dispose();
      await blind.dispose();
      await slow.close();
    }
  });

  it('reads a slowly streamed bubble whole, not the prefix seen first', async () => {
    const streaming = await createWebServer(tinyBrain(), { latencyMs: 50, jitterMs: 0 }, { chunkChars: 1, chunkMs: 60 });
    // A quiet window 25× the chunk gap: on a loaded machine a 60-ms timer can fire hundreds of ms late.
    const a = createWebAdapter(webConfigSchema.parse(demoWebConfig(streaming.url, { settleMs: 1500 })), testEnv(), {}, browser);
    try {
      const s = await a.open(testCtx());
      const r = await s.send(say('余额怎么查'), never());
      expect(r.text).toBe('可通过手机银行、网银、ATM查询余额（第1轮）。');
      expect(r.latency.settledMs! - r.latency.firstMs!).toBeGreaterThan(60 * 20);
      await s.close({ failed: false });
    } finally {
      await a.dispose();
      await streaming.close();
    }
  });

  it('gives an empty reply, not a fault, when the bot says nothing within maxWaitMs', async () => {
    // maxWaitMs also bounds each step of opening the chat: long enough for a loaded machine,
    // and the bot stays silent far longer than that.
    const mute = await createWebServer(tinyBrain(), { latencyMs: 120_000, jitterMs: 0 });
    const a = createWebAdapter(webConfigSchema.parse(demoWebConfig(mute.url, { maxWaitMs: 8000, settleMs: 300 })), testEnv(), {}, browser);
    try {
      const s = await a.open(testCtx());
      const r = await s.send(say('余额怎么查'), never());
      expect(r).toMatchObject({ text: '', messages: [], latency: { firstMs: null, settledMs: null } });
      expect(r.evidence?.raw).toMatchObject({ ended: 'max-wait' });
      await s.close({ failed: false });
    } finally {
      await a.dispose();
      await mute.close();
    }
  });
});
