import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wechatH5ConfigSchema } from '../../adapters/wechat-h5/config.ts';
import { createWechatH5Adapter, oauthReturn, wechatUserAgents } from '../../adapters/wechat-h5/index.ts';
import { webConfigSchema } from '../../adapters/web/config.ts';
import { createWebAdapter } from '../../adapters/web/index.ts';
import { createWebServer, type WebServer } from '../../banks/demo/web/index.ts';
import { TransportFault } from '../../harness/types.ts';
import { demoSelectors, fileBrowser, never, say, testCtx, testEnv } from '../helpers/web.ts';
import { tinyBrain } from '../helpers/tiny-brain.ts';

const browser = fileBrowser();
let server: WebServer;
beforeAll(async () => {
  server = await createWebServer(tinyBrain(), { latencyMs: 100, jitterMs: 0 });
});
afterAll(() => server?.close());

const h5 = (extra: Record<string, unknown> = {}) => ({ url: server.wechatUrl, selectors: demoSelectors, open: [{ click: 'button.accept' }], ...extra });

// Each test has its own adapter (and its own bank page where it needs one): they go at once.
describe.concurrent('the WeChat H5 service page', () => {
  it('refuses an ordinary browser with 请在微信客户端打开链接', async () => {
    const res = await fetch(server.wechatUrl, { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0' } });
    expect(await res.text()).toContain('请在微信客户端打开链接');
    const plain = createWebAdapter(webConfigSchema.parse({ ...h5(), maxWaitMs: 2000 }), testEnv(), {}, browser);
    try {
      const before = server.stats.refused;
      const err = await plain.open(testCtx()).catch((e) => e);
      expect(err).toBeInstanceOf(TransportFault);
      expect(err.kind).toBe('timeout');
      expect(server.stats.refused).toBe(before + 1);
    } finally {
      await plain.dispose();
    }
  });

  for (const ua of ['ios', 'android'] as const) {
    it(`serves the ${ua} WeChat browser after the OAuth hop, answered with a code by the harness`, async () => {
      const a = createWechatH5Adapter(wechatH5ConfigSchema.parse(h5({ ua, oauthCode: `code-${ua}` })), testEnv(), browser);
      try {
        const s = await a.open(testCtx());
        const r = await s.send(say('附近网点在哪'), never());
        expect(r.text).toBe('离您最近的网点：示例银行中山路支行\n地址：中山路1号，电话 95500，营业时间 9:00-17:00');
        expect(server.stats.oauthCodes).toContain(`code-${ua}`);
        await s.close({ failed: false });
      } finally {
        await a.dispose();
      }
    });
  }

  it('a bank page whose connection is reset fails the opening with a dropped fault, not the whole run', async () => {
    // Every request's connection is reset, as a bank closing a keep-alive socket just as it is reused.
    let resets = 0;
    const rude = createServer((req) => {
      resets++;
      req.socket.destroy();
    });
    await new Promise<void>((r) => rude.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(rude.address() as AddressInfo).port}/wechat`;
    const a = createWechatH5Adapter(wechatH5ConfigSchema.parse({ ...h5(), url, maxWaitMs: 5000 }), testEnv(), browser);
    try {
      const err = await a.open(testCtx()).catch((e) => e);
      expect(err).toBeInstanceOf(TransportFault);
      expect(err.kind, err.message).toBe('dropped');
      // Fetched again before giving up: a reset reused connection costs no conversation.
      expect(resets).toBeGreaterThanOrEqual(2);
    } finally {
      await a.dispose();
      rude.closeAllConnections();
      await new Promise<void>((r) => rude.close(() => r()));
    }
  });

  it('presents MicroMessenger user agents and hands OAuth back to redirect_uri with code and state', () => {
    expect(wechatUserAgents.ios).toMatch(/MicroMessenger\/8\.0\.49/);
    expect(wechatUserAgents.android).toMatch(/XWEB.*MicroMessenger\/8\.0\.42/);
    const back = oauthReturn(
      'https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx1&redirect_uri=https%3A%2F%2Fbank.example%2Fh5%3Ffrom%3Dmenu&response_type=code&scope=snsapi_base&state=s1#wechat_redirect',
      'abc',
    );
    expect(back).toBe('https://bank.example/h5?from=menu&code=abc&state=s1');
  });
});
