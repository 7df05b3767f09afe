import { createServer } from 'node:http';
import { Worker } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wechatMpConfigSchema } from '../../adapters/wechat-mp/config.ts';
import { createWechatMpAdapter, HANDOFF_NOTICE, NO_PASSIVE_REPLY } from '../../adapters/wechat-mp/index.ts';
import { createWechatMpServer, type WechatMpServer } from '../../banks/demo/wechat-mp.ts';
import { httpConfigSchema } from '../../adapters/http/config.ts';
import { createHttpAdapter } from '../../adapters/http/index.ts';
import { TransportFault, type Adapter, type AdapterContext, type AdapterEnv } from '../../harness/types.ts';
import { sendAndHold } from '../helpers/held-loop.ts';
import { tinyBrain } from '../helpers/tiny-brain.ts';

const env: AdapterEnv = {
  runDir: '/tmp',
  profileDir: '/tmp',
  options: { screenshots: false, trace: 'off', turnTimeoutMs: 10_000, debug: false },
  log: () => {},
};
let n = 0;
const ctx = (): AdapterContext => ({
  conversationId: `demo/wechat-mp/card-loss/c${n++}#0.0`,
  bank: 'demo',
  channel: 'wechat-mp',
  evidenceDir: '/tmp',
  relative: (p) => p,
  seed: 1234 + n,
  signal: new AbortController().signal,
  log: () => {},
});
const say = (text: string, index = 0) => ({ index, text, attempt: 'first' as const });
const signal = () => new AbortController().signal;

let demo: WechatMpServer;
beforeAll(async () => {
  demo = await createWechatMpServer(tinyBrain(), { latencyMs: 0, jitterMs: 0 });
});
afterAll(() => demo.close());

const config = (extra: Record<string, unknown>) =>
  wechatMpConfigSchema.parse({ url: demo.url, token: demo.token, appId: demo.appId, aesKey: demo.aesKey, toUser: 'gh_demo', ...extra });

describe('wechat-mp adapter against the demo official account', () => {
  for (const mode of ['plain', 'compatible', 'safe'] as const) {
    it(`gets the passive text reply in ${mode} mode`, async () => {
      const adapter = createWechatMpAdapter(config({ mode }), env);
      const s = await adapter.open(ctx());
      const r = await s.send(say('我的银行卡丢了，怎么挂失？'), signal());
      expect(r.text).toBe('您可以立即通过手机银行或客服热线办理临时挂失。\n正式挂失与补卡需本人携带有效身份证件到网点办理。');
      expect(r.messages[0].kind).toBe('text');
      expect(r.latency.firstMs).toBeGreaterThanOrEqual(0);
      await s.close({ failed: false });
      await adapter.dispose();
    });
  }

  it('reads a branch lookup answered as a news article', async () => {
    const adapter = createWechatMpAdapter(config({ mode: 'safe' }), env);
    const s = await adapter.open(ctx());
    const r = await s.send(say('附近网点在哪'), signal());
    expect(r.messages).toHaveLength(1);
    expect(r.messages[0]).toMatchObject({ kind: 'news', text: '离您最近的网点：示例银行中山路支行\n地址：中山路1号，电话 95500，营业时间 9:00-17:00' });
    expect(r.evidence?.raw).toMatchObject({ passive: true, msgType: 'news' });
  });

  it('reads transfer_customer_service as a handoff to human agents', async () => {
    const adapter = createWechatMpAdapter(config({ mode: 'safe' }), env);
    const s = await adapter.open(ctx());
    const r = await s.send(say('我要人工服务'), signal());
    expect(r).toMatchObject({ handoff: true, text: HANDOFF_NOTICE, messages: [{ kind: 'system' }] });
    expect(r.evidence?.raw).toMatchObject({ msgType: 'transfer_customer_service' });
  });

  it('fails URL verification with a wrong token, naming the token', async () => {
    const adapter = createWechatMpAdapter(config({ mode: 'plain', token: 'wrong' }), env);
    const err = await adapter.open(ctx()).catch((e) => e);
    expect(err).toBeInstanceOf(TransportFault);
    expect(err.kind).toBe('protocol');
    expect(err.message).toMatch(/check the token/);
  });

  it('refuses compatible or safe mode without an aesKey', () => {
    const c = config({ mode: 'safe' });
    expect(() => createWechatMpAdapter({ ...c, aesKey: undefined }, env)).toThrow(/aesKey is required in safe mode/);
  });
});

describe('the 5-second rule', () => {
  it('re-sends the same MsgId after a timeout and the endpoint answers once', async () => {
    // The reply takes 3 s, the harness waits 2 s: the first send times out, the resend (waiting until 4 s) gets the answer.
    // A loaded machine's loop may run 1 s late on either side: a deadline processed late takes what has arrived by then
    // (harness/util/deadline.ts), so a reply due only 0.1 s after the first deadline was taken as its answer under load.
    const slow = await createWechatMpServer(tinyBrain(), { latencyMs: 3000, jitterMs: 0 });
    try {
      const cfg = wechatMpConfigSchema.parse({
        url: slow.url, token: slow.token, appId: slow.appId, aesKey: slow.aesKey, toUser: 'gh_demo', mode: 'safe', timeoutMs: 2000, retries: 3,
      });
      const s = await createWechatMpAdapter(cfg, env).open(ctx());
      const r = await s.send(say('余额怎么查'), signal());
      expect(r.text).toBe('可通过手机银行、网银、ATM查询余额（第1轮）。');
      expect(slow.stats).toMatchObject({ answered: 1, duplicates: 1 });
      expect(s.metrics?.()).toMatchObject({ 'wechat-mp.resent': 1 });
    } finally {
      await slow.close();
    }
  });

  it('gives up with a timeout fault after the retries', async () => {
    const slow = await createWechatMpServer(tinyBrain(), { latencyMs: 3000, jitterMs: 0 });
    try {
      const cfg = wechatMpConfigSchema.parse({
        url: slow.url, token: slow.token, appId: slow.appId, toUser: 'gh_demo', mode: 'plain', timeoutMs: 200, retries: 2,
      });
      const s = await createWechatMpAdapter(cfg, env).open(ctx());
      const err = await s.send(say('余额怎么查'), signal()).catch((e) => e);
      expect(err).toBeInstanceOf(TransportFault);
      expect(err.kind).toBe('timeout');
      expect(err.message).toMatch(/after 3 attempts/);
      // The last attempt is on its way to the bot when the caller gives up on it: seen once it has arrived.
      for (const until = Date.now() + 10_000; slow.stats.received < 3 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20));
      expect(slow.stats.received).toBe(3);
      expect(slow.stats.answered).toBe(1);
    } finally {
      await slow.close();
    }
  });
});

describe('transport faults', () => {
  it('names a refused connection', async () => {
    // A port nothing listens on.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const refused = await createWechatMpAdapter(wechatMpConfigSchema.parse({ url: `http://127.0.0.1:${port}/wx`, token: 't', appId: 'wx1', toUser: 'gh_demo', mode: 'plain' }), env)
      .open(ctx())
      .then((s) => s.send(say('余额怎么查'), signal()))
      .catch((e) => e);
    expect(refused).toBeInstanceOf(TransportFault);
    expect(refused.kind).toBe('refused');
  });

  it('calls a reset the same fault as the bot-API adapter does: one dropped request, the session kept', async () => {
    // An endpoint that cuts every connection as soon as the request arrives.
    const cutter = createServer((req) => req.socket.destroy());
    await new Promise<void>((r) => cutter.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(cutter.address() as AddressInfo).port}/wx`;
    const mp = await createWechatMpAdapter(wechatMpConfigSchema.parse({ url, token: 't', appId: 'wx1', toUser: 'gh_demo', mode: 'plain' }), env)
      .open(ctx())
      .then((s) => s.send(say('余额怎么查'), signal()))
      .catch((e) => e);
    const api = createHttpAdapter(httpConfigSchema.parse({ url, request: { q: '{{text}}' }, response: { text: 'answer' } }), env) as Adapter;
    const viaApi = await (await api.open(ctx())).send(say('余额怎么查'), signal()).catch((e) => e);
    await api.dispose();
    await new Promise((r) => cutter.close(r));
    for (const fault of [mp, viaApi]) {
      expect(fault).toBeInstanceOf(TransportFault);
      expect(fault.kind).toBe('dropped');
      expect(fault.sessionBroken).toBe(false);
    }
  });

  it('takes a passive reply that arrived in time while the harness held its own loop past the deadline, without a resend', async () => {
    // The endpoint in a thread of its own answers in 100 ms while this thread is busy for 1.5 s (a loaded harness).
    const endpoint = new Worker(
      `const http = require('node:http');
       const server = http.createServer((req, res) => { req.resume(); req.on('end', () => setTimeout(() => res.end('success'), 100)); });
       server.listen(0, '127.0.0.1', () => require('node:worker_threads').parentPort.postMessage(server.address().port));`,
      { eval: true },
    );
    try {
      const port = await new Promise<number>((r) => endpoint.once('message', r));
      const s = await createWechatMpAdapter(wechatMpConfigSchema.parse({ url: `http://127.0.0.1:${port}/wx`, token: 't', appId: 'wx1', toUser: 'gh_demo', mode: 'plain', verify: false, timeoutMs: 300 }), env).open(ctx());
      expect((await sendAndHold(() => s.send(say('余额怎么查'), signal()))).text).toBe('');
      expect(s.metrics?.()).toMatchObject({ 'wechat-mp.resent': 0 });
    } finally {
      await endpoint.terminate();
    }
  });
});

describe('replies of other endpoints', () => {
  it('records "success" and an empty body as no passive reply, and reads CreateTime in ms', async () => {
    const bodies = [
      'success',
      '',
      '<xml><ToUserName><![CDATA[o]]></ToUserName><FromUserName><![CDATA[gh]]></FromUserName><CreateTime>1714036504123</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[您好]]></Content></xml>',
    ];
    const server = createServer((req, res) => {
      const u = new URL(req.url!, 'http://x');
      if (req.method === 'GET') return res.end(u.searchParams.get('echostr'));
      req.resume().on('end', () => res.end(bodies.shift()));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const s = await createWechatMpAdapter(wechatMpConfigSchema.parse({ url, token: 't', appId: 'wx', toUser: 'gh', mode: 'plain' }), env).open(ctx());
      for (let i = 0; i < 2; i++) {
        const r = await s.send(say('你好'), signal());
        expect(r.text).toBe('');
        expect(r.evidence?.raw).toMatchObject({ passive: false, note: NO_PASSIVE_REPLY });
      }
      const r = await s.send(say('你好'), signal());
      expect(r.text).toBe('您好');
      expect(r.evidence?.raw).toMatchObject({ createTime: '2024-04-25T09:15:04.123Z' });
    } finally {
      server.close();
    }
  });
});
